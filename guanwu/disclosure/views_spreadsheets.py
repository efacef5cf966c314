"""Admin views for the Excel import and export of a category's disclosure items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .enums import CATEGORY_NUMERALS, Category
from .spreadsheets import MAX_ROWS, XLSX_CONTENT_TYPE, export_items, import_items, user_can_import

# Categories 二 to 六 carry most items; 一 (organisation) comes last in the menu.
CATEGORY_ORDER = (2, 3, 4, 5, 6, 1)


def category_choices() -> list[tuple[int, str]]:
    return [(n, f"{CATEGORY_NUMERALS[n]}、{Category(n).label}") for n in CATEGORY_ORDER]


class ImportForm(forms.Form):
    category = forms.TypedChoiceField(label=gettext_lazy("公开类别"), coerce=int, choices=())
    file = forms.FileField(
        label=gettext_lazy("Excel 文件"),
        help_text=gettext_lazy("xlsx 格式，不超过 5 MB。可先导出本类别，按同样的列填写。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


def _require_admin(user: Any) -> None:
    if not user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied


@require_http_methods(["GET"])
def export_view(request: HttpRequest) -> HttpResponse:
    """The category's live items as an xlsx attachment."""
    _require_admin(request.user)
    raw = request.GET.get("category", "")
    if not raw.isdigit() or int(raw) not in Category.values:
        return HttpResponseBadRequest(_("未知的公开类别。"))
    category = int(raw)
    response = HttpResponse(export_items(category=category), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"category-{category}-items.xlsx"
    )
    return response


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """Upload a workbook; show the drafts it created or every error with its row and column."""
    _require_admin(request.user)
    if not user_can_import(request.user):
        # A plain 403 rather than Wagtail's redirect: this page is simply not for this user.
        return HttpResponseForbidden(
            _("只有联络员、科长、处长/分关关长、办公室或咨询服务中心可以导入公开事项。")
        )
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = import_items(
                category=form.cleaned_data["category"],
                data=form.cleaned_data["file"],
                user=request.user,
            )
    else:
        initial = request.GET.get("category", "")
        form = ImportForm(initial={"category": int(initial)} if initial.isdigit() else None)
    return render(
        request,
        "disclosure/admin/import.html",
        {
            "page_title": _("Excel 导入公开事项"),
            "form": form,
            "result": result,
            "categories": category_choices(),
            "max_rows": MAX_ROWS,
        },
    )
