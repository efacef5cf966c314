"""Reads of the unit tree for the directory pages, the API and the printed boards.

Public reads return live (legally reviewed) versions only: a snippet's database row is its
live version, and rows that have never been published have ``live=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from .enums import UnitKind
from .models import ContactLine, Hall, Post, Staff, Unit


def _live_posts() -> QuerySet[Post]:
    return Post.objects.live().select_related("hall")


def units_for_directory() -> QuerySet[Unit]:
    """Live units with everything the directory shows, in a fixed number of queries."""
    return (
        Unit.objects.live()
        .select_related("parent")
        .prefetch_related(
            Prefetch("posts", queryset=_live_posts()),
            Prefetch("contact_lines", queryset=ContactLine.objects.live()),
            Prefetch(
                "staff",
                queryset=Staff.objects.live()
                .active()
                .prefetch_related(Prefetch("posts", queryset=_live_posts())),
            ),
        )
    )


@dataclass
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


def unit_tree() -> TreeNode | None:
    """The whole live district as nested nodes (assembled in memory)."""
    units = list(units_for_directory())
    nodes = {unit.pk: TreeNode(unit) for unit in units}
    root: TreeNode | None = None
    for unit in units:
        node = nodes[unit.pk]
        if unit.kind == UnitKind.DISTRICT:
            root = node
        elif unit.parent_id in nodes:
            nodes[unit.parent_id].children.append(node)
    return root


def unit_detail(code: str) -> Unit | None:
    return (
        units_for_directory()
        .prefetch_related(
            Prefetch("children", queryset=Unit.objects.live()),
            Prefetch("halls", queryset=Hall.objects.live()),
        )
        .filter(code=code)
        .first()
    )


def search_staff(query: str) -> QuerySet[Staff]:
    """Look up staff by work number (exact or prefix) or by name, as the public may do."""
    query = query.strip()[:50]
    if not query:
        return Staff.objects.none()
    return (
        Staff.objects.live()
        .active()
        .filter(unit__live=True)
        .filter(Q(work_number__startswith=query) | Q(name__contains=query))
        .select_related("unit__parent")
        .prefetch_related(Prefetch("posts", queryset=_live_posts()))[:50]
    )


def public_contact_lines() -> QuerySet[ContactLine]:
    """The hotlines the home page shows: district-wide lines first."""
    return (
        ContactLine.objects.live()
        .filter(unit__live=True)
        .select_related("unit")
        .order_by("unit__kind", "unit__sort_order", "sort_order", "kind")
    )
