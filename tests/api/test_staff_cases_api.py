"""Staff case endpoints: token authentication, per-role visibility, rule 8 confidentiality."""

from __future__ import annotations

from django.core.management import call_command

import pytest
from rest_framework.authtoken.models import Token

from guanwu.cases.models import Case, CaseEvent
from guanwu.cases.services import case_submit_public
from guanwu.organization.models import Unit
from tests.api_clients import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def integrity_case(demo):
    return case_submit_public(
        kind="integrity_report", body="窗口人员收受礼品。", name="举报人甲", phone="13700000000"
    ).case


def test_anonymous_is_refused(demo, client):
    assert client.get("/api/v1/staff/cases/").status_code in (401, 403)
    assert client.post("/api/v1/staff/cases/", {}).status_code in (401, 403)


def test_drf_create_token_command_issues_a_token(demo_users):
    call_command("drf_create_token", "centre", verbosity=0)
    assert Token.objects.filter(user=demo_users["centre"]).exists()


def test_hotline_operator_logs_a_call_and_owns_it(demo_users):
    centre = api(demo_users["centre"])
    response = centre.post(
        "/api/v1/staff/cases/",
        {
            "kind": "consultation",
            "channel": "hotline",
            "line": "consultation",
            "body": "询问查验时间。",
            "phone": "13600000000",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["first_contact"] == "centre" and body["phone"] == "13600000000"
    case_id = body["id"]
    routed = centre.post(
        f"/api/v1/staff/cases/{case_id}/route/", {"units": ["HH-XG-ZHYW"]}, format="json"
    )
    assert routed.json() == {"level": "section", "responsible_unit": "HH-XG-ZHYW"}
    refused = centre.post(f"/api/v1/staff/cases/{case_id}/close/", {}, format="json")
    assert refused.status_code == 400 and "须先答复" in str(refused.json())
    assert (
        centre.post(
            f"/api/v1/staff/cases/{case_id}/transfer/", {"unit": "HH-FGC"}, format="json"
        ).status_code
        == 400
    )
    assert (
        centre.post(
            f"/api/v1/staff/cases/{case_id}/reply/", {"body": "每日八点半开始。"}, format="json"
        ).status_code
        == 200
    )
    closed = centre.post(f"/api/v1/staff/cases/{case_id}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_rule_8_integrity_reports_only_for_the_supervision_office(integrity_case, demo_users):
    for name in ("centre", "office", "chief", "admin", "legal"):
        listing = api(demo_users[name]).get("/api/v1/staff/cases/").json()
        assert integrity_case.pk not in {c["id"] for c in listing["results"]}, name
        assert (
            api(demo_users[name]).get(f"/api/v1/staff/cases/{integrity_case.pk}/").status_code
            == 404
        )
    supervision = api(demo_users["supervision"])
    detail = supervision.get(f"/api/v1/staff/cases/{integrity_case.pk}/").json()
    assert detail["name"] == "举报人甲" and detail["phone"] == "13700000000"
    viewed = CaseEvent.objects.filter(case=integrity_case, action="identity_viewed")
    assert viewed.count() == 1 and viewed.get().actor == demo_users["supervision"]


def test_first_contact_of_an_integrity_report_sees_it_masked(demo_users):
    centre = api(demo_users["centre"])
    body = centre.post(
        "/api/v1/staff/cases/",
        {
            "kind": "integrity_report",
            "channel": "hotline",
            "line": "report",
            "body": "举报内容",
            "name": "举报人乙",
        },
        format="json",
    ).json()
    assert body["name"] == "***"
    assert body["level"] == "supervision"
    assert (
        centre.post(f"/api/v1/staff/cases/{body['id']}/close/", {}, format="json").status_code
        == 403
    )


def test_unit_staff_see_their_units_cases_only(demo_users):
    section = Unit.objects.get(code="HH-XG-ZHYW")
    other = (
        Unit.objects.exclude(pk=section.pk)
        .filter(kind="section")
        .exclude(parent=section.parent)
        .first()
    )
    mine = case_submit_public(kind="consultation", body="本科室事项", units=[section]).case
    theirs = case_submit_public(kind="consultation", body="别的单位事项", units=[other]).case
    ids = {c["id"] for c in api(demo_users["chief"]).get("/api/v1/staff/cases/").json()["results"]}
    assert mine.pk in ids and theirs.pk not in ids
    assert (
        api(demo_users["chief"])
        .post(f"/api/v1/staff/cases/{theirs.pk}/close/", {}, format="json")
        .status_code
        == 404
    )


def test_filters_and_bad_filters(demo_users):
    case_submit_public(kind="suggestion", body="建议一")
    centre = api(demo_users["centre"])
    suggestions = centre.get("/api/v1/staff/cases/", {"kind": "suggestion"}).json()
    assert suggestions["count"] >= 1 and {c["kind"] for c in suggestions["results"]} == {
        "suggestion"
    }
    assert centre.get("/api/v1/staff/cases/", {"kind": "bogus"}).status_code == 400
    assert centre.get("/api/v1/staff/cases/", {"overdue": "true"}).status_code == 200
    assert Case.objects.count() >= 1


def test_extend_through_the_api(demo_users):
    case = case_submit_public(
        kind="consultation", body="延期测试", units=[Unit.objects.get(code="HH-XG-ZHYW")]
    ).case
    refused = api(demo_users["centre"]).post(
        f"/api/v1/staff/cases/{case.pk}/extend/", {"days": 3, "reason": "会商"}, format="json"
    )
    assert refused.status_code == 403
    ok = api(demo_users["chief"]).post(
        f"/api/v1/staff/cases/{case.pk}/extend/", {"days": 3, "reason": "会商"}, format="json"
    )
    assert ok.status_code == 200
    assert (
        api(demo_users["chief"])
        .post(
            f"/api/v1/staff/cases/{case.pk}/extend/", {"days": "x", "reason": "会商"}, format="json"
        )
        .status_code
        == 400
    )


def test_approve_reject_merge_and_assign_through_the_api(demo_users):
    section = Unit.objects.get(code="HH-XG-ZHYW")
    complaint = case_submit_public(
        kind="complaint_efficiency", body="审单慢", name="甲", units=[section]
    ).case
    liaison, chief = api(demo_users["liaison"]), api(demo_users["chief"])
    drafted = liaison.post(
        f"/api/v1/staff/cases/{complaint.pk}/reply/", {"body": "初稿"}, format="json"
    ).json()
    assert drafted["status"] == "received" and drafted["replies"][0]["pending"] is True
    reply_id = drafted["replies"][0]["id"]
    assert (
        liaison.post(
            f"/api/v1/staff/cases/{complaint.pk}/approve/", {"reply": reply_id}, format="json"
        ).status_code
        == 403
    )
    bad = chief.post(f"/api/v1/staff/cases/{complaint.pk}/reject/", {"reply": reply_id})
    assert bad.status_code == 400 and "修改意见" in bad.content.decode()
    rejected = chief.post(
        f"/api/v1/staff/cases/{complaint.pk}/reject/",
        {"reply": reply_id, "note": "补充处理结果"},
        format="json",
    ).json()
    assert rejected["replies"][0]["rejection_note"] == "补充处理结果"
    second = liaison.post(
        f"/api/v1/staff/cases/{complaint.pk}/reply/", {"body": "已处理完毕"}, format="json"
    ).json()
    approved = chief.post(
        f"/api/v1/staff/cases/{complaint.pk}/approve/",
        {"reply": second["replies"][-1]["id"]},
        format="json",
    ).json()
    assert approved["status"] == "replied" and approved["replies"][-1]["approved_by"] == "chief"

    primary = case_submit_public(kind="consultation", body="问", units=[section]).case
    dup = case_submit_public(kind="consultation", body="同问", units=[section]).case
    merged = chief.post(
        f"/api/v1/staff/cases/{primary.pk}/merge/",
        {"cases": [dup.tracking_code], "reason": "重复"},
        format="json",
    )
    assert merged.status_code == 200
    assert (
        chief.get(f"/api/v1/staff/cases/{dup.pk}/").json()["merged_into"] == primary.tracking_code
    )
    unknown = chief.post(
        f"/api/v1/staff/cases/{primary.pk}/merge/",
        {"cases": ["GWNOSUCHCODE"], "reason": "重复"},
        format="json",
    )
    assert unknown.status_code == 400
    assigned = chief.post(
        f"/api/v1/staff/cases/{primary.pk}/assign/", {"handler": "liaison"}, format="json"
    ).json()
    assert assigned["handler"] == "liaison"
    outsider = chief.post(
        f"/api/v1/staff/cases/{primary.pk}/assign/", {"handler": "office"}, format="json"
    )
    assert outsider.status_code == 400


def test_the_escalated_filter_lists_open_escalated_cases(demo_users):
    from guanwu.cases.reminders import escalate_overdue

    section = Unit.objects.get(code="HH-XG-ZHYW")
    late = case_submit_public(kind="consultation", body="超期", units=[section]).case
    on_time = case_submit_public(kind="consultation", body="未超期", units=[section]).case
    Case.objects.filter(pk=late.pk).update(deadline=late.received_on.replace(year=2025))
    escalate_overdue(late.received_on)
    listing = api(demo_users["office"]).get("/api/v1/staff/cases/?escalated=true").json()
    codes = {c["tracking_code"]: c for c in listing["results"]}
    assert late.tracking_code in codes and on_time.tracking_code not in codes
    assert codes[late.tracking_code]["escalated_to"] == "HH-XG"
