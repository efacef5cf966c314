"""The public intake forms, the receipt and the tracking page on the website."""

from __future__ import annotations

import re

from django.core.cache import cache

import pytest

from guanwu.cases.enums import Status
from guanwu.cases.models import Case
from guanwu.cases.services import case_reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def form_token(client, kind):
    html = client.get(f"/cases/new/{kind}/").content.decode()
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def submit(client, kind="consultation", **fields):
    data = {"body": "请问加工贸易手册如何核销？", "token": form_token(client, kind), **fields}
    return client.post(f"/cases/new/{kind}/", data)


def receipt_of(response):
    html = response.content.decode()
    code, password = re.findall(r'<dd class="code">([^<]+)</dd>', html)
    return code, password


def test_every_kind_has_a_form(demo, client):
    html = client.get("/cases/new/").content.decode()
    for kind in (
        "consultation",
        "complaint_efficiency",
        "complaint_attitude",
        "integrity_report",
        "mailbox",
        "suggestion",
    ):
        assert f"/cases/new/{kind}/" in html
        assert client.get(f"/cases/new/{kind}/").status_code == 200
    assert client.get("/cases/new/bogus/").status_code == 404
    assert "匿名" in client.get("/cases/new/integrity_report/").content.decode()


def test_submit_read_the_reply_and_rate(demo, client, demo_users):
    response = submit(client, title="手册核销", name="李女士", email="li@example.com")
    assert response.status_code == 200
    code, password = receipt_of(response)
    case = Case.objects.get(tracking_code=code)
    status = client.post("/cases/track/", {"tracking_code": code.lower(), "password": password})
    assert status.status_code == 200 and "尚未答复" in status.content.decode()
    case_reply(case=case, user=demo_users["chief"], body="请到新港海关报关大厅A01窗口办理。")
    html = client.post(
        "/cases/track/", {"tracking_code": code, "password": password}
    ).content.decode()
    assert "A01窗口" in html and "您对答复满意吗" in html
    rated = client.post(
        "/cases/track/",
        {"tracking_code": code, "password": password, "action": "rate", "rating": 2},
    ).content.decode()
    assert "感谢您的评价" in rated
    case.refresh_from_db()
    assert case.rating == 2 and case.status == Status.IN_PROGRESS  # dissatisfied reopens
    # The review has a limit of its own, counted from the day it was reopened.
    from django.utils import timezone

    from guanwu.cases.services import deadline_for

    assert case.deadline == deadline_for(case.kind, timezone.localdate())
    assert case.events.filter(action="reopened").exists()
    # The unit head is asked to review it.
    from guanwu.cases.models import CaseNotification
    from guanwu.cases.permissions import reply_approvers

    asked = {n.recipient for n in CaseNotification.objects.filter(case=case, kind="dissatisfied")}
    assert asked and asked == set(reply_approvers(case))


def test_double_submission_gives_one_case(demo, client):
    token = form_token(client, "mailbox")
    data = {"body": "关长您好，建议延长服务时间。", "token": token}
    first = client.post("/cases/new/mailbox/", data)
    second = client.post("/cases/new/mailbox/", data)
    assert receipt_of(first) == receipt_of(second)
    assert Case.objects.filter(idempotency_key=f"web:{token}").count() == 1


def test_wrong_password_and_bad_input(demo, client):
    code, _password = receipt_of(submit(client))
    wrong = client.post("/cases/track/", {"tracking_code": code, "password": "bad"})
    assert wrong.status_code == 404 and "不正确" in wrong.content.decode()
    empty = client.post(
        "/cases/new/consultation/", {"body": "", "token": form_token(client, "consultation")}
    )
    assert empty.status_code == 400
    trap = submit(client, website="http://spam.example")
    assert trap.status_code == 400


def test_asker_adds_information(demo, client):
    code, password = receipt_of(submit(client))
    html = client.post(
        "/cases/track/",
        {
            "tracking_code": code,
            "password": password,
            "action": "add",
            "text": "补充：手册编号B1234。",
        },
    ).content.decode()
    assert "补充内容已收到" in html
    assert Case.objects.get(tracking_code=code).events.filter(action="asker_added").exists()
