"""Demo rosters and registers for the oversight checks, with deliberate gaps (issue 7:
``manage.py oversight --json`` on the demo reports the gaps written in, and nothing false).

Loaded relative to the day ``load_demo`` runs (the "load day"):

* liaisons: one for each of the 16 divisions and branches (level 2), from its own staff;
* devices: a kiosk and a bulletin board in each of the 6 declaration halls, all in service
  except one (below);
* rosters: every hall's consultation desk and every consultation / 通关110 line, one named
  person a day, "全天", from the 10th working day before the load day to the 20th working day
  from it (the check looks 10 working days each way; the extra ten keep the demo free of false
  gaps for two weeks after loading).

The deliberate gaps — each one reported, nothing else from the channel checks:

1. DESK_GAP: 开发区海关报关大厅 (HH-KFQ-HALL1) has nobody at its desk on the 3rd working day
   before the load day → ``channels_roster``, about ``hall:HH-KFQ-HALL1:past`` (serious).
2. LINE_GAP: the centre's 通关110 line 022-6000 1110 has nobody on the 3rd working day from the
   load day (the load day counts when it is a working day) → ``channels_roster``, about
   ``line:HH-ZXZX:022-6000 1110:upcoming`` (warning).
3. FAULTY_KIOSK: the kiosk of 综合保税区海关报关大厅 (HH-ZBQ-HALL1) went faulty 14 days before
   the load day and is not repaired → ``channels_kiosk`` (no kiosk in service, about
   ``hall:HH-ZBQ-HALL1``) and ``channels_device_repair`` (faulty for more than 5 working days).
4. No printed editions: the demo builds no bulletin board and no handbook (building them takes
   seconds each, too slow for every test run; editions are never faked) → ``channels_bulletin``
   for each of the 6 halls and ``channels_handbook`` for the district.

Idempotent: rows are looked up by natural keys and only missing ones are created; a second
load on the same day changes nothing. Changes go through the oversight services, as the
demo users who may make them (the centre, the office, the technology division's superuser).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from guanwu.calendar.services import load_calendar
from guanwu.organization.models import Hall, Staff, Unit
from guanwu.oversight import rosters
from guanwu.oversight.enums import DeviceKind, DeviceState
from guanwu.oversight.models import Device, DutySlot, LiaisonAssignment

DEMO_SHIFT = "全天"
PAST_DAYS = 10
COMING_DAYS = 20

# Division or branch code → the work number of its liaison (staff of that unit or below it).
LIAISONS = {
    "HH-BGS": "120106",  # 韩雪莹，办公室关务公开科
    "HH-JCS": "120205",  # 彭佳琪
    "HH-ZGB": "120305",  # 许梦瑶
    "HH-FGC": "120404",  # 叶明辉
    "HH-KJC": "120504",  # 贾晨阳
    "HH-ZXZX": "120603",  # 吕欣怡
    "HH-CWC": "120704",  # 石佳慧
    "HH-GSC": "120803",  # 邹丽华
    "HH-TGC": "120902",  # 陆晓峰
    "HH-JBC": "121002",  # 孔凡荣
    "HH-QGJC": "121102",  # 秦玉洁
    "HH-XG": "121206",  # 严晓璐, the demo's "liaison" login
    "HH-JC": "121307",  # 赖小凤
    "HH-KFQ": "121405",  # 钟文杰
    "HH-ZBQ": "121505",  # 牛晓霞
    "HH-DJ": "121604",  # 苗佳欣
}

# Hall code → who sits at its consultation desk (the staff holding its ZX post, where one does).
DESKS = {
    "HH-XG-HALL1": "121204",  # 顾晓敏
    "HH-JC-HALL1": "121312",  # 聂思琪
    "HH-JC-HALL2": "121311",  # 柯志鹏，旅检
    "HH-KFQ-HALL1": "121411",  # 包玉婷
    "HH-ZBQ-HALL1": "121503",  # 阎思涵
    "HH-DJ-HALL1": "121605",  # 桂秀兰
}

# (unit code, number) → who answers the line.
LINES = {
    ("HH-ZXZX", "022-6000 1100"): "120603",  # 吕欣怡，热线科
    ("HH-ZXZX", "022-6000 1110"): "120604",  # 丁浩然，热线科
    ("HH-XG", "022-6010 1001"): "121207",  # 万俊峰
    ("HH-JC", "022-6020 1001"): "121304",  # 常雨晴
    ("HH-JC", "022-6020 1002"): "121307",  # 赖小凤
    ("HH-KFQ", "022-6030 1001"): "121404",  # 夏雨桐
    ("HH-ZBQ", "022-6040 1001"): "121505",  # 牛晓霞
    ("HH-DJ", "022-6050 1001"): "121603",  # 安晓然
}

# Deliberate gaps 1 and 2 (see the module docstring and docs/oversight.md).
DESK_GAP = ("HH-KFQ-HALL1", -3)  # the 3rd working day before the load day
LINE_GAP = (("HH-ZXZX", "022-6000 1110"), 3)  # the 3rd working day from the load day
# Deliberate gap 3.
FAULTY_KIOSK_HALL = "HH-ZBQ-HALL1"
FAULTY_DAYS_AGO = 14


def kiosk_label(hall: Hall) -> str:
    return f"{hall.code.removeprefix('HH-')}-K1（大厅入口）"


def board_label(hall: Hall) -> str:
    return f"{hall.code.removeprefix('HH-')}-B1（大厅正面墙）"


def load_demo_oversight(users: dict[str, Any], report: Any) -> None:
    """Create what is missing of the demo's liaisons, devices and rosters (idempotent)."""
    today = timezone.localdate()
    _load_liaisons(users["office"], report, today)
    _load_devices(users["centre"], report, today)
    _load_rosters(users["centre"], report, today)


def _load_liaisons(user: Any, report: Any, today: datetime.date) -> None:
    units = Unit.objects.in_bulk(list(LIAISONS), field_name="code")
    staff = Staff.objects.in_bulk(list(LIAISONS.values()), field_name="work_number")
    for code, work_number in LIAISONS.items():
        unit, person = units.get(code), staff.get(work_number)
        if unit is None or person is None:
            continue
        if LiaisonAssignment.objects.filter(unit=unit, staff=person).exists():
            continue
        rosters.liaison_register(
            user=user, unit=unit, staff=person, since=today - datetime.timedelta(days=365)
        )
        report.count("LiaisonAssignment", created=True)


def _load_devices(user: Any, report: Any, today: datetime.date) -> None:
    installed = today - datetime.timedelta(days=400)
    for hall in Hall.objects.filter(code__in=list(DESKS)).order_by("code"):
        for kind, label in (
            (DeviceKind.KIOSK, kiosk_label(hall)),
            (DeviceKind.BOARD, board_label(hall)),
        ):
            if Device.objects.filter(hall=hall, kind=kind, label=label).exists():
                continue
            device = rosters.device_register(
                user=user, hall=hall, kind=kind, label=label, installed_on=installed
            )
            report.count("Device", created=True)
            if hall.code == FAULTY_KIOSK_HALL and kind == DeviceKind.KIOSK:
                # Deliberate gap 3: faulty for two weeks, not yet repaired.
                rosters.device_log_maintenance(
                    user=user,
                    device=device,
                    action="触摸屏无法启动，已报技术处维修",
                    state_after=DeviceState.FAULTY,
                    note="等待更换主板配件。",
                    at=timezone.now() - datetime.timedelta(days=FAULTY_DAYS_AGO),
                )


def _seat_people() -> list[tuple[rosters.Seat, Staff]]:
    staff = Staff.objects.in_bulk([*DESKS.values(), *LINES.values()], field_name="work_number")
    found = []
    for seat in rosters.seats():
        if seat.hall is not None:
            work_number = DESKS.get(seat.hall.code)
        else:
            work_number = LINES.get((seat.line.unit.code, seat.line.number))  # type: ignore[union-attr]
        if work_number in staff:
            found.append((seat, staff[work_number]))
    return found


def _gap_days(today: datetime.date, cal: Any) -> dict[str, datetime.date]:
    """Seat ``about`` → the day it is deliberately left empty."""
    desk_hall, desk_offset = DESK_GAP
    (line_unit, line_number), line_offset = LINE_GAP
    return {
        f"hall:{desk_hall}": rosters.past_working_days(today, -desk_offset, cal)[0],
        f"line:{line_unit}:{line_number}": rosters.coming_working_days(today, line_offset, cal)[-1],
    }


def _runs(days: list[datetime.date], wanted: set[datetime.date]) -> list[tuple[Any, Any]]:
    """Consecutive stretches (in working days) of ``days`` that are in ``wanted``."""
    runs: list[tuple[Any, Any]] = []
    start = previous = None
    for day in days:
        if day in wanted:
            start = start or day
            previous = day
        elif start is not None:
            runs.append((start, previous))
            start = None
    if start is not None:
        runs.append((start, previous))
    return runs


def _load_rosters(user: Any, report: Any, today: datetime.date) -> None:
    cal = load_calendar()
    past = rosters.past_working_days(today, PAST_DAYS, cal)
    coming = rosters.coming_working_days(today, COMING_DAYS, cal)
    days = past + coming
    gaps = _gap_days(today, cal)
    for seat, person in _seat_people():
        gap = gaps.get(seat.about)
        if gap is not None:
            # A slot the demo put on this day at an earlier load (another load day) goes, so
            # the documented gap is there whatever day the demo was first loaded.
            for slot in DutySlot.objects.filter(
                seat.slot_filter(), date=gap, staff=person, shift=DEMO_SHIFT
            ):
                rosters.roster_remove(user=user, slot=slot)
        filled = set(
            DutySlot.objects.filter(seat.slot_filter(), date__in=days).values_list(
                "date", flat=True
            )
        )
        wanted = {day for day in days if day not in filled and day != gap}
        for start, end in _runs(days, wanted):
            created = rosters.roster_assign(
                user=user, seat=seat, staff=person, start=start, end=end, shift=DEMO_SHIFT
            )
            for _slot in created:
                report.count("DutySlot", created=True)
