"""Excel (xlsx) import and export of the disclosure items of one category.

Liaisons load a unit's catalogue in bulk. Export and import share one fixed column layout, so
an exported workbook re-imports. Every imported row becomes a draft (``live=False`` with a
saved revision): it still goes through unit approval and legal review before the public sees
it (DESIGN rule 1, seed 六.四). A workbook is imported whole or not at all: one bad row and
nothing is saved, and every problem is reported with its Excel row and column.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import io
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from wagtail.log_actions import log
from wagtail.models import Page

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from guanwu.organization.enums import Role
from guanwu.organization.models import Post, Staff, Unit

from .enums import (
    CATEGORY_NUMERALS,
    Category,
    DisclosureMode,
    IntegrityRuleKind,
    NoticeKind,
    ValidityStatus,
)
from .models import (
    CategoryPage,
    CommitmentPage,
    DisclosureItemPage,
    FeeItemPage,
    GeneralItemPage,
    IntegrityRulePage,
    LegalBasisPage,
    LicensingGuidePage,
    NoticePage,
    ProcedurePage,
    SubItem,
)
from .permissions import user_can_edit_for_unit, user_has_role

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a 5 MB zip can hide far more; refuse "zip bombs"
MAX_ROWS = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_REVIEW_CYCLE = 12

# Who may import at all; each row is then checked against the units the user edits for.
IMPORT_ROLES = (Role.LIAISON, Role.SECTION_CHIEF, Role.DIVISION_HEAD, Role.OFFICE, Role.CENTRE)

# The page types, by a stable key (the same keys as the demo content).
PAGE_TYPES: dict[str, type[DisclosureItemPage]] = {
    "legal_basis": LegalBasisPage,
    "procedure": ProcedurePage,
    "fee": FeeItemPage,
    "licensing": LicensingGuidePage,
    "commitment": CommitmentPage,
    "integrity": IntegrityRulePage,
    "general": GeneralItemPage,
    "notice": NoticePage,
}

# --- the column layout ---------------------------------------------------------------------
# The headers are the file format, so they are fixed text and never translated.

H_TYPE = "类型"
H_TITLE = "标题"
H_SUBITEM = "子项"
H_UNIT = "责任单位代码"
H_LIAISON = "联络员工号"
H_MODE = "公开方式"
H_SUMMARY = "摘要"
H_REVIEW = "检查周期（月）"
H_PERIOD = "公开周期（月）"
H_SCHEDULE = "公开安排"
H_STARTS = "起始时间"
H_ENDS = "截止时间"
H_BODY = "正文"
H_DOC_NO = "文号"
H_AUTHORITY = "发布机关"
H_ISSUED = "发布日期"
H_EFFECTIVE = "施行日期"
H_VALIDITY = "效力状态"
H_STATUTORY = "法定时限（工作日）"
H_PROMISED = "承诺时限（工作日）"
H_LIMIT_NOTE = "时限说明"
H_LEGAL_BASIS = "法律依据"
H_STEPS = "办理环节"
H_WINDOWS = "窗口"
H_FEE_NAME = "收费项目"
H_NO_FEE = "不收费"
H_STANDARD = "收费标准"
H_LICENCE_NAME = "许可事项名称"
H_LICENCE_CONTENT = "许可内容"
H_CONDITIONS = "申请条件"
H_DOCUMENTS = "申请材料"
H_PROMISE = "承诺内容"
H_TARGET = "量化指标"
H_RESPONSIBLE = "落实单位代码"
H_NOTICE_KIND = "公告类别"
H_RULE_KIND = "规定类别"
H_RULES = "规定内容"
H_CHANNELS = "举报渠道说明"
H_ACCOUNTABILITY = "责任追究"


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    note: str  # explanation for the "说明" sheet (part of the file, so Chinese)
    types: tuple[type[DisclosureItemPage], ...] = ()  # empty: every type
    width: int = 14
    text_format: bool = False  # keep codes such as 2.1 or 012345 as text in Excel


_BODY_TYPES = (LegalBasisPage, ProcedurePage, LicensingGuidePage, GeneralItemPage, NoticePage)
_LIMIT_TYPES = (ProcedurePage, LicensingGuidePage)

COLUMNS: tuple[Column, ...] = (
    Column(
        H_TYPE,
        "必填。法律依据、办事程序、收费项目、行政许可办事指南、对外承诺、廉政和监督规定、一般公开事项或随时公开公告。",
        width=16,
    ),
    Column(H_TITLE, "必填。同一类别内标题不得重复。", width=36),
    Column(
        H_SUBITEM, "实施方案子项编号，例如 2.1；类别一和类别六留空。", width=8, text_format=True
    ),
    Column(
        H_UNIT,
        "必填。责任单位代码，例如 HH-XG-ZHYW。只能导入本人有权编辑的单位的内容。",
        width=16,
        text_format=True,
    ),
    Column(
        H_LIAISON,
        "必填。负责本条内容更新的联络员工号，应为责任单位的工作人员。",
        width=12,
        text_format=True,
    ),
    Column(
        H_MODE,
        "长期公开、定期公开、随时公开或暂不公开（报上级备案裁定）；留空为长期公开。随时公开公告总是随时公开。",
        width=12,
    ),
    Column(H_SUMMARY, "不超过 500 字。", width=30),
    Column(H_REVIEW, "整数。长期公开的内容按此周期检查维护；长期公开且留空时为 12。", width=10),
    Column(H_PERIOD, "整数。定期公开的内容必填。", width=10),
    Column(H_SCHEDULE, "公开安排的文字说明。", width=16),
    Column(H_STARTS, "日期时间，例如 2026-01-31 09:00。", width=18),
    Column(H_ENDS, "日期时间。随时公开的内容必填，到时自动撤下；其他公开方式留空。", width=18),
    Column(H_BODY, "纯文本，每行一段。", _BODY_TYPES, width=40),
    Column(H_DOC_NO, "法律依据的文号。", (LegalBasisPage,)),
    Column(H_AUTHORITY, "法律依据的发布机关（必填）。", (LegalBasisPage,)),
    Column(H_ISSUED, "日期，例如 2026-01-31。", (LegalBasisPage,), width=12),
    Column(H_EFFECTIVE, "日期，例如 2026-03-01。", (LegalBasisPage,), width=12),
    Column(H_VALIDITY, "现行有效、已修订或已废止；留空为现行有效。", (LegalBasisPage,), width=10),
    Column(H_STATUTORY, "整数（工作日）。", _LIMIT_TYPES, width=10),
    Column(H_PROMISED, "整数（工作日），不能长于法定时限。", _LIMIT_TYPES, width=10),
    Column(H_LIMIT_NOTE, "办理时限的文字说明。", _LIMIT_TYPES, width=20),
    Column(
        H_LEGAL_BASIS,
        "办事程序的法律依据、收费依据（收费项目必填）或许可设立依据（必填）。",
        (ProcedurePage, FeeItemPage, LicensingGuidePage),
        width=30,
    ),
    Column(
        H_STEPS,
        "每行一个环节：“环节：说明”，可加“｜时限”，例如“受理：审核申请材料｜1个工作日”。",
        _LIMIT_TYPES,
        width=36,
    ),
    Column(
        H_WINDOWS,
        "办理窗口，写作“单位代码:窗口标识”，多个用逗号分隔，例如 HH-XG-ZHYW:A01。",
        _LIMIT_TYPES,
        width=20,
    ),
    Column(H_FEE_NAME, "收费项目名称（必填）。", (FeeItemPage,), width=20),
    Column(
        H_NO_FEE,
        "是或否；留空时按是否填写收费标准判断。",
        (FeeItemPage, LicensingGuidePage),
        width=8,
    ),
    Column(
        H_STANDARD,
        "收费项目：收费标准文字。行政许可：每行一项“项目：标准”，可加“｜依据”。不收费时留空。",
        (FeeItemPage, LicensingGuidePage),
        width=30,
    ),
    Column(H_LICENCE_NAME, "行政许可事项名称（必填）。", (LicensingGuidePage,), width=20),
    Column(H_LICENCE_CONTENT, "行政许可内容（必填）。", (LicensingGuidePage,), width=30),
    Column(H_CONDITIONS, "每行一个申请条件。", (LicensingGuidePage,), width=30),
    Column(
        H_DOCUMENTS,
        "每行一种材料：“名称”或“名称（份数）”，例如“营业执照复印件（2份）”。",
        (LicensingGuidePage,),
        width=30,
    ),
    Column(H_PROMISE, "承诺内容（必填）。", (CommitmentPage,), width=30),
    Column(
        H_TARGET,
        "可量化的指标（必填），例如“咨询 5 个工作日内答复率 100%”。",
        (CommitmentPage,),
        width=20,
    ),
    Column(
        H_RESPONSIBLE, "落实承诺的单位代码（必填）。", (CommitmentPage,), width=16, text_format=True
    ),
    Column(
        H_NOTICE_KIND,
        "影响通关的紧急情况、工作时间调整、违法违纪人员处理情况或其他（必填）。",
        (NoticePage,),
        width=16,
    ),
    Column(
        H_RULE_KIND,
        "执法纪律和廉政勤政制度、社会监督办法或违规违纪处置和责任追究（必填）。",
        (IntegrityRulePage,),
        width=16,
    ),
    Column(H_RULES, "纯文本，每行一段（必填）。", (IntegrityRulePage,), width=40),
    Column(H_CHANNELS, "其他举报投诉渠道和反馈方式。", (IntegrityRulePage,), width=24),
    Column(H_ACCOUNTABILITY, "责任追究办法。", (IntegrityRulePage,), width=24),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
COLUMNS_BY_HEADER = {column.header: column for column in COLUMNS}

# Where a model field's validation error is shown.
FIELD_HEADERS: dict[str, str] = {
    "title": H_TITLE,
    "draft_title": H_TITLE,
    "slug": H_TITLE,
    "subitem": H_SUBITEM,
    "owning_unit": H_UNIT,
    "liaison": H_LIAISON,
    "mode": H_MODE,
    "summary": H_SUMMARY,
    "review_cycle_months": H_REVIEW,
    "period_months": H_PERIOD,
    "schedule_note": H_SCHEDULE,
    "starts_at": H_STARTS,
    "ends_at": H_ENDS,
    "expire_at": H_ENDS,
    "body": H_BODY,
    "document_number": H_DOC_NO,
    "issuing_authority": H_AUTHORITY,
    "issued_on": H_ISSUED,
    "effective_on": H_EFFECTIVE,
    "validity": H_VALIDITY,
    "replaced_by": H_VALIDITY,
    "validity_note": H_VALIDITY,
    "statutory_limit_days": H_STATUTORY,
    "promised_limit_days": H_PROMISED,
    "limit_note": H_LIMIT_NOTE,
    "legal_basis": H_LEGAL_BASIS,
    "steps": H_STEPS,
    "windows": H_WINDOWS,
    "fee_name": H_FEE_NAME,
    "no_fee": H_NO_FEE,
    "standard": H_STANDARD,
    "fees": H_STANDARD,
    "licence_name": H_LICENCE_NAME,
    "licence_content": H_LICENCE_CONTENT,
    "conditions": H_CONDITIONS,
    "documents": H_DOCUMENTS,
    "promise": H_PROMISE,
    "target": H_TARGET,
    "responsible_unit": H_RESPONSIBLE,
    "notice_kind": H_NOTICE_KIND,
    "rule_kind": H_RULE_KIND,
    "rules": H_RULES,
    "channels_note": H_CHANNELS,
    "accountability": H_ACCOUNTABILITY,
}

# Tree and bookkeeping fields Wagtail fills in when the page is added under its parent.
UNVALIDATED_FIELDS = ["path", "depth", "numchild", "url_path", "draft_title", "content_type"]

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗"}


@dataclasses.dataclass(frozen=True)
class RowError:
    """One problem: the Excel row (header = 1; 0 for the file as a whole), column and message."""

    row: int
    column: str
    message: str


@dataclasses.dataclass
class ImportResult:
    created: list[DisclosureItemPage] = dataclasses.field(default_factory=list)
    errors: list[RowError] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def user_can_import(user: Any) -> bool:
    return any(user_has_role(user, role) for role in IMPORT_ROLES)


# --- labels -------------------------------------------------------------------------------


def _zh(label: Any) -> str:
    """A label as the file writes it: the Chinese source text, whatever the UI language."""
    with translation.override("zh-hans"):
        return str(label)


def type_label(page_class: type[DisclosureItemPage]) -> str:
    return _zh(page_class._meta.verbose_name)


def _lookup_table(pairs: Iterable[tuple[Iterable[Any], Any]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for spellings, target in pairs:
        for spelling in spellings:
            table.setdefault(str(spelling).strip().lower(), target)
    return table


def _type_table() -> dict[str, type[DisclosureItemPage]]:
    return _lookup_table(
        (
            (type_label(cls), str(cls._meta.verbose_name), key, cls.__name__),
            cls,
        )
        for key, cls in PAGE_TYPES.items()
    )


def _choice_table(choices: type[models.TextChoices]) -> dict[str, str]:
    return _lookup_table(
        ((_zh(choice.label), str(choice.label), choice.value), choice.value) for choice in choices
    )


def _choice_labels(choices: type[models.TextChoices]) -> str:
    return "、".join(_zh(choice.label) for choice in choices)


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    return _zh(choices(value).label) if value in choices.values else value


# --- text conversions ---------------------------------------------------------------------


def html_to_text(value: str) -> str:
    """Rich text as plain text, one paragraph a line."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", value or "")
    text = re.sub(r"(?i)</(p|h[1-6]|li|blockquote|div|tr)\s*>", "\n", text)
    text = html.unescape(strip_tags(text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def text_to_html(value: str) -> str:
    """Plain text as rich text: every non-empty line a paragraph."""
    return "".join(f"<p>{escape(line.strip())}</p>" for line in value.splitlines() if line.strip())


def _one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


# --- export -------------------------------------------------------------------------------


def _steps_text(steps: Any) -> str:
    lines = []
    for block in steps:
        value = block.value
        line = _one_line(value.get("title"))
        if value.get("description"):
            line += "：" + _one_line(value["description"])
        if value.get("time_limit"):
            line += "｜" + _one_line(value["time_limit"])
        lines.append(line)
    return "\n".join(lines)


def _documents_text(documents: Any) -> str:
    lines = []
    for block in documents:
        name, copies = _one_line(block.value.get("name")), block.value.get("copies") or 1
        lines.append(name if copies == 1 else f"{name}（{copies}份）")
    return "\n".join(lines)


def _fees_text(fees: Any) -> str:
    lines = []
    for block in fees:
        value = block.value
        line = f"{_one_line(value.get('item'))}：{_one_line(value.get('standard'))}"
        if value.get("basis"):
            line += "｜" + _one_line(value["basis"])
        lines.append(line)
    return "\n".join(lines)


def _windows_text(page: Any) -> str:
    posts = sorted(page.windows.all(), key=lambda p: (p.unit.code, p.sign_code))
    return ", ".join(f"{post.unit.code}:{post.sign_code}" for post in posts)


def row_values(page: DisclosureItemPage) -> dict[str, Any]:
    """One item as a row of the sheet: header -> cell value (None for an empty cell)."""
    row: dict[str, Any] = {
        H_TYPE: type_label(type(page)),
        H_TITLE: page.title,
        H_SUBITEM: page.subitem.code if page.subitem_id else None,
        H_UNIT: page.owning_unit.code,
        H_LIAISON: page.liaison.work_number,
        H_MODE: _choice_label(DisclosureMode, page.mode),
        H_SUMMARY: page.summary,
        H_REVIEW: page.review_cycle_months,
        H_PERIOD: page.period_months,
        H_SCHEDULE: page.schedule_note,
        H_STARTS: _local(page.starts_at),
        H_ENDS: _local(page.ends_at),
    }
    if isinstance(page, _BODY_TYPES):
        row[H_BODY] = html_to_text(page.body)
    if isinstance(page, LegalBasisPage):
        row.update(
            {
                H_DOC_NO: page.document_number,
                H_AUTHORITY: page.issuing_authority,
                H_ISSUED: page.issued_on,
                H_EFFECTIVE: page.effective_on,
                H_VALIDITY: _choice_label(ValidityStatus, page.validity),
            }
        )
    if isinstance(page, _LIMIT_TYPES):
        row.update(
            {
                H_STATUTORY: page.statutory_limit_days,
                H_PROMISED: page.promised_limit_days,
                H_LIMIT_NOTE: page.limit_note,
                H_LEGAL_BASIS: page.legal_basis,
                H_STEPS: _steps_text(page.steps),
                H_WINDOWS: _windows_text(page),
            }
        )
    if isinstance(page, FeeItemPage):
        row.update(
            {
                H_FEE_NAME: page.fee_name,
                H_NO_FEE: "是" if page.no_fee else "否",
                H_STANDARD: page.standard,
                H_LEGAL_BASIS: page.legal_basis,
            }
        )
    if isinstance(page, LicensingGuidePage):
        row.update(
            {
                H_LICENCE_NAME: page.licence_name,
                H_LICENCE_CONTENT: page.licence_content,
                H_CONDITIONS: "\n".join(_one_line(block.value) for block in page.conditions),
                H_DOCUMENTS: _documents_text(page.documents),
                H_NO_FEE: "是" if page.no_fee else "否",
                H_STANDARD: _fees_text(page.fees),
            }
        )
    if isinstance(page, CommitmentPage):
        row.update(
            {
                H_PROMISE: page.promise,
                H_TARGET: page.target,
                H_RESPONSIBLE: page.responsible_unit.code,
            }
        )
    if isinstance(page, NoticePage):
        row[H_NOTICE_KIND] = _choice_label(NoticeKind, page.notice_kind)
    if isinstance(page, IntegrityRulePage):
        row.update(
            {
                H_RULE_KIND: _choice_label(IntegrityRuleKind, page.rule_kind),
                H_RULES: html_to_text(page.rules),
                H_CHANNELS: page.channels_note,
                H_ACCOUNTABILITY: page.accountability,
            }
        )
    return {header: (value if value != "" else None) for header, value in row.items()}


def _sort_key(page: DisclosureItemPage) -> tuple[Any, ...]:
    subitem = page.subitem
    if subitem is None:
        return (0, 0, 0, page.title)
    return (1, subitem.category, subitem.number, page.title)


def exported_items(category: int) -> list[DisclosureItemPage]:
    """The category's live, public items (withheld ones excluded), in sheet order."""
    pages = (
        DisclosureItemPage.objects.live()
        .filter(category=category)
        .exclude(mode=DisclosureMode.WITHHELD)
        .specific()
    )
    return sorted(pages, key=_sort_key)


def set_cell(cell: Any, value: Any) -> None:
    """Write a value to an xlsx cell: illegal characters dropped, text never a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"


def _check_category(category: int) -> None:
    if category not in Category.values:
        raise ValueError(_("未知的公开类别。"))


def export_items(*, category: int) -> bytes:
    """The live items of ``category`` as an xlsx workbook (sheet 1: items, sheet 2: 说明)."""
    _check_category(category)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = f"类别{CATEGORY_NUMERALS[category]}"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = header_font, header_fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text_format:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "C2"
    for row_number, page in enumerate(exported_items(category), start=2):
        values = row_values(page)
        for index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=row_number, column=index)
            set_cell(cell, values.get(column.header))
            cell.alignment = wrap
            if column.text_format:
                cell.number_format = "@"
    _write_notes(workbook.create_sheet("说明"), category, header_font, header_fill, wrap)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_notes(sheet: Any, category: int, font: Any, fill: Any, wrap: Any) -> None:
    label = _zh(Category(category).label)
    rows: list[tuple[str, str, str]] = [
        (f"类别{CATEGORY_NUMERALS[category]}　{label}：公开事项导入导出说明", "", ""),
        ("第一个工作表每行一条公开事项，第一行为列名，请勿修改列名。空行会被跳过。", "", ""),
        ("导入的内容一律保存为草稿，须经单位负责人审批和法规处审核后才能公开。", "", ""),
        ("有任何一行出错时整个文件都不会导入；请按错误提示修改后重新上传。", "", ""),
        (f"每个文件不超过 5 MB、{MAX_ROWS} 行。", "", ""),
        ("", "", ""),
        ("列名", "适用类型", "填写说明"),
    ]
    header_row = len(rows)
    for column in COLUMNS:
        types = "、".join(type_label(t) for t in column.types) if column.types else "全部类型"
        rows.append((column.header, types, column.note))
    rows.append(("", "", ""))
    rows.append(("公开方式", "", _choice_labels(DisclosureMode)))
    rows.append(("效力状态", "", _choice_labels(ValidityStatus)))
    rows.append(("公告类别", "", _choice_labels(NoticeKind)))
    rows.append(("规定类别", "", _choice_labels(IntegrityRuleKind)))
    subitems = SubItem.objects.for_category(category)
    if subitems.exists():
        rows.append(("本类别子项", "", "；".join(f"{s.code} {s.short_name}" for s in subitems)))
    else:
        rows.append(("本类别子项", "", "本类别没有子项，子项列留空。"))
    for row in rows:
        sheet.append(row)
    for cell in sheet[header_row]:
        cell.font, cell.fill = font, fill
    sheet["A1"].font = Font(bold=True, size=13)
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = wrap
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 80


# --- import: reading the workbook -----------------------------------------------------------


class _FileError(Exception):
    def __init__(self, *errors: RowError) -> None:
        super().__init__(errors)
        self.errors = list(errors)


def _read_bytes(data: bytes | BinaryIO) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)
    else:
        size = getattr(data, "size", None)
        if size is not None and size > MAX_FILE_BYTES:
            raise _FileError(RowError(0, "", _("文件超过 5 MB，请拆分后分批导入。")))
        if hasattr(data, "seek"):
            data.seek(0)
        content = data.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise _FileError(RowError(0, "", _("文件超过 5 MB，请拆分后分批导入。")))
    return content


def _open_sheet_rows(content: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    unreadable = RowError(0, "", _("无法读取文件，请上传 Excel 工作簿（.xlsx 格式）。"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _FileError(unreadable) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise _FileError(RowError(0, "", _("文件内容过大，请拆分后分批导入。")))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on foreign files
        raise _FileError(unreadable) from exc
    try:
        if not workbook.worksheets:
            raise _FileError(unreadable)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet fails while it is read
                raise _FileError(unreadable) from exc
            number += 1
            yield number, values
    finally:
        workbook.close()


def _header_errors(header: tuple[Any, ...]) -> tuple[dict[str, int], list[RowError]]:
    names = [str(value).strip() if value is not None else "" for value in header]
    positions: dict[str, int] = {}
    duplicates, unknown = [], []
    for index, name in enumerate(names):
        if not name:
            continue
        if name not in COLUMNS_BY_HEADER:
            unknown.append(name)
        elif name in positions:
            duplicates.append(name)
        else:
            positions[name] = index
    errors = []
    missing = [h for h in HEADERS if h not in positions]
    if missing:
        errors.append(
            RowError(1, "", _("缺少以下列：%(columns)s。") % {"columns": "、".join(missing)})
        )
    if unknown:
        errors.append(
            RowError(1, "", _("无法识别以下列：%(columns)s。") % {"columns": "、".join(unknown)})
        )
    if duplicates:
        errors.append(
            RowError(1, "", _("以下列重复：%(columns)s。") % {"columns": "、".join(duplicates)})
        )
    return positions, errors


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The non-empty data rows as (Excel row number, header -> value)."""
    rows: list[tuple[int, dict[str, Any]]] = []
    positions: dict[str, int] | None = None
    for number, values in _open_sheet_rows(content):
        if positions is None:
            positions, errors = _header_errors(values)
            if errors:
                raise _FileError(*errors)
            continue
        cells = {h: values[i] if i < len(values) else None for h, i in positions.items()}
        if all(_is_empty(v) for v in cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            message = _("数据超过 %(max)d 行，请拆分后分批导入。") % {"max": MAX_ROWS}
            raise _FileError(RowError(number, "", message))
        rows.append((number, cells))
    if positions is None:
        raise _FileError(RowError(1, "", _("工作表是空的：第一行应为列名。")))
    return rows


# --- import: one row ----------------------------------------------------------------------


class _Lookups:
    """The small reference tables every row refers to, read once per import."""

    def __init__(self, category_page: CategoryPage) -> None:
        self.units = {u.code: u for u in Unit.objects.select_related("parent__parent")}
        self.staff = {
            s.work_number: s for s in Staff.objects.select_related("unit__parent__parent")
        }
        self.subitems = {s.code: s for s in SubItem.objects.all()}
        self.posts = {(p.unit.code, p.sign_code): p for p in Post.objects.select_related("unit")}
        self.types = _type_table()
        self.modes = _choice_table(DisclosureMode)
        self.validities = _choice_table(ValidityStatus)
        self.notice_kinds = _choice_table(NoticeKind)
        self.rule_kinds = _choice_table(IntegrityRuleKind)
        self.titles: set[str] = set()
        for title, draft_title in Page.objects.child_of(category_page).values_list(
            "title", "draft_title"
        ):
            self.titles.update({title, draft_title})


class _Row:
    """Typed access to one row's cells; every problem is recorded against its column."""

    def __init__(self, number: int, cells: dict[str, Any]) -> None:
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def has_error(self, column: str) -> bool:
        return any(error.column == column for error in self.errors)

    def text(self, column: str) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()

    def lines(self, column: str) -> list[str]:
        return [line.strip() for line in self.text(column).split("\n") if line.strip()]

    def integer(self, column: str) -> int | None:
        value = self.cells.get(column)
        if _is_empty(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
            number = int(value)
        else:
            self.error(column, _("“%(value)s”不是有效的整数。") % {"value": self.text(column)})
            return None
        if number < 0 or number > 32767:
            self.error(column, _("“%(value)s”不是有效的整数。") % {"value": number})
            return None
        return number

    def date(self, column: str) -> datetime.date | None:
        value = self.cells.get(column)
        if _is_empty(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = self.text(column)
        match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        self.error(column, _("“%(value)s”不是有效的日期，请写作 2026-01-31。") % {"value": text})
        return None

    def moment(self, column: str) -> datetime.datetime | None:
        value = self.cells.get(column)
        if _is_empty(value):
            return None
        moment: datetime.datetime | None = None
        if isinstance(value, datetime.datetime):
            # Excel stores time as a fraction of a day; round away float noise.
            moment = (value + datetime.timedelta(microseconds=500_000)).replace(microsecond=0)
        elif isinstance(value, datetime.date):
            moment = datetime.datetime.combine(value, datetime.time())
        else:
            text = self.text(column)
            match = re.fullmatch(
                r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?)?",
                text,
            )
            if match:
                parts = [int(part) if part else 0 for part in match.groups()]
                try:
                    moment = datetime.datetime(*parts)  # made aware below
                except ValueError:
                    moment = None
            if moment is None:
                self.error(
                    column,
                    _("“%(value)s”不是有效的时间，请写作 2026-01-31 09:00。") % {"value": text},
                )
                return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def boolean(self, column: str) -> bool | None:
        value = self.cells.get(column)
        if _is_empty(value):
            return None
        if isinstance(value, bool):
            return value
        word = self.text(column).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.error(column, _("请填写“是”或“否”。"))
        return None

    def choice(
        self, column: str, table: dict[str, str], choices: type[models.TextChoices]
    ) -> str | None:
        text = self.text(column)
        if not text:
            return None
        value = table.get(text.lower())
        if value is None:
            self.error(
                column,
                _("无法识别“%(value)s”，可选：%(choices)s。")
                % {"value": text, "choices": _choice_labels(choices)},
            )
        return value


def _unit(row: _Row, column: str, lookups: _Lookups) -> Unit | None:
    code = row.text(column).upper()
    if not code:
        row.error(column, _("请填写单位代码。"))
        return None
    unit = lookups.units.get(code)
    if unit is None:
        row.error(column, _("找不到代码为“%(value)s”的单位。") % {"value": code})
    return unit


def _steps(row: _Row) -> list[tuple[str, dict[str, Any]]]:
    steps = []
    for line_number, line in enumerate(row.lines(H_STEPS), start=1):
        time_limit = ""
        match = re.search(r"[｜|]([^｜|]*)$", line)
        if match:
            time_limit, line = match.group(1).strip(), line[: match.start()]
        parts = re.split(r"[：:]", line, maxsplit=1)
        title = parts[0].strip()
        description = parts[1].strip() if len(parts) > 1 else ""
        if not title:
            row.error(
                H_STEPS,
                _("第 %(line)d 行格式不对，应写作“环节：说明”或“环节：说明｜时限”。")
                % {"line": line_number},
            )
            continue
        steps.append(
            ("step", {"title": title, "description": description, "time_limit": time_limit})
        )
    return steps


def _fees(row: _Row) -> list[tuple[str, dict[str, Any]]]:
    fees = []
    for line_number, line in enumerate(row.lines(H_STANDARD), start=1):
        basis = ""
        match = re.search(r"[｜|]([^｜|]*)$", line)
        if match:
            basis, line = match.group(1).strip(), line[: match.start()]
        parts = re.split(r"[：:]", line, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            row.error(
                H_STANDARD,
                _("第 %(line)d 行格式不对，应写作“项目：标准”。") % {"line": line_number},
            )
            continue
        fees.append(
            ("fee", {"item": parts[0].strip(), "standard": parts[1].strip(), "basis": basis})
        )
    return fees


def _documents(row: _Row) -> list[tuple[str, dict[str, Any]]]:
    documents = []
    for line in row.lines(H_DOCUMENTS):
        name, copies = line, 1
        match = re.fullmatch(r"(.+?)\s*[（(]\s*(\d+)\s*份?\s*[）)]", line)
        if match:
            name, copies = match.group(1).strip(), int(match.group(2))
        documents.append(("document", {"name": name, "copies": copies, "original": False}))
    return documents


def _windows(row: _Row, lookups: _Lookups) -> list[Post]:
    posts = []
    for token in re.split(r"[,，、;；\n]+", row.text(H_WINDOWS)):
        token = token.strip()
        if not token:
            continue
        parts = re.split(r"\s*[:：]\s*", token, maxsplit=1)
        post = None
        if len(parts) == 2:
            post = lookups.posts.get((parts[0].upper(), parts[1].upper()))
        if post is None:
            row.error(
                H_WINDOWS,
                _("找不到窗口“%(value)s”，应写作“单位代码:窗口标识”，例如 HH-XG-ZHYW:A01。")
                % {"value": token},
            )
        elif post not in posts:
            posts.append(post)
    return posts


def _type_values(
    row: _Row, page_class: type[DisclosureItemPage], lookups: _Lookups
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The type-specific field values and parental many-to-many values of a row."""
    values: dict[str, Any] = {}
    m2m: dict[str, list[Any]] = {}
    if issubclass(page_class, _BODY_TYPES):
        values["body"] = text_to_html(row.text(H_BODY))
    if issubclass(page_class, LegalBasisPage):
        values.update(
            document_number=row.text(H_DOC_NO),
            issuing_authority=row.text(H_AUTHORITY),
            issued_on=row.date(H_ISSUED),
            effective_on=row.date(H_EFFECTIVE),
            validity=row.choice(H_VALIDITY, lookups.validities, ValidityStatus)
            or ValidityStatus.VALID,
        )
    if issubclass(page_class, _LIMIT_TYPES):
        values.update(
            statutory_limit_days=row.integer(H_STATUTORY),
            promised_limit_days=row.integer(H_PROMISED),
            limit_note=row.text(H_LIMIT_NOTE),
            legal_basis=row.text(H_LEGAL_BASIS),
            steps=_steps(row),
        )
        m2m["windows"] = _windows(row, lookups)
    if issubclass(page_class, FeeItemPage):
        standard = row.text(H_STANDARD)
        no_fee = row.boolean(H_NO_FEE)
        values.update(
            fee_name=row.text(H_FEE_NAME),
            no_fee=(not standard) if no_fee is None else no_fee,
            standard=standard,
            legal_basis=row.text(H_LEGAL_BASIS),
        )
    if issubclass(page_class, LicensingGuidePage):
        fees = _fees(row)
        no_fee = row.boolean(H_NO_FEE)
        values.update(
            licence_name=row.text(H_LICENCE_NAME),
            licence_content=row.text(H_LICENCE_CONTENT),
            conditions=[("condition", line) for line in row.lines(H_CONDITIONS)],
            documents=_documents(row),
            no_fee=(not fees) if no_fee is None else no_fee,
            fees=fees,
        )
    if issubclass(page_class, CommitmentPage):
        values.update(
            promise=row.text(H_PROMISE),
            target=row.text(H_TARGET),
            responsible_unit=_unit(row, H_RESPONSIBLE, lookups),
        )
    if issubclass(page_class, NoticePage):
        values["notice_kind"] = row.choice(H_NOTICE_KIND, lookups.notice_kinds, NoticeKind) or ""
    if issubclass(page_class, IntegrityRulePage):
        values.update(
            rule_kind=row.choice(H_RULE_KIND, lookups.rule_kinds, IntegrityRuleKind) or "",
            rules=text_to_html(row.text(H_RULES)),
            channels_note=row.text(H_CHANNELS),
            accountability=row.text(H_ACCOUNTABILITY),
        )
    return values, m2m


def _block_messages(error: Any) -> Iterator[str]:
    """Flatten a StreamField block validation error into readable messages."""
    block_errors = getattr(error, "block_errors", None)
    non_block = getattr(error, "non_block_errors", None)
    if non_block:
        for item in non_block:
            yield from _block_messages(item)
    if block_errors:
        items = block_errors.items() if isinstance(block_errors, dict) else enumerate(block_errors)
        for _key, item in items:
            if item is not None:
                yield from _block_messages(item)
        return
    if isinstance(error, ValidationError):
        yield from error.messages
    elif isinstance(error, list | tuple):
        for item in error:
            yield from _block_messages(item)
    elif error:
        yield str(error)


def _check_streams(row: _Row, page: DisclosureItemPage) -> None:
    for name in ("steps", "conditions", "documents", "fees"):
        if not hasattr(type(page), name):
            continue
        column = FIELD_HEADERS[name]
        if row.has_error(column):
            continue
        stream = getattr(page, name)
        field = page._meta.get_field(name)
        for index, child in enumerate(stream, start=1):
            try:
                field.stream_block.child_blocks[child.block_type].clean(child.value)
            except ValidationError as exc:
                for message in dict.fromkeys(_block_messages(exc)):
                    row.error(
                        column,
                        _("第 %(line)d 项：%(message)s") % {"line": index, "message": message},
                    )


def _build_row(
    row: _Row,
    *,
    category_page: CategoryPage,
    user: Any,
    lookups: _Lookups,
    seen_titles: dict[str, int],
) -> DisclosureItemPage | None:
    """The unsaved draft page of one row, validated; its problems are left in ``row.errors``."""
    type_text = row.text(H_TYPE)
    page_class = lookups.types.get(type_text.lower()) if type_text else None
    if page_class is None:
        labels = "、".join(type_label(cls) for cls in PAGE_TYPES.values())
        if type_text:
            message = _("无法识别的类型“%(value)s”，可选：%(choices)s。") % {
                "value": type_text,
                "choices": labels,
            }
        else:
            message = _("请填写类型，可选：%(choices)s。") % {"choices": labels}
        row.error(H_TYPE, message)
        return None

    for column in COLUMNS:
        if (
            column.types
            and not issubclass(page_class, column.types)
            and not _is_empty(row.cells.get(column.header))
        ):
            row.error(
                column.header,
                _("“%(type)s”不使用此列，请留空。") % {"type": type_label(page_class)},
            )

    title = row.text(H_TITLE)
    if title and title in lookups.titles:
        row.error(H_TITLE, _("本类别已有标题相同的事项。"))
    elif title and title in seen_titles:
        row.error(H_TITLE, _("与第 %(row)d 行的标题重复。") % {"row": seen_titles[title]})
    elif title:
        seen_titles[title] = row.number

    subitem = None
    subitem_code = row.text(H_SUBITEM)
    if subitem_code:
        subitem = lookups.subitems.get(subitem_code)
        if subitem is None:
            row.error(H_SUBITEM, _("找不到编号为“%(value)s”的子项。") % {"value": subitem_code})

    owning_unit = _unit(row, H_UNIT, lookups)
    if owning_unit is not None and not user_can_edit_for_unit(user, owning_unit):
        row.error(H_UNIT, _("您无权为单位“%(unit)s”导入公开事项。") % {"unit": owning_unit.code})

    liaison = None
    work_number = row.text(H_LIAISON)
    if not work_number:
        row.error(H_LIAISON, _("请填写联络员工号。"))
    else:
        liaison = lookups.staff.get(work_number)
        if liaison is None:
            row.error(H_LIAISON, _("找不到工号为“%(value)s”的工作人员。") % {"value": work_number})
        elif not liaison.is_active:
            row.error(
                H_LIAISON, _("工号为“%(value)s”的工作人员已不在岗。") % {"value": work_number}
            )

    mode = row.choice(H_MODE, lookups.modes, DisclosureMode) or DisclosureMode.STANDING
    if page_class is NoticePage:
        mode = DisclosureMode.IMMEDIATE
    review_cycle = row.integer(H_REVIEW)
    if review_cycle is None and mode == DisclosureMode.STANDING and not row.has_error(H_REVIEW):
        review_cycle = DEFAULT_REVIEW_CYCLE

    values: dict[str, Any] = {
        "title": title,
        "slug": f"import-{category_page.number}-{uuid.uuid4().hex[:8]}",
        "live": False,
        "owner": user,
        "subitem": subitem,
        "owning_unit": owning_unit,
        "liaison": liaison,
        "mode": mode,
        "summary": row.text(H_SUMMARY),
        "review_cycle_months": review_cycle,
        "period_months": row.integer(H_PERIOD),
        "schedule_note": row.text(H_SCHEDULE),
        "starts_at": row.moment(H_STARTS),
        "ends_at": row.moment(H_ENDS),
    }
    type_values, m2m = _type_values(row, page_class, lookups)
    values.update(type_values)
    page = page_class(**values)
    for name, items in m2m.items():
        getattr(page, name).set(items)
    page._parent_for_validation = category_page  # DisclosureItemPage.clean() needs the category

    _check_streams(row, page)
    _check_text_lengths(row, page)
    try:
        page.full_clean(exclude=UNVALIDATED_FIELDS)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            column = FIELD_HEADERS.get(field, "")
            if field != NON_FIELD_ERRORS and row.has_error(column):
                continue  # the row already says what is wrong with this cell
            for message in messages:
                row.error(column, message)
    return page


def _check_text_lengths(row: _Row, page: DisclosureItemPage) -> None:
    """Text fields' max_length, which Django enforces only in forms."""
    for field in page._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.max_length:
            value = getattr(page, field.attname) or ""
            column = FIELD_HEADERS.get(field.name, "")
            if len(value) > field.max_length and not row.has_error(column):
                row.error(
                    column,
                    _("不能超过 %(max)d 个字（现为 %(length)d 个字）。")
                    % {"max": field.max_length, "length": len(value)},
                )


# --- import -------------------------------------------------------------------------------


def import_items(*, category: int, data: bytes | BinaryIO, user: Any) -> ImportResult:
    """Validate every row of the workbook; if all are good, add them all as drafts.

    Nothing is published: each row becomes a page with ``live=False`` and a saved revision,
    which the liaison then submits for review. Any error anywhere means nothing is saved.
    """
    _check_category(category)
    if not user_can_import(user):
        raise PermissionDenied(
            _("只有联络员、科长、处长/分关关长、办公室或咨询服务中心可以导入公开事项。")
        )
    category_page = CategoryPage.objects.filter(number=category).first()
    if category_page is None:
        return ImportResult(errors=[RowError(0, "", _("未知的公开类别。"))])
    try:
        rows = _read_rows(_read_bytes(data))
    except _FileError as exc:
        return ImportResult(errors=exc.errors)
    if not rows:
        return ImportResult(errors=[RowError(0, "", _("文件中没有可导入的数据行。"))])

    lookups = _Lookups(category_page)
    seen_titles: dict[str, int] = {}
    built: list[tuple[int, DisclosureItemPage]] = []
    errors: list[RowError] = []
    for number, cells in rows:
        row = _Row(number, cells)
        page = _build_row(
            row, category_page=category_page, user=user, lookups=lookups, seen_titles=seen_titles
        )
        errors.extend(row.errors)
        if page is not None and not row.errors:
            built.append((number, page))
    if errors:
        return ImportResult(errors=errors)

    created: list[DisclosureItemPage] = []
    current = 0
    try:
        with transaction.atomic():
            for number, page in built:
                current = number
                category_page.add_child(instance=page)
                page.save_revision(user=user, log_action=True)
                log(instance=page, action="guanwu.import", user=user, data={"row": number})
                created.append(page)
    except ValidationError as exc:
        # Something changed between validation and saving (e.g. a concurrent edit).
        return ImportResult(errors=[RowError(current, "", m) for m in exc.messages])
    return ImportResult(created=created)
