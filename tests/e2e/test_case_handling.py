"""A complaint's reply drafted by a case handler, approved by the section chief in the browser,
then read by the asker on the tracking page (seed 四.五; DESIGN rules 7, 9)."""

from __future__ import annotations

import re

import pytest

from guanwu.cases import services
from guanwu.cases.enums import Status
from guanwu.cases.models import Case
from guanwu.organization.models import Unit
from tests.e2e.axe import blocking, describe, run_axe
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username, password):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_a_drafted_complaint_reply_is_approved_and_reaches_the_asker(
    live_server, page, demo, settings
):
    section = Unit.objects.get(code="HH-XG-ZHYW")
    submission = services.case_submit_public(
        kind="complaint_efficiency",
        body="报关单审核超过承诺时限仍未办结。",
        name="周女士",
        units=[section],
    )
    case = submission.case
    password = settings.GUANWU_DEMO_PASSWORD

    # The case handler picks the template, completes it and sends it for approval.
    _login(page, live_server, "liaison", password)
    page.goto(f"{live_server.url}/admin/cases/{case.pk}/")
    page.select_option("#reply-template", label="投诉处理结果")
    page.get_by_role("button", name="填入模板").click()
    body = page.locator("#id_reply-body")
    assert case.tracking_code in body.input_value()
    body.fill(body.input_value().replace("（调查情况与处理结果）", "已于当日完成审核并放行。"))
    page.locator("form.case-action:has(input[value=reply]) button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/admin/cases/{case.pk}/$"))
    assert "待审核" in page.locator("body").inner_text()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED

    # The section chief sees it on the dashboard and approves it.
    _login(page, live_server, "chief", password)
    assert f"答复待审核：{case.tracking_code}" in page.locator("body").inner_text()
    page.get_by_role("link", name=re.compile(f"答复待审核：{case.tracking_code}")).click()
    page.get_by_role("button", name="审核通过并送达").click()
    page.wait_for_url(re.compile(rf"/admin/cases/{case.pk}/$"))
    assert "已送达" in page.locator("body").inner_text()
    page.locator("h2", has_text="答复").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "case-detail-approved.png"))
    case.refresh_from_db()
    assert case.status == Status.REPLIED

    # The asker reads the approved reply with the tracking code and password.
    page.context.clear_cookies()
    page.goto(live_server.url + "/cases/track/")
    page.fill("#id_tracking_code", case.tracking_code)
    page.fill("#id_password", submission.password)
    page.get_by_role("button", name=re.compile("查询")).click()
    text = page.locator("main").inner_text()
    assert "已于当日完成审核并放行。" in text and "周女士" in text
    found = blocking(run_axe(page))
    assert not found, describe(found)
    assert Case.objects.get(pk=case.pk).replies.get().approved_by.username == "chief"
