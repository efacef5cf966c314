"""Oversight checks of cases (seed 五.(四): 该解决的问题是否落实; 四.五 限时答复; 三.五.2).

- **cases_overdue**: running cases past their reply deadline, one finding per responsible
  unit (the unit answers for all of them at once);
- **replies_owed** (DESIGN rule 7): askers who left a name or contact, whose deadline passed
  without a public reply that reached them (open cases, cases answered only by internal
  notes, and any closed without a reply), one finding per responsible unit;
- **dissatisfied_no_follow_up**: a dissatisfied rating (≤ 2, 不满意/非常不满意) with no later
  reply to the asker and no closing by the unit;
- **filings_pending**: withheld items filed with the superior authority still without its
  ruling (seed 五.(三).4; read from ``disclosure.reminders``);
- **unanswered_3_months**: any message left without a response for more than 3 months, a
  single-veto item of the national website inspection indicators (互动回应差).

Rule 8: a finding names a case by its tracking code only: never the asker's name or contact,
nor the text, which may carry them (integrity reports above all).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import workdays_between
from guanwu.cases.enums import DISSATISFIED, Rating, Status
from guanwu.cases.models import Case, CaseReply
from guanwu.disclosure.models.items import add_months
from guanwu.disclosure.reminders import due_reminders
from guanwu.organization.enums import UnitFunction, UnitKind
from guanwu.organization.models import Unit

from .enums import Severity
from .findings import Finding, check

# How many tracking codes a per-unit finding lists before "等 N 件".
LISTED_CODES = 10
# Inspection indicator: 超过3个月未回应的有效留言 (single veto).
UNANSWERED_MONTHS = 3
# A dissatisfied rating is a to-do for this many working days, then a warning.
FOLLOW_UP_WORKDAYS = 5


def _sent_reply() -> Exists:
    return Exists(CaseReply.objects.filter(case=OuterRef("pk"), public=True, sent_at__isnull=False))


def _centre() -> Unit | None:
    """Unrouted cases are the centre's: it receives and routes them (seed 四.五)."""
    return Unit.objects.filter(function=UnitFunction.CENTRE).first()


def unit_title(unit: Unit | None) -> str:
    """A unit's name that reads alone: a section with its division (新港海关办公室)."""
    if unit is None:
        return _("未分派")
    if unit.kind == UnitKind.SECTION and unit.parent is not None:
        return f"{unit.parent.short_name or unit.parent.name}{unit.name}"
    return unit.name


def _codes(cases: list[Case]) -> str:
    codes = "、".join(case.tracking_code for case in cases[:LISTED_CODES])
    if len(cases) > LISTED_CODES:
        codes += _(" 等 %(count)s 件") % {"count": len(cases)}
    return codes


def _by_unit(cases: Iterable[Case]) -> list[tuple[Unit | None, list[Case]]]:
    groups: dict[int | None, list[Case]] = defaultdict(list)
    units: dict[int | None, Unit | None] = {}
    centre: Unit | None = None
    for case in cases:
        unit = case.responsible_unit
        if unit is None:
            centre = centre or _centre()
            unit = centre
        key = unit.pk if unit else None
        units[key] = unit
        groups[key].append(case)
    return sorted(
        ((units[key], items) for key, items in groups.items()),
        key=lambda pair: (pair[0].sort_order, pair[0].code) if pair[0] else (0, ""),
    )


def _list_link(**params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("cases_admin_list") + (f"?{query}" if query else "")


def _case_link(case: Case) -> str:
    return reverse("cases_admin_detail", args=[case.pk])


@check("cases_overdue", gettext_lazy("超期未答复"))
def cases_overdue(today: datetime.date) -> Iterator[Finding]:
    """Seed 四.五 限时答复: running cases past their deadline, per responsible unit."""
    cases = (
        Case.objects.overdue(today)
        .select_related("responsible_unit__parent")
        .order_by("deadline", "pk")
    )
    for unit, items in _by_unit(cases):
        yield Finding(
            check="cases_overdue",
            unit=unit,
            severity=Severity.SERIOUS,
            subject=_("%(unit)s有 %(count)s 件事项超过答复期限")
            % {"unit": unit_title(unit), "count": len(items)},
            detail=_("最早的答复期限 %(deadline)s。查询码：%(codes)s。")
            % {"deadline": items[0].deadline.isoformat(), "codes": _codes(items)},
            link=_list_link(overdue="1"),
            about=f"unit:{unit.code if unit else '-'}",
        )


@check("replies_owed", gettext_lazy("应答复署名来件人而未答复"))
def replies_owed(today: datetime.date) -> Iterator[Finding]:
    """DESIGN rule 7 (seed 三.五.2): an asker who gave a name or contact is owed a reply. Cases
    paused for the asker's material are waiting on the asker, not owing."""
    candidates = (
        Case.objects.filter(deadline__lt=today, merged_into__isnull=True)
        .exclude(status=Status.PAUSED)
        .filter(~Q(name="") | ~Q(phone="") | ~Q(email=""))
        .exclude(_sent_reply())
        .select_related("responsible_unit__parent")
        .order_by("deadline", "pk")
    )
    owed = [case for case in candidates if case.has_contact]
    for unit, items in _by_unit(owed):
        closed = sum(1 for case in items if case.status == Status.CLOSED)
        detail = _("留有姓名或联系方式的来件人在答复期限后仍未收到答复。查询码：%(codes)s。") % {
            "codes": _codes(items)
        }
        if closed:
            detail += _("其中 %(count)s 件未答复即已办结。") % {"count": closed}
        yield Finding(
            check="replies_owed",
            unit=unit,
            severity=Severity.SERIOUS,
            subject=_("%(unit)s有 %(count)s 位署名来件人未获答复")
            % {"unit": unit_title(unit), "count": len(items)},
            detail=detail,
            link=_list_link(overdue="1"),
            about=f"unit:{unit.code if unit else '-'}",
        )


def _followed_up(case: Case, rated_at: datetime.datetime) -> bool:
    if case.replies.filter(public=True, sent_at__gt=rated_at).exists():
        return True
    return case.events.filter(action="close", at__gt=rated_at).exists()


@check("dissatisfied_no_follow_up", gettext_lazy("不满意评价未跟进"))
def dissatisfied_no_follow_up(today: datetime.date) -> Iterator[Finding]:
    """A dissatisfied asker gets the unit head's review: a further reply, or a reasoned close."""
    calendar = load_calendar()
    cases = (
        Case.objects.filter(rating__in=[int(r) for r in DISSATISFIED], merged_into__isnull=True)
        .select_related("responsible_unit__parent")
        .order_by("pk")
    )
    for case in cases:
        rated = case.events.filter(action="rated").order_by("-at").first()
        rated_at = rated.at if rated else (case.replied_at or case.received_at)
        if _followed_up(case, rated_at):
            continue
        rated_on = timezone.localdate(rated_at)
        waited = workdays_between(rated_on, today, calendar)
        yield Finding(
            check="dissatisfied_no_follow_up",
            unit=case.responsible_unit or _centre(),
            severity=Severity.WARNING if waited > FOLLOW_UP_WORKDAYS else Severity.INFO,
            subject=_("事项 %(code)s 评价“%(rating)s”后未跟进")
            % {"code": case.tracking_code, "rating": Rating(case.rating).label},
            detail=_("%(date)s 评价，已过 %(days)s 个工作日，尚无再次答复或办结说明。")
            % {"date": rated_on.isoformat(), "days": waited},
            link=_case_link(case),
            about=f"case:{case.tracking_code}:rating",
        )


@check("filings_pending", gettext_lazy("暂不公开备案未裁定"))
def filings_pending(today: datetime.date) -> Iterator[Finding]:
    """Seed 五.(三).4: the superior authority rules on every withheld item."""
    for reminder in due_reminders(today):
        if reminder.kind != "filing_pending" or reminder.due > today:
            continue
        page = reminder.page
        yield Finding(
            check="filings_pending",
            unit=page.owning_unit,
            severity=Severity.WARNING,
            subject=_("“%(title)s”的暂不公开备案尚未裁定") % {"title": page.title},
            detail=_("备案文号 %(reference)s，%(date)s 报备，请跟进上级主管机关的裁定。")
            % {"reference": reminder.detail, "date": reminder.due.isoformat()},
            link=reverse("disclosure_filings"),
            about=f"page:{page.pk}:filing:{reminder.due.isoformat()}",
        )


@check("unanswered_3_months", gettext_lazy("超过3个月未回应"))
def unanswered_3_months(today: datetime.date) -> Iterator[Finding]:
    """Inspection indicator (single veto): a message unanswered for more than 3 months. A
    case counts as answered once a public reply reached the asker or it was closed."""
    cases = (
        Case.objects.filter(
            merged_into__isnull=True,
            replied_at__isnull=True,
            received_on__lt=today - datetime.timedelta(days=28 * UNANSWERED_MONTHS),
        )
        .exclude(status=Status.CLOSED)
        .exclude(_sent_reply())
        .select_related("responsible_unit__parent")
        .order_by("received_on", "pk")
    )
    for case in cases:
        if add_months(case.received_on, UNANSWERED_MONTHS) >= today:
            continue
        yield Finding(
            check="unanswered_3_months",
            unit=case.responsible_unit or _centre(),
            severity=Severity.VETO,
            subject=_("事项 %(code)s 超过3个月未回应") % {"code": case.tracking_code},
            detail=_("%(date)s 受理（%(kind)s），至今未答复（政府网站检查指标：单项否决）。")
            % {"date": case.received_on.isoformat(), "kind": case.get_kind_display()},
            link=_case_link(case),
            about=f"case:{case.tracking_code}",
        )
