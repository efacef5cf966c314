"""Staff sign-in with the second factor in the browser: password at /admin/login/, then the
six-digit code from the demo authenticator, then the dashboard (issue 8)."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_signs_in_with_password_and_code(live_server, browser, demo, settings):
    settings.GUANWU_OTP_REQUIRED = True
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/pages/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", settings.GUANWU_DEMO_PASSWORD)
    page.locator("button[type=submit]").first.click()

    # The password alone leads to the second step, with the wanted page kept as next.
    page.wait_for_url(re.compile(r"/account/otp/\?next="))
    assert page.get_by_role("heading", name="登录第二步：动态验证码").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "second-factor.png"))

    device = TOTPDevice.objects.get(user__username="office", confirmed=True)
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.locator("form.login-form button[type=submit]").click()
    # Back to the page asked for (Wagtail's explorer opens the column's root).
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))

    # Verified for the rest of the session: the dashboard opens.
    page.goto(live_server.url + "/admin/")
    assert page.url.endswith("/admin/")
    assert page.locator("#wagtail").count() == 1
    context.close()


def test_enrolment_page_shows_the_qr_code(live_server, browser, demo, settings):
    settings.GUANWU_OTP_REQUIRED = True
    TOTPDevice.objects.filter(user__username="legal").delete()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "legal")
    page.fill("input[name=password]", settings.GUANWU_DEMO_PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/account/otp/"))
    qr = page.locator("svg.guanwu-otp-qr")
    assert qr.is_visible() and qr.bounding_box()["width"] > 100
    page.screenshot(path=str(SCREENSHOTS / "second-factor-enrol.png"))

    device = TOTPDevice.objects.get(user__username="legal", confirmed=False)
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_selector("ol.guanwu-otp-backup")
    assert page.locator("ol.guanwu-otp-backup li").count() == 10
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    context.close()
