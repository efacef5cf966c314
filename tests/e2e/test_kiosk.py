"""A visitor at the declaration hall's touch screen: taps a category, an item, sees the QR code,
walks away — and the screen goes back home by itself. Every target is big enough for a finger."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from guanwu.portal.models import KioskSettings
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PORTRAIT = {"width": 1080, "height": 1920}
MIN_TARGET = 48

# Every visible thing one can tap, with its size in CSS pixels.
TARGETS_JS = """
() => Array.from(document.querySelectorAll('a[href], button, input, select, textarea, [role=button]'))
  .filter(el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0;
  })
  .map(el => {
    const box = el.getBoundingClientRect();
    return {what: (el.textContent || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 40),
            width: box.width, height: box.height};
  })
"""


def assert_big_targets(page, where: str) -> int:
    targets = page.evaluate(TARGETS_JS)
    assert targets, where
    small = [t for t in targets if t["width"] < MIN_TARGET or t["height"] < MIN_TARGET]
    assert not small, (where, small)
    return len(targets)


def assert_no_horizontal_scroll(page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, where


def test_tap_a_category_then_an_item_and_see_the_qr_code(live_server, page, demo):
    page.set_viewport_size(PORTRAIT)
    page.goto(live_server.url + "/kiosk/")
    assert page.locator("h1").inner_text() == "关务公开触摸屏查询"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 22
    assert page.locator(".k-tile").count() == 6
    assert_big_targets(page, "home")
    assert_no_horizontal_scroll(page, "home")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "kiosk-home.png"))

    page.locator(".k-tile", has_text="办事程序").click()
    page.wait_for_url(re.compile(r"/kiosk/category/3/$"))
    assert page.locator("h1").inner_text() == "三、办事程序"
    assert_big_targets(page, "category")
    assert_no_horizontal_scroll(page, "category")

    first = page.locator(".k-card").first
    title = first.locator(".k-card-title").inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/kiosk/item/\d+/"))
    assert page.locator("h1").inner_text() == title
    qr = page.locator("figure.k-qr svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150
    assert page.locator("figure.k-qr").get_attribute("data-qr-url").startswith("http")
    assert_big_targets(page, "item")
    assert_no_horizontal_scroll(page, "item")
    page.screenshot(path=str(SCREENSHOTS / "kiosk-item.png"))

    # The back button returns to the category, "返回首页" to the home screen.
    page.locator(".k-dock-back").click()
    page.wait_for_url(re.compile(r"/kiosk/category/3/$"))
    page.locator(".k-dock-home").click()
    page.wait_for_url(re.compile(r"/kiosk/$"))


def test_search_with_hot_words_and_the_pinyin_pad(live_server, page, demo):
    page.set_viewport_size(PORTRAIT)
    page.goto(live_server.url + "/kiosk/search/")
    assert_big_targets(page, "search")
    page.locator(".k-chip", has_text="加工贸易").first.click()
    page.wait_for_url(re.compile(r"/kiosk/search/\?q="))
    assert page.locator(".k-results .k-card").count() >= 1
    assert page.locator(".k-results mark").first.inner_text() == "加工贸易"

    page.goto(live_server.url + "/kiosk/search/")
    typed = ""
    for letter in "SWFZCN":
        page.locator(".k-key", has_text=re.compile(f"^{letter}$")).click()
        typed += letter
        expect(page.locator(".k-pad-value")).to_have_text(typed)
    assert page.locator(".k-pad-value").inner_text() == "SWFZCN"
    assert page.locator(".k-card", has_text="首问负责承诺").is_visible()
    assert_big_targets(page, "pinyin results")
    page.screenshot(path=str(SCREENSHOTS / "kiosk-search.png"))


def test_an_idle_kiosk_returns_home_by_itself(live_server, page, demo):
    settings = KioskSettings.load()
    settings.idle_seconds = 10  # the minimum the admin accepts
    settings.full_clean()
    settings.save()
    page.set_viewport_size(PORTRAIT)
    page.goto(live_server.url + "/kiosk/category/2/")
    assert page.locator("body").get_attribute("data-idle-seconds") == "10"
    # A touch after 7 s restarts the countdown: at 12.5 s the visitor is still there …
    page.wait_for_timeout(7_000)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(5_500)
    assert re.search(r"/kiosk/category/2/$", page.url)
    # … and 10 s after the last touch the screen is home again, with no one touching it.
    page.wait_for_url(re.compile(r"/kiosk/$"), timeout=15_000)
    assert page.locator("h1").inner_text() == "关务公开触摸屏查询"


def test_a_visitor_files_a_consultation_at_the_kiosk(live_server, page, demo):
    """我要咨询/投诉: kind, form, receipt with the code and password in large type; big
    targets and no serious axe findings on each screen; stored with the kiosk channel."""
    from guanwu.cases.models import Case
    from tests.e2e.axe import blocking, describe, run_axe

    def check(where: str) -> None:
        assert page.locator("html").get_attribute("lang") == "zh-CN", where
        assert_big_targets(page, where)
        assert_no_horizontal_scroll(page, where)
        found = blocking(run_axe(page))
        assert not found, f"{where}:\n{describe(found)}"

    page.set_viewport_size(PORTRAIT)
    page.goto(live_server.url + "/kiosk/")
    page.locator("a.k-intake-big").click()
    page.wait_for_url(re.compile(r"/kiosk/cases/$"))
    assert page.locator("h1").inner_text() == "我要咨询/投诉"
    assert page.locator(".k-kinds .k-card").count() == 6
    check("kinds")

    page.locator(".k-kinds .k-card", has_text="业务咨询").click()
    page.wait_for_url(re.compile(r"/kiosk/cases/consultation/$"))
    assert page.locator("h1").inner_text() == "业务咨询"
    assert page.locator("input[type=file]").count() == 0
    check("form")
    # Submitting without the body says what is missing, next to the field.
    page.locator("button.k-submit").click()
    expect(page.locator(".k-field-error")).to_be_visible()
    assert page.locator("#id_body").get_attribute("aria-invalid") == "true"
    check("form with errors")

    page.get_by_label("具体内容").fill("请问报关大厅周六是否办理业务？")
    page.get_by_label("电话（可不填）").fill("13900002222")
    page.locator("button.k-submit").click()
    expect(page.locator("h1")).to_have_text("已受理")
    code = page.locator(".k-receipt-code").first.inner_text().strip()
    assert re.fullmatch(r"GW[0-9A-Z]{10}", code)
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.k-receipt-code')).fontSize)"
    )
    assert size >= 64, size
    assert page.locator("body").get_attribute("data-idle-seconds") == "120"
    assert page.locator("figure.k-qr svg").is_visible()
    check("receipt")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "kiosk-case-receipt.png"))

    case = Case.objects.get(tracking_code=code)
    assert case.channel == "kiosk" and case.phone == "13900002222"
    page.locator("a.k-done").click()
    page.wait_for_url(re.compile(r"/kiosk/$"))
