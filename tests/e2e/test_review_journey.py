"""The whole review journey in the browser: liaison drafts → section chief approves → legal
approves → the item is on the public page (seed 六.四)."""

from __future__ import annotations

import re

import pytest

from guanwu.disclosure.models import CategoryPage, DisclosureItemPage, LegalApproval
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "关于加工贸易手册设立材料简化的说明"


def login(browser, live_server, username, password):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return context, page


def workflow_action(page, label):
    """Click a workflow action in the editor's action menu (opening the menu if needed)."""
    button = page.locator("footer").get_by_role("button", name=label, exact=True)
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    button.click()


def test_liaison_to_chief_to_legal_to_public(live_server, browser, demo, settings):
    password = settings.GUANWU_DEMO_PASSWORD
    category = CategoryPage.objects.get(number=2)

    # 1. The liaison drafts the item and submits it for review.
    context, page = login(browser, live_server, "liaison", password)
    page.goto(f"{live_server.url}/admin/pages/add/disclosure/generalitempage/{category.pk}/")
    page.fill("#id_title", TITLE)
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.insert_text("申请设立加工贸易手册时，企业不再提交纸质合同副本。")
    # Draftail writes its JSON into the hidden input a moment after the edit.
    page.wait_for_function(
        "document.querySelector('input[name=body]').value.includes('纸质合同副本')"
    )
    page.select_option("#id_subitem", label="2.5 加工贸易和保税监管")
    page.fill("#id_summary", "加工贸易手册设立材料简化。")
    workflow_action(page, "提交给关务公开审核流程")
    page.wait_for_url(re.compile(r"/admin/pages/\d+/"))
    item = DisclosureItemPage.objects.get(title=TITLE)
    assert not item.live
    assert item.current_workflow_task.name == "单位负责人审批"
    page.screenshot(path=str(SCREENSHOTS / "review-submitted.png"))
    context.close()

    # Not public yet.
    anonymous = browser.new_page()
    assert anonymous.goto(live_server.url + "/legal-basis/").ok
    assert TITLE not in anonymous.content()

    # 2. The section chief approves.
    context, page = login(browser, live_server, "chief", password)
    page.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
    workflow_action(page, "同意")
    page.wait_for_load_state()
    item.refresh_from_db()
    assert not item.live
    assert item.current_workflow_task.name == "法规处审核"
    context.close()

    # 3. The legal department approves, which publishes.
    context, page = login(browser, live_server, "legal", password)
    page.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
    page.screenshot(path=str(SCREENSHOTS / "review-legal.png"))
    workflow_action(page, "审核通过")
    page.wait_for_load_state()
    context.close()
    item.refresh_from_db()
    assert item.live
    assert LegalApproval.objects.filter(revision=item.live_revision).exists()

    # 4. The public sees it.
    anonymous.goto(live_server.url + item.url)
    assert anonymous.locator("h1").inner_text() == TITLE
    assert "纸质合同副本" in anonymous.content()
    anonymous.goto(live_server.url + "/legal-basis/?subitem=2.5")
    assert TITLE in anonymous.content()
    anonymous.screenshot(path=str(SCREENSHOTS / "item-published.png"), full_page=True)
