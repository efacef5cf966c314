"""Channels in place (seed 四.(一)–(四), 五.(五), 六): duty rosters on official working days,
the registers of liaisons and hall devices, the channel checks — each finding constructed,
reported, then fixed and gone — who may use the admin pages, and the demo's deliberate gaps.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

import pytest

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import is_workday
from guanwu.demo import oversight_loader
from guanwu.demo.services import LoadReport
from guanwu.organization.enums import Role
from guanwu.organization.models import Hall, Staff, Unit
from guanwu.oversight import checks_channels, rosters
from guanwu.oversight.enums import DeviceKind, DeviceState, DutyKind, Severity
from guanwu.oversight.findings import CHECKS
from guanwu.oversight.models import Device, DutySlot, LiaisonAssignment, MaintenanceLog
from guanwu.printing import services as printing
from guanwu.printing.content import Collected, printed
from guanwu.printing.enums import EditionKind
from tests.factories import publish

pytestmark = pytest.mark.django_db

CHANNEL_CHECKS = sorted(name for name in CHECKS if name.startswith("channels_"))
HALLS = [
    "HH-XG-HALL1",
    "HH-JC-HALL1",
    "HH-JC-HALL2",
    "HH-KFQ-HALL1",
    "HH-ZBQ-HALL1",
    "HH-DJ-HALL1",
]
PRINTING_TEMPLATES = Path(__file__).parent.parent / "printing" / "templates"

# 2026 (State Council schedule): 1–7 October off for National Day, Saturday 10 October worked.
HOLIDAY = datetime.date(2026, 10, 5)
SWAPPED_SATURDAY = datetime.date(2026, 10, 10)


def findings(today: datetime.date | None = None, *names: str) -> list:
    today = today or timezone.localdate()
    return [f for name in names or CHANNEL_CHECKS for f in CHECKS[name](today)]


def abouts(name: str, today: datetime.date | None = None) -> set[str]:
    return {f.about for f in findings(today, name)}


@pytest.fixture
def technology_user(demo):
    user = get_user_model().objects.create_user("tech", password="x")
    user.groups.add(
        Group.objects.get(name=Role.TECHNOLOGY.group_name),
    )
    return user


def _seat(about: str) -> rosters.Seat:
    return next(seat for seat in rosters.seats() if seat.about == about)


# --- rosters on official working days --------------------------------------------------------


def test_roster_gaps_are_counted_on_official_working_days_only(demo_users):
    cal = load_calendar()
    assert is_workday(SWAPPED_SATURDAY, cal) and not is_workday(HOLIDAY, cal)
    start, end = datetime.date(2026, 10, 1), datetime.date(2026, 10, 11)
    gaps = rosters.roster_gaps(start, end)
    # Nothing is rostered this far back: every seat is a gap on each working day, which are
    # the 8th, the 9th and the swapped Saturday — not the holidays, not Sunday the 11th.
    assert {gap.date for gap in gaps} == {
        datetime.date(2026, 10, 8),
        datetime.date(2026, 10, 9),
        SWAPPED_SATURDAY,
    }
    assert len(gaps) == 3 * len(rosters.seats())

    seat = _seat("hall:HH-XG-HALL1")
    staff = Staff.objects.get(work_number="121204")
    created = rosters.roster_assign(
        user=demo_users["centre"], seat=seat, staff=staff, start=start, end=end
    )
    assert [slot.date for slot in created] == [
        datetime.date(2026, 10, 8),
        datetime.date(2026, 10, 9),
        SWAPPED_SATURDAY,
    ]
    assert seat.hall not in {gap.place for gap in rosters.roster_gaps(start, end)}
    # Assigning again adds nothing.
    assert (
        rosters.roster_assign(
            user=demo_users["centre"], seat=seat, staff=staff, start=start, end=end
        )
        == []
    )


def test_roster_assign_refuses_a_range_without_working_days_and_people_who_left(demo_users):
    seat = _seat("hall:HH-XG-HALL1")
    staff = Staff.objects.get(work_number="121204")
    with pytest.raises(rosters.RosterError):
        rosters.roster_assign(
            user=demo_users["office"],
            seat=seat,
            staff=staff,
            start=datetime.date(2026, 10, 1),
            end=datetime.date(2026, 10, 7),
        )
    Staff.objects.filter(pk=staff.pk).update(is_active=False)
    staff.refresh_from_db()
    with pytest.raises(rosters.RosterError):
        rosters.roster_assign(
            user=demo_users["office"],
            seat=seat,
            staff=staff,
            start=datetime.date(2026, 10, 8),
            end=datetime.date(2026, 10, 9),
        )
    with pytest.raises(PermissionDenied):
        rosters.roster_assign(
            user=demo_users["liaison"],
            seat=seat,
            staff=Staff.objects.get(work_number="121207"),
            start=datetime.date(2026, 10, 8),
            end=datetime.date(2026, 10, 9),
        )


def test_duty_and_report_lines_are_not_on_the_roster(demo):
    kinds = {seat.line.kind for seat in rosters.seats() if seat.line is not None}
    assert kinds == {"consultation", "clearance_110"}
    assert len([s for s in rosters.seats() if s.kind == DutyKind.DESK]) == len(HALLS)


# --- the demo's deliberate gaps ------------------------------------------------------------------


def test_demo_reports_exactly_its_deliberate_gaps_and_loads_once(demo_users):
    report = LoadReport()
    oversight_loader.load_demo_oversight(demo_users, report)  # the session's load_demo ran it
    assert not report.created and not report.updated

    today = timezone.localdate()
    cal = load_calendar()
    kiosk = Device.objects.get(hall__code="HH-ZBQ-HALL1", kind=DeviceKind.KIOSK)
    got = {(f.check, f.about): f for f in findings(today)}
    assert set(got) == {
        *(("channels_bulletin", f"hall:{code}") for code in HALLS),
        ("channels_handbook", "district"),
        ("channels_kiosk", "hall:HH-ZBQ-HALL1"),
        ("channels_device_repair", f"device:{kiosk.pk}"),
        ("channels_roster", "hall:HH-KFQ-HALL1:past"),
        ("channels_roster", "line:HH-ZXZX:022-6000 1110:upcoming"),
    }
    desk_gap = rosters.past_working_days(today, 3, cal)[0]
    line_gap = rosters.coming_working_days(today, 3, cal)[-1]
    desk = got[("channels_roster", "hall:HH-KFQ-HALL1:past")]
    line = got[("channels_roster", "line:HH-ZXZX:022-6000 1110:upcoming")]
    assert desk_gap.isoformat() in desk.detail and desk.severity == Severity.SERIOUS
    assert line_gap.isoformat() in line.detail and line.severity == Severity.WARNING
    assert desk.unit.code == "HH-KFQ" and line.unit.code == "HH-ZXZX"
    assert "1 天" in desk.subject and "1 天" in line.subject
    for finding in got.values():
        assert finding.unit is not None and finding.link.startswith("/admin/")
        assert finding.subject and finding.detail
    # The demo registers every division's liaison and two devices in every hall.
    assert Device.objects.count() == 2 * len(HALLS)
    assert LiaisonAssignment.objects.count() == len(oversight_loader.LIAISONS)


# --- each finding: constructed, reported, fixed, gone --------------------------------------------


def test_roster_gap_is_gone_once_someone_is_assigned(demo_users):
    today = timezone.localdate()
    about = "hall:HH-KFQ-HALL1"
    assert f"{about}:past" in abouts("channels_roster", today)
    day = rosters.past_working_days(today, 3)[0]
    rosters.roster_assign(
        user=demo_users["office"],
        seat=_seat(about),
        staff=Staff.objects.get(work_number="121411"),
        start=day,
        end=day,
    )
    assert f"{about}:past" not in abouts("channels_roster", today)

    # Taking someone off an upcoming day opens a gap there.
    upcoming = rosters.coming_working_days(today, 5)[-1]
    slot = DutySlot.objects.get(hall__code="HH-XG-HALL1", date=upcoming)
    rosters.roster_remove(user=demo_users["centre"], slot=slot)
    assert "hall:HH-XG-HALL1:upcoming" in abouts("channels_roster", today)


def test_person_who_left_leaves_the_coming_days_empty_but_not_the_past(demo):
    today = timezone.localdate()
    Staff.objects.filter(work_number="121204").update(is_active=False)  # 顾晓敏, HH-XG desk
    found = abouts("channels_roster", today)
    assert "hall:HH-XG-HALL1:upcoming" in found
    assert "hall:HH-XG-HALL1:past" not in found


def test_kiosk_out_of_service_and_long_repair_are_reported_until_repaired(technology_user):
    today = timezone.localdate()
    tech = technology_user
    kiosk = Device.objects.get(hall__code="HH-ZBQ-HALL1", kind=DeviceKind.KIOSK)
    assert "hall:HH-ZBQ-HALL1" in abouts("channels_kiosk", today)
    assert f"device:{kiosk.pk}" in abouts("channels_device_repair", today)

    rosters.device_log_maintenance(
        user=tech, device=kiosk, action="更换主板", state_after=DeviceState.IN_SERVICE
    )
    kiosk.refresh_from_db()
    assert kiosk.state == DeviceState.IN_SERVICE
    assert "hall:HH-ZBQ-HALL1" not in abouts("channels_kiosk", today)
    assert f"device:{kiosk.pk}" not in abouts("channels_device_repair", today)

    # A board under repair since yesterday is not yet a finding; for three weeks it is.
    board = Device.objects.get(hall__code="HH-DJ-HALL1", kind=DeviceKind.BOARD)
    rosters.device_log_maintenance(
        user=tech,
        device=board,
        action="玻璃面板破损",
        state_after=DeviceState.UNDER_REPAIR,
        at=timezone.now() - datetime.timedelta(days=1),
    )
    assert f"device:{board.pk}" not in abouts("channels_device_repair", today)
    later = today + datetime.timedelta(days=21)
    assert f"device:{board.pk}" in abouts("channels_device_repair", later)
    # A hall whose only kiosk is retired has none in service.
    other = Device.objects.get(hall__code="HH-DJ-HALL1", kind=DeviceKind.KIOSK)
    rosters.device_log_maintenance(
        user=tech, device=other, action="报废撤除", state_after=DeviceState.RETIRED
    )
    assert "hall:HH-DJ-HALL1" in abouts("channels_kiosk", today)


def test_division_without_a_liaison_is_reported_until_one_is_named(demo_users):
    office = demo_users["office"]
    today = timezone.localdate()
    assert not abouts("channels_liaison", today)
    assignment = LiaisonAssignment.objects.get(unit__code="HH-XG")
    rosters.liaison_end(
        user=office, assignment=assignment, until=today - datetime.timedelta(days=1)
    )
    assert abouts("channels_liaison", today) == {"unit:HH-XG"}
    # A liaison named for one of its sections covers the branch again.
    rosters.liaison_register(
        user=office,
        unit=Unit.objects.get(code="HH-XG-ZHYW"),
        staff=Staff.objects.get(work_number="121207"),
        since=today,
    )
    assert not abouts("channels_liaison", today)
    with pytest.raises(rosters.RosterError):  # not their unit
        rosters.liaison_register(
            user=office,
            unit=Unit.objects.get(code="HH-JC"),
            staff=Staff.objects.get(work_number="121207"),
            since=today,
        )


class TinyHandbook:
    """A handbook builder with a small real template (tests/printing/templates), so a real
    edition is built and compared in a fraction of a second."""

    def __init__(self, objects: list) -> None:
        self.objects = objects

    def __call__(self, *, unit, hall, size, edition) -> Collected:
        return Collected(
            template="printing_test/edition.html",
            title="全关区测试手册",
            context={"title": "全关区测试手册", "size": size, "objects": list(self.objects)},
            objects=list(self.objects),
        )


def test_handbook_missing_then_current_then_out_of_date(demo, settings, monkeypatch):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], PRINTING_TEMPLATES]}]
    unit = Unit.objects.get(code="HH-BGS")
    tiny = TinyHandbook([printed(unit, category=2)])
    monkeypatch.setattr(printing, "builder_for", lambda kind: tiny)
    today = timezone.localdate()

    missing = findings(today, "channels_handbook")
    assert [(f.about, f.severity) for f in missing] == [("district", Severity.SERIOUS)]
    assert missing[0].unit.code == "HH-BGS"  # the office keeps the district's handbook
    printing.build_edition(kind=EditionKind.HANDBOOK)
    assert not findings(today, "channels_handbook")

    tiny.objects = [printed(unit, category=2), printed(Unit.objects.get(code="HH"), category=2)]
    stale = findings(today, "channels_handbook")
    assert [(f.about, f.severity) for f in stale] == [("district", Severity.WARNING)]


def test_hall_bulletin_missing_then_built_then_out_of_date(demo):
    """One real board, built by WeasyPrint (a few seconds), then changed content."""
    today = timezone.localdate()
    hall = Hall.objects.get(code="HH-XG-HALL1")
    assert "hall:HH-XG-HALL1" in abouts("channels_bulletin", today)

    edition = printing.build_edition(kind=EditionKind.BULLETIN, hall=hall)
    assert abouts("channels_bulletin", today) == {f"hall:{c}" for c in HALLS} - {"hall:HH-XG-HALL1"}
    started = time.perf_counter()
    assert not printing.is_out_of_date(edition)
    # One comparison collects the board's content again: cheap enough for every hall.
    assert time.perf_counter() - started < 5

    hall.opening_hours = "工作日 8:30-17:30（测试调整）"
    publish(hall)
    stale = [f for f in findings(today, "channels_bulletin") if f.about == "hall:HH-XG-HALL1"]
    assert [f.severity for f in stale] == [Severity.WARNING]
    assert stale[0].link == reverse("printing_admin_edition", args=[edition.pk])


# --- the admin pages and who may use them ---------------------------------------------------------

PAGES = {
    "roster": "oversight_channels_roster",
    "liaisons": "oversight_channels_liaisons",
    "devices": "oversight_channels_devices",
}
# Who reads (GET 200) and who edits each page.
# Every demo login works in the admin; "tech" holds the technology division's role.
EVERYONE = {
    *("admin", "office", "supervision", "legal", "centre", "liaison", "chief", "division"),
    *("supervisor", "centrehead", "tech"),
}
READERS = {
    "roster": EVERYONE,
    "liaisons": EVERYONE,
    "devices": {"office", "centre", "centrehead", "tech"},
}
# What only an editor's page holds: its edit form.
EDIT_MARKERS = {
    "roster": 'value="assign"',
    "liaisons": 'value="add"',
    "devices": 'name="label"',
}
EDITORS = {
    # The superuser ("admin") holds no role: it reads what every admin user reads, edits nothing.
    "roster": {"office", "centre", "centrehead"},
    "liaisons": {"office"},
    "devices": {"centre", "centrehead", "tech"},
}


def _denied(response) -> bool:
    """Wagtail answers PermissionDenied in its admin with a redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_admin_pages_permission_matrix(client, demo_users, technology_user):
    users = {**demo_users, "tech": technology_user}
    kiosk = Device.objects.get(hall__code="HH-XG-HALL1", kind=DeviceKind.KIOSK)
    for username in sorted(EVERYONE):
        client.force_login(users[username])
        for page, name in PAGES.items():
            response = client.get(reverse(name))
            if username in READERS[page]:
                assert response.status_code == 200, (username, page)
                html = response.content.decode()
                # The edit forms are shown exactly to the editors.
                assert (EDIT_MARKERS[page] in html) == (username in EDITORS[page]), (username, page)
            else:
                assert _denied(response), (username, page)
        detail = client.get(reverse("oversight_channels_device", args=[kiosk.pk]))
        assert detail.status_code == 200 if username in READERS["devices"] else _denied(detail)
        # A reader who is no editor cannot post either.
        for page, name in PAGES.items():
            if username in READERS[page] and username not in EDITORS[page]:
                assert _denied(client.post(reverse(name), {"action": "add"})), (username, page)
    client.logout()
    assert client.get(reverse(PAGES["roster"])).status_code == 302


def test_roster_page_shows_names_and_gaps_and_assigns(client, demo_users):
    today = timezone.localdate()
    client.force_login(demo_users["centre"])
    gap = rosters.past_working_days(today, 3)[0]
    page = client.get(reverse("oversight_channels_roster"), {"start": gap.isoformat()})
    html = page.content.decode()
    assert "包玉婷" in html and "roster__gap" in html and "缺岗" in html
    seat = _seat("hall:HH-KFQ-HALL1")
    response = client.post(
        f"{reverse('oversight_channels_roster')}?start={gap.isoformat()}",
        {
            "action": "assign",
            "seat": seat.key,
            "staff": Staff.objects.get(work_number="121402").pk,
            "start": gap.isoformat(),
            "end": gap.isoformat(),
            "shift": "上午",
        },
    )
    assert response.status_code == 302
    assert DutySlot.objects.filter(hall=seat.hall, date=gap, shift="上午").exists()
    slot = DutySlot.objects.get(hall=seat.hall, date=gap)
    response = client.post(
        f"{reverse('oversight_channels_roster')}?start={gap.isoformat()}",
        {"action": "remove", "slot": slot.pk},
    )
    assert response.status_code == 302 and not DutySlot.objects.filter(pk=slot.pk).exists()
    refused = client.post(
        reverse("oversight_channels_roster"),
        {
            "action": "assign",
            "seat": seat.key,
            "staff": Staff.objects.get(work_number="121402").pk,
            "start": "2026-10-01",
            "end": "2026-10-07",
        },
    )
    assert refused.status_code == 200 and "所选日期范围内没有工作日" in refused.content.decode()


def test_liaison_register_add_and_end_in_the_admin(client, demo_users):
    client.force_login(demo_users["office"])
    url = reverse("oversight_channels_liaisons")
    response = client.post(
        url,
        {
            "action": "add",
            "unit": Unit.objects.get(code="HH-DJ").pk,
            "staff": Staff.objects.get(work_number="121603").pk,
            "since": timezone.localdate().isoformat(),
            "note": "协助更新窗口信息",
        },
    )
    assert response.status_code == 302
    added = LiaisonAssignment.objects.get(staff__work_number="121603")
    response = client.post(
        url, {"action": "end", "pk": added.pk, "until": timezone.localdate().isoformat()}
    )
    added.refresh_from_db()
    assert response.status_code == 302 and added.until == timezone.localdate()
    assert "安晓然" in client.get(url, {"ended": "1"}).content.decode()


def test_device_register_and_maintenance_log_in_the_admin(client, technology_user):
    client.force_login(technology_user)
    hall = Hall.objects.get(code="HH-XG-HALL1")
    response = client.post(
        reverse("oversight_channels_devices"),
        {"hall": hall.pk, "kind": DeviceKind.KIOSK, "label": "XG-K2 触摸屏（二楼）"},
    )
    device = Device.objects.get(label="XG-K2 触摸屏（二楼）")
    assert response.status_code == 302 and device.state == DeviceState.IN_SERVICE
    response = client.post(
        reverse("oversight_channels_device", args=[device.pk]),
        {"action": "触摸无响应", "state_after": DeviceState.FAULTY, "note": "已报修"},
    )
    device.refresh_from_db()
    assert response.status_code == 302 and device.state == DeviceState.FAULTY
    assert MaintenanceLog.objects.filter(device=device).count() == 2
    page = client.get(reverse("oversight_channels_device", args=[device.pk])).content.decode()
    assert "触摸无响应" in page and "故障" in page


def test_every_channel_check_is_registered():
    assert checks_channels.ROSTER_WINDOW == 10
    assert CHANNEL_CHECKS == [
        "channels_bulletin",
        "channels_device_repair",
        "channels_handbook",
        "channels_kiosk",
        "channels_liaison",
        "channels_roster",
    ]
