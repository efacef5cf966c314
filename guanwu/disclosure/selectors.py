"""Public reads of disclosure content: live (legally approved) revisions only."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .enums import DisclosureMode
from .models import CategoryPage, ContentCheck, DisclosureItemPage, SubItem


def live_items() -> QuerySet[DisclosureItemPage]:
    """Every item the public may see, with what lists need, in a fixed number of queries."""
    latest_check = (
        ContentCheck.objects.filter(page_id=OuterRef("pk"))
        .order_by("-checked_at")
        .values("checked_at")[:1]
    )
    return (
        DisclosureItemPage.objects.live()
        .exclude(mode=DisclosureMode.WITHHELD)
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


def in_force_first(items: QuerySet[DisclosureItemPage]) -> QuerySet[DisclosureItemPage]:
    """Immediate items in force lead every list (DESIGN rule 3), then the newest changes."""
    now = timezone.now()
    from django.db.models import BooleanField, Case, Value, When

    return items.annotate(
        in_force=Case(
            When(
                Q(mode=DisclosureMode.IMMEDIATE, ends_at__gt=now)
                & (Q(starts_at__isnull=True) | Q(starts_at__lte=now)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-in_force", "-last_published_at", "pk")


def notices_in_force(at: datetime.datetime | None = None) -> QuerySet[DisclosureItemPage]:
    at = at or timezone.now()
    return (
        live_items()
        .filter(mode=DisclosureMode.IMMEDIATE, ends_at__gt=at)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at))
        .order_by("-starts_at", "-last_published_at")
    )


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
        live_items()
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
    annotated = getattr(item, "latest_check_at", None)
    dates = [d for d in (item.last_published_at, annotated) if d]
    if annotated is None and not hasattr(item, "latest_check_at"):
        return item.last_checked_at
    return max(dates) if dates else None


def newest_publication() -> datetime.datetime | None:
    return live_items().aggregate(newest=Max("last_published_at"))["newest"]
