"""A citizen submits a consultation on the website and later reads the reply with the code."""

from __future__ import annotations

from django.contrib.auth import get_user_model

import pytest

from guanwu.cases.models import Case
from guanwu.cases.services import case_reply
from tests.e2e.axe import run_axe
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_submits_and_reads_the_reply(live_server, page, demo):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="咨询投诉").first.click()
    page.get_by_role("link", name="业务咨询").click()
    serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    page.fill("#id_title", "ATA单证册")
    page.fill("#id_body", "暂时进境的展览品使用ATA单证册需要提前多久申请？")
    page.fill("#id_name", "赵先生")
    page.fill("#id_phone", "13512345678")
    page.get_by_role("button", name="提交").click()
    code = page.locator("dd.code").nth(0).inner_text()
    password = page.locator("dd.code").nth(1).inner_text()
    page.screenshot(path=str(SCREENSHOTS / "case-receipt.png"))
    case = Case.objects.get(tracking_code=code)
    assert case.phone == "13512345678" and case.first_contact is None

    chief = get_user_model().objects.get(username="centre")
    case_reply(case=case, user=chief, body="展览品可在入境前向主管海关申请，通常提前5个工作日。")

    page.goto(live_server.url + "/cases/track/")
    page.fill("#id_tracking_code", code)
    page.fill("#id_password", password)
    page.get_by_role("button", name="查询").click()
    assert "提前5个工作日" in page.locator("main").inner_text()
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in page.locator("main").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "case-status.png"), full_page=True)
    case.refresh_from_db()
    assert case.rating == 4
