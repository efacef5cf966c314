"""The organisation directory (category 一 of the seed), rendered from the unit tree."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from guanwu.organization import selectors


def directory(request: HttpRequest) -> HttpResponse:
    tree = selectors.unit_tree()
    return render(request, "portal/directory.html", {"tree": tree})


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
