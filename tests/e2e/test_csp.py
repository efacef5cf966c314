"""The public site under its Content-Security-Policy (issue 8), in Chromium.

Walks the main public journeys (column, directory, search, case form and tracking, kiosk)
with the policy enforced and collects every ``securitypolicyviolation`` event, every console
message about the policy and every page error: there must be none. The policy forbids inline
scripts, handlers and styles, so a page that still used one would show up here (and be
broken for real visitors).
"""

from __future__ import annotations

import re

import pytest

from guanwu.disclosure.models import CategoryPage, LicensingGuidePage
from guanwu.organization.models import Unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Installed before any page script runs (DevTools init scripts are not subject to the CSP).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watch:
    """What went wrong on the pages of one browser context, page by page."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(COLLECT_VIOLATIONS)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"console: {text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status < 400, url
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (url, policy)
        self.check(url)

    def check(self, where: str) -> None:
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"{where}: {v}" for v in violations]
        assert not self.problems, self.problems


def test_public_pages_raise_no_policy_violations(live_server, page, demo):
    base = live_server.url
    item = LicensingGuidePage.objects.live().first()
    unit = Unit.objects.live().filter(posts__isnull=False).first()
    category = CategoryPage.objects.get(number=4)
    watch = Watch(page)
    for path in [
        "/",
        category.url,
        category.url + "?subitem=4.4",
        item.url,
        "/directory/",
        f"/directory/{unit.code}/",
        "/directory/staff/?q=1212",
        "/search/?q=加工贸易",
        "/notices/",
        "/cases/new/",
        "/cases/new/consultation/",
        "/cases/track/",
        "/no-such-page/",
    ]:
        if path == "/no-such-page/":
            response = page.goto(base + path)
            assert response.status == 404
            assert "unsafe-inline" not in response.headers["content-security-policy"]
            watch.check(path)
            continue
        watch.visit(base + path)

    # A submission, its receipt and the tracking page with the code.
    page.goto(base + "/cases/new/consultation/")
    page.fill("#id_body", "请问报关大厅周六是否办理业务？")
    page.get_by_role("button", name="提交").click()
    code = page.locator("dd.code").nth(0).inner_text()
    password = page.locator("dd.code").nth(1).inner_text()
    watch.check("receipt")
    page.goto(base + "/cases/track/")
    page.fill("#id_tracking_code", code)
    page.fill("#id_password", password)
    page.get_by_role("button", name="查询").click()
    assert code in page.locator("h1").inner_text()
    watch.check("tracking")


def test_the_kiosk_raises_no_policy_violations_and_its_script_runs(live_server, page, demo):
    base = live_server.url
    item = LicensingGuidePage.objects.live().first()
    page.set_viewport_size({"width": 1080, "height": 1920})
    watch = Watch(page)
    for path in [
        "/kiosk/",
        "/kiosk/category/3/",
        f"/kiosk/item/{item.pk}/",
        "/kiosk/search/",
        "/kiosk/search/?q=加工贸易",
        "/kiosk/search/?py=S",
        "/kiosk/cases/",
        "/kiosk/cases/consultation/",
    ]:
        watch.visit(base + path)
    # static/js/kiosk.js is allowed by the policy and runs: its long-press guard is in place.
    prevented = page.evaluate(
        """() => {
            const event = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});
            document.body.dispatchEvent(event);
            return event.defaultPrevented;
        }"""
    )
    assert prevented is True
    page.fill("#id_body", "请问报关大厅周六是否办理业务？")
    page.locator("button.k-submit").click()
    page.wait_for_url(re.compile(r"/kiosk/cases/consultation/$"))
    assert page.locator("h1").inner_text() == "已受理"
    watch.check("kiosk receipt")


def test_an_injected_inline_script_is_blocked(live_server, page, demo):
    """The policy is really enforced: a <script> written into the page does not run."""
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.__xss = 1';
            document.body.appendChild(script);
            const img = document.createElement('img');
            img.setAttribute('onerror', 'window.__xss = 2');
            img.src = '/no-such-image.png';
            document.body.appendChild(img);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined"
