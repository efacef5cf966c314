"""A hotline operator logs a call and closes it with an answer given on the spot, keyboard first."""

from __future__ import annotations

import re
import time

import pytest

from guanwu.cases.enums import Status
from guanwu.cases.models import Case
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_operator_logs_and_closes_a_call_within_a_minute(live_server, page, demo, settings):
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "centre")
    page.fill("input[name=password]", settings.GUANWU_DEMO_PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))

    started = time.monotonic()
    page.goto(live_server.url + "/admin/cases/new/")
    page.select_option("#id_channel", "hotline")
    page.select_option("#id_line", "consultation")
    page.select_option("#id_kind", "consultation")
    page.fill("#id_caller_number", "13912345678")
    page.fill("#id_body", "来电询问：暂时进境展览品的担保方式。")
    page.fill("#id_answer", "可以提供保证金或ATA单证册担保。")
    page.get_by_role("button", name=re.compile("登记")).click()
    page.wait_for_url(re.compile(r"/admin/cases/new/"))
    assert "已登记" in page.locator("body").inner_text()
    assert time.monotonic() - started < 60
    page.screenshot(path=str(SCREENSHOTS / "hotline-intake.png"))

    case = Case.objects.get(body="来电询问：暂时进境展览品的担保方式。")
    assert case.status == Status.CLOSED
    assert case.first_contact.username == "centre"
    assert case.caller_number == "13912345678"
