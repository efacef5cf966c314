"""Atom feeds of the column: notices (/feeds/notices/) and new or changed items (/feeds/items/).

Only live, legally reviewed content is syndicated: every entry comes from the disclosure
selectors, which read the page rows (the live revision) and leave withheld items out. A
pending draft's new title or summary is never in a feed.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from guanwu.disclosure import selectors
from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import DisclosureItemPage

ITEMS_FEED_SIZE = 50
NOTICES_FEED_SIZE = 50
# Live immediate-mode items that are not (or no longer) in force, shown after those in force.
RECENT_NOTICES = 20
# XML 1.0 cannot carry C0 control characters (tab, line feed and carriage return aside): Django's
# feed writer raises on them, a 500 for the whole feed. Reviewed text can still hold one
# (pasted from a word processor; the XSS corpus test types them), so entries drop them.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 refuses (an escaped string stays escaped)."""
    return _XML_UNSAFE.sub("", value)


class _ItemFeed(Feed, ABC):
    """What both feeds share: Atom, Chinese, entries linking to the live page."""

    feed_type = Atom1Feed
    language = "zh-CN"  # the disclosed content is Chinese whatever the interface language

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpRequest:
        # The request is needed for page URLs; Feed instances are shared between threads, so
        # it travels as the feed's "object" rather than as an attribute.
        return request

    @abstractmethod
    def entries(self) -> list[DisclosureItemPage]:
        """The live items this feed carries, newest first."""

    def items(self, request: HttpRequest) -> list[DisclosureItemPage]:
        entries = self.entries()
        for entry in entries:
            entry.feed_link = entry.get_url(request)
        return entries

    def author_name(self) -> str:
        return settings.WAGTAIL_SITE_NAME

    def item_title(self, item: DisclosureItemPage) -> str:
        return xml_text(item.title)

    def item_link(self, item: DisclosureItemPage) -> str:
        return item.feed_link

    def item_guid(self, item: DisclosureItemPage) -> str:
        # A stable id per page (the URL may change when the page is moved).
        return f"tag:guanwu,2026:page-{item.pk}"

    def item_pubdate(self, item: DisclosureItemPage) -> Any:
        return item.first_published_at or item.last_published_at

    def item_updateddate(self, item: DisclosureItemPage) -> Any:
        return item.last_published_at

    def item_author_name(self, item: DisclosureItemPage) -> str:
        return xml_text(item.owning_unit.name)

    def item_categories(self, item: DisclosureItemPage) -> list[str]:
        categories = [str(item.get_category_display())]
        if item.subitem:
            categories.append(f"{item.subitem.code} {item.subitem.short_name}")
        return [xml_text(category) for category in categories]

    def item_description(self, item: DisclosureItemPage) -> str:
        facts = [(_("责任单位"), item.owning_unit.name), (_("公开方式"), item.get_mode_display())]
        if item.ends_at:
            start = timezone.localtime(item.starts_at) if item.starts_at else None
            end = timezone.localtime(item.ends_at)
            period = f"{start:%Y-%m-%d %H:%M} — " if start else ""
            facts.append((_("有效期"), f"{period}{end:%Y-%m-%d %H:%M}"))
        return xml_text(
            format_html(
                "<p>{}</p><ul>{}</ul>",
                item.summary or item.title,
                format_html_join("", "<li>{}：{}</li>", facts),
            )
        )


class NoticesFeed(_ItemFeed):
    """Immediate-mode notices (随时公开) in force, then recent live ones not in force."""

    def title(self) -> str:
        return _("%(site)s · 随时公开公告") % {"site": settings.WAGTAIL_SITE_NAME}

    def subtitle(self) -> str:
        return _("正在生效的随时公开公告和近期发布的公告，内容经法规处审核后发布。")

    def link(self) -> str:
        return reverse("notices")

    def entries(self) -> list[DisclosureItemPage]:
        in_force = list(selectors.notices_in_force()[:NOTICES_FEED_SIZE])
        seen = {item.pk for item in in_force}
        recent = (
            selectors.live_items()
            .filter(mode=DisclosureMode.IMMEDIATE)
            .exclude(pk__in=seen)
            .order_by("-last_published_at", "-pk")[:RECENT_NOTICES]
        )
        return (in_force + list(recent))[:NOTICES_FEED_SIZE]


class ItemsFeed(_ItemFeed):
    """New or changed live items, the latest publication first."""

    def title(self) -> str:
        return _("%(site)s · 最近更新的公开内容") % {"site": settings.WAGTAIL_SITE_NAME}

    def subtitle(self) -> str:
        return _("关务公开专栏新发布和更新的公开事项，内容经法规处审核后发布。")

    def link(self) -> str:
        return "/"

    def entries(self) -> list[DisclosureItemPage]:
        return list(selectors.latest_changes(ITEMS_FEED_SIZE))
