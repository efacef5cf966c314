"""Due-soon and overdue reminders, and escalation of overdue cases (seed 四.五 限时答复;
seed 二 三级负责; DESIGN rules 4–6). Meant to run once a day: ``manage.py case_reminders``
or the ``run_case_reminders`` task.

Everything here is idempotent per deadline. A reminder is a ``CaseNotification`` keyed by the
deadline's ISO date, so a re-run sends nothing twice while an extension (a new deadline)
gives a new reminder. An escalation is a timeline event carrying the deadline it was made
for, so an overdue case goes up one level once per deadline: section → its division →
the centre → the office. Rule 8: supervision-level cases and integrity reports are never
moved out of the supervision office; they are flagged as escalated to that office itself,
listed for the supervision role, and their reminders go only to holders of that role.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from django_tasks import task

from guanwu.disclosure.reminders import unit_heads
from guanwu.organization.enums import Role, UnitFunction, UnitKind
from guanwu.organization.models import Unit

from . import notify
from .enums import Level
from .models import Case, CaseEvent, CaseNotification
from .permissions import CONFIDENTIAL_KINDS
from .selectors import due_soon_limit
from .services import log_event

DUE_SOON = "due_soon"
OVERDUE = "overdue"

# The functional bodies whose role holders handle (and head) their cases as a body.
BODY_ROLES = {
    UnitFunction.CENTRE: Role.CENTRE,
    UnitFunction.SUPERVISION: Role.SUPERVISION,
    UnitFunction.OFFICE: Role.OFFICE,
}


@dataclass
class ReminderSummary:
    """What one run did (or, with ``dry_run``, would do). ``*_sent`` count messages, one per
    recipient; ``escalated`` counts cases moved up a level."""

    today: str
    dry_run: bool = False
    due_soon_cases: int = 0
    due_soon_sent: int = 0
    overdue_cases: int = 0
    overdue_sent: int = 0
    escalated: int = 0
    escalated_codes: list[str] = field(default_factory=list)


# What a reminder never reads: the asker's text and (encrypted) identity (rule 8), and the
# intake's bookkeeping. Deferred, so a million-case scan does not carry them.
_UNREAD = (
    "title",
    "body",
    "name",
    "phone",
    "email",
    "caller_number",
    "password_salt",
    "phone_index",
    "email_index",
    "idempotency_key",
    "channel",
    "line",
    "hall",
    "replied_at",
    "closed_at",
    "rating",
)


def _running() -> QuerySet[Case]:
    # status IN (...) plus a deadline range: the scan uses the (status, deadline) index.
    # At a million open cases thousands are due each day: the units and people are fetched
    # once each (prefetch, one object per unit or user shared by its cases) rather than
    # joined into every row, and the text and identity columns (Fernet-decrypted on load)
    # are not read at all.
    return (
        Case.objects.running()
        .defer(*_UNREAD)
        .prefetch_related(
            "responsible_unit__parent", "escalated_to__parent", "handler", "first_contact"
        )
        .order_by("deadline", "pk")
    )


def due_soon_cases(today: datetime.date) -> QuerySet[Case]:
    """Open, running, unmerged cases whose deadline is at most one working day away."""
    return _running().filter(deadline__gte=today, deadline__lte=due_soon_limit(today))


def overdue_cases(today: datetime.date) -> QuerySet[Case]:
    """Open, running, unmerged cases whose deadline has passed."""
    return _running().filter(deadline__lt=today)


def _is_confidential(case: Case) -> bool:
    return case.kind in CONFIDENTIAL_KINDS or case.level == Level.SUPERVISION


class _Run:
    """Look-ups shared by one run, so the unit heads are read once per unit, not per case."""

    def __init__(self) -> None:
        self._bodies: dict[str, Unit | None] = {}
        self._heads: dict[int, list[Any]] = {}
        self._people: dict[int, list[Any]] = {}
        self._supervisors: set[int] | None = None

    def body(self, function: str) -> Unit | None:
        if function not in self._bodies:
            self._bodies[function] = Unit.objects.filter(function=function).first()
        return self._bodies[function]

    def district(self) -> Unit | None:
        if "district" not in self._bodies:
            self._bodies["district"] = Unit.objects.filter(kind=UnitKind.DISTRICT).first()
        return self._bodies["district"]

    @staticmethod
    def _users() -> QuerySet[Any]:
        return get_user_model().objects.filter(is_active=True)

    def heads(self, unit: Unit) -> list[Any]:
        """Who heads ``unit``; for a functional body, also the holders of its role."""
        if unit.pk not in self._heads:
            people = unit_heads(unit)
            role = BODY_ROLES.get(unit.function)
            if role is not None:
                people += list(self._users().filter(groups__name=role.group_name))
            self._heads[unit.pk] = people
        return self._heads[unit.pk]

    def people(self, unit: Unit) -> list[Any]:
        """Who heads or handles ``unit``: its heads and its case handlers."""
        if unit.pk not in self._people:
            handlers = self._users().filter(
                groups__name=Role.CASE_HANDLER.group_name, staff__unit=unit
            )
            self._people[unit.pk] = [*self.heads(unit), *handlers]
        return self._people[unit.pk]

    def supervisors(self) -> set[int]:
        if self._supervisors is None:
            self._supervisors = set(
                self._users()
                .filter(groups__name=Role.SUPERVISION.group_name)
                .values_list("pk", flat=True)
            )
        return self._supervisors

    def recipients(self, case: Case, escalated_to: Unit | None = None) -> list[Any]:
        """The handler (else the unit's heads and handlers), the first-contact owner, and for
        an overdue case the heads of the unit it is escalated to. Rule 8: only holders of the
        supervision role for integrity reports and supervision-level cases."""
        if case.handler_id:
            people = [case.handler]
        elif case.responsible_unit_id:
            people = list(self.people(case.responsible_unit))
        else:
            people = []
        if case.first_contact_id:
            people.append(case.first_contact)
        if escalated_to is not None:
            people += self.heads(escalated_to)
        if _is_confidential(case):
            people = [u for u in people if u.pk in self.supervisors()]
            if not people:
                # An assigned handler outside the supervision office must not be told; the
                # office itself is.
                office = self.body(UnitFunction.SUPERVISION)
                people = (
                    [u for u in self.people(office) if u.pk in self.supervisors()] if office else []
                )
        return list({u.pk: u for u in people if u.is_active}.values())


def next_level_unit(case: Case, *, _run: _Run | None = None) -> Unit | None:
    """The unit an overdue ``case`` escalates to: one level above where it stands (the unit it
    was last escalated to, else its responsible unit). Section → its division; division →
    the centre; the centre → the office (the district when there is none); the office (or
    the district) → nothing above. Integrity reports and supervision-level cases stay with the
    supervision office (rule 8): the office itself is returned, so the case is flagged."""
    run = _run or _Run()
    if _is_confidential(case):
        return run.body(UnitFunction.SUPERVISION)
    unit = case.escalated_to or case.responsible_unit
    if unit is None:
        return run.body(UnitFunction.CENTRE)
    if unit.kind == UnitKind.SECTION:
        return unit.parent
    if unit.kind != UnitKind.DIVISION or unit.function == UnitFunction.OFFICE:
        return None
    if unit.function == UnitFunction.CENTRE:
        return run.body(UnitFunction.OFFICE) or run.district()
    return run.body(UnitFunction.CENTRE) or run.body(UnitFunction.OFFICE) or run.district()


def _level_name(unit: Unit) -> str:
    if unit.function in (UnitFunction.CENTRE, UnitFunction.SUPERVISION, UnitFunction.OFFICE):
        return str(unit.function)
    return "office" if unit.kind == UnitKind.DISTRICT else str(unit.kind)


def _escalated_deadlines(cases: QuerySet[Case]) -> dict[int, set[str]]:
    """For each case, the deadlines it was already escalated for (one query for the run)."""
    done: dict[int, set[str]] = defaultdict(set)
    events = CaseEvent.objects.filter(action="escalate", case__in=cases.values("pk"))
    for case_id, data in events.values_list("case_id", "data"):
        done[case_id].add(str((data or {}).get("deadline", "")))
    return done


def _escalate_one(case: Case, target: Unit) -> bool:
    """Move ``case`` up to ``target`` for its current deadline, once (the row is locked and
    the timeline checked again, so two concurrent runs cannot both escalate it)."""
    deadline = case.deadline.isoformat()
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if CaseEvent.objects.filter(case=case, action="escalate", data__deadline=deadline).exists():
            return False
        case.escalated_to = target
        case.escalated_at = timezone.now()
        # An UPDATE of the two columns: ``Case.save`` would load the deferred phone and
        # e-mail only to recompute their unchanged blind indexes.
        Case.objects.filter(pk=case.pk).update(escalated_to=target, escalated_at=case.escalated_at)
        if target.pk == case.responsible_unit_id:
            note = _("超过答复期限 %(deadline)s 仍未答复，由%(unit)s督办。")
        else:
            note = _("超过答复期限 %(deadline)s 仍未答复，升级至%(unit)s。")
        log_event(
            case,
            "escalate",
            None,
            note % {"deadline": deadline, "unit": target.name},
            level=_level_name(target),
            to=target.code,
            deadline=deadline,
        )
    return True


def _escalate(
    cases: QuerySet[Case], run: _Run, *, dry_run: bool = False
) -> tuple[list[Case], dict[int, Unit | None], list[Case]]:
    """Escalate every overdue case not yet escalated for its deadline. Returns the cases, the
    unit each stands escalated to for its deadline, and the cases escalated now."""
    overdue = list(cases)
    done = _escalated_deadlines(cases)
    targets: dict[int, Unit | None] = {}
    escalated = []
    for case in overdue:
        if case.deadline.isoformat() in done[case.pk]:
            targets[case.pk] = case.escalated_to
            continue
        target = next_level_unit(case, _run=run)
        targets[case.pk] = target
        if target is None:
            continue  # the office: nothing above it
        if dry_run or _escalate_one(case, target):
            escalated.append(case)
    return overdue, targets, escalated


def escalate_overdue(today: datetime.date) -> list[Case]:
    """Move each overdue case one level up, once per deadline; returns the cases moved now."""
    return _escalate(overdue_cases(today), _Run())[2]


def _sent_before(cases: QuerySet[Case]) -> set[tuple[int, str, str, int | None]]:
    """The reminders already recorded for these cases, read in one query."""
    return set(
        CaseNotification.objects.filter(
            case__in=cases.values("pk"), kind__in=[DUE_SOON, OVERDUE], medium="staff"
        ).values_list("case_id", "kind", "key", "recipient_id")
    )


def _message(case: Case, kind: str, escalated_to: Unit | None) -> tuple[str, str]:
    """Subject and body. Rule 8: tracking code, kind, deadline and units only, never the
    asker's name or contact (nor the text, which may carry them)."""
    values = {
        "code": case.tracking_code,
        "kind": case.get_kind_display(),
        "deadline": case.deadline.isoformat(),
        "unit": case.responsible_unit.name if case.responsible_unit else "—",
    }
    lines = [
        _("查询码：%(code)s") % values,
        _("类别：%(kind)s") % values,
        _("主办单位：%(unit)s") % values,
        _("答复期限：%(deadline)s") % values,
    ]
    if kind == DUE_SOON:
        subject = _("【咨询投诉提醒】%(code)s（%(kind)s）将于 %(deadline)s 到期") % values
        lines.append(_("请在答复期限内答复；确需延期的，请报主办单位负责人批准。"))
    else:
        subject = _("【咨询投诉超期】%(code)s（%(kind)s）已超过答复期限 %(deadline)s") % values
        if escalated_to is not None:
            lines.append(_("已升级至：%(unit)s") % {"unit": escalated_to.name})
        lines.append(_("该事项已超期，请尽快答复并说明超期原因。"))
    return subject, "\n".join(lines)


def _remind(
    case: Case,
    kind: str,
    recipients: Iterable[Any],
    sent: set[tuple[int, str, str, int | None]],
    escalated_to: Unit | None,
    *,
    dry_run: bool,
) -> int:
    key = case.deadline.isoformat()
    new = [u for u in recipients if (case.pk, kind, key, u.pk) not in sent]
    if not new:
        return 0
    if dry_run:
        return len(new)
    subject, body = _message(case, kind, escalated_to)
    with transaction.atomic():
        told = notify.staff(case, new, kind=kind, key=key, subject=subject, body=body)
    return len(told)


def send_case_reminders(
    today: datetime.date | None = None, dry_run: bool = False
) -> ReminderSummary:
    """The daily run: escalate overdue cases, then remind about overdue and due-soon cases.
    Each step happens once per deadline; ``dry_run`` changes and sends nothing but counts
    what would be done."""
    today = today or timezone.localdate()
    run = _Run()
    summary = ReminderSummary(today=today.isoformat(), dry_run=dry_run)

    overdue_qs = overdue_cases(today)
    overdue, targets, escalated = _escalate(overdue_qs, run, dry_run=dry_run)
    summary.escalated = len(escalated)
    summary.escalated_codes = [case.tracking_code for case in escalated]
    summary.overdue_cases = len(overdue)
    sent = _sent_before(overdue_qs)
    for case in overdue:
        target = targets.get(case.pk)
        recipients = run.recipients(case, escalated_to=target)
        summary.overdue_sent += _remind(case, OVERDUE, recipients, sent, target, dry_run=dry_run)

    due_qs = due_soon_cases(today)
    due = list(due_qs)
    summary.due_soon_cases = len(due)
    sent = _sent_before(due_qs)
    for case in due:
        recipients = run.recipients(case)
        summary.due_soon_sent += _remind(case, DUE_SOON, recipients, sent, None, dry_run=dry_run)
    return summary


@task()
def run_case_reminders(date: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """The daily job through django-tasks; ``date`` is an ISO date (default: today)."""
    today = datetime.date.fromisoformat(date) if date else None
    return asdict(send_case_reminders(today, dry_run=dry_run))
