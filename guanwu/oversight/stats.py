"""Case statistics for circulars (通报, seed 二: 受理及处理结果定期进行通报), the dashboard and
the year-end evaluation (seed 五.六). One set of definitions, used everywhere.

Definitions (all dates are local dates, ``TIME_ZONE``; a period is [start, end], both
inclusive). The figures describe the *cohort* of cases received in the period, seen as at
the end of the period, so rebuilding a past period gives the same answer-related numbers:

- **received**: cases with ``received_on`` in the period, excluding duplicates merged into
  another case (``merged_into`` set, 并单): a merged matter counts once, under its primary.
- **answered**: received cases whose first public reply that reached the asker (``CaseReply``
  with ``public=True`` and ``sent_at`` set; the earliest one) was sent on or before the end
  of the period. Internal notes and drafts awaiting approval do not count. A case closed
  without a reply (an anonymous asker) is not answered.
- **answered_on_time**: answered cases whose first reply date is on or before the case's
  deadline. The deadline is the case's current one, so an extension approved by the unit
  head (seed 四.五) and the working days spent paused waiting for the asker move it; a case
  reopened by a dissatisfied rating is judged against the deadline it had before reopening.
- **on_time_rate** = answered_on_time / answered (``None`` when nothing was answered).
- **avg_workdays_to_answer**: mean of ``workdays_between(received_on, first reply date)``
  over answered cases, counted with the official calendar (DESIGN rule 6): the day of
  receipt is day 0; paused time is not subtracted (it is what the asker waited).
- **rated / satisfied / dissatisfied**: among answered cases, those with a rating
  (好差评, 5 levels); satisfied = rating ≥ 4, dissatisfied = rating ≤ 2 (3, 基本满意, is
  neither). Ratings are taken as recorded when the figures are computed (an asker rates
  after the reply; a rebuild picks up late ratings). **satisfaction_rate** = satisfied / rated.
- **overdue_open**: received cases still open at the end of the period — not answered and
  not closed by then — whose deadline is before the end of the period (for a period not
  over yet: before today, so a deadline still to come is not called overdue). A case whose
  clock stood still then (paused, waiting for the asker's material) is not overdue, as in
  ``Case.objects.overdue``.
- **escalated**: received cases escalated for being overdue (an ``escalate`` event, or
  ``escalated_at``) on or before the end of the period.
- **by_kind**: received cases per kind (every kind listed, zeros included).

Rows are per responsible unit (主办单位, as the case stands now), plus a first row with
``unit=None`` for the whole district; the district row also counts cases with no unit.
:func:`kind_figures` gives the same figures per kind.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.utils import timezone

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import WorkCalendar, workdays_between
from guanwu.cases.enums import CaseKind
from guanwu.cases.models import Case, CaseEvent, CaseReply
from guanwu.organization.models import Unit

__all__ = [
    "UnitCaseFigures",
    "case_figures",
    "figures_to_json",
    "kind_figures",
    "monthly_series",
]

SATISFIED_MIN = 4
DISSATISFIED_MAX = 2


@dataclass
class UnitCaseFigures:
    """The case figures of one unit (or of the whole district when ``unit`` is None)."""

    unit: Unit | None
    received: int = 0
    answered: int = 0
    answered_on_time: int = 0
    on_time_rate: float | None = None
    avg_workdays_to_answer: float | None = None
    rated: int = 0
    satisfied: int = 0
    satisfaction_rate: float | None = None
    dissatisfied: int = 0
    overdue_open: int = 0
    escalated: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CaseKind.values, 0))
    # The working days of each answered case, to compute the mean (not part of the contract).
    _workdays: list[int] = field(default_factory=list, repr=False, compare=False)

    def _finish(self) -> None:
        self.on_time_rate = _ratio(self.answered_on_time, self.answered)
        self.satisfaction_rate = _ratio(self.satisfied, self.rated)
        self.avg_workdays_to_answer = (
            round(sum(self._workdays) / len(self._workdays), 2) if self._workdays else None
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable: the unit as its code and name (None for the district)."""
        data = asdict(self)
        data.pop("_workdays")
        data.pop("unit")
        data["unit_code"] = self.unit.code if self.unit else None
        data["unit_name"] = self.unit.name if self.unit else None
        return data


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _local(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


@dataclass(frozen=True)
class _CaseFacts:
    """What the figures need of one case, as at the end of the period."""

    unit_id: int | None
    kind: str
    received_on: datetime.date
    deadline: datetime.date
    first_reply_on: datetime.date | None
    closed_on: datetime.date | None
    rating: int | None
    escalated_on: datetime.date | None
    # The case's pause/resume steps, oldest first: (local date, "pause" or "resume").
    clock: tuple[tuple[datetime.date, str], ...] = ()

    def paused_on(self, day: datetime.date) -> bool:
        """Whether the clock stood still (waiting for the asker) at the end of ``day``."""
        state = False
        for when, action in self.clock:
            if when > day:
                break
            state = action == "pause"
        return state


def _facts(start: datetime.date, end: datetime.date) -> list[_CaseFacts]:
    """One query per table for the cases received in [start, end] (merged duplicates out)."""
    cases = list(
        Case.objects.filter(received_on__range=(start, end), merged_into__isnull=True).values(
            "pk",
            "responsible_unit_id",
            "kind",
            "received_on",
            "deadline",
            "closed_at",
            "rating",
            "escalated_at",
        )
    )
    ids = [c["pk"] for c in cases]
    first_reply: dict[int, datetime.datetime] = {}
    replies = CaseReply.objects.filter(case_id__in=ids, public=True, sent_at__isnull=False)
    for case_id, sent_at in replies.order_by("sent_at").values_list("case_id", "sent_at"):
        first_reply.setdefault(case_id, sent_at)
    first_escalation: dict[int, datetime.datetime] = {}
    events = CaseEvent.objects.filter(case_id__in=ids, action="escalate")
    for case_id, at in events.order_by("at").values_list("case_id", "at"):
        first_escalation.setdefault(case_id, at)
    # A dissatisfied rating reopens a case with a new limit for the review: the first answer
    # is judged against the deadline it had before (the reopen event keeps it).
    answer_deadline: dict[int, datetime.date] = {}
    reopened = CaseEvent.objects.filter(case_id__in=ids, action="reopened")
    for case_id, data in reopened.order_by("at", "pk").values_list("case_id", "data"):
        if case_id not in answer_deadline and (data or {}).get("previous"):
            answer_deadline[case_id] = datetime.date.fromisoformat(data["previous"])
    clock: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    steps = CaseEvent.objects.filter(case_id__in=ids, action__in=("pause", "resume"))
    for case_id, at, action in steps.order_by("at", "pk").values_list("case_id", "at", "action"):
        clock[case_id].append((timezone.localtime(at).date(), action))
    facts = []
    for c in cases:
        escalated = first_escalation.get(c["pk"]) or c["escalated_at"]
        replied_on = _local(first_reply.get(c["pk"]))
        facts.append(
            _CaseFacts(
                unit_id=c["responsible_unit_id"],
                kind=c["kind"],
                received_on=c["received_on"],
                deadline=answer_deadline.get(c["pk"], c["deadline"]),
                # Seen from the end of the period: later replies, closures and escalations
                # have not happened yet.
                first_reply_on=replied_on if replied_on and replied_on <= end else None,
                closed_on=_local(c["closed_at"]),
                rating=c["rating"],
                escalated_on=_local(escalated),
                clock=tuple(clock.get(c["pk"], ())),
            )
        )
    return facts


def _add(row: UnitCaseFigures, fact: _CaseFacts, end: datetime.date, cal: WorkCalendar) -> None:
    # Overdue is judged at the end of the period, or today while the period is still running.
    as_of = min(end, timezone.localdate())
    row.received += 1
    row.by_kind[fact.kind] = row.by_kind.get(fact.kind, 0) + 1
    if fact.first_reply_on is not None:
        row.answered += 1
        if fact.first_reply_on <= fact.deadline:
            row.answered_on_time += 1
        row._workdays.append(workdays_between(fact.received_on, fact.first_reply_on, cal))
        if fact.rating is not None:
            row.rated += 1
            if fact.rating >= SATISFIED_MIN:
                row.satisfied += 1
            elif fact.rating <= DISSATISFIED_MAX:
                row.dissatisfied += 1
    else:
        closed_by_end = fact.closed_on is not None and fact.closed_on <= as_of
        if not closed_by_end and fact.deadline < as_of and not fact.paused_on(as_of):
            row.overdue_open += 1
    if fact.escalated_on is not None and fact.escalated_on <= end:
        row.escalated += 1


def _rows(
    facts: Iterable[_CaseFacts], end: datetime.date, cal: WorkCalendar
) -> tuple[UnitCaseFigures, dict[int, UnitCaseFigures]]:
    total = UnitCaseFigures(unit=None)
    per_unit: dict[int, UnitCaseFigures] = defaultdict(lambda: UnitCaseFigures(unit=None))
    for fact in facts:
        _add(total, fact, end, cal)
        if fact.unit_id is not None:
            _add(per_unit[fact.unit_id], fact, end, cal)
    total._finish()
    for row in per_unit.values():
        row._finish()
    return total, per_unit


def _tree_key(unit: Unit) -> tuple[tuple[int, str], ...]:
    """Divisions in their order, each followed by its sections (the unit tree, depth first)."""
    chain = []
    node: Unit | None = unit
    while node is not None:
        chain.append((node.sort_order, node.code))
        node = node.parent
    return tuple(reversed(chain))


def case_figures(start: datetime.date, end: datetime.date) -> list[UnitCaseFigures]:
    """The figures of the cases received in [start, end] (see the module docstring for every
    definition): first the whole district (``unit=None``), then one row per responsible unit
    that had cases, in the unit tree's order. Merged duplicates are not counted."""
    if end < start:
        raise ValueError("end before start")
    total, per_unit = _rows(_facts(start, end), end, load_calendar())
    units = Unit.objects.filter(pk__in=per_unit).select_related("parent__parent")
    rows = [total]
    for unit in sorted(units, key=_tree_key):
        row = per_unit[unit.pk]
        row.unit = unit
        rows.append(row)
    return rows


def kind_figures(start: datetime.date, end: datetime.date) -> dict[str, UnitCaseFigures]:
    """The same figures per case kind for the whole district (``unit`` is None), every kind
    listed in the order of ``CaseKind``, zeros included."""
    if end < start:
        raise ValueError("end before start")
    cal = load_calendar()
    by_kind: dict[str, list[_CaseFacts]] = {kind: [] for kind in CaseKind.values}
    for fact in _facts(start, end):
        by_kind.setdefault(fact.kind, []).append(fact)
    return {kind: _rows(facts, end, cal)[0] for kind, facts in by_kind.items()}


def figures_to_json(rows: Iterable[UnitCaseFigures]) -> list[dict[str, Any]]:
    return [row.as_dict() for row in rows]


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=pycalendar.monthrange(first.year, first.month)[1])


def monthly_series(months: int, end: datetime.date) -> list[dict[str, Any]]:
    """The district's figures month by month, oldest first, for the dashboard charts: the
    ``months`` calendar months up to the one containing ``end`` (that last month is cut at
    ``end``). Each item: ``{month: "2026-11", start, end, received, answered,
    answered_on_time, on_time_rate, satisfaction_rate}``; every month is computed with the
    same definitions as :func:`case_figures` (seen from its own end)."""
    if months < 1:
        raise ValueError("months must be >= 1")
    cal = load_calendar()
    first = _month_start(end, months - 1)
    facts = _facts(first, end)
    series = []
    for back in range(months - 1, -1, -1):
        m_start = _month_start(end, back)
        m_end = min(_month_end(m_start), end)
        # Re-read each month as at its own end (replies after it do not count for it).
        cohort = [
            replace(
                f,
                first_reply_on=f.first_reply_on
                if f.first_reply_on and f.first_reply_on <= m_end
                else None,
            )
            for f in facts
            if m_start <= f.received_on <= m_end
        ]
        total, _per_unit = _rows(cohort, m_end, cal)
        series.append(
            {
                "month": f"{m_start:%Y-%m}",
                "start": m_start.isoformat(),
                "end": m_end.isoformat(),
                "received": total.received,
                "answered": total.answered,
                "answered_on_time": total.answered_on_time,
                "on_time_rate": total.on_time_rate,
                "satisfaction_rate": total.satisfaction_rate,
            }
        )
    return series
