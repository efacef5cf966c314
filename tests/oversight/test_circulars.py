"""Circulars (通报, seed 二; DESIGN rule 10): figures against hand-counted cases, periods,
typical cases without personal data, the PDF, the public summary behind legal review
(rule 1), the command and the admin's permissions."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

import pytest
from pypdf import PdfReader

from guanwu.cases import services
from guanwu.cases.enums import CaseKind, Channel
from guanwu.cases.models import Case, CaseEvent, CaseReply
from guanwu.disclosure.models import GeneralItemPage, LegalApproval, LegalReviewTask
from guanwu.organization.enums import UnitFunction
from guanwu.organization.models import Unit
from guanwu.oversight import circulars, stats
from guanwu.oversight.circulars import CircularError, parse_period, redact
from guanwu.oversight.models import Circular
from tests.factories import legal_reviewer

pytestmark = pytest.mark.django_db

D = datetime.date
PERIOD = "2025-03"  # March 2025: no official holidays, so working days are Monday–Friday
ASKER = {"name": "张三", "phone": "138-1234-5678", "email": "zhang.san@example.com"}
ID_NUMBER = "12010119900101123X"


def local(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _case(user, kind, unit, received, deadline, body="请问加工贸易手册如何核销？", **contact):
    case = services.case_log_contact(
        user=user, kind=kind, channel=Channel.HOTLINE, body=body, units=[unit], **contact
    )
    Case.objects.filter(pk=case.pk).update(
        received_on=received, deadline=deadline, responsible_unit=unit
    )
    case.refresh_from_db()
    return case


def _reply(case, user, sent, body="您好，已按规定办理，请按办事指南提交材料。"):
    reply = services.case_reply(case=case, user=user, body=body)
    CaseReply.objects.filter(pk=reply.pk).update(sent_at=sent)
    return reply


@pytest.fixture
def units(demo):
    sections = Unit.objects.filter(kind="section").order_by("code")
    return {
        "A": Unit.objects.get(code="HH-XG-ZHYW"),
        "B": sections.exclude(code="HH-XG-ZHYW").first(),
        "S": Unit.objects.get(function=UnitFunction.SUPERVISION),
        "C": Unit.objects.get(function=UnitFunction.CENTRE),
    }


@pytest.fixture
def march(demo_users, units):
    """Nine cases with hand-set dates; the expected figures are counted in the tests."""
    centre = demo_users["centre"]
    a, b = units["A"], units["B"]
    c = {}
    # c1: answered in 2 working days, on time, rated 5 (satisfied).
    c["c1"] = _case(centre, CaseKind.CONSULTATION, a, D(2025, 3, 3), D(2025, 3, 10))
    # c5: a duplicate of c1, merged into it: not counted.
    c["c5"] = _case(centre, CaseKind.CONSULTATION, a, D(2025, 3, 4), D(2025, 3, 11))
    services.case_merge(primary=c["c1"], duplicates=[c["c5"]], user=centre, reason="重复来件")
    _reply(c["c1"], centre, local(D(2025, 3, 5)))
    services.case_rate(case=Case.objects.get(pk=c["c1"].pk), rating=5)
    # c2: answered after its deadline, 8 working days, rated 2 (dissatisfied).
    c["c2"] = _case(centre, CaseKind.CONSULTATION, a, D(2025, 3, 10), D(2025, 3, 17))
    _reply(c["c2"], centre, local(D(2025, 3, 20)))
    services.case_rate(case=Case.objects.get(pk=c["c2"].pk), rating=2)
    # c3: no reply, deadline passed in the period, escalated on 21 March.
    c["c3"] = _case(centre, CaseKind.SUGGESTION, b, D(2025, 3, 12), D(2025, 3, 20))
    Case.objects.filter(pk=c["c3"].pk).update(
        escalated_to=units["C"], escalated_at=local(D(2025, 3, 21), 9)
    )
    event = CaseEvent.objects.create(case=c["c3"], action="escalate", data={"to": "centre"})
    CaseEvent.objects.filter(pk=event.pk).update(at=local(D(2025, 3, 21), 9))
    # c4: received on the last Friday, answered at 00:30 on 1 April (16:30 UTC on 31 March):
    # not answered in March, so its later rating does not count either.
    c["c4"] = _case(centre, CaseKind.CONSULTATION, b, D(2025, 3, 28), D(2025, 4, 4))
    _reply(c["c4"], centre, local(D(2025, 4, 1), 0, 30))
    services.case_rate(case=Case.objects.get(pk=c["c4"].pk), rating=4)
    # c6: received in February: outside March (inside Q1), never answered, overdue.
    c["c6"] = _case(centre, CaseKind.CONSULTATION, a, D(2025, 2, 27), D(2025, 3, 6))
    # c7: an anonymous integrity report with a phone number in its text, not answered.
    c["c7"] = _case(
        centre,
        CaseKind.INTEGRITY_REPORT,
        units["S"],
        D(2025, 3, 5),
        D(2025, 4, 16),
        body="举报某工作人员接受宴请，举报人电话13900001111。",
    )
    # c8: a named letter with personal data in the text; answered at 23:30 local, on time,
    # 13 working days (7, 10–14, 17–21, 24, 25 March).
    c["c8"] = _case(
        centre,
        CaseKind.MAILBOX,
        a,
        D(2025, 3, 6),
        D(2025, 3, 27),
        body=(
            f"我是张三，电话 138-1234-5678，邮箱 zhang.san@example.com，身份证 {ID_NUMBER}，"
            "座机 (022)23456789，建议报关大厅增加自助终端。"
        ),
        **ASKER,
    )
    _reply(
        c["c8"],
        centre,
        local(D(2025, 3, 25), 23, 30),
        body="张三先生您好，已增加自助终端，如有问题请致电 022-2345 6789 或 13912345678。",
    )
    # c9: anonymous, closed without a reply on 18 March: neither answered nor overdue.
    c["c9"] = _case(centre, CaseKind.CONSULTATION, b, D(2025, 3, 14), D(2025, 3, 21))
    services.case_close(case=c["c9"], user=centre)
    Case.objects.filter(pk=c["c9"].pk).update(closed_at=local(D(2025, 3, 18)))
    return c


EXPECTED_DISTRICT = {
    "received": 7,  # c1 c2 c3 c4 c7 c8 c9 (c5 merged, c6 in February)
    "answered": 3,  # c1 c2 c8
    "answered_on_time": 2,  # c1 c8
    "on_time_rate": 0.6667,
    "avg_workdays_to_answer": 7.67,  # (2 + 8 + 13) / 3
    "rated": 2,  # c1 c2 (c4's rating: not answered in March)
    "satisfied": 1,
    "satisfaction_rate": 0.5,
    "dissatisfied": 1,
    "overdue_open": 1,  # c3 (c4 and c7 not yet due, c9 closed)
    "escalated": 1,  # c3
    "by_kind": {
        "consultation": 4,
        "complaint_efficiency": 0,
        "complaint_attitude": 0,
        "integrity_report": 1,
        "mailbox": 1,
        "suggestion": 1,
    },
}


def _figures(row):
    data = row.as_dict()
    return {key: data[key] for key in EXPECTED_DISTRICT}


def test_figures_match_the_hand_counted_cases(march, units):
    rows = stats.case_figures(D(2025, 3, 1), D(2025, 3, 31))
    assert rows[0].unit is None
    assert _figures(rows[0]) == EXPECTED_DISTRICT
    by_unit = {row.unit.code: row for row in rows[1:]}
    assert set(by_unit) == {units["A"].code, units["B"].code, units["S"].code}
    a = by_unit[units["A"].code]
    assert (a.received, a.answered, a.answered_on_time, a.avg_workdays_to_answer) == (3, 3, 2, 7.67)
    assert (a.rated, a.satisfied, a.dissatisfied, a.overdue_open, a.escalated) == (2, 1, 1, 0, 0)
    b = by_unit[units["B"].code]
    assert (b.received, b.answered, b.on_time_rate, b.avg_workdays_to_answer) == (3, 0, None, None)
    assert (b.overdue_open, b.escalated, b.rated, b.satisfaction_rate) == (1, 1, 0, None)
    s = by_unit[units["S"].code]
    assert (s.received, s.answered, s.overdue_open, s.by_kind["integrity_report"]) == (1, 0, 0, 1)
    # The rows add up to the district.
    for key in ("received", "answered", "answered_on_time", "overdue_open", "escalated"):
        assert sum(getattr(r, key) for r in rows[1:]) == getattr(rows[0], key)


def test_quarter_takes_february_in_and_kinds_and_months_agree(march):
    q1 = stats.case_figures(D(2025, 1, 1), D(2025, 3, 31))[0]
    assert (q1.received, q1.answered, q1.overdue_open) == (8, 3, 2)  # + c6, overdue
    kinds = stats.kind_figures(D(2025, 3, 1), D(2025, 3, 31))
    assert list(kinds) == list(CaseKind.values)
    assert (kinds["consultation"].received, kinds["consultation"].answered) == (4, 2)
    assert kinds["consultation"].on_time_rate == 0.5
    assert kinds["mailbox"].avg_workdays_to_answer == 13
    series = stats.monthly_series(3, D(2025, 4, 30))
    assert [m["month"] for m in series] == ["2025-02", "2025-03", "2025-04"]
    assert [m["received"] for m in series] == [1, 7, 0]
    assert series[1]["answered"] == 3 and series[1]["on_time_rate"] == 0.6667
    # Seen from the end of April, c4's reply of 1 April does not move March.
    assert series[1]["answered"] == stats.case_figures(D(2025, 3, 1), D(2025, 3, 31))[0].answered


def test_a_paused_case_is_not_overdue_until_its_clock_runs_again(demo_users, units):
    centre = demo_users["centre"]
    case = _case(centre, CaseKind.SUGGESTION, units["B"], D(2025, 6, 2), D(2025, 6, 9))
    services.case_pause(case=case, user=centre, reason="等待来件人补充材料")
    CaseEvent.objects.filter(case=case, action="pause").update(at=local(D(2025, 6, 5)))
    june = (D(2025, 6, 1), D(2025, 6, 30))
    assert stats.case_figures(*june)[0].overdue_open == 0
    resume = CaseEvent.objects.create(case=case, action="resume", data={"waited_workdays": 3})
    CaseEvent.objects.filter(pk=resume.pk).update(at=local(D(2025, 6, 12)))
    assert stats.case_figures(*june)[0].overdue_open == 1
    # Seen from 11 June (past the deadline, but paused then): not overdue.
    assert stats.case_figures(D(2025, 6, 1), D(2025, 6, 11))[0].overdue_open == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11", ("month", D(2026, 11, 1), D(2026, 11, 30))),
        ("2024-02", ("month", D(2024, 2, 1), D(2024, 2, 29))),
        ("2026-Q4", ("quarter", D(2026, 10, 1), D(2026, 12, 31))),
        (" 2026-q1 ", ("quarter", D(2026, 1, 1), D(2026, 3, 31))),
    ],
)
def test_parse_period(value, expected):
    assert parse_period(value) == expected


@pytest.mark.parametrize(
    "value", ["", "2026", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "2026/11", "26-11", "2026-1"]
)
def test_parse_period_refuses_bad_input_in_chinese(value):
    with pytest.raises(CircularError) as exc:
        parse_period(value)
    assert re.search(r"[\u4e00-\u9fff]", exc.value.messages[0])


def test_redact_masks_phones_ids_emails_and_names():
    text = redact(
        f"张三，电话 138-1234-5678、+86 139 1234 5678，座机 (022)23456789、022-2345 6789，"
        f"热线 400-810-1234，邮箱 a.b@example.com，身份证 {ID_NUMBER}，王先生，2026年11月",
        known=["张三"],
    )
    assert not re.search(r"\d{3,}[\s-]?\d{4}", text), text
    assert "@" not in text and "张三" not in text and "王先生" not in text
    assert "2026年11月" in text  # dates and short numbers stay


def test_typical_cases_carry_no_personal_data(march):
    cases = circulars.typical_cases(D(2025, 3, 1), D(2025, 3, 31))
    kinds = {case["kind"] for case in cases}
    assert kinds == {"consultation", "mailbox"}  # answered ones only; never an integrity report
    text = repr(cases)
    for secret in (
        *ASKER.values(),
        "12345678",
        "13912345678",
        ID_NUMBER,
        "23456789",
        "13900001111",
    ):
        assert secret not in text
    for tracking in Case.objects.values_list("tracking_code", flat=True):
        assert tracking not in text
    letter = next(case for case in cases if case["kind"] == "mailbox")
    assert "自助终端" in letter["question"] and "[号码已隐去]" in letter["question"]
    assert (letter["workdays"], letter["on_time"]) == (13, True)


def _pdf_text(circular) -> str:
    data = circular.pdf.open("rb").read()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(data)
        command = ["/usr/bin/pdftotext", "-layout", str(path), "-"]
        layout = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    return layout


def test_build_stores_figures_and_a_pdf_that_reads_back(march, demo_users, units):
    circular = circulars.build_circular(PERIOD, user=demo_users["office"])
    assert circular.period == PERIOD and circular.kind == "month"
    assert circular.figures["total"]["received"] == 7
    assert circular.figures["merged_excluded"] == 1
    import hashlib
    import json

    json.dumps(circular.figures)  # JSON-serialisable as stored
    data = circular.pdf.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == circular.sha256
    text = _pdf_text(circular)
    assert "关于2025年3月咨询投诉受理及办理情况的通报" in " ".join(text.split())
    total_line = next(line for line in text.splitlines() if line.strip().startswith("全关合计"))
    assert total_line.split()[1:] == [
        "7", "3", "2", "66.7%", "7.7", "2", "1", "50.0%", "1", "1", "1"
    ]  # fmt: skip
    a_line = next(line for line in text.splitlines() if units["A"].name in line)
    assert a_line.split()[-11:] == ["3", "3", "2", "66.7%", "7.7", "2", "1", "50.0%", "1", "0", "0"]
    for secret in (*ASKER.values(), ID_NUMBER, "13900001111", "举报某工作人员"):
        assert secret not in text


def test_rebuilding_replaces_the_period(
    march, demo_users, units, django_capture_on_commit_callbacks
):
    first = circulars.build_circular(PERIOD)
    old_name, old_sha = first.pdf.name, first.sha256
    _case(demo_users["centre"], CaseKind.SUGGESTION, units["A"], D(2025, 3, 31), D(2025, 4, 21))
    with django_capture_on_commit_callbacks(execute=True):
        second = circulars.build_circular("2025-03", user=demo_users["supervision"])
    assert Circular.objects.filter(period=PERIOD).count() == 1
    assert second.pk == first.pk
    assert second.figures["total"]["received"] == 8
    assert second.sha256 != old_sha and second.pdf.name != old_name
    assert not second.pdf.storage.exists(old_name)
    assert second.built_by == demo_users["supervision"]


def test_a_period_not_begun_is_refused(demo):
    next_year = timezone.localdate().year + 1
    with pytest.raises(CircularError):
        circulars.build_circular(f"{next_year}-Q1")


def test_public_summary_is_live_only_after_legal_approval(march, demo_users, client):
    office = demo_users["office"]
    circular = circulars.build_circular(PERIOD, user=office)
    page = circulars.publish_summary(circular, office)
    page = GeneralItemPage.objects.get(pk=page.pk)
    assert page.get_parent().specific.number == 6
    assert page.owning_unit.kind == "district" and page.owner == office
    assert not page.live
    # The office's own approval counts as the unit-head step; legal review is what is left.
    state = page.current_workflow_task_state
    assert isinstance(state.task.specific, LegalReviewTask)
    assert client.get(f"/api/v1/items/{page.pk}/").status_code == 404
    revision_body = page.get_latest_revision_as_object().body
    assert "全关合计" in revision_body
    for secret in (*ASKER.values(), ID_NUMBER, "自助终端", "举报某工作人员"):
        assert secret not in revision_body
    # Other roles cannot submit it.
    with pytest.raises(PermissionDenied):
        circulars.publish_summary(circular, demo_users["liaison"])

    reviewer = legal_reviewer()
    state.task.specific.on_action(state, reviewer, "approve", comment="同意公开。")
    page.refresh_from_db()
    assert page.live
    assert LegalApproval.objects.filter(revision=page.live_revision, approved_by=reviewer).exists()
    assert client.get(page.url).status_code == 200
    assert circulars.summary_state(circular)["live"] is True


def test_resubmitting_keeps_the_approved_version_live(march, demo_users):
    office = demo_users["office"]
    circular = circulars.build_circular(PERIOD, user=office)
    page = circulars.publish_summary(circular, office)
    state = page.current_workflow_task_state
    state.task.specific.on_action(state, legal_reviewer(), "approve")
    page.refresh_from_db()
    live_revision = page.live_revision_id
    _case(demo_users["centre"], CaseKind.SUGGESTION, Unit.objects.get(code="HH-XG-ZHYW"),
          D(2025, 3, 31), D(2025, 4, 21))  # fmt: skip
    circular = circulars.build_circular(PERIOD, user=office)
    again = circulars.publish_summary(circular, office)
    assert again.pk == page.pk
    again.refresh_from_db()
    assert again.live and again.live_revision_id == live_revision
    assert again.workflow_in_progress
    assert "8" in again.get_latest_revision_as_object().body


def test_command_prints_a_summary_table_and_submits_on_request(march):
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp:
        call_command("circular", period="2025-03", output=tmp, stdout=out)
        assert (Path(tmp) / "circular-2025-03.pdf").read_bytes().startswith(b"%PDF")
    text = out.getvalue()
    assert "关于2025年3月咨询投诉受理及办理情况的通报" in text
    total = next(line for line in text.splitlines() if line.startswith("全关合计"))
    assert total.split()[1:] == ["7", "3", "66.7%", "7.7", "50.0%", "1", "1"]
    assert Circular.objects.get(period="2025-03").public_page is None

    out = io.StringIO()
    call_command("circular", period="2025-03", publish=True, user="office", stdout=out)
    assert "法规处审核通过后才会公开" in out.getvalue()
    page = Circular.objects.get(period="2025-03").public_page
    assert page is not None and not page.live

    with pytest.raises(CommandError, match="期间格式不正确"):
        call_command("circular", period="2025/03", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("circular", period="2025-03", publish=True, user="liaison", stdout=out)


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("office", True),
        ("supervision", True),
        ("supervisor", True),
        ("legal", False),
        ("centre", False),
        ("liaison", False),
        ("admin", False),
    ],
)
def test_admin_pages_only_for_the_office_and_the_supervision_office(
    demo_users, client, username, allowed
):
    circular = circulars.build_circular(PERIOD) if allowed or username == "legal" else None
    client.force_login(demo_users[username])
    urls = [reverse("oversight_circulars"), reverse("oversight_circular_new")]
    if circular is not None:
        urls += [
            reverse("oversight_circular", args=[circular.pk]),
            reverse("oversight_circular_pdf", args=[circular.pk]),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (200 if allowed else 404), url
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert ("oversight/circulars/" in menu) == allowed
    if not allowed:
        assert client.post(reverse("oversight_circular_new"), {"period": PERIOD}).status_code == 404
        if circular is not None:
            publish = reverse("oversight_circular_publish", args=[circular.pk])
            assert client.post(publish).status_code == 404
            assert Circular.objects.get(pk=circular.pk).public_page is None


def test_admin_builds_shows_and_submits(
    march, demo_users, client, django_capture_on_commit_callbacks
):
    client.force_login(demo_users["office"])
    response = client.post(reverse("oversight_circular_new"), {"period": "2025-3"})
    assert response.status_code == 200
    assert "期间格式不正确" in response.content.decode()
    # The request only queues the build; the worker (immediate in tests) runs it on commit.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("oversight_circular_new"), {"period": "2025-03"})
    circular = Circular.objects.get(period="2025-03")
    assert circular.state == "queued" and not circular.pdf
    assert "正在后台生成" in client.get(response["Location"]).content.decode()
    for callback in queued:
        callback()
    circular.refresh_from_db()
    assert circular.state == "done" and circular.pdf
    assert response.status_code == 302
    assert response["Location"] == reverse("oversight_circular", args=[circular.pk])
    page = client.get(response["Location"]).content.decode()
    assert "全关合计" in page and "提交法规处审核" in page and "66.7%" in page
    assert "张三" not in page and "13900001111" not in page
    pdf = client.get(reverse("oversight_circular_pdf", args=[circular.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.post(reverse("oversight_circular_publish", args=[circular.pk]))
    circular.refresh_from_db()
    assert circular.public_page is not None and not circular.public_page.live
    page = client.get(reverse("oversight_circular", args=[circular.pk])).content.decode()
    assert "审核中" in page
    listing = client.get(reverse("oversight_circulars")).content.decode()
    assert "2025-03" in listing
