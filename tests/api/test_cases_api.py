"""POST /api/v1/cases/ and GET /api/v1/cases/{tracking_code}/ as DESIGN.md fixes them."""

from __future__ import annotations

from django.core.cache import cache

import pytest

from guanwu.cases.models import Case
from guanwu.cases.services import case_reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def submit(client, payload, **headers):
    return client.post("/api/v1/cases/", payload, content_type="application/json", **headers)


def test_submit_and_track(demo, client, demo_users):
    response = submit(
        client,
        {
            "kind": "consultation",
            "title": "原产地证书",
            "body": "如何申领原产地证书？",
            "units": ["HH-XG-ZHYW"],
        },
    )
    assert response.status_code == 201
    receipt = response.json()
    assert set(receipt) == {"tracking_code", "password", "status", "deadline"}
    assert receipt["status"] == "received"
    status = client.get(
        f"/api/v1/cases/{receipt['tracking_code']}/", HTTP_X_CASE_PASSWORD=receipt["password"]
    )
    assert status.status_code == 200
    assert status.json()["replies"] == []
    case = Case.objects.get(tracking_code=receipt["tracking_code"])
    case_reply(case=case, user=demo_users["chief"], body="请在单一窗口申领。")
    case_reply(case=case, user=demo_users["chief"], body="内部备注", public=False)
    replies = client.get(
        f"/api/v1/cases/{receipt['tracking_code']}/", HTTP_X_CASE_PASSWORD=receipt["password"]
    ).json()["replies"]
    assert [r["body"] for r in replies] == ["请在单一窗口申领。"]


def test_wrong_password_and_unknown_code_look_the_same(demo, client):
    receipt = submit(client, {"kind": "suggestion", "body": "建议"}).json()
    wrong = client.get(f"/api/v1/cases/{receipt['tracking_code']}/", HTTP_X_CASE_PASSWORD="nope")
    unknown = client.get("/api/v1/cases/GWXXXXXXXXXX/", HTTP_X_CASE_PASSWORD="nope")
    assert wrong.status_code == unknown.status_code == 404
    # Only the request id (a new one for every request) tells the two apart.
    assert {**wrong.json(), "request_id": "-"} == {**unknown.json(), "request_id": "-"}


def test_idempotency_key_gives_one_case(demo, client):
    payload = {"kind": "mailbox", "body": "关长您好"}
    first = submit(client, payload, HTTP_IDEMPOTENCY_KEY="abc-123")
    second = submit(client, payload, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert first.json() == second.json()
    assert Case.objects.filter(idempotency_key="abc-123").count() == 1


def test_integrity_report_may_be_anonymous(demo, client):
    response = submit(client, {"kind": "integrity_report", "body": "某窗口人员索要好处。"})
    assert response.status_code == 201
    case = Case.objects.get(tracking_code=response.json()["tracking_code"])
    assert case.level == "supervision"
    assert not case.has_contact


def test_bad_submissions_are_chinese_400s(demo, client):
    assert submit(client, {"kind": "nonsense", "body": "x"}).status_code == 400
    missing = submit(client, {"kind": "consultation"})
    assert missing.status_code == 400 and "detail" in missing.json()
    unknown_unit = submit(client, {"kind": "consultation", "body": "x", "units": ["NOPE"]})
    assert unknown_unit.status_code == 400
    honeypot = submit(client, {"kind": "consultation", "body": "x", "website": "http://spam"})
    assert honeypot.status_code == 400
    assert not Case.objects.filter(body="x").exists()


def test_per_address_rate_limit(demo, client):
    codes = [
        submit(client, {"kind": "suggestion", "body": f"建议{i}"}).status_code for i in range(12)
    ]
    assert codes[:10] == [201] * 10
    assert codes[10] == 429
    assert "频繁" in submit(client, {"kind": "suggestion", "body": "再来"}).json()["detail"]
