"""Reads of the unit tree for the directory pages, the API and the printed boards."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from .enums import UnitKind
from .models import ContactLine, Post, Staff, Unit


def units_for_directory() -> QuerySet[Unit]:
    """Units with everything the directory shows, in a fixed number of queries."""
    return Unit.objects.select_related("parent").prefetch_related(
        Prefetch("posts", queryset=Post.objects.select_related("hall")),
        "contact_lines",
        Prefetch(
            "staff",
            queryset=Staff.objects.active().prefetch_related("posts"),
        ),
    )


@dataclass
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


def unit_tree() -> TreeNode | None:
    """The whole district as nested nodes (one query, then assembled in memory)."""
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
    return units_for_directory().prefetch_related("children", "halls").filter(code=code).first()


def search_staff(query: str) -> QuerySet[Staff]:
    """Look up staff by work number (exact or prefix) or by name, as the public may do."""
    query = query.strip()[:50]
    if not query:
        return Staff.objects.none()
    return (
        Staff.objects.active()
        .filter(Q(work_number__startswith=query) | Q(name__contains=query))
        .select_related("unit__parent")
        .prefetch_related("posts")[:50]
    )


def public_contact_lines() -> QuerySet[ContactLine]:
    """The hotlines the home page shows: district-wide lines first."""
    return ContactLine.objects.select_related("unit").order_by(
        "unit__kind", "unit__sort_order", "sort_order", "kind"
    )
