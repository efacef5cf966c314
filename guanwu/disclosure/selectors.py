"""Public reads of disclosure content: live (legally approved) revisions only."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, Site

from .enums import DisclosureMode
from .models import CategoryPage, ContentCheck, DisclosureItemPage, SubItem


def public_items() -> QuerySet[DisclosureItemPage]:
    """Every item the public may see: live and not withheld; nothing joined or annotated."""
    return DisclosureItemPage.objects.live().exclude(mode=DisclosureMode.WITHHELD)


def live_items() -> QuerySet[DisclosureItemPage]:
    """Every item the public may see, with what lists need, in a fixed number of queries."""
    latest_check = (
        ContentCheck.objects.filter(page_id=OuterRef("pk"))
        .order_by("-checked_at")
        .values("checked_at")[:1]
    )
    return (
        public_items()
        .select_related("subitem", "owning_unit")
        .annotate(latest_check_at=Subquery(latest_check))
    )


def filter_items(
    items: QuerySet[DisclosureItemPage],
    *,
    category: int | None = None,
    subitem: str | None = None,
    unit: str | None = None,
    mode: str | None = None,
) -> QuerySet[DisclosureItemPage]:
    if category:
        items = items.filter(category=category)
    if subitem:
        items = items.filter(subitem__code=subitem)
    if unit:
        items = items.filter(owning_unit__code=unit.upper())
    if mode:
        items = items.filter(mode=mode)
    return items


def in_force(at: datetime.datetime | None = None) -> Q:
    """Immediate items between their start and their end (seed 五.三.3)."""
    at = at or timezone.now()
    return Q(mode=DisclosureMode.IMMEDIATE, ends_at__gt=at) & (
        Q(starts_at__isnull=True) | Q(starts_at__lte=at)
    )


def in_force_first(items: QuerySet[DisclosureItemPage]) -> QuerySet[DisclosureItemPage]:
    """Immediate items in force lead every list (DESIGN rule 3), then the newest changes."""
    return items.annotate(
        in_force=Case(
            When(in_force(), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    ).order_by("-in_force", "-last_published_at", "pk")


def notices_in_force(at: datetime.datetime | None = None) -> QuerySet[DisclosureItemPage]:
    return live_items().filter(in_force(at)).order_by("-starts_at", "-last_published_at")


def notice_archive() -> QuerySet[DisclosureItemPage]:
    """Immediate items whose time is over, newest first (kept public as a record)."""
    return (
        DisclosureItemPage.objects.filter(
            mode=DisclosureMode.IMMEDIATE, ends_at__lte=timezone.now()
        )
        .filter(Q(live=True) | Q(expired=True))
        .exclude(first_published_at__isnull=True)
        .select_related("owning_unit")
        .order_by("-ends_at")
    )


def categories_with_counts() -> list[dict[str, Any]]:
    counts = dict(
        public_items()
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    subitems: dict[int, list[SubItem]] = {}
    for subitem in SubItem.objects.all():
        subitems.setdefault(subitem.category, []).append(subitem)
    return [
        {
            "page": page,
            "count": counts.get(page.number, 0),
            "subitems": subitems.get(page.number, []),
        }
        for page in CategoryPage.objects.live().order_by("number")
    ]


def latest_changes(limit: int = 10) -> QuerySet[DisclosureItemPage]:
    return live_items().order_by("-last_published_at")[:limit]


def last_checked(item: DisclosureItemPage) -> datetime.datetime | None:
    """Like ``item.last_checked_at``, but from ``live_items()``'s annotation when present."""
    if not hasattr(item, "latest_check_at"):
        return item.last_checked_at
    dates = [d for d in (item.last_published_at, item.latest_check_at) if d]
    return max(dates) if dates else None


# --- the portal's pages: list lines as plain rows -------------------------------------------
#
# A list line needs a title, a link and a few columns. Building a page object per line (a
# Wagtail page model has some thirty columns, an item type more) and asking each for its URL
# (``{% pageurl %}``: a reverse() per line) was most of a list page's time; these read plain
# rows and build the links from ``url_path`` the way Wagtail does (``PageUrls``).

_SERVE_PATH = re.compile(r"(?:[A-Za-z0-9_\-]+/)*")


class PageUrls:
    """What ``{% pageurl page %}`` gives for a page, from the page's ``url_path`` alone.

    Follows ``Page.get_url(request)``: the site root paths (cached on the request as Wagtail
    caches them), the request's site preferred, a local URL for a page of the current site
    (or when there is one site), the site's root URL in front otherwise. The reverse of
    ``wagtail_serve`` is worked out once; a path it would encode (a Unicode slug) is reversed
    as Wagtail does it.
    """

    def __init__(self, request: HttpRequest | None) -> None:
        self.site = Site.find_for_request(request) if request is not None else None
        holder: Any = request if request is not None else self
        try:
            self.root_paths = holder._wagtail_cached_site_root_paths
        except AttributeError:
            self.root_paths = holder._wagtail_cached_site_root_paths = Site.get_site_root_paths()
        self.num_sites = len({root.site_id for root in self.root_paths})
        self.append_slash = getattr(settings, "WAGTAIL_APPEND_SLASH", True)
        self.i18n = getattr(settings, "WAGTAIL_I18N_ENABLED", False)
        self.prefix = reverse("wagtail_serve", args=("",))

    def __call__(self, url_path: str) -> str | None:
        possible = [root for root in self.root_paths if url_path.startswith(root.root_path)]
        if not possible:
            return None
        chosen = possible[0]
        if self.site is not None and len({root.site_id for root in possible}) > 1:
            chosen = next((root for root in possible if root.site_id == self.site.pk), chosen)
        rest = url_path[len(chosen.root_path) :]
        if self.append_slash and not self.i18n and _SERVE_PATH.fullmatch(rest):
            page_path = self.prefix + rest
        else:
            return self._wagtail_url(url_path)
        if (self.site is not None and chosen.site_id == self.site.pk) or self.num_sites == 1:
            return page_path
        return chosen.root_url + page_path

    def _wagtail_url(self, url_path: str) -> str | None:
        page = Page(url_path=url_path)
        page._wagtail_cached_site_root_paths = self.root_paths
        return page.get_url(current_site=self.site) if self.site else page.get_url()


def lines_with_urls(rows: Any, urls: PageUrls) -> list[dict[str, Any]]:
    """Rows of ``values()`` with each page's link (``url``) and its mode's label (``mode_label``)."""
    modes = {value: str(label) for value, label in DisclosureMode.choices}
    lines = []
    for row in rows:
        row["url"] = urls(row["url_path"])
        if "mode" in row:
            row["mode_label"] = modes.get(row["mode"], row["mode"])
        lines.append(row)
    return lines


LINE_FIELDS = ("pk", "title", "url_path", "last_published_at", "starts_at", "ends_at")


def item_lines(items: QuerySet[DisclosureItemPage], *fields: str) -> QuerySet[Any]:
    """``values()`` of public items for list lines: title, link path, dates, the unit's name
    (``unit_name``), the sub-item's code (``subitem_code``) and any ``fields`` asked for."""
    return items.values(
        *LINE_FIELDS,
        *fields,
        unit_name=F("owning_unit__name"),
        subitem_code=F("subitem__code"),
    )


def home_lines(
    urls: PageUrls, notices: int = 5, latest: int = 8
) -> dict[str, list[dict[str, Any]]]:
    """The home page's lists: the notices in force (newest start first) and the latest changes."""
    items = item_lines(public_items())
    return {
        "notices": lines_with_urls(
            items.filter(in_force()).order_by("-starts_at", "-last_published_at")[:notices], urls
        ),
        "latest": lines_with_urls(items.order_by("-last_published_at")[:latest], urls),
    }


def category_tiles(urls: PageUrls) -> list[dict[str, Any]]:
    """The live categories with their public item counts and sub-items, as plain rows."""
    from .enums import CATEGORY_NUMERALS

    count = (
        public_items()
        .filter(category=OuterRef("number"))
        .order_by()
        .values("category")
        .annotate(n=Count("pk"))
        .values("n")
    )
    subitems: dict[int, list[dict[str, Any]]] = {}
    for row in SubItem.objects.values("category", "code", "name", "short_name"):
        subitems.setdefault(row["category"], []).append(row)
    tiles = []
    for row in (
        CategoryPage.objects.live()
        .order_by("number")
        .annotate(count=Coalesce(Subquery(count, output_field=IntegerField()), 0))
        .values("number", "title", "intro", "url_path", "count")
    ):
        row["url"] = urls(row["url_path"])
        row["numeral"] = CATEGORY_NUMERALS[row["number"]]
        row["subitems"] = subitems.get(row["number"], [])
        tiles.append(row)
    return tiles
