"""A member of the public finds a licensing service guide: by search and by browsing, on a
desktop and on a phone."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GUIDE = "保税仓库设立审批办事指南"


def assert_guide_page(page):
    assert page.locator("h1").inner_text() == GUIDE
    assert page.get_by_role("heading", name="申请材料清单").is_visible()
    assert page.locator("table.checklist tbody tr").count() >= 4
    assert page.get_by_role("heading", name="受理窗口").is_visible()


def test_find_a_licensing_guide_by_search(live_server, page, demo):
    page.goto(live_server.url + "/")
    page.fill("#header-q", "保税仓库 设立")
    page.locator(".header-search button").click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    first = page.locator(".search-results li").first
    assert GUIDE in first.inner_text()
    assert first.locator("mark").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)
    first.get_by_role("link", name=GUIDE).click()
    assert_guide_page(page)
    page.screenshot(path=str(SCREENSHOTS / "item-licensing-guide.png"), full_page=True)


def test_find_a_licensing_guide_by_browsing(live_server, page, demo):
    page.goto(live_server.url + "/")
    page.locator(".tiles").get_by_role("link", name=re.compile("执法权限")).click()
    page.get_by_role("link", name="4.4 行政许可").click()
    page.wait_for_url(re.compile(r"subitem=4\.4"))
    page.get_by_role("link", name=GUIDE).click()
    assert_guide_page(page)


def test_phone_viewport(live_server, browser, demo):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    for path in ["/", "/powers/?subitem=4.4", "/search/?q=加工贸易", "/directory/"]:
        phone.goto(live_server.url + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        assert phone.locator("h1").count() == 1
        if path == "/":
            phone.screenshot(path=str(SCREENSHOTS / "home-phone.png"), full_page=True)
    context.close()
