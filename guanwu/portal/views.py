"""The organisation directory (category 一 of the seed), rendered from the unit tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from guanwu.organization import selectors
from guanwu.organization.enums import ContactLineKind, UnitKind
from guanwu.organization.models import ContactLine, Unit


@dataclass
class DirectoryNode:
    """One unit of the directory page: only what the page shows, as plain values."""

    code: str
    name: str
    duties: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    children: list[DirectoryNode] = field(default_factory=list)


def directory_tree() -> DirectoryNode | None:
    """The live district as nested plain nodes, in two queries whatever its size.

    ``organization.selectors.unit_tree()`` loads every unit with its posts, staff and their
    posts as model instances (what the API and the printed boards need); the page shows
    names, duties and contact lines only, and building those thousands of objects was most
    of its time.
    """
    units = list(
        Unit.objects.live()
        .order_by("sort_order", "code")
        .values_list("pk", "parent_id", "kind", "code", "name", "duties")
    )
    # Labels and tel: links worked out once here, not per line in the template.
    labels = {value: str(label) for value, label in ContactLineKind.choices}
    lines: dict[int, list[dict[str, Any]]] = {}
    for unit_id, kind, number, hours in (
        ContactLine.objects.live()
        .filter(unit__live=True)
        .order_by("sort_order", "kind", "number")
        .values_list("unit_id", "kind", "number", "hours")
    ):
        lines.setdefault(unit_id, []).append(
            {
                "kind": labels.get(kind, kind),
                "number": number,
                "tel": number.replace(" ", ""),
                "hours": hours,
            }
        )
    nodes = {
        pk: DirectoryNode(code, name, duties, lines.get(pk, []))
        for pk, _parent, _kind, code, name, duties in units
    }
    root: DirectoryNode | None = None
    for pk, parent_id, kind, *_rest in units:
        if kind == UnitKind.DISTRICT:
            root = nodes[pk]
        elif parent_id in nodes:
            nodes[parent_id].children.append(nodes[pk])
    return root


def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/directory.html", {"tree": directory_tree()})


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_detail(code.upper())
    if unit is None:
        raise Http404(_("没有这个单位。"))
    return render(request, "portal/unit_detail.html", {"unit": unit})


def staff_lookup(request: HttpRequest) -> HttpResponse:
    """Lets the public check a work number (工号) they were given or saw on a window."""
    query = request.GET.get("q", "")
    error = ""
    if len(query) > 50:
        error = _("查询内容过长，请输入工号或姓名。")
        query = ""
    results = list(selectors.search_staff(query)) if query else []
    return render(
        request,
        "portal/staff_lookup.html",
        {"query": query, "results": results, "error": error},
    )


def search_page(request: HttpRequest) -> HttpResponse:
    """The column's search: the same engine as the kiosk and /api/v1/search/."""
    from guanwu.disclosure.enums import Category
    from guanwu.disclosure.models import SubItem
    from guanwu.organization.models import Unit

    from .search import QueryError, search

    query = request.GET.get("q", "")[:1000]
    filters = {
        "category": _int(request.GET.get("category")),
        "subitem": request.GET.get("subitem", "")[:8] or None,
        "unit": request.GET.get("unit", "")[:32] or None,
    }
    page = _int(request.GET.get("page")) or 1
    results, error, status = None, "", 200
    if query.strip():
        try:
            results = search(query, page=page, **filters)
        except QueryError as exc:
            error, status = str(exc), 400
    context = {
        "query": query if not error else "",
        "results": results,
        "error": error,
        "filters": filters,
        "categories": Category.choices,
        "subitems": SubItem.objects.all(),
        "units": Unit.objects.live().filter(items__live=True).distinct().order_by("sort_order"),
        "hot_words": HOT_WORDS,
    }
    return render(request, "portal/search.html", context, status=status)


# Common questions at the halls' consultation desks; shown as one-tap searches.
HOT_WORDS = [
    "加工贸易",
    "AEO认证",
    "知识产权",
    "报关单",
    "原产地",
    "减免税",
    "ATA单证册",
    "行李物品",
]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
