"""Accessibility of the public column: axe-core (WCAG 2.0/2.1 A and AA) finds nothing serious
or critical, and the keyboard basics hold: language, one <h1>, a working skip link, visible
focus. Also: item pages print cleanly (no navigation or forms, external link addresses shown)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guanwu.disclosure.models import LicensingGuidePage
from guanwu.organization.models import Staff
from tests.e2e.axe import blocking, describe, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KIOSK_URLS = Path(__file__).resolve().parents[2] / "guanwu" / "portal" / "kiosk" / "urls.py"


def public_pages() -> dict[str, str]:
    guide = LicensingGuidePage.objects.live().order_by("path").first()
    unit = Staff.objects.filter(posts__isnull=False).select_related("unit").first().unit
    return {
        "home": "/",
        "category": "/legal-basis/",
        "category with a notice in force": "/organisation/",
        "licensing guide": guide.url,
        "search results": "/search/?q=加工贸易",
        "directory": "/directory/",
        "unit": f"/directory/{unit.code}/",
        "notices": "/notices/",
        "notice archive": "/notices/archive/",
    }


def test_public_pages_have_no_serious_axe_violations(live_server, page, demo):
    problems = []
    for name, url in public_pages().items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "zh-CN", url
        assert page.locator("h1").count() == 1, url
        assert page.locator("main#main").count() == 1, url
        found = blocking(run_axe(page))
        if found:
            problems.append(f"{name} {url}:\n{describe(found)}")
    assert not problems, "\n\n".join(problems)


@pytest.mark.skipif(not KIOSK_URLS.exists(), reason="the kiosk (/kiosk/) is not built yet")
def test_kiosk_has_no_serious_axe_violations(live_server, page, demo):
    problems = []
    for url in ("/kiosk/", "/kiosk/category/3/", "/kiosk/search/?q=加工贸易"):
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "zh-CN", url
        found = blocking(run_axe(page))
        if found:
            problems.append(f"{url}:\n{describe(found)}")
    assert not problems, "\n\n".join(problems)


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    cls: el.className,
    inMain: !!el.closest('main'),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
    left: box.left,
    top: box.top,
    width: box.width,
  };
}"""


def test_skip_link_is_first_and_moves_focus_to_main(live_server, page, demo):
    page.goto(live_server.url + "/legal-basis/")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "a" and "skip-link" in focused["cls"]
    assert page.locator(".skip-link").inner_text() == "跳到正文"
    # Off-screen until focused, then on screen.
    assert focused["left"] >= 0 and focused["top"] >= 0 and focused["width"] > 0
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["inMain"]


def test_links_show_a_visible_focus_outline_after_tab(live_server, page, demo):
    page.goto(live_server.url + "/")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "a":
            seen.append(focused)
        if len([f for f in seen if f["inMain"]]) >= 3:
            break
    assert len(seen) >= 5
    assert any(f["inMain"] for f in seen) and any(not f["inMain"] for f in seen)
    for focused in seen:
        assert focused["outlineStyle"] not in ("none", "hidden"), focused
        assert focused["outlineWidth"] >= 2, focused
        # The dark inner ring keeps the amber outline visible on white (WCAG 1.4.11).
        assert focused["boxShadow"] not in ("", "none"), focused


def test_licensing_guide_prints_cleanly(live_server, page, demo):
    guide = LicensingGuidePage.objects.live().order_by("path").first()
    page.goto(live_server.url + guide.url)
    # An external link in the content, as rich text may hold one.
    page.evaluate(
        """() => {
      const a = document.createElement('a');
      a.href = 'https://www.customs.gov.cn/';
      a.id = 'external-link';
      a.textContent = '海关总署';
      document.querySelector('main h1').after(a);
    }"""
    )
    page.emulate_media(media="print")
    for selector in (".site-nav", ".header-search", ".lang-switch", ".skip-link"):
        assert page.locator(selector).is_hidden(), selector
    assert page.locator("main h1").is_visible()
    assert page.locator("table.checklist").is_visible()
    after = page.evaluate(
        "(sel) => getComputedStyle(document.querySelector(sel), '::after').content",
        "#external-link",
    )
    assert "https://www.customs.gov.cn/" in after
    internal = page.evaluate(
        "() => getComputedStyle(document.querySelector('main .facts a'), '::after').content"
    )
    assert internal in ("none", "normal", "")
    for selector in ("table.checklist", "table.checklist tr", ".steps li", "dl.facts"):
        breaks = page.evaluate(
            "(sel) => getComputedStyle(document.querySelector(sel)).breakInside", selector
        )
        assert breaks == "avoid", selector
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
