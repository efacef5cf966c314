"""The hall's network drops (issue 9): the kiosk keeps showing its home, the categories and the
items already seen, from its service worker's cache, with a Chinese banner saying so; a screen
never seen says it needs the network; a form is not submitted offline; back online, the banner
goes away."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from guanwu.disclosure import selectors
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PORTRAIT = {"width": 1080, "height": 1920}
BANNER = "网络已断开，正在显示已保存的内容；咨询、投诉提交需联网"


def wait_until_controlled(page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_the_kiosk_shows_saved_screens_offline(live_server, page, demo):
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.set_viewport_size(PORTRAIT)
    page.goto(live_server.url + "/kiosk/")
    wait_until_controlled(page)
    banner = page.locator("#k-offline")
    expect(banner).to_be_hidden()
    names = page.evaluate("caches.keys()")
    assert sorted(re.sub(r"[0-9a-f]{12}$", "<v>", n) for n in names) == [
        "guanwu-kiosk-pages-v1",
        "guanwu-kiosk-shell-<v>",
    ]

    # A visitor opens a category and an item while the network is up.
    page.locator(".k-tile", has_text="办事程序").click()
    page.wait_for_url(re.compile(r"/kiosk/category/3/$"))
    first = page.locator(".k-card").first
    title = first.locator(".k-card-title").inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/kiosk/item/\d+/"))
    item_path = re.search(r"/kiosk/item/(\d+)/", page.url)
    seen_pk = int(item_path.group(1))
    expect(page.locator("h1")).to_have_text(title)
    unseen = selectors.live_items().exclude(pk=seen_pk).order_by("pk").first()
    assert unseen is not None

    page.context.set_offline(True)
    # The offline event shows the banner at once, on the screen being read.
    expect(banner).to_be_visible()
    expect(banner).to_have_text(BANNER)

    # The item seen, reloaded and reached without ?from=: from the cache, with the banner.
    page.reload()
    expect(page.locator("h1")).to_have_text(title)
    assert page.locator("body").get_attribute("data-served-from-cache") == "true"
    expect(banner).to_be_visible()
    page.goto(f"{live_server.url}/kiosk/item/{seen_pk}/")
    expect(page.locator("h1")).to_have_text(title)
    expect(banner).to_be_visible()

    # The categories: saved at install, including one nobody opened.
    page.goto(live_server.url + "/kiosk/category/1/")
    expect(page.locator("h1")).to_have_text(re.compile(r"^一、"))
    assert page.locator(".k-card").count() > 0
    expect(banner).to_be_visible()
    page.goto(live_server.url + "/kiosk/")
    expect(page.locator("h1")).to_have_text("关务公开触摸屏查询")
    assert page.locator(".k-tile").count() == 6
    expect(banner).to_be_visible()
    # Styles come from the cache too (the banner's colours are kiosk.css's).
    background = page.evaluate(
        "getComputedStyle(document.getElementById('k-offline')).backgroundColor"
    )
    assert background == "rgb(255, 244, 214)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "kiosk-offline.png"))

    # An item never seen: the Chinese offline screen, inside the kiosk.
    page.goto(f"{live_server.url}/kiosk/item/{unseen.pk}/")
    expect(page.locator("h1")).to_have_text("网络已断开")
    expect(page.locator(".k-empty")).to_contain_text("还没有保存在这台触摸屏上")
    expect(banner).to_be_visible()
    # A form is never saved: offline it is the same screen, not a stale form.
    page.goto(live_server.url + "/kiosk/cases/consultation/")
    expect(page.locator("h1")).to_have_text("网络已断开")
    expect(page.locator(".k-empty")).to_contain_text("不会在联网后自动提交")

    # Back online: the banner goes, and the next screen comes from the server.
    page.context.set_offline(False)
    expect(banner).to_be_hidden()
    page.goto(f"{live_server.url}/kiosk/item/{unseen.pk}/")
    expect(page.locator("h1")).to_have_text(unseen.title)
    assert page.locator("body").get_attribute("data-served-from-cache") is None
    expect(banner).to_be_hidden()
    assert not csp_errors, csp_errors


def test_a_form_is_not_submitted_or_queued_offline(live_server, page, demo):
    from guanwu.cases.models import Case

    before = Case.objects.count()
    page.set_viewport_size(PORTRAIT)
    page.goto(live_server.url + "/kiosk/cases/consultation/")
    wait_until_controlled(page)
    page.reload()  # now through the worker, as every screen after the first
    page.get_by_label("具体内容").fill("请问报关大厅周六是否办理业务？")
    message = page.locator("[data-offline-message]")
    expect(message).to_be_hidden()

    page.context.set_offline(True)
    page.locator("button.k-submit").click()
    expect(message).to_be_visible()
    expect(message).to_contain_text("现在无法提交")
    expect(page.locator("#k-offline")).to_be_visible()
    assert re.search(r"/kiosk/cases/consultation/$", page.url)
    # What the visitor typed is still there, and nothing reached the server.
    expect(page.get_by_label("具体内容")).to_have_value("请问报关大厅周六是否办理业务？")
    assert Case.objects.count() == before

    # Back online: nothing is sent by itself; the visitor's own tap submits it, once.
    page.context.set_offline(False)
    expect(message).to_be_hidden()
    page.wait_for_timeout(500)
    assert Case.objects.count() == before
    page.locator("button.k-submit").click()
    expect(page.locator("h1")).to_have_text("已受理")
    assert Case.objects.count() == before + 1
