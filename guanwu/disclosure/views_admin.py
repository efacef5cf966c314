"""Admin views for the disclosure workflow's side tasks: checks, withheld filings, reminders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import CheckedForm, DecisionForm, FilingForm
from .models import DisclosureItemPage, WithheldFiling
from .permissions import user_can_edit_for_unit, user_can_record_filing_decision
from .reminders import reminders_for_user


def _item(pk: int) -> DisclosureItemPage:
    return get_object_or_404(DisclosureItemPage, pk=pk).specific


def _form_view(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], object],
    *,
    success: str,
    redirect_to: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Validate ``form``, run one service, report the outcome: the shape of every view here."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except services.DisclosureError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    return TemplateResponse(request, "disclosure/admin/form.html", {"form": form, **context})


@require_http_methods(["GET", "POST"])
def mark_checked(request: HttpRequest, pk: int) -> HttpResponse:
    page = _item(pk)
    if not user_can_edit_for_unit(request.user, page.owning_unit):
        raise PermissionDenied
    return _form_view(
        request,
        CheckedForm(request.POST or None),
        lambda data: services.item_mark_checked(page=page, user=request.user, note=data["note"]),
        success=_("已记录：“%(title)s”经检查仍然有效。") % {"title": page.title},
        redirect_to="disclosure_reminders",
        context={"page": page, "title": _("确认内容仍然有效"), "submit": _("确认仍然有效")},
    )


@require_http_methods(["GET", "POST"])
def file_withheld(request: HttpRequest, pk: int) -> HttpResponse:
    page = _item(pk)
    if not user_can_edit_for_unit(request.user, page.owning_unit):
        raise PermissionDenied
    return _form_view(
        request,
        FilingForm(request.POST or None),
        lambda data: services.withheld_file(page=page, user=request.user, **data),
        success=_("已报上级主管机关备案，等待裁定。"),
        redirect_to="disclosure_filings",
        context={"page": page, "title": _("报上级备案（暂不公开）"), "submit": _("提交备案")},
    )


@require_http_methods(["GET", "POST"])
def decide_filing(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_can_record_filing_decision(request.user):
        raise PermissionDenied
    filing = get_object_or_404(WithheldFiling.objects.select_related("page"), pk=pk)
    return _form_view(
        request,
        DecisionForm(request.POST or None),
        lambda data: services.withheld_decide(filing=filing, user=request.user, **data),
        success=_("已登记上级主管机关的裁定。"),
        redirect_to="disclosure_filings",
        context={
            "page": filing.page,
            "filing": filing,
            "title": _("登记上级主管机关裁定"),
            "submit": _("登记裁定"),
        },
    )


def filings(request: HttpRequest) -> HttpResponse:
    rows = WithheldFiling.objects.select_related("page", "filed_by").order_by(
        "decision", "-filed_at"
    )
    return TemplateResponse(
        request,
        "disclosure/admin/filings.html",
        {"filings": rows, "can_decide": user_can_record_filing_decision(request.user)},
    )


def reminders(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request, "disclosure/admin/reminders.html", {"reminders": reminders_for_user(request.user)}
    )
