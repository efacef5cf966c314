"""The staff case list as an xlsx workbook. Rule 8: an integrity reporter's identity never
leaves the system in an export, whoever asks; phone numbers and e-mail addresses of every
asker are masked (a workbook travels further than the screen it came from)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from guanwu.audit.services import record
from guanwu.disclosure.spreadsheets import set_cell

from .enums import CaseKind
from .models import Case
from .notify import mask_email
from .sms import mask_number

logger = logging.getLogger("guanwu.cases")

# Rows per workbook: enough for a year of a district's cases, small enough to build in memory.
MAX_ROWS = 20_000


def _asker(case: Case) -> tuple[str, str, str]:
    if case.kind == CaseKind.INTEGRITY_REPORT:
        secret = _("（保密）") if case.has_contact else ""
        return secret, secret, secret
    return (
        case.name,
        mask_number(case.phone) if case.phone else "",
        mask_email(case.email) if case.email else "",
    )


def export_cases(
    cases: Iterable[Case], *, user: Any, request: Any = None, filters: dict[str, Any] | None = None
) -> bytes:
    """``cases`` (already limited to what ``user`` may see) as xlsx bytes.

    Recorded as ``export.cases`` (issue 8: exports are audited): who, how many rows, with
    which filters; never a row's contents."""
    today = timezone.localdate()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("咨询投诉")
    headers = [
        _("查询码"),
        _("类别"),
        _("渠道"),
        _("标题"),
        _("内容"),
        _("状态"),
        _("办理层级"),
        _("主办单位"),
        _("承办人"),
        _("首问责任人"),
        _("受理日期"),
        _("答复期限"),
        _("是否超期"),
        _("答复时间"),
        _("办结时间"),
        _("评价"),
        _("并入事项"),
        _("来件人"),
        _("电话（已遮盖）"),
        _("电子邮箱（已遮盖）"),
    ]
    for column, header in enumerate(headers, start=1):
        set_cell(sheet.cell(row=1, column=column), header)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    count = 0
    for row, case in enumerate(cases, start=2):
        if row - 1 > MAX_ROWS:
            break
        name, phone, email = _asker(case)
        overdue = case.is_overdue(today)
        values = [
            case.tracking_code,
            case.get_kind_display(),
            case.get_channel_display(),
            case.title,
            case.body[:2000],
            case.get_status_display(),
            case.get_level_display(),
            case.responsible_unit.name if case.responsible_unit else "",
            case.handler.get_full_name() if case.handler else "",
            case.first_contact.get_full_name() if case.first_contact else "",
            case.received_on,
            case.deadline,
            _("是") if overdue else "",
            timezone.localtime(case.replied_at).replace(tzinfo=None) if case.replied_at else None,
            timezone.localtime(case.closed_at).replace(tzinfo=None) if case.closed_at else None,
            case.get_rating_display() if case.rating else "",
            case.merged_into.tracking_code if case.merged_into else "",
            name,
            phone,
            email,
        ]
        for column, value in enumerate(values, start=1):
            set_cell(sheet.cell(row=row, column=column), value)
        count += 1
    for column, width in enumerate(
        [15, 12, 8, 24, 40, 10, 14, 18, 10, 10, 12, 12, 8, 17, 17], start=1
    ):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Who exported how much; never the contents.
    logger.info("case export by user %s: %d rows", getattr(user, "pk", None), count)
    record(
        "export.cases",
        actor=user,
        request=request,
        detail={"rows": count, "filters": {k: str(v) for k, v in (filters or {}).items() if v}},
    )
    return buffer.getvalue()
