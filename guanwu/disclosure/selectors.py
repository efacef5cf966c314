"""Public reads of disclosure content: live (legally approved) revisions only."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import BooleanField, Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

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


# What a line of an item list on the public pages shows (title and link, unit, subitem, mode,
# dates, summary). Loading only these columns is most of the cost saved: a page row has some
# thirty columns and an item's typed table more, all converted for every row.
SUMMARY_FIELDS = (
    "title",
    "url_path",
    "category",
    "summary",
    "mode",
    "starts_at",
    "ends_at",
    "last_published_at",
    "subitem__code",
    "subitem__short_name",
    "owning_unit__name",
)


def item_summaries() -> QuerySet[DisclosureItemPage]:
    """Public items for the portal's lists, with only the columns a list line shows."""
    return public_items().select_related("subitem", "owning_unit").only(*SUMMARY_FIELDS)


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
