"""The staff workspace in the admin: lists by scope, one case with actions, quick intake."""

from __future__ import annotations

import pytest

from guanwu.cases.enums import Status
from guanwu.cases.models import Case, CaseEvent
from guanwu.cases.services import case_submit_public
from guanwu.organization.models import Unit

pytestmark = pytest.mark.django_db


def test_hotline_call_answered_on_the_spot_is_closed(client, demo_users):
    client.force_login(demo_users["centre"])
    assert client.get("/admin/cases/new/").status_code == 200
    response = client.post(
        "/admin/cases/new/",
        {
            "channel": "hotline",
            "line": "consultation",
            "kind": "consultation",
            "caller_number": "13811112222",
            "phone": "13811112222",
            "body": "问：几点开始办理业务？",
            "answer": "工作日8:30开始。",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(body="问：几点开始办理业务？")
    assert case.status == Status.CLOSED and case.first_contact == demo_users["centre"]
    assert case.replies.get().body == "工作日8:30开始。"


def test_register_and_route_then_act_on_the_case(client, demo_users):
    section = Unit.objects.get(code="HH-XG-ZHYW")
    client.force_login(demo_users["centre"])
    client.post(
        "/admin/cases/new/",
        {
            "channel": "desk",
            "kind": "complaint_efficiency",
            "body": "报关单审核太慢。",
            "name": "周先生",
            "units": [section.pk],
        },
    )
    case = Case.objects.get(body="报关单审核太慢。")
    assert case.responsible_unit == section
    first = client.get("/admin/cases/?scope=first").content.decode()
    assert case.tracking_code in first
    client.force_login(demo_users["chief"])
    unit_list = client.get("/admin/cases/?scope=unit").content.decode()
    assert case.tracking_code in unit_list
    detail = client.get(f"/admin/cases/{case.pk}/")
    assert detail.status_code == 200 and "周先生" in detail.content.decode()
    refused = client.post(
        f"/admin/cases/{case.pk}/", {"action": "close", "close-note": ""}, follow=True
    )
    assert "须先答复" in refused.content.decode()
    client.post(
        f"/admin/cases/{case.pk}/",
        {"action": "reply", "reply-body": "已督促加快审核。", "reply-public": "on"},
    )
    client.post(f"/admin/cases/{case.pk}/", {"action": "close", "close-note": "已答复"})
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert (
        list(case.events.values_list("action", flat=True))[-3:] == ["reply", "close"]
        or case.events.filter(action="close").exists()
    )


def test_integrity_reports_stay_with_the_supervision_office(client, demo_users):
    case = case_submit_public(kind="integrity_report", body="举报内容", name="举报人丙").case
    for name in ("centre", "office", "admin"):
        client.force_login(demo_users[name])
        assert case.tracking_code not in client.get("/admin/cases/").content.decode()
        assert client.get(f"/admin/cases/{case.pk}/").status_code == 404
    client.force_login(demo_users["supervision"])
    html = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "举报人丙" in html
    assert (
        CaseEvent.objects.filter(
            case=case, action="identity_viewed", actor=demo_users["supervision"]
        ).count()
        == 1
    )


def test_quick_intake_needs_a_case_role(client, demo_users):
    client.force_login(demo_users["legal"])
    assert client.get("/admin/cases/new/").status_code in (302, 403)


def test_overdue_and_due_soon_filters(client, demo_users):
    case = case_submit_public(kind="suggestion", body="超期测试").case
    Case.objects.filter(pk=case.pk).update(
        deadline=case.received_on.replace(year=case.received_on.year - 1)
    )
    client.force_login(demo_users["centre"])
    assert case.tracking_code in client.get("/admin/cases/?overdue=1").content.decode()
    assert case.tracking_code not in client.get("/admin/cases/?due_soon=1").content.decode()
