"""Duty rosters and the registers of liaisons and hall devices (seed 四.(一), 四.(三), 五.(五), 六).

Which seats must be staffed, on which days:

* the consultation desk (咨询台) of every live declaration hall — seed 四.(一): "在各报关厅设立
  咨询台，确保每日安排专人接待来人来访";
* the seat of every live published line of kind ``consultation`` (业务咨询) and
  ``clearance_110`` (通关110) — seed 四.(三) and 四.(五): the centre answers these hotlines.

Duty lines (值班电话) and report lines (监督举报电话) are *not* rostered here by default: a duty
line rings in the unit's duty room (值班室), staffed round the clock under the unit's own
administrative duty system, and the report lines are kept by the supervision office, whose
staffing the disclosure office does not plan. A district that wants them on this roster sets
``GUANWU_ROSTER_LINE_KINDS`` (a tuple of ``ContactLineKind`` values).

Every seat is staffed on every official working day of the calendar (DESIGN rule 6: swapped
working weekends count, holidays do not); a working day with nobody on a seat is a gap, which
``checks_channels`` reports.

State changes go through the ``roster_*``, ``liaison_*`` and ``device_*`` services below: each
checks permission, validates, writes the change and records it in Wagtail's audit log.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import WorkCalendar, is_workday
from guanwu.organization.enums import ContactLineKind
from guanwu.organization.models import ContactLine, Hall, Staff, Unit

from .enums import DeviceKind, DeviceState, DutyKind
from .models import Device, DutySlot, LiaisonAssignment, MaintenanceLog
from .permissions import user_can_edit_devices, user_can_edit_liaisons, user_can_edit_rosters

ONE_DAY = datetime.timedelta(days=1)
STAFFED_LINE_KINDS: tuple[str, ...] = (
    ContactLineKind.CONSULTATION.value,
    ContactLineKind.CLEARANCE_110.value,
)
# One assignment covers at most this many calendar days (a typing slip must not create years).
MAX_ASSIGN_DAYS = 93
# A device not in service this long (working days) is a finding (checks_channels).
REPAIR_LIMIT_WORKDAYS = 5
NOT_IN_SERVICE = (DeviceState.FAULTY, DeviceState.UNDER_REPAIR)


class RosterError(ValidationError):
    """A roster or register change was refused; the message is for the user, in Chinese."""


def staffed_line_kinds() -> tuple[str, ...]:
    return tuple(getattr(settings, "GUANWU_ROSTER_LINE_KINDS", STAFFED_LINE_KINDS))


# --- seats ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A hall's consultation desk or a hotline's seat: one row of the roster."""

    kind: str
    hall: Hall | None = None
    line: ContactLine | None = None

    @property
    def place(self) -> Hall | ContactLine:
        return self.hall or self.line  # type: ignore[return-value]

    @property
    def unit(self) -> Unit:
        return self.place.unit

    @property
    def key(self) -> str:
        """The seat's value in forms and URLs."""
        return f"hall:{self.hall.pk}" if self.hall else f"line:{self.line.pk}"  # type: ignore[union-attr]

    @property
    def anchor(self) -> str:
        """The id of the seat's row on the roster page."""
        return "seat-" + self.key.replace(":", "-")

    @property
    def about(self) -> str:
        """Stable and readable, for findings: ``hall:HH-XG-HALL1`` or ``line:HH-ZXZX:022-…``."""
        if self.hall is not None:
            return f"hall:{self.hall.code}"
        line = self.line
        return f"line:{line.unit.code}:{line.number}"  # type: ignore[union-attr]

    @property
    def label(self) -> str:
        if self.hall is not None:
            return _("%(hall)s咨询台") % {"hall": self.hall.name}
        line = self.line
        return _("%(unit)s %(kind)s %(number)s") % {
            "unit": line.unit.short_name or line.unit.name,  # type: ignore[union-attr]
            "kind": line.get_kind_display(),  # type: ignore[union-attr]
            "number": line.number,  # type: ignore[union-attr]
        }

    def slot_filter(self) -> Q:
        if self.hall is not None:
            return Q(kind=DutyKind.DESK, hall=self.hall)
        return Q(kind=DutyKind.HOTLINE, line=self.line)

    def slot_key(self) -> tuple[str, int | None, int | None]:
        return (self.kind, getattr(self.hall, "pk", None), getattr(self.line, "pk", None))


def seats() -> list[Seat]:
    """Every seat that must be staffed: live halls' desks, then live staffed lines."""
    halls = Hall.objects.live().select_related("unit").order_by("unit__sort_order", "sort_order")
    lines = (
        ContactLine.objects.live()
        .filter(kind__in=staffed_line_kinds())
        .select_related("unit")
        .order_by("unit__sort_order", "sort_order", "number")
    )
    return [Seat(DutyKind.DESK, hall=hall) for hall in halls] + [
        Seat(DutyKind.HOTLINE, line=line) for line in lines
    ]


def seat_from_key(key: str) -> Seat | None:
    """The live seat a form value names, or ``None``."""
    kind, _sep, pk = key.partition(":")
    if not pk.isdigit():
        return None
    if kind == "hall":
        hall = Hall.objects.live().select_related("unit").filter(pk=pk).first()
        return Seat(DutyKind.DESK, hall=hall) if hall else None
    if kind == "line":
        line = (
            ContactLine.objects.live()
            .filter(kind__in=staffed_line_kinds(), pk=pk)
            .select_related("unit")
            .first()
        )
        return Seat(DutyKind.HOTLINE, line=line) if line else None
    return None


# --- working days -----------------------------------------------------------------------------


def working_days(
    start: datetime.date, end: datetime.date, cal: WorkCalendar | None = None
) -> list[datetime.date]:
    """The official working days in [start, end] (DESIGN rule 6)."""
    cal = cal or load_calendar()
    days, day = [], start
    while day <= end:
        if is_workday(day, cal):
            days.append(day)
        day += ONE_DAY
    return days


def past_working_days(
    today: datetime.date, n: int, cal: WorkCalendar | None = None
) -> list[datetime.date]:
    """The ``n`` working days before ``today`` (today excluded), oldest first."""
    cal = cal or load_calendar()
    days, day = [], today
    while len(days) < n:
        day -= ONE_DAY
        if is_workday(day, cal):
            days.append(day)
    return days[::-1]


def coming_working_days(
    today: datetime.date, n: int, cal: WorkCalendar | None = None
) -> list[datetime.date]:
    """The ``n`` working days from ``today`` on (today included when it is one)."""
    cal = cal or load_calendar()
    days, day = [], today
    while len(days) < n:
        if is_workday(day, cal):
            days.append(day)
        day += ONE_DAY
    return days


# --- reading the roster -----------------------------------------------------------------------


class Gap(NamedTuple):
    """A working day with nobody on a seat: ``(date, kind, hall or line)``."""

    date: datetime.date
    kind: str
    place: Hall | ContactLine


def covered_seat_days(
    start: datetime.date, end: datetime.date, today: datetime.date
) -> set[tuple[datetime.date, str, int | None, int | None]]:
    """(date, kind, hall id, line id) of every staffed seat-day. From today on only active
    staff count: someone who has left cannot sit a future shift; past shifts stand as served."""
    slots = DutySlot.objects.filter(date__range=(start, end)).filter(
        Q(date__lt=today) | Q(staff__is_active=True)
    )
    return set(slots.values_list("date", "kind", "hall_id", "line_id"))


def roster_gaps(
    start: datetime.date,
    end: datetime.date,
    *,
    cal: WorkCalendar | None = None,
    today: datetime.date | None = None,
) -> list[Gap]:
    """Every (working day, seat) in [start, end] with nobody assigned, by date then seat."""
    today = today or timezone.localdate()
    days = working_days(start, end, cal)
    if not days:
        return []
    covered = covered_seat_days(days[0], days[-1], today)
    all_seats = seats()
    return [
        Gap(day, seat.kind, seat.place)
        for day in days
        for seat in all_seats
        if (day, *seat.slot_key()) not in covered
    ]


@dataclass
class RosterCell:
    date: datetime.date
    workday: bool
    slots: list[DutySlot] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return self.workday and not self.slots


@dataclass
class RosterRow:
    seat: Seat
    cells: list[RosterCell]


def roster_grid(
    start: datetime.date, days: int = 7, *, cal: WorkCalendar | None = None
) -> tuple[list[tuple[datetime.date, bool]], list[RosterRow]]:
    """The roster page's grid: the dates across (with whether each is a working day), one row
    per seat with the people on it each day."""
    cal = cal or load_calendar()
    dates = [start + ONE_DAY * i for i in range(days)]
    header = [(day, is_workday(day, cal)) for day in dates]
    slots = DutySlot.objects.filter(date__range=(dates[0], dates[-1])).select_related("staff")
    by_key: dict[tuple[datetime.date, str, int | None, int | None], list[DutySlot]] = {}
    for slot in slots:
        by_key.setdefault((slot.date, slot.kind, slot.hall_id, slot.line_id), []).append(slot)
    rows = [
        RosterRow(
            seat,
            [
                RosterCell(day, workday, by_key.get((day, *seat.slot_key()), []))
                for day, workday in header
            ],
        )
        for seat in seats()
    ]
    return header, rows


# --- changing the roster ---------------------------------------------------------------------


def _deny(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def roster_assign(
    *,
    user: Any,
    seat: Seat,
    staff: Staff,
    start: datetime.date,
    end: datetime.date,
    shift: str = "",
) -> list[DutySlot]:
    """Put ``staff`` on ``seat`` for every working day in [start, end]; days where they already
    are stay as they are. Returns the slots created."""
    _deny(user_can_edit_rosters(user))
    if end < start:
        raise RosterError(_("结束日期不能早于开始日期。"))
    if (end - start).days >= MAX_ASSIGN_DAYS:
        raise RosterError(_("一次最多安排 %(n)d 天，请分段安排。") % {"n": MAX_ASSIGN_DAYS})
    if not staff.is_active:
        raise RosterError(_("%(staff)s 已不在岗，不能安排值班。") % {"staff": staff})
    days = working_days(start, end)
    if not days:
        raise RosterError(_("所选日期范围内没有工作日。"))
    shift = shift.strip()
    present = set(
        DutySlot.objects.filter(
            seat.slot_filter(), staff=staff, shift=shift, date__in=days
        ).values_list("date", flat=True)
    )
    created = DutySlot.objects.bulk_create(
        DutySlot(date=day, kind=seat.kind, hall=seat.hall, line=seat.line, staff=staff, shift=shift)
        for day in days
        if day not in present
    )
    # bulk_create sets primary keys on SQLite and PostgreSQL, so each slot can be logged.
    for slot in created:
        log(instance=slot, action="wagtail.create", user=user)
    return created


@transaction.atomic
def roster_remove(*, user: Any, slot: DutySlot) -> None:
    """Take someone off a seat for one day (the audit log keeps who was there)."""
    _deny(user_can_edit_rosters(user))
    log(instance=slot, action="wagtail.delete", user=user)
    slot.delete()


# --- the liaison register (seed 五.(五): 确定专门人员为联络员) ------------------------------------


def liaisons_current(today: datetime.date | None = None) -> Any:
    today = today or timezone.localdate()
    return LiaisonAssignment.objects.filter(since__lte=today).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )


@transaction.atomic
def liaison_register(
    *, user: Any, unit: Unit, staff: Staff, since: datetime.date, note: str = ""
) -> LiaisonAssignment:
    """Record ``staff`` as ``unit``'s liaison from ``since`` (a unit may have more than one)."""
    _deny(user_can_edit_liaisons(user))
    if not staff.unit.is_within(unit):
        raise RosterError(
            _("%(staff)s 不在 %(unit)s 工作，不能担任该单位的联络员。")
            % {"staff": staff, "unit": unit}
        )
    open_ones = LiaisonAssignment.objects.filter(unit=unit, staff=staff).filter(
        Q(until__isnull=True) | Q(until__gte=since)
    )
    if open_ones.exists():
        raise RosterError(_("%(staff)s 已是该单位的联络员。") % {"staff": staff})
    assignment = LiaisonAssignment.objects.create(
        unit=unit, staff=staff, since=since, note=note.strip()
    )
    log(instance=assignment, action="wagtail.create", user=user)
    return assignment


@transaction.atomic
def liaison_end(
    *, user: Any, assignment: LiaisonAssignment, until: datetime.date
) -> LiaisonAssignment:
    """End a liaison's term on ``until`` (the last day they serve)."""
    _deny(user_can_edit_liaisons(user))
    assignment = LiaisonAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.until is not None:
        raise RosterError(_("该联络员登记已经终止。"))
    if until < assignment.since:
        raise RosterError(_("终止日期不能早于起始日期。"))
    assignment.until = until
    assignment.save(update_fields=["until"])
    log(instance=assignment, action="wagtail.edit", user=user, data={"until": until.isoformat()})
    return assignment


# --- hall devices and their maintenance (seed 六.五: 技术处负责设备的配备和维护) -------------------


@transaction.atomic
def device_register(
    *,
    user: Any,
    hall: Hall,
    kind: str,
    label: str,
    installed_on: datetime.date | None = None,
    note: str = "",
) -> Device:
    """Enter a kiosk or a board in the register, in service; its log starts with the entry."""
    _deny(user_can_edit_devices(user))
    if kind not in DeviceKind.values:
        raise RosterError(_("未知的设施类型。"))
    label = label.strip()
    if Device.objects.filter(hall=hall, kind=kind, label=label).exists():
        raise RosterError(_("该大厅已有同类型、同编号的设施。"))
    device = Device.objects.create(
        hall=hall, kind=kind, label=label, installed_on=installed_on, note=note.strip()
    )
    # The log starts when the device went into service, so later entries follow it.
    now = timezone.now()
    started = now
    if installed_on is not None:
        midnight = datetime.datetime.combine(installed_on, datetime.time())
        started = min(now, timezone.make_aware(midnight))
    MaintenanceLog.objects.create(
        device=device,
        at=started,
        by=user,
        action=_("登记启用"),
        state_after=DeviceState.IN_SERVICE,
    )
    log(instance=device, action="wagtail.create", user=user)
    return device


@transaction.atomic
def device_log_maintenance(
    *,
    user: Any,
    device: Device,
    action: str,
    state_after: str,
    note: str = "",
    at: datetime.datetime | None = None,
) -> MaintenanceLog:
    """Add a maintenance entry; the device takes the entry's state (the log is the only way a
    device's state changes, so the log always tells since when it is in that state)."""
    _deny(user_can_edit_devices(user))
    if state_after not in DeviceState.values:
        raise RosterError(_("未知的设施状态。"))
    at = at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise RosterError(_("维护时间不能晚于现在。"))
    device = Device.objects.select_for_update().get(pk=device.pk)
    entry = MaintenanceLog.objects.create(
        device=device,
        at=at,
        by=user,
        action=action.strip(),
        state_after=state_after,
        note=note.strip(),
    )
    if device.state != state_after:
        old = device.state
        device.state = state_after
        device.save(update_fields=["state"])
        log(
            instance=device,
            action="wagtail.edit",
            user=user,
            data={"state": [old, state_after], "log": entry.pk},
        )
    return entry


def device_state_since(device: Device) -> datetime.datetime | None:
    """When the device entered its current state: the oldest log entry of the latest run of
    entries with that state. ``None`` when the log does not say (no entry has that state)."""
    since = None
    for entry in device.log.order_by("-at", "-pk").only("at", "state_after"):
        if entry.state_after != device.state:
            break
        since = entry.at
    return since
