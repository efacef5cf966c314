"""Handling a case: reply approval for complaints and reports, delivery to the asker (e-mail,
SMS), merging duplicates (并单), co-handling units (协办), handlers and bulk assignment, reply
templates, and the first-contact owner kept informed (DESIGN rules 5, 7, 8, 9)."""

from __future__ import annotations

from django.core import mail
from django.core.exceptions import PermissionDenied

import pytest

from guanwu.cases import services
from guanwu.cases.enums import Status
from guanwu.cases.models import Case, CaseNotification, CaseReply, ReplyTemplate
from guanwu.cases.sms import LoggingSMSBackend, is_mobile, mask_number
from guanwu.organization.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(demo):
    return Unit.objects.get(code="HH-XG-ZHYW")


@pytest.fixture(autouse=True)
def _clear_sms():
    LoggingSMSBackend.sent.clear()


def _complaint(section, **fields):
    defaults = {
        "kind": "complaint_efficiency",
        "body": "查验等了三天。",
        "name": "陈女士",
        "phone": "13800001111",
        "email": "chen@example.com",
        "units": [section],
    }
    defaults.update(fields)
    return services.case_submit_public(**defaults).case


def test_a_complaint_reply_waits_for_the_unit_head_then_reaches_the_asker(
    section, demo_users, django_capture_on_commit_callbacks
):
    case = _complaint(section)
    liaison, chief = demo_users["liaison"], demo_users["chief"]
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.case_reply(case=case, user=liaison, body="经核实，已加快处理。")
    case.refresh_from_db()
    assert reply.pending and case.status == Status.RECEIVED and case.replied_at is None
    # Not sent yet: rule 7 still refuses to close.
    with pytest.raises(services.CaseError):
        services.case_close(case=case, user=chief)
    # The unit head is told a draft waits.
    assert CaseNotification.objects.filter(case=case, kind="approval", recipient=chief).exists()
    # The drafter cannot approve their own reply.
    with pytest.raises(PermissionDenied):
        services.case_approve_reply(reply=reply, user=liaison)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve_reply(reply=reply, user=chief)
    case.refresh_from_db()
    reply.refresh_from_db()
    assert case.status == Status.REPLIED and reply.sent_at and reply.approved_by == chief
    assert [m.to for m in mail.outbox] == [["chen@example.com"]]
    assert "经核实，已加快处理。" in mail.outbox[0].body
    assert [number for number, _text in LoggingSMSBackend.sent] == ["13800001111"]
    sent = CaseNotification.objects.filter(case=case, kind="reply")
    assert {(n.medium, n.address) for n in sent} == {
        ("email", "c***@example.com"),
        ("sms", "138****1111"),
    }
    services.case_close(case=case, user=chief)


def test_a_rejected_draft_goes_back_and_a_new_one_can_be_written(section, demo_users):
    case = _complaint(section)
    reply = services.case_reply(case=case, user=demo_users["liaison"], body="初稿")
    with pytest.raises(services.CaseError):
        services.case_reply(case=case, user=demo_users["liaison"], body="第二稿")
    with pytest.raises(services.CaseError):
        services.case_reject_reply(reply=reply, user=demo_users["chief"], note=" ")
    services.case_reject_reply(reply=reply, user=demo_users["chief"], note="请写明处理结果")
    reply.refresh_from_db()
    assert not reply.pending and reply.rejection_note == "请写明处理结果"
    second = services.case_reply(case=case, user=demo_users["liaison"], body="第二稿")
    assert second.pending
    assert case.events.filter(action="reply_rejected", actor=demo_users["chief"]).exists()


def test_the_unit_head_replying_sends_at_once_and_consultations_need_no_approval(
    section, demo_users
):
    complaint = _complaint(section)
    reply = services.case_reply(case=complaint, user=demo_users["chief"], body="已处理。")
    assert reply.sent_at and reply.approved_by == demo_users["chief"]
    consultation = services.case_submit_public(kind="consultation", body="问", units=[section]).case
    reply = services.case_reply(case=consultation, user=demo_users["liaison"], body="答")
    assert reply.sent_at and reply.approved_by is None


def test_integrity_report_replies_are_approved_by_the_supervision_head_and_mail_no_text(
    demo_users, django_capture_on_commit_callbacks
):
    case = services.case_submit_public(
        kind="integrity_report", body="某关员收受礼品。", email="w@example.com"
    ).case
    reply = services.case_reply(case=case, user=demo_users["supervision"], body="已立案核查。")
    assert reply.pending
    # A division head without the supervision role may not approve (rule 8).
    with pytest.raises(PermissionDenied):
        services.case_approve_reply(reply=reply, user=demo_users["division"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve_reply(reply=reply, user=demo_users["supervisor"])
    assert len(mail.outbox) == 1 and "已立案核查" not in mail.outbox[0].body
    assert case.tracking_code in mail.outbox[0].body


def test_merged_duplicates_all_get_the_reply_and_close_with_the_primary(
    section, demo_users, django_capture_on_commit_callbacks
):
    chief = demo_users["chief"]
    primary = services.case_submit_public(
        kind="consultation", body="新港查验场地何时开放？", email="a@example.com", units=[section]
    ).case
    dup1 = services.case_submit_public(
        kind="consultation", body="查验场地开放时间？", phone="13900002222", units=[section]
    ).case
    dup2 = services.case_submit_public(kind="consultation", body="同问。", units=[section]).case
    other_kind = _complaint(section)
    with pytest.raises(services.CaseError):
        services.case_merge(primary=primary, duplicates=[dup1], user=chief, reason="")
    with pytest.raises(services.CaseError):
        services.case_merge(primary=primary, duplicates=[other_kind], user=chief, reason="重复")
    services.case_merge(primary=primary, duplicates=[dup1, dup2], user=chief, reason="同一事项")
    dup1.refresh_from_db()
    assert dup1.merged_into == primary
    with pytest.raises(services.CaseError):
        services.case_reply(case=dup1, user=chief, body="单独答复")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reply(case=primary, user=chief, body="每个工作日 8:30 开放。")
    for case in (primary, dup1, dup2):
        case.refresh_from_db()
        assert case.status == Status.REPLIED
        assert case.replies.get(public=True).body == "每个工作日 8:30 开放。"
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert [n for n, _t in LoggingSMSBackend.sent] == ["13900002222"]
    services.case_close(case=primary, user=chief)
    assert set(
        Case.objects.filter(pk__in=[primary.pk, dup1.pk, dup2.pk]).values_list("status", flat=True)
    ) == {Status.CLOSED}


def test_a_duplicate_merged_after_the_reply_receives_it_at_once(section, demo_users):
    chief = demo_users["chief"]
    primary = services.case_submit_public(kind="consultation", body="问", units=[section]).case
    services.case_reply(case=primary, user=chief, body="答")
    late = services.case_submit_public(
        kind="consultation", body="同问", name="李先生", units=[section]
    ).case
    services.case_merge(primary=primary, duplicates=[late], user=chief, reason="重复")
    late.refresh_from_db()
    assert late.status == Status.REPLIED
    assert CaseReply.objects.get(case=late).source.case == primary


def test_co_handling_units_see_the_case_and_give_opinions(section, demo_users, client):
    other = Unit.objects.get(code="HH-XG").children.exclude(pk=section.pk).first()
    case = services.case_submit_public(kind="consultation", body="问", units=[other]).case
    chief = demo_users["chief"]
    # chief's section is not involved yet: the case is hidden from them.
    client.force_login(chief)
    assert client.get(f"/admin/cases/{case.pk}/").status_code == 404
    services.case_add_cohandler(case=case, user=demo_users["centre"], unit=section)
    page = client.get(f"/admin/cases/{case.pk}/")
    assert page.status_code == 200 and "提交协办意见" in page.content.decode()
    response = client.post(
        f"/admin/cases/{case.pk}/", {"action": "opinion", "opinion-text": "我科意见：可办理。"}
    )
    assert response.status_code == 302
    assert case.events.get(action="cohandler_opinion").actor == chief
    # A co-handler gives opinions but does not act for the lead unit.
    refused = client.post(f"/admin/cases/{case.pk}/", {"action": "close", "close-note": ""})
    # (Wagtail turns PermissionDenied into a redirect to the dashboard with a message.)
    assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    case.refresh_from_db()
    assert case.status != Status.CLOSED
    services.case_remove_cohandler(case=case, user=demo_users["centre"], unit=section)
    assert client.get(f"/admin/cases/{case.pk}/").status_code == 404


def test_handler_assignment_and_bulk_assignment(section, demo_users, client):
    chief, liaison = demo_users["chief"], demo_users["liaison"]
    cases = [
        services.case_submit_public(kind="consultation", body=f"问{i}", units=[section]).case
        for i in range(3)
    ]
    with pytest.raises(services.CaseError):
        # The handler must belong to the responsible unit.
        services.case_assign(case=cases[0], user=chief, handler=demo_users["office"])
    client.force_login(chief)
    response = client.post(
        "/admin/cases/bulk-assign/",
        {"cases": [c.pk for c in cases], "handler": liaison.pk, "next": "/admin/cases/?scope=unit"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/cases/?scope=unit"
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("handler", flat=True)
    ) == {liaison.pk}
    assert CaseNotification.objects.filter(recipient=liaison, kind="assigned").count() == 3
    # The handler sees them under "my cases" and may act on them.
    client.force_login(liaison)
    mine = client.get("/admin/cases/?scope=mine").content.decode()
    assert all(c.tracking_code in mine for c in cases)
    # Bulk transfer to another unit needs a reason; a case the user may not act on is refused.
    other = Unit.objects.get(code="HH-XG").children.exclude(pk=section.pk).first()
    client.force_login(chief)
    client.post("/admin/cases/bulk-assign/", {"cases": [cases[0].pk], "unit": other.pk})
    cases[0].refresh_from_db()
    assert cases[0].responsible_unit == section
    client.post(
        "/admin/cases/bulk-assign/",
        {"cases": [cases[0].pk], "unit": other.pk, "reason": "属该科职责"},
    )
    cases[0].refresh_from_db()
    assert cases[0].responsible_unit == other and cases[0].handler is None


def test_bulk_assignment_cannot_reach_cases_out_of_sight(section, demo_users, client):
    report = services.case_submit_public(kind="integrity_report", body="举报").case
    client.force_login(demo_users["chief"])
    client.post(
        "/admin/cases/bulk-assign/", {"cases": [report.pk], "handler": demo_users["liaison"].pk}
    )
    report.refresh_from_db()
    assert report.handler is None


def test_reply_templates_fill_the_reply_form(section, demo_users, client):
    case = services.case_submit_public(
        kind="consultation", body="问", name="王女士", units=[section]
    ).case
    template = ReplyTemplate.objects.get(kind="consultation")
    client.force_login(demo_users["chief"])
    page = client.get(f"/admin/cases/{case.pk}/?template={template.pk}").content.decode()
    assert "王女士：" in page and case.tracking_code in page
    # A template of another kind is not offered.
    wrong = ReplyTemplate.objects.get(kind="integrity_report")
    page = client.get(f"/admin/cases/{case.pk}/?template={wrong.pk}").content.decode()
    assert "举报" not in page.split('name="reply-body"')[1].split("</textarea>")[0]


def test_the_first_contact_owner_hears_of_progress_until_the_answer(
    section, demo_users, django_capture_on_commit_callbacks
):
    centre, chief = demo_users["centre"], demo_users["chief"]
    case = services.case_log_contact(
        user=centre, kind="consultation", channel="hotline", body="来电咨询", units=[section]
    )
    other = Unit.objects.get(code="HH-XG").children.exclude(pk=section.pk).first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transfer(case=case, user=chief, unit=other, reason="职责调整")
        services.case_reply(case=case, user=centre, body="答复")  # own action: no message
    told = CaseNotification.objects.filter(case=case, recipient=centre, kind="progress")
    assert told.count() == 1 and "转办" in told.get().subject
    assert [m.to for m in mail.outbox] == [[centre.email]]
    assert case.first_contact == centre


def test_staff_messages_about_an_integrity_report_never_name_the_reporter(demo_users):
    case = services.case_log_contact(
        user=demo_users["supervision"],
        kind="integrity_report",
        channel="hotline",
        body="举报",
        name="举报人甲",
        phone="13700001234",
    )
    services.case_assign(
        case=case, user=demo_users["supervisor"], handler=demo_users["supervision"]
    )
    services.case_reply(case=case, user=demo_users["supervisor"], body="已核查")
    for note in CaseNotification.objects.filter(case=case):
        assert "举报人甲" not in note.subject and "13700001234" not in note.subject
        assert "1370000" not in note.address


def test_sms_helpers_mask_and_recognise_mobile_numbers():
    assert mask_number("13812345678") == "138****5678"
    assert is_mobile("+86 138 1234 5678") and not is_mobile("022-12345678")


def test_on_the_spot_answer_to_a_complaint_waits_for_approval(client, demo_users, section):
    client.force_login(demo_users["centre"])
    response = client.post(
        "/admin/cases/new/",
        {
            "channel": "hotline",
            "kind": "complaint_efficiency",
            "body": "投诉：窗口排队太久。",
            "name": "赵先生",
            "units": [section.pk],
            "answer": "已转告现场负责人。",
        },
        follow=True,
    )
    case = Case.objects.get(body="投诉：窗口排队太久。")
    assert case.status == Status.RECEIVED and case.replies.get().pending
    assert "审核" in response.content.decode()


def test_the_export_masks_contacts_and_never_carries_a_reporters_identity(
    section, demo_users, client
):
    import io

    import openpyxl

    services.case_submit_public(
        kind="consultation", body="问", name="钱先生", phone="13612345678", units=[section]
    )
    services.case_submit_public(
        kind="integrity_report", body="举报", name="举报人乙", phone="13598765432"
    )
    for username in ("supervision", "centre"):
        client.force_login(demo_users[username])
        response = client.get("/admin/cases/?export=xlsx")
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
        assert "举报人乙" not in text and "13598765432" not in text and "5432" not in text
        assert "13612345678" not in text
        # The supervision office has the report in its export, its identity withheld.
        assert ("（保密）" in text) == (username == "supervision")
    client.force_login(demo_users["centre"])
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/admin/cases/?export=xlsx&kind=consultation").content)
    ).active
    values = [c.value for c in sheet[2]]
    assert "钱先生" in values and "136****5678" in values


def test_staff_read_their_case_messages_on_the_dashboard_and_the_list(section, demo_users, client):
    case = _complaint(section)
    services.case_reply(case=case, user=demo_users["liaison"], body="初稿")
    client.force_login(demo_users["chief"])
    dashboard = client.get("/admin/").content.decode()
    assert "1 条未读" in dashboard and f"答复待审核：{case.tracking_code}" in dashboard
    listing = client.get("/admin/cases/notifications/").content.decode()
    assert case.tracking_code in listing
    assert not CaseNotification.objects.filter(
        recipient=demo_users["chief"], read_at__isnull=True
    ).exists()
    assert "0 条未读" in client.get("/admin/").content.decode()
    # Nobody reads another person's messages.
    client.force_login(demo_users["centre"])
    assert case.tracking_code not in client.get("/admin/cases/notifications/").content.decode()


def test_information_added_by_the_asker_reaches_the_handler(section, demo_users):
    case = services.case_submit_public(kind="consultation", body="问", units=[section]).case
    services.case_assign(case=case, user=demo_users["chief"], handler=demo_users["liaison"])
    services.case_pause(case=case, user=demo_users["liaison"], reason="请补充报关单号")
    services.case_add_information(case=case, text="报关单号 0203 2026 0000 1234")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    told = CaseNotification.objects.filter(case=case, kind="asker_added")
    assert [n.recipient for n in told] == [demo_users["liaison"]]
