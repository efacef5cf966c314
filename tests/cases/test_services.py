"""Case services: intake, deadlines (rule 6), first contact (rule 5), feedback owed (rule 7)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

import pytest

from guanwu.cases.enums import CaseKind, Channel, Level, Status
from guanwu.cases.models import Case, DeadlinePolicy
from guanwu.cases.services import (
    case_close,
    case_log_contact,
    case_pause,
    case_reply,
    case_resume,
    case_submit_public,
    case_transfer,
    check_case_password,
    deadline_for,
)
from guanwu.organization.enums import UnitFunction
from guanwu.organization.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(demo):
    return Unit.objects.get(code="HH-XG-ZHYW")


def test_public_submission_gets_a_code_a_password_and_a_deadline(section):
    result = case_submit_public(
        kind=CaseKind.CONSULTATION, title="手册核销", body="加工贸易手册如何核销？", units=[section]
    )
    case = result.case
    assert result.created
    assert case.tracking_code.startswith("GW") and len(case.tracking_code) == 12
    assert check_case_password(case, result.password)
    assert not check_case_password(case, "wrong")
    assert case.deadline > case.received_on
    assert (case.level, case.responsible_unit) == (Level.SECTION, section)
    assert case.events.filter(action="received").exists()


def test_the_same_idempotency_key_gives_one_case(section):
    first = case_submit_public(kind="consultation", body="同一次提交", idempotency_key="k-1")
    again = case_submit_public(kind="consultation", body="同一次提交", idempotency_key="k-1")
    assert first.created and not again.created
    assert first.case.pk == again.case.pk and first.password == again.password
    assert Case.objects.filter(idempotency_key="k-1").count() == 1


def test_bad_input_is_refused_in_chinese(demo):
    with pytest.raises(ValidationError) as excinfo:
        case_submit_public(kind="consultation", body="   ")
    assert "请填写具体内容" in str(excinfo.value)
    with pytest.raises(ValidationError):
        case_submit_public(kind="nonsense", body="内容")


def test_rule_6_deadlines_skip_the_2026_spring_festival_and_count_swapped_saturdays(demo):
    # Friday 13 Feb 2026 + 5 working days: Sat 14 Feb is a working day, 15–23 Feb are off.
    assert deadline_for(CaseKind.CONSULTATION, datetime.date(2026, 2, 13)) == datetime.date(
        2026, 2, 27
    )
    # National Day: 1–7 Oct off, Sat 10 Oct works.
    assert deadline_for(CaseKind.CONSULTATION, datetime.date(2026, 9, 30)) == datetime.date(
        2026, 10, 13
    )


def test_deadline_policy_is_editable(demo):
    DeadlinePolicy.objects.update_or_create(
        kind=CaseKind.CONSULTATION, defaults={"working_days": 3}
    )
    assert deadline_for(CaseKind.CONSULTATION, datetime.date(2026, 11, 23)) == datetime.date(
        2026, 11, 26
    )


def test_rule_5_the_first_contact_owner_stays_through_transfers(section, demo_users):
    case = case_log_contact(
        user=demo_users["centre"],
        kind=CaseKind.CONSULTATION,
        channel=Channel.HOTLINE,
        line="consultation",
        body="来电咨询原产地证书。",
        caller_number="13800000000",
        units=[section],
    )
    assert case.first_contact == demo_users["centre"]
    other = Unit.objects.get(function=UnitFunction.LEGAL)
    with pytest.raises(ValidationError):
        case_transfer(case=case, user=demo_users["chief"], unit=other, reason=" ")
    case_transfer(case=case, user=demo_users["chief"], unit=other, reason="涉及法律解释")
    case.refresh_from_db()
    assert case.responsible_unit == other
    assert case.first_contact == demo_users["centre"]
    transfer = case.events.get(action="transfer")
    assert transfer.note == "涉及法律解释" and transfer.actor == demo_users["chief"]


def test_rule_7_a_named_asker_is_answered_before_closing(section, demo_users):
    case = case_submit_public(
        kind="consultation", body="请回复我", name="王先生", phone="13900000000"
    ).case
    with pytest.raises(ValidationError) as excinfo:
        case_close(case=case, user=demo_users["chief"])
    assert "须先答复" in str(excinfo.value)
    case_reply(case=case, user=demo_users["chief"], body="您好，答复如下。", public=False)
    with pytest.raises(ValidationError):
        case_close(case=case, user=demo_users["chief"])  # an internal note is not a reply
    case_reply(case=case, user=demo_users["chief"], body="您好，答复如下。")
    case_close(case=case, user=demo_users["chief"])
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at


def test_anonymous_case_may_close_without_a_reply(demo, demo_users):
    case = case_submit_public(kind="suggestion", body="建议增加停车位。").case
    case_close(case=case, user=demo_users["centre"], note="已转交后勤")
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED


def test_pause_and_resume_moves_the_deadline(section, demo_users, monkeypatch):
    case = case_submit_public(kind="consultation", body="需要补充材料", units=[section]).case
    with pytest.raises(ValidationError):
        case_pause(case=case, user=demo_users["chief"], reason="")
    case_pause(case=case, user=demo_users["chief"], reason="等待企业补充合同")
    before = case.deadline
    pause = case.events.get(action="pause")
    # Pretend the pause began two weeks ago.
    pause.data["paused_on"] = (case.received_on - datetime.timedelta(days=14)).isoformat()
    pause.save()
    case_resume(case=case, user=demo_users["chief"])
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.deadline > before
    assert case.events.get(action="resume").data["waited_workdays"] >= 8


def test_editing_a_year_of_the_calendar_recomputes_open_deadlines(section, tmp_path):
    from guanwu.calendar.services import import_holidays

    case = case_submit_public(kind="consultation", body="年底的咨询", units=[section]).case
    Case.objects.filter(pk=case.pk).update(
        received_on=datetime.date(2027, 1, 4), deadline=datetime.date(2027, 1, 11)
    )
    # 2027 is unknown, so 5 working days from Mon 4 Jan were counted as weekdays only.
    import_holidays(["2027-01-05 holiday 测试假日", "2027-01-06 holiday 测试假日"])
    case.refresh_from_db()
    assert case.deadline == datetime.date(2027, 1, 13)
    assert case.events.filter(action="deadline_recomputed").exists()


def test_an_extension_needs_the_unit_heads_approval_and_tells_the_asker(
    section, demo_users, client
):
    from django.core.exceptions import PermissionDenied

    from guanwu.cases.services import case_extend

    submission = case_submit_public(kind="consultation", body="需要延期的咨询", units=[section])
    case = submission.case
    with pytest.raises(PermissionDenied):
        case_extend(case=case, user=demo_users["liaison"], days=5, reason="需要会商")
    with pytest.raises(ValidationError):
        case_extend(case=case, user=demo_users["chief"], days=5, reason="")
    with pytest.raises(ValidationError):
        case_extend(case=case, user=demo_users["chief"], days=99, reason="太长")
    before = case.deadline
    case_extend(case=case, user=demo_users["chief"], days=5, reason="需要与关税处会商")
    case.refresh_from_db()
    assert case.deadline > before
    html = client.post(
        "/cases/track/", {"tracking_code": case.tracking_code, "password": submission.password}
    ).content.decode()
    assert "延长 5 个工作日" in html and "需要与关税处会商" in html
