"""The audit log reader for the audit administrator (issue 8: separation of duties).

Read-only by construction: the views list, export and verify; there is no view that edits
or deletes a row (the table is append-only in the ORM and in the database as well). Reading
the log is itself audited, once per page view or export.
"""

from __future__ import annotations

import csv
import datetime
import json
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .enums import EVENTS, Outcome
from .models import AuditEvent
from .permissions import user_can_read_audit_log
from .services import record, verify

PAGE_SIZE = 50
# One CSV holds at most this many rows; narrow the filters for more.
EXPORT_LIMIT = 50_000
# Families recorded from another log (receivers.py): described by their prefix.
FAMILY_DESCRIPTIONS = {
    "case.": "case history action (CaseEvent)",
    "content.": "Wagtail log entry (content or configuration)",
}


class AuditFilterForm(forms.Form):
    event = forms.CharField(label=gettext_lazy("事件代码（前缀）"), required=False, max_length=80)
    actor = forms.CharField(label=gettext_lazy("操作人账号"), required=False, max_length=150)
    outcome = forms.ChoiceField(
        label=gettext_lazy("结果"),
        required=False,
        choices=[("", gettext_lazy("全部")), *Outcome.choices],
    )
    start = forms.DateField(
        label=gettext_lazy("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    object_type = forms.CharField(label=gettext_lazy("对象类型"), required=False, max_length=100)
    object_id = forms.CharField(label=gettext_lazy("对象编号"), required=False, max_length=64)
    request_id = forms.CharField(label=gettext_lazy("请求编号"), required=False, max_length=64)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_events(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The rows matching the cleaned filters, newest first. Dates are local calendar days."""
    rows = AuditEvent.objects.order_by("-id")
    if filters.get("event"):
        rows = rows.filter(event__startswith=filters["event"])
    if filters.get("actor"):
        rows = rows.filter(actor_name__iexact=filters["actor"])
    if filters.get("outcome"):
        rows = rows.filter(outcome=filters["outcome"])
    if filters.get("start"):
        rows = rows.filter(at__gte=_local_midnight(filters["start"]))
    if filters.get("end"):
        rows = rows.filter(at__lt=_local_midnight(filters["end"] + datetime.timedelta(days=1)))
    for field in ("object_type", "object_id", "request_id"):
        if filters.get(field):
            rows = rows.filter(**{field: filters[field]})
    return rows


def describe(event: str) -> str:
    if event in EVENTS:
        return EVENTS[event]
    for prefix, text in FAMILY_DESCRIPTIONS.items():
        if event.startswith(prefix):
            return text
    return ""


def _require_reader(request: HttpRequest) -> None:
    if not user_can_read_audit_log(request.user):
        raise PermissionDenied


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {key: value for key, value in form.cleaned_data.items() if value}
    return form, {}


def _audit_detail(filters: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value) for key, value in filters.items()}


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form, filters = _filters(request)
    page = Paginator(filter_events(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "row": row,
            "description": describe(row.event),
            "detail": json.dumps(row.detail, ensure_ascii=False, indent=2, sort_keys=True),
        }
        for row in page.object_list
    ]
    record(
        "audit.viewed",
        request=request,
        detail={"filters": _audit_detail(filters), "page": page.number, "rows": len(rows)},
    )
    return TemplateResponse(
        request,
        "audit/admin/log.html",
        {"form": form, "page_obj": page, "rows": rows, "has_filters": bool(filters)},
    )


def _csv_cell(value: Any) -> str:
    """Text for a spreadsheet: a leading =, +, - or @ would be read as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def audit_log_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    _form, filters = _filters(request)
    rows = list(filter_events(filters).select_related(None)[:EXPORT_LIMIT])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
    writer = csv.writer(response)
    writer.writerow(
        [
            "id",
            "at_utc",
            "actor",
            "event",
            "object_type",
            "object_id",
            "outcome",
            "address",
            "request_id",
            "detail",
            "hash",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                _csv_cell(value)
                for value in (
                    row.pk,
                    row.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    row.actor_name,
                    row.event,
                    row.object_type,
                    row.object_id,
                    row.outcome,
                    row.address,
                    row.request_id,
                    json.dumps(row.detail, ensure_ascii=False, sort_keys=True),
                    row.hash,
                )
            ]
        )
    record(
        "export.audit",
        request=request,
        detail={"filters": _audit_detail(filters), "rows": len(rows)},
    )
    return response


@require_POST
def audit_log_verify(request: HttpRequest) -> HttpResponse:
    """校验链: the same check as ``manage.py audit_verify``, its result shown and recorded."""
    _require_reader(request)
    result = verify()
    broken = AuditEvent.objects.filter(pk=result.broken_id).first() if result.broken_id else None
    record(
        "audit.verified",
        request=request,
        outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
        detail={
            "ok": result.ok,
            "count": result.count,
            "broken_id": result.broken_id,
            "reason": result.reason,
        },
    )
    if result.ok:
        message = _("审计日志完整，共 %(count)d 条。") % {"count": result.count}
    elif result.reason == "changed":
        message = _("审计日志第 %(row)s 条被篡改（哈希不符）。") % {"row": result.broken_id}
    else:
        message = _("审计日志第 %(row)s 条之前有记录缺失（链断开）。") % {"row": result.broken_id}
    return TemplateResponse(
        request,
        "audit/admin/verify.html",
        {"result": result, "message": message, "broken": broken},
    )
