"""sitemap.xml: Wagtail's live, public pages plus the portal's own pages (directory, notices, search).

Wagtail's sitemap already lists only live pages without view restrictions; withheld items
(暂不公开) are left out as well, should one ever be live.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from guanwu.disclosure.enums import DisclosureMode


class PageSitemap(WagtailSitemap):
    """The page tree under the site's root: the column home, categories and live items."""

    def items(self) -> Any:
        from guanwu.disclosure.models import DisclosureItemPage

        withheld = DisclosureItemPage.objects.filter(mode=DisclosureMode.WITHHELD).values("pk")
        return (
            self.get_wagtail_site()
            .root_page.get_descendants(inclusive=True)
            .live()
            .public()
            .exclude(pk__in=withheld)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )


class PortalSitemap(Sitemap):
    """Pages served by portal views: the directory and its live units, notices and search."""

    def items(self) -> list[str]:
        from guanwu.organization.models import Unit

        paths = [reverse("directory")]
        codes = Unit.objects.live().order_by("sort_order", "code").values_list("code", flat=True)
        paths += [reverse("unit-detail", args=[code]) for code in codes]
        paths += [reverse("notices"), reverse("notice-archive"), reverse("search")]
        return paths

    def location(self, item: str) -> str:
        return item


SITEMAPS = {"pages": PageSitemap, "portal": PortalSitemap}
