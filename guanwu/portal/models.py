"""Public pages of the disclosure column (关务公开专栏, seed 四.四)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from guanwu.disclosure.guard import LegalReviewGuardMixin
from guanwu.organization.selectors import public_contact_lines


class HomePage(LegalReviewGuardMixin, Page):
    """The column's home: the six categories, the hotlines and the directory entry point."""

    intro = models.TextField(
        _("导语"),
        blank=True,
        help_text=_("首页顶部的简短说明，告诉公众本专栏公开哪些内容。"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["disclosure.CategoryPage"]

    class Meta:
        verbose_name = _("关务公开专栏首页")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from guanwu.disclosure import selectors

        context = super().get_context(request, *args, **kwargs)
        # The district's duty and reporting lines and the centre's hotlines (seed 四.三).
        context["contact_lines"] = list(
            public_contact_lines().filter(Q(unit__kind="district") | Q(unit__function="centre"))
        )
        context["categories"] = selectors.categories_with_counts()
        context["notices"] = list(selectors.notices_in_force()[:5])
        context["latest"] = list(selectors.latest_changes(8))
        return context
