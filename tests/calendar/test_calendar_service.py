"""The calendar in the database: seeding, import, signals, cache, admin, API and commands.

DESIGN rule 6 (seed 四.五 限时答复): deadlines count official working days, the State
Council schedule with its swapped working weekends, editable for years no library knows.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

import chinese_calendar
import pytest

from guanwu.calendar.enums import CalendarSource, DayKind
from guanwu.calendar.models import CalendarDay, CalendarYear
from guanwu.calendar.services import (
    CalendarError,
    import_holidays,
    load_calendar,
    seed_from_chinesecalendar,
)
from guanwu.calendar.signals import calendar_changed
from guanwu.calendar.workdays import add_workdays, is_provisional, is_workday

pytestmark = pytest.mark.django_db

D = datetime.date
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "holidays-example.txt"


@pytest.fixture
def changes():
    """Every ``calendar_changed`` sent during the test, as (sender, years)."""
    seen: list[tuple[type, tuple[int, ...]]] = []

    def listener(sender, years, **kwargs):
        seen.append((sender, years))

    calendar_changed.connect(listener, dispatch_uid="test-calendar-changes")
    yield seen
    calendar_changed.disconnect(dispatch_uid="test-calendar-changes")


def _write(tmp_path: Path, text: str, name: str = "2027.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- what every installation has after migrate -------------------------------------------


def test_migrate_seeds_every_year_chinesecalendar_knows():
    cal = load_calendar()
    assert set(range(2004, 2027)) <= cal.known_years
    assert 2027 not in cal.known_years
    years = CalendarYear.objects.filter(year__range=(2004, 2026))
    assert years.count() == 23
    assert set(years.values_list("source", flat=True)) == {CalendarSource.CHINESECALENDAR}
    # Only exceptions are stored: weekday holidays and weekend working days.
    for day in CalendarDay.objects.all():
        assert (day.kind == DayKind.HOLIDAY) == (day.date.weekday() < 5), day


def test_the_seeded_calendar_agrees_with_chinesecalendar_on_every_day():
    cal = load_calendar()
    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert is_workday(day, cal) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)


def test_chinesecalendar_does_not_know_2027():
    # FACTS.md: 1.11.0 raises for 2027. When an upgrade knows it, run seed_calendar.
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))


def test_seeded_names_are_chinese():
    names = dict(CalendarDay.objects.filter(date__year=2026).values_list("date", "name"))
    assert names[D(2026, 2, 14)] == "春节"
    assert names[D(2026, 10, 10)] == "国庆节"
    assert names[D(2026, 1, 4)] == "元旦"


def test_rule_6_the_2026_schedule_from_the_database():
    cal = load_calendar()
    assert add_workdays(D(2026, 2, 13), 1, cal) == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 14), 1, cal) == D(2026, 2, 24)
    assert add_workdays(D(2026, 2, 27), 1, cal) == D(2026, 2, 28)
    assert add_workdays(D(2026, 9, 18), 1, cal) == D(2026, 9, 20)
    assert add_workdays(D(2026, 9, 30), 1, cal) == D(2026, 10, 8)
    assert add_workdays(D(2026, 9, 30), 3, cal) == D(2026, 10, 10)
    assert add_workdays(D(2026, 9, 30), 4, cal) == D(2026, 10, 12)


def test_seeding_again_changes_nothing_and_sends_nothing(changes):
    update = seed_from_chinesecalendar()
    assert not update.changed and changes == []


def test_seeding_restores_a_lost_day_and_keeps_edits_made_by_hand(changes):
    lost = CalendarDay.objects.get(date=D(2026, 2, 16))
    lost.delete()
    edited = CalendarDay.objects.get(date=D(2026, 2, 17))
    edited.name, edited.source = "春节（本关补充说明）", CalendarSource.ADMIN
    edited.save()
    changes.clear()
    update = seed_from_chinesecalendar()
    assert [c.action for c in update.changes] == ["add"]
    assert CalendarDay.objects.get(date=D(2026, 2, 16)).source == CalendarSource.CHINESECALENDAR
    assert CalendarDay.objects.get(date=D(2026, 2, 17)).name == "春节（本关补充说明）"
    assert changes == [(CalendarDay, (2026,))]


def test_seeding_leaves_imported_years_alone():
    import_holidays(["2026-01-05 holiday 测试"], year=2026)
    update = seed_from_chinesecalendar()
    assert not update.changed
    assert CalendarDay.objects.get(date=D(2026, 1, 5)).name == "测试"
    assert not CalendarDay.objects.filter(date=D(2026, 2, 16)).exists()


def test_seeding_an_unknown_year_is_refused():
    with pytest.raises(CalendarError) as exc:
        seed_from_chinesecalendar([2027])
    assert "2027" in exc.value.messages[0]


# --- import ------------------------------------------------------------------------------


def test_rule_6_crossing_into_2027_is_provisional_until_imported(tmp_path, changes):
    start = D(2026, 12, 31)
    cal = load_calendar()
    before = add_workdays(start, 1, cal)
    assert before == D(2027, 1, 1) and is_provisional(start, before, cal)

    path = _write(tmp_path, "# 测试用，非官方数据\n2027-01-01 holiday 元旦\n")
    with path.open(encoding="utf-8") as lines:
        update = import_holidays(lines)
    assert [c.describe() for c in update.changes] == ["新增 2027-01-01 放假 元旦"]
    assert update.years_marked == [2027]

    cal = load_calendar()
    after = add_workdays(start, 1, cal)
    assert after == D(2027, 1, 4)  # Friday 1 Jan off, then the weekend
    assert not is_provisional(start, after, cal)
    year = CalendarYear.objects.get(year=2027)
    assert year.complete and year.source == CalendarSource.IMPORT
    assert changes == [(CalendarDay, (2027,))]


def test_bad_lines_are_reported_with_their_numbers_and_nothing_changes(tmp_path, changes):
    text = (
        "2027-01-01 holiday 元旦\n"  # 1: fine
        "2027-02-30 holiday 春节\n"  # 2: no such date
        "\n"
        "2027-02-08 vacation\n"  # 4: unknown kind
        "2027-01-01 holiday 元旦\n"  # 5: repeated
        "2027-01-05 workday\n"  # 6: a Tuesday is a working day anyway
        "20270106 holiday\n"  # 7: not YYYY-MM-DD
        "2027-01-07\n"  # 8: no kind
    )
    count = CalendarDay.objects.count()
    with pytest.raises(CalendarError) as exc:
        import_holidays(text.splitlines())
    messages = exc.value.messages
    assert [m.split("：")[0] for m in messages] == [
        "第 2 行",
        "第 4 行",
        "第 5 行",
        "第 6 行",
        "第 7 行",
        "第 8 行",
    ]
    assert "第 1 行" in messages[2]  # the repeat names the first occurrence
    assert "星期二" in messages[3]
    assert CalendarDay.objects.count() == count
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert changes == []


def test_an_empty_file_is_refused():
    with pytest.raises(CalendarError, match="没有任何日期"):
        import_holidays(["# 只有注释", ""])


def test_weekend_days_off_are_accepted_but_not_stored():
    update = import_holidays(
        ["2027-01-01 holiday 元旦", "2027-01-02 放假 元旦", "2027-01-03 休 元旦"]
    )
    assert [c.date for c in update.changes] == [D(2027, 1, 1)]
    assert len(update.notes) == 2 and "第 2 行" in update.notes[0]
    assert list(CalendarDay.objects.in_year(2027).values_list("date", flat=True)) == [D(2027, 1, 1)]


def test_import_replaces_the_year_unless_merging(changes):
    import_holidays(["2027-01-01 holiday 元旦", "2027-02-06 workday 春节"])
    update = import_holidays(["2027-01-01 holiday 元旦节", "2027-02-08 holiday 春节"])
    assert [(c.action, c.date) for c in update.changes] == [
        ("change", D(2027, 1, 1)),
        ("remove", D(2027, 2, 6)),
        ("add", D(2027, 2, 8)),
    ]
    assert update.years_marked == []  # already known after the first import
    import_holidays(["2027-02-09 holiday 春节"], replace=False)
    stored = dict(CalendarDay.objects.in_year(2027).values_list("date", "name"))
    assert stored == {D(2027, 1, 1): "元旦节", D(2027, 2, 8): "春节", D(2027, 2, 9): "春节"}
    assert changes == [(CalendarDay, (2027,))] * 3


def test_dates_of_several_years_need_the_year(changes):
    lines = ["2026-12-31 holiday 元旦", "2027-01-01 holiday 元旦"]
    with pytest.raises(CalendarError, match="--year"):
        import_holidays(lines)
    update = import_holidays(lines, year=2027)
    # The neighbouring year gains the day but is not replaced.
    assert CalendarDay.objects.get(date=D(2026, 12, 31)).source == CalendarSource.IMPORT
    assert CalendarDay.objects.get(date=D(2026, 2, 16)).kind == DayKind.HOLIDAY
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.CHINESECALENDAR
    assert update.years == (2026, 2027)
    assert changes == [(CalendarDay, (2026, 2027))]
    with pytest.raises(CalendarError, match="第 1 行"):
        import_holidays(["2025-12-31 holiday 元旦"], year=2027)


def test_dry_run_changes_nothing(changes):
    update = import_holidays(["2027-01-01 holiday 元旦"], dry_run=True)
    assert update.changed and update.dry_run
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert changes == []


def test_the_example_file_parses_and_is_not_official_data():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "示例" in text and "不是官方数据" in text
    update = import_holidays(text.splitlines(), dry_run=True)
    assert {c.date.year for c in update.changes} == {2099}
    assert len(update.notes) == 1  # the Saturday in the holiday, ignored


# --- signals and cache -------------------------------------------------------------------


def test_calendar_changed_once_per_edit_with_the_years(changes):
    day = CalendarDay.objects.create(date=D(2027, 5, 3), kind=DayKind.HOLIDAY, name="劳动节")
    assert changes == [(CalendarDay, (2027,))]
    day = CalendarDay.objects.get(pk=day.pk)
    day.date = D(2028, 5, 1)
    day.save()
    assert changes[-1] == (CalendarDay, (2027, 2028))
    day.delete()
    assert changes[-1] == (CalendarDay, (2028,))
    CalendarYear.objects.create(year=2027, complete=True)
    assert changes[-1] == (CalendarYear, (2027,))
    assert len(changes) == 4


def test_load_calendar_follows_changes_and_rollbacks():
    assert D(2027, 1, 1) not in load_calendar().holidays
    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarDay.objects.create(date=D(2027, 1, 1), kind=DayKind.HOLIDAY)
        assert D(2027, 1, 1) in load_calendar().holidays
        raise RuntimeError
    assert D(2027, 1, 1) not in load_calendar().holidays
    CalendarYear.objects.create(year=2027, complete=True)
    assert 2027 in load_calendar().known_years


def test_model_clean_refuses_days_that_are_no_exception():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        CalendarDay(date=D(2027, 1, 2), kind=DayKind.HOLIDAY).full_clean()  # a Saturday
    with pytest.raises(ValidationError):
        CalendarDay(date=D(2027, 1, 4), kind=DayKind.WORKDAY).full_clean()  # a Monday
    CalendarDay(date=D(2027, 1, 4), kind=DayKind.HOLIDAY).full_clean()


# --- admin -------------------------------------------------------------------------------


def test_admin_lists_and_edits_days(demo_users, client, changes):
    client.force_login(demo_users["admin"])
    listing = client.get("/admin/snippets/workcalendar/calendarday/", {"kind": "workday"})
    assert listing.status_code == 200
    assert "2026-10-10" in listing.content.decode() or "2026年10月10日" in listing.content.decode()
    assert client.get("/admin/snippets/workcalendar/calendaryear/").status_code == 200
    response = client.post(
        "/admin/snippets/workcalendar/calendarday/add/",
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(date=D(2027, 1, 1))
    assert day.source == CalendarSource.ADMIN
    assert changes == [(CalendarDay, (2027,))]
    seeded = CalendarDay.objects.get(date=D(2026, 2, 16))
    response = client.post(
        f"/admin/snippets/workcalendar/calendarday/edit/{seeded.pk}/",
        {"date": "2026-02-16", "kind": "holiday", "name": "春节（调整）"},
    )
    assert response.status_code == 302
    seeded.refresh_from_db()
    assert seeded.source == CalendarSource.ADMIN and seeded.name == "春节（调整）"
    response = client.post(f"/admin/snippets/workcalendar/calendarday/delete/{day.pk}/")
    assert response.status_code == 302
    assert changes == [(CalendarDay, (2027,)), (CalendarDay, (2026,)), (CalendarDay, (2027,))]


def test_admin_refuses_a_working_weekday(demo_users, client):
    client.force_login(demo_users["admin"])
    response = client.post(
        "/admin/snippets/workcalendar/calendarday/add/",
        {"date": "2027-01-04", "kind": "workday", "name": ""},
    )
    assert response.status_code == 200
    assert "本来就是工作日" in response.content.decode()
    assert not CalendarDay.objects.filter(date=D(2027, 1, 4)).exists()


# --- API ---------------------------------------------------------------------------------

URL = "/api/v1/calendar/workdays/"


def test_api_workdays_shape(client):
    body = client.get(URL, {"start": "2026-02-13", "add": "1"}).json()
    assert body == {"start": "2026-02-13", "add": 1, "date": "2026-02-14", "provisional": False}
    assert client.get(URL, {"start": "2026-02-14", "add": "1"}).json()["date"] == "2026-02-24"
    assert client.get(URL, {"start": "2026-09-30", "add": "3"}).json()["date"] == "2026-10-10"


def test_api_add_zero_gives_start(client):
    body = client.get(URL, {"start": "2026-02-16", "add": "0"}).json()
    assert body["date"] == "2026-02-16" and body["provisional"] is False


def test_api_provisional_until_the_year_is_imported(client):
    body = client.get(URL, {"start": "2026-12-31", "add": "1"}).json()
    assert body["date"] == "2027-01-01" and body["provisional"] is True
    import_holidays(["2027-01-01 holiday 元旦"])
    body = client.get(URL, {"start": "2026-12-31", "add": "1"}).json()
    assert body["date"] == "2027-01-04" and body["provisional"] is False


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"start": "2026-02-13"},
        {"add": "1"},
        {"start": "2026-02-30", "add": "1"},
        {"start": "20260213", "add": "1"},
        {"start": "yesterday", "add": "1"},
        {"start": "2026-02-13", "add": "-1"},
        {"start": "2026-02-13", "add": "1.5"},
        {"start": "2026-02-13", "add": "3651"},
        {"start": "2026-02-13", "add": "99999999999999999999"},
        {"start": "9999-12-31", "add": "1"},
    ],
)
def test_api_bad_parameters_are_a_chinese_400(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert isinstance(detail, str) and any("\u4e00" <= ch <= "\u9fff" for ch in detail)


def test_api_largest_add_is_accepted(client):
    response = client.get(URL, {"start": "2026-01-01", "add": "3650"})
    assert response.status_code == 200 and response.json()["provisional"] is True


def test_api_schema_documents_the_endpoint(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/calendar/workdays/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"start", "add"}
    assert "400" in operation["responses"]


# --- commands ----------------------------------------------------------------------------


def test_import_holidays_command_dry_run_then_for_real(tmp_path, changes):
    path = _write(tmp_path, "2027-01-01 holiday 元旦\n2027-01-02 holiday 元旦\n")
    out = StringIO()
    call_command("import_holidays", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "新增 2027-01-01 放假 元旦" in text and "2027 年标记为已完整录入" in text
    assert "第 2 行" in text and "未写入" in text
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()
    assert changes == []

    out = StringIO()
    call_command("import_holidays", str(path), stdout=out)
    assert "已更新：2027 年" in out.getvalue()
    assert CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()
    out = StringIO()
    call_command("import_holidays", str(path), stdout=out)
    assert "没有变更" in out.getvalue()
    assert len(changes) == 1


def test_import_holidays_command_reports_errors(tmp_path):
    path = _write(tmp_path, "2027-01-01 holiday\n2027-13-01 holiday\n")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("import_holidays", str(path))
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_holidays", str(tmp_path / "missing.txt"))


def test_seed_calendar_command():
    out = StringIO()
    call_command("seed_calendar", "--dry-run", stdout=out)
    assert "没有变更" in out.getvalue()
    CalendarDay.objects.filter(date=D(2026, 2, 16)).delete()
    out = StringIO()
    call_command("seed_calendar", "--years", "2026", stdout=out)
    assert "新增 2026-02-16 放假 春节" in out.getvalue()
    with pytest.raises(CommandError, match="2027"):
        call_command("seed_calendar", "--years", "2027")
