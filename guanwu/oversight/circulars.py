"""Circulars (通报) of cases received and handled, per month or quarter (seed 二: 总关…负责解决
…咨询和投诉问题，并以适当形式将受理及处理结果定期进行通报; DESIGN rule 10).

A circular keeps its figures (JSON, computed by ``stats``), a few typical cases with every
piece of personal data removed, and a PDF with its SHA-256. One row per period: building a
period again replaces its figures and its PDF. Its public summary is a disclosure page that,
like everything public, goes out only after legal review (DESIGN rule 1, seed 六.四).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import workdays_between
from guanwu.cases.enums import CaseKind
from guanwu.cases.models import Case, CaseReply
from guanwu.organization.enums import Role, UnitFunction, UnitKind
from guanwu.organization.models import Staff, Unit
from guanwu.organization.roles import user_has_role
from guanwu.printing.enums import BuildState

from . import stats
from .enums import PeriodKind
from .models import Circular, LiaisonAssignment

__all__ = [
    "CircularError",
    "build_circular",
    "circular_context",
    "parse_period",
    "publish_summary",
    "redact",
    "summary_state",
    "typical_cases",
    "user_can_build_circulars",
    "user_can_publish_circular_summary",
    "user_can_see_circulars",
]

FIGURES_VERSION = 1
TEMPLATE = "oversight/circular.html"
# Typical cases: at most this many answered cases of each kind.
TYPICAL_PER_KIND = 2
QUESTION_CHARS = 160
ANSWER_CHARS = 220
# Seed 六.三 / 六.一: the summary sits in category 六 (对外承诺) — see ``publish_summary``.
SUMMARY_CATEGORY = 6
# The circular names at most this many units with overdue open cases, the worst first.
OVERDUE_UNITS_NAMED = 5
QUARTER_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四"}

PERIOD_RE = re.compile(r"^(?P<year>\d{4})-(?:(?P<month>\d{2})|[Qq](?P<quarter>\d))$")


class CircularError(ValidationError):
    """A circular could not be built or published; the message is for the user, in Chinese."""


# --- who may do what (STYLE rule 5) ---------------------------------------------------------

# Seed 六.一–二: the office runs the circulars and the evaluation; the supervision office
# checks the whole district's disclosure and case handling. Nobody else sees circulars.
CIRCULAR_ROLES = (Role.OFFICE, Role.SUPERVISION)


def user_can_see_circulars(user: Any) -> bool:
    return any(user_has_role(user, role) for role in CIRCULAR_ROLES)


user_can_build_circulars = user_can_see_circulars
user_can_publish_circular_summary = user_can_see_circulars


# --- periods ----------------------------------------------------------------------------------


def parse_period(value: str) -> tuple[str, datetime.date, datetime.date]:
    """``"2026-11"`` → (month, 2026-11-01, 2026-11-30); ``"2026-Q4"`` → (quarter, 2026-10-01,
    2026-12-31). Anything else raises a ``CircularError`` with a Chinese message."""
    match = PERIOD_RE.match((value or "").strip())
    if match is None:
        raise CircularError(
            _("期间格式不正确：月度写作 2026-11，季度写作 2026-Q4。"), code="period"
        )
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise CircularError(_("年份应在 2000 年到 2100 年之间。"), code="period")
    if match["month"] is not None:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise CircularError(_("月份应在 01 到 12 之间。"), code="period")
        start = datetime.date(year, month, 1)
        return PeriodKind.MONTH, start, _month_end(start)
    quarter = int(match["quarter"])
    if not 1 <= quarter <= 4:
        raise CircularError(_("季度应在 Q1 到 Q4 之间。"), code="period")
    start = datetime.date(year, quarter * 3 - 2, 1)
    return PeriodKind.QUARTER, start, _month_end(datetime.date(year, quarter * 3, 1))


def _month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=pycalendar.monthrange(first.year, first.month)[1])


def normalise_period(value: str) -> str:
    kind, start, _end = parse_period(value)
    if kind == PeriodKind.MONTH:
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month + 2) // 3}"


def period_label(kind: str, start: datetime.date) -> str:
    if kind == PeriodKind.MONTH:
        return _("%(year)d年%(month)d月") % {"year": start.year, "month": start.month}
    return _("%(year)d年第%(quarter)s季度") % {
        "year": start.year,
        "quarter": QUARTER_NUMERALS[(start.month + 2) // 3],
    }


# --- personal data -----------------------------------------------------------------------------

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 18-digit resident ID (last character may be X) and the old 15-digit one.
ID_RE = re.compile(r"(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
PHONE_RES = (
    # Mobile numbers, also written 138 0013 8000 or +86-138-0013-8000.
    re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"),
    # Landlines with an area code: 022-2345 6789, (022)23456789.
    re.compile(r"(?<!\d)[(（]?0\d{2,3}[)）]?[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)"),
    # Service numbers: 400-810-1234, 800 810 1234.
    re.compile(r"(?<!\d)[48]00[\s-]?\d{3}[\s-]?\d{4}(?!\d)"),
    # Any other run of seven or more digits (local numbers, account numbers...).
    re.compile(r"(?<!\d)\d{7,}(?!\d)"),
)
# "王先生", "李女士": the surname is personal data too.
ADDRESS_RE = re.compile(r"[\u4e00-\u9fff](?=(?:先生|女士|小姐))")


def redact(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with every e-mail address, ID number and phone number masked, the asker's
    known name and contact details (``known``) replaced, and 王先生 written 某先生."""
    text = text or ""
    for value in sorted({k.strip() for k in known if k and k.strip()}, key=len, reverse=True):
        if len(value) >= 2:
            text = text.replace(value, _("某"))
    text = EMAIL_RE.sub(_("[邮箱已隐去]"), text)
    text = ID_RE.sub(_("[证件号已隐去]"), text)
    for pattern in PHONE_RES:
        text = pattern.sub(_("[号码已隐去]"), text)
    return ADDRESS_RE.sub(_("某"), text)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def typical_cases(start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """典型案例: up to ``TYPICAL_PER_KIND`` cases of each kind received in [start, end] and
    answered by its end, rated ones first. Only what the public may read: no name, phone,
    e-mail, caller number or tracking code; the question and the answer go through
    :func:`redact`. Integrity reports never appear (DESIGN rule 8: their content and
    reporter are confidential)."""
    calendar = load_calendar()
    result: list[dict[str, Any]] = []
    for kind in CaseKind.values:
        if kind == CaseKind.INTEGRITY_REPORT:
            continue
        candidates = (
            Case.objects.filter(
                kind=kind, received_on__range=(start, end), merged_into__isnull=True
            )
            .select_related("responsible_unit__parent")
            .order_by(F("rating").desc(nulls_last=True), "received_on", "pk")
        )
        picked = 0
        for case in candidates.iterator():
            reply = (
                CaseReply.objects.filter(case=case, public=True, sent_at__isnull=False)
                .order_by("sent_at", "pk")
                .first()
            )
            if reply is None:
                continue
            answered_on = timezone.localtime(reply.sent_at).date()
            if answered_on > end:
                continue
            known = (case.name, case.phone, case.email, case.caller_number)
            result.append(
                {
                    "kind": kind,
                    "unit": _unit_label(case.responsible_unit) if case.responsible_unit else "",
                    "received_on": case.received_on.isoformat(),
                    "answered_on": answered_on.isoformat(),
                    "workdays": workdays_between(case.received_on, answered_on, calendar),
                    "on_time": answered_on <= case.deadline,
                    "title": _shorten(redact(case.title, known), 60),
                    "question": _shorten(redact(case.body, known), QUESTION_CHARS),
                    "answer": _shorten(redact(reply.body, known), ANSWER_CHARS),
                    "rating": case.rating,
                }
            )
            picked += 1
            if picked >= TYPICAL_PER_KIND:
                break
    return result


# --- figures ----------------------------------------------------------------------------------


def _district() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.DISTRICT).first()


def _office() -> Unit | None:
    return Unit.objects.filter(function=UnitFunction.OFFICE).first()


def _unit_label(unit: Unit) -> str:
    if unit.kind == UnitKind.SECTION and unit.parent is not None:
        return f"{unit.parent.short_name or unit.parent.name}{unit.name}"
    return unit.name


def compute_figures(period: str) -> dict[str, Any]:
    """Everything a circular shows, JSON-serialisable (the ``Circular.figures`` payload)."""
    kind, start, end = parse_period(period)
    rows = stats.case_figures(start, end)
    by_kind = stats.kind_figures(start, end)
    district = _district()
    merged = Case.objects.filter(received_on__range=(start, end), merged_into__isnull=False).count()
    unit_rows = []
    for row in rows:
        data = row.as_dict()
        data["label"] = _unit_label(row.unit) if row.unit else ""
        unit_rows.append(data)
    kind_rows = []
    for value, row in by_kind.items():
        data = row.as_dict()
        data["kind"] = value
        kind_rows.append(data)
    return {
        "version": FIGURES_VERSION,
        "period": normalise_period(period),
        "kind": str(kind),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": min(end, timezone.localdate()).isoformat(),
        "district": {
            "code": district.code if district else "",
            "name": district.name if district else "",
        },
        "merged_excluded": merged,
        "total": unit_rows[0],
        "units": unit_rows[1:],
        "kinds": kind_rows,
        "typical_cases": typical_cases(start, end),
    }


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def table_columns() -> list[str]:
    """The column heads of the figures tables, after the label column (PDF and admin)."""
    return [
        _("受理"),
        _("已答复"),
        _("按时答复"),
        _("按时答复率"),
        _("平均用时（工作日）"),
        _("评价"),
        _("满意"),
        _("满意率"),
        _("不满意"),
        _("超期未办结"),
        _("超期升级"),
    ]


CELL_KEYS = (
    "received",
    "answered",
    "answered_on_time",
    "on_time_rate",
    "avg_workdays",
    "rated",
    "satisfied",
    "satisfaction_rate",
    "dissatisfied",
    "overdue_open",
    "escalated",
)


def _display_row(label: str, data: dict[str, Any]) -> dict[str, Any]:
    row = _display_values(label, data)
    row["cells"] = [row[key] for key in CELL_KEYS]
    return row


def _display_values(label: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": label,
        "received": data["received"],
        "answered": data["answered"],
        "answered_on_time": data["answered_on_time"],
        "on_time_rate": _percent(data["on_time_rate"]),
        "avg_workdays": _number(data["avg_workdays_to_answer"]),
        "rated": data["rated"],
        "satisfied": data["satisfied"],
        "satisfaction_rate": _percent(data["satisfaction_rate"]),
        "dissatisfied": data["dissatisfied"],
        "overdue_open": data["overdue_open"],
        "escalated": data["escalated"],
    }


def circular_context(circular: Circular) -> dict[str, Any]:
    """What the PDF, the admin page and the public summary show, from the stored figures."""
    figures = circular.figures
    kind_labels = dict(CaseKind.choices)
    start = datetime.date.fromisoformat(figures["start"])
    end = datetime.date.fromisoformat(figures["end"])
    as_of = datetime.date.fromisoformat(figures["as_of"])
    total = figures["total"]
    label = period_label(figures["kind"], start)
    district = figures["district"]["name"]
    office = _office()
    typical = []
    for case in figures["typical_cases"]:
        typical.append({**case, "kind_label": kind_labels.get(case["kind"], case["kind"])})
    # The units with the most overdue open cases are named in the circular's requirements.
    overdue = sorted(
        (u for u in figures["units"] if u["overdue_open"]),
        key=lambda u: -u["overdue_open"],
    )
    overdue_units = [
        _("%(unit)s（%(n)d 件）") % {"unit": u["label"], "n": u["overdue_open"]}
        for u in overdue[:OVERDUE_UNITS_NAMED]
    ]
    return {
        "circular": circular,
        "figures": figures,
        "period_label": label,
        "title": _("关于%(period)s咨询投诉受理及办理情况的通报") % {"period": label},
        "district_name": district,
        "issuer": f"{district}{office.name}" if office and district else district,
        "issued_on": timezone.localtime(circular.built_at).date()
        if circular.built_at
        else timezone.localdate(),
        "start": start,
        "end": end,
        "as_of": as_of,
        "partial": as_of < end,
        "total": _display_row(_("全关合计"), total),
        "kind_rows": [
            _display_row(str(kind_labels.get(row["kind"], row["kind"])), row)
            for row in figures["kinds"]
        ],
        "unit_rows": [_display_row(row["label"], row) for row in figures["units"]],
        "typical_cases": typical,
        "merged_excluded": figures["merged_excluded"],
        "overdue_units": overdue_units,
        "overdue_unit_count": len(overdue),
        "issue_number": start.month if figures["kind"] == PeriodKind.MONTH else None,
        "columns": table_columns(),
    }


# --- building ---------------------------------------------------------------------------------


def build_circular(period: str, user: Any = None) -> Circular:
    """Compute the figures of ``period`` ("2026-11" or "2026-Q4"), render the PDF and store
    both on the period's one ``Circular`` row (created, or replaced when built before).
    A period that has not begun is refused. ``user`` is recorded as the builder."""
    from guanwu.printing.render import render_pdf

    kind, start, end = parse_period(period)
    if start > timezone.localdate():
        raise CircularError(_("该期间尚未开始，不能生成通报。"), code="future")
    key = normalise_period(period)
    figures = compute_figures(key)
    draft = Circular(period=key, kind=kind, start=start, end=end, figures=figures)
    draft.built_at = timezone.now()
    # Rendered before the row is locked (it takes seconds). The circular is an official
    # document of the district: always in the district's own language.
    with translation.override(settings.LANGUAGE_CODE):
        rendered = render_pdf(TEMPLATE, circular_context(draft))
    with transaction.atomic():
        circular = Circular.objects.select_for_update().filter(period=key).first() or draft
        old_file = circular.pdf.name if circular.pdf else ""
        circular.kind, circular.start, circular.end = kind, start, end
        circular.figures = figures
        circular.state, circular.message = BuildState.DONE, ""
        circular.built_by = user if getattr(user, "is_authenticated", False) else None
        circular.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
        # A random part in the name: the file is for staff until the summary is approved
        # (rule 1), so its address must not be guessable from the period.
        circular.pdf.save(
            f"circular-{key}-{secrets.token_hex(6)}.pdf", ContentFile(rendered.pdf), save=False
        )
        circular.save()
        if old_file and old_file != circular.pdf.name:
            storage = circular.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    return circular


def request_circular(period: str, user: Any = None) -> Circular:
    """Queue the build of ``period`` for the background worker (``tasks.build_circular_task``)
    and return its row: new and queued, or the existing one (its last PDF stays until the new
    one is stored). Bad or future periods are refused here, in Chinese, before queueing."""
    from .tasks import build_circular_task

    kind, start, end = parse_period(period)
    if start > timezone.localdate():
        raise CircularError(_("该期间尚未开始，不能生成通报。"), code="future")
    key = normalise_period(period)
    with transaction.atomic():
        circular, _created = Circular.objects.select_for_update().get_or_create(
            period=key, defaults={"kind": kind, "start": start, "end": end}
        )
        circular.state, circular.message = BuildState.QUEUED, ""
        circular.save(update_fields=["state", "message"])
        user_id = user.pk if getattr(user, "is_authenticated", False) else None
        transaction.on_commit(lambda: build_circular_task.enqueue(key, user_id))
    return circular


# --- the public summary (DESIGN rule 1) ---------------------------------------------------------


def _summary_body(context: dict[str, Any]) -> str:
    """The public page's text: the district figures per kind and per unit, nothing personal
    (no typical cases: their wording was written for staff)."""
    total = context["total"]
    intro = _(
        "%(start)s至%(end)s，全关共受理咨询投诉 %(received)d 件，截至%(end)s已答复 "
        "%(answered)d 件，其中按时答复 %(on_time)d 件，按时答复率 %(rate)s；平均答复用时 "
        "%(days)s 个工作日；收到评价 %(rated)d 件，满意率 %(satisfaction)s。"
    ) % {
        "start": context["start"].strftime("%Y-%m-%d"),
        "end": context["end"].strftime("%Y-%m-%d"),
        "received": total["received"],
        "answered": total["answered"],
        "on_time": total["answered_on_time"],
        "rate": total["on_time_rate"],
        "days": total["avg_workdays"],
        "rated": total["rated"],
        "satisfaction": total["satisfaction_rate"],
    }
    head = [
        _("类别"),
        _("受理"),
        _("已答复"),
        _("按时答复"),
        _("按时答复率"),
        _("平均用时（工作日）"),
        _("满意率"),
        _("超期未办结"),
    ]

    def table(first: str, rows: list[dict[str, Any]]) -> str:
        cells = "".join(f"<th>{escape(h)}</th>" for h in [first, *head[1:]])
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(str(r[k]))}</td>"
                for k in (
                    "label",
                    "received",
                    "answered",
                    "answered_on_time",
                    "on_time_rate",
                    "avg_workdays",
                    "satisfaction_rate",
                    "overdue_open",
                )
            )
            + "</tr>"
            for r in rows
        )
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"

    by_kind, by_unit = _("一、按类别"), _("二、按主办单位")
    parts = [
        f"<p>{escape(intro)}</p>",
        f"<h2>{escape(by_kind)}</h2>",
        table(_("类别"), [*context["kind_rows"], context["total"]]),
        f"<h2>{escape(by_unit)}</h2>",
        table(_("主办单位"), context["unit_rows"]),
        "<p>{}</p>".format(
            escape(
                _(
                    "统计口径：受理数按受理日期统计，同一事项的重复来件并单后计为一件；"
                    "答复以首次向来件人送达答复的日期为准，按时指不晚于答复期限"
                    "（经批准延期的，以延长后的期限为准）；用时按法定工作日计算；"
                    "满意指评价为“满意”或“非常满意”。"
                )
            )
        ),
    ]
    return "".join(parts)


def _summary_liaison(user: Any, office: Unit | None) -> Staff | None:
    """The office's liaison keeps the summary current (seed 五.五); else the builder, if on
    the office's staff; else anyone on the office's staff."""
    if office is None:
        return None
    today = timezone.localdate()
    assignment = (
        LiaisonAssignment.objects.filter(unit=office, since__lte=today)
        .exclude(until__lt=today)
        .select_related("staff")
        .first()
    )
    if assignment is not None:
        return assignment.staff
    own = getattr(user, "staff", None)
    if own is not None and own.unit.is_within(office):
        return own
    return (
        Staff.objects.filter(unit__in=[office, *office.children.all()])
        .order_by("unit__sort_order", "work_number")
        .first()
    )


def _slug(period: str) -> str:
    return f"circular-{period.lower()}"


@transaction.atomic
def publish_summary(circular: Circular, user: Any) -> Any:
    """Put the circular's public summary into legal review (DESIGN rule 1, seed 六.四).

    The summary is a ``GeneralItemPage`` in category 六 (对外承诺): the circular reports how
    the published commitments — first-contact responsibility and time-limited replies (seed
    四.五) — were kept, so it sits next to them, and category 六 is carried by the web column,
    the kiosk, the API and the halls' bulletin boards (seed 四.(一)). It is a periodic item
    (seed 五.三.2). It speaks for the whole district, so its unit is the district, whose
    head in the workflow is the office (``UnitHeadApprovalTask``); the office's liaison
    keeps it and the user submitting it is its owner.

    The page is saved as a draft revision and the review workflow started; when ``user`` may
    approve the unit-head step (the office), submitting counts as that approval, so the
    draft waits at the legal department. Building the circular again and calling this again
    replaces the draft and restarts the review. Nothing goes live here.
    """
    from wagtail.models import Page

    from guanwu.disclosure.enums import DisclosureMode
    from guanwu.disclosure.models import CategoryPage, GeneralItemPage, UnitHeadApprovalTask

    if not user_can_publish_circular_summary(user):
        raise PermissionDenied(_("只有办公室和监察室可以提交通报的公开摘要。"))
    if not circular.figures:
        raise CircularError(_("通报尚未生成，请先生成通报。"))
    district = _district()
    office = _office()
    liaison = _summary_liaison(user, office)
    if district is None or liaison is None:
        raise CircularError(_("找不到总关或办公室的联络员，无法生成公开摘要。"))
    category = CategoryPage.objects.filter(number=SUMMARY_CATEGORY).first()
    if category is None:
        raise CircularError(_("关务公开专栏缺少“对外承诺”栏目，无法生成公开摘要。"))
    context = circular_context(circular)
    fields = {
        "title": context["title"],
        "summary": _("%(district)s%(period)s咨询投诉受理及办理情况（统计数据）。")
        % {"district": context["district_name"], "period": context["period_label"]},
        "body": _summary_body(context),
        "owning_unit": district,
        "liaison": liaison,
        "subitem": None,
        "mode": DisclosureMode.PERIODIC,
        "period_months": 1 if circular.kind == PeriodKind.MONTH else 3,
        "review_cycle_months": None,
        "schedule_note": _("每月通报") if circular.kind == PeriodKind.MONTH else _("每季度通报"),
    }
    page = None
    if circular.public_page_id:
        page = Page.objects.filter(pk=circular.public_page_id).first()
        page = page.specific if page is not None else None
    if page is None:
        page = GeneralItemPage(slug=_slug(circular.period), live=False, owner=user, **fields)
        category.add_child(instance=page)
    else:
        # Only the draft changes; a live page keeps showing its approved revision (rule 1).
        page = page.get_latest_revision_as_object()
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision(user=user, log_action=True)
    if page.workflow_in_progress:
        page.current_workflow_state.cancel(user=user)
    workflow = page.get_workflow()
    if workflow is None:
        raise CircularError(_("没有可用的审核流程，无法提交审核。"))
    workflow.start(page, user)
    page.refresh_from_db()
    state = page.current_workflow_task_state
    task = state.task.specific if state is not None else None
    if isinstance(task, UnitHeadApprovalTask) and task.user_can_approve(page, user):
        task.on_action(state, user, "approve", comment=_("办公室提交法规处审核。"))
    circular.public_page = page
    circular.save(update_fields=["public_page"])
    page.refresh_from_db()
    return page


def summary_state(circular: Circular) -> dict[str, Any] | None:
    """Where the public summary stands, for the admin page: ``None`` before it is submitted;
    otherwise the page, whether it is live, the task waiting (name) and whether the last
    review asked for changes."""
    from wagtail.models import Page, WorkflowState

    if not circular.public_page_id:
        return None
    page = Page.objects.filter(pk=circular.public_page_id).first()
    if page is None:
        return None
    page = page.specific
    task_state = page.current_workflow_task_state
    latest = WorkflowState.objects.for_instance(page).order_by("-created_at").first()
    return {
        "page": page,
        "live": page.live,
        "has_unpublished_changes": page.has_unpublished_changes,
        "task": task_state.task.name if task_state is not None else "",
        "in_review": page.workflow_in_progress,
        "needs_changes": latest is not None and latest.status == WorkflowState.STATUS_NEEDS_CHANGES,
        "approved": latest is not None and latest.status == WorkflowState.STATUS_APPROVED,
    }
