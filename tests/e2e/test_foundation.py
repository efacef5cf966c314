"""A person opens the column's home page, browses the directory and logs into the admin."""

from __future__ import annotations

import re

import pytest

from guanwu.organization.models import Staff
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_and_directory(live_server, page, demo):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "关务公开专栏"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)

    page.get_by_role("link", name="机构设置").first.click()
    page.wait_for_url(re.compile(r"/directory/$"))
    staff = Staff.objects.filter(posts__isnull=False).select_related("unit").first()
    page.locator(f'a[href="/directory/{staff.unit.code}/"]').click()
    assert page.locator("h1").inner_text() == staff.unit.name
    assert page.get_by_role("cell", name=staff.work_number).is_visible()
    page.screenshot(path=str(SCREENSHOTS / "directory-unit.png"), full_page=True)


def test_phone_viewport_has_no_horizontal_scroll(live_server, page, demo):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/directory/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_demo_user_logs_into_the_admin(live_server, page, demo, settings):
    page.goto(live_server.url + "/admin/")
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.fill("input[name=username]", "legal")
    page.fill("input[name=password]", settings.GUANWU_DEMO_PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    # The sidebar greets the staff member by name and offers the directory's snippets.
    body = page.locator("body").inner_text()
    assert Staff.objects.get(user__username="legal").user.first_name in body
    assert "机构设置" in body
    page.screenshot(path=str(SCREENSHOTS / "admin-dashboard.png"))
