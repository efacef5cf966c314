"""The Content-Security-Policy of the public site (issue 8).

Every public page carries a policy whose scripts come only from this site: no
``'unsafe-inline'``, no ``'unsafe-eval'``. The pages themselves hold no inline script, event
handler attribute or inline style, so the policy costs them nothing. The Wagtail admin is
excluded on purpose (its panels and widgets use inline scripts; see settings/base.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from guanwu.cases.enums import CaseKind
from guanwu.disclosure.models import CategoryPage, LicensingGuidePage
from guanwu.organization.models import Unit

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
# <script> types a browser does not execute (data blocks), allowed inline.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
TEMPLATE_DIRS = [
    settings.BASE_DIR / "guanwu" / "templates",
    settings.BASE_DIR / "guanwu" / "portal" / "templates",
    settings.BASE_DIR / "guanwu" / "cases" / "templates" / "cases",
    settings.BASE_DIR / "guanwu" / "disclosure" / "templates" / "disclosure",
]


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def public_urls() -> list[str]:
    item = LicensingGuidePage.objects.live().first()
    unit = Unit.objects.live().filter(kind="section").first()
    category = CategoryPage.objects.get(number=3)
    return [
        "/",
        category.url,
        item.url,
        reverse("search") + "?q=加工贸易",
        reverse("directory"),
        reverse("unit-detail", args=[unit.code]),
        reverse("staff-lookup") + "?q=121206",
        reverse("cases:new"),
        reverse("cases:new-kind", args=[CaseKind.CONSULTATION]),
        reverse("cases:track"),
        "/kiosk/",
        "/kiosk/category/3/",
        f"/kiosk/item/{item.pk}/",
        "/kiosk/search/?q=加工贸易",
        "/kiosk/cases/",
        f"/kiosk/cases/{CaseKind.CONSULTATION}/",
        "/notices/",
        "/feeds/items/",
        "/feeds/notices/",
        "/sitemap.xml",
        "/api/v1/units/",
        "/no-such-page/",  # the Chinese 404 page
    ]


def assert_strict_policy(header: str, where: str) -> None:
    policy = directives(header)
    script_src = policy.get("script-src", policy.get("default-src"))
    assert script_src == ["'self'"], (where, header)
    for directive in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(directive, []), (where, header)
        assert "'unsafe-eval'" not in policy.get(directive, []), (where, header)
    assert policy["default-src"] == ["'self'"], (where, header)
    assert policy["object-src"] == ["'none'"], (where, header)
    assert policy["frame-ancestors"] == ["'none'"], (where, header)
    assert policy["base-uri"] == ["'self'"], (where, header)
    assert policy["form-action"] == ["'self'"], (where, header)


def test_public_pages_carry_a_policy_without_inline_scripts(demo, client):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code < 500, url
        assert HEADER in response, url
        assert_strict_policy(response[HEADER], url)


def test_a_public_case_form_post_and_the_tracking_page_carry_the_policy(demo, client):
    form = client.get(reverse("cases:new-kind", args=[CaseKind.CONSULTATION]))
    token = re.search(r'name="token" value="([0-9a-f]+)"', form.content.decode()).group(1)
    receipt = client.post(
        reverse("cases:new-kind", args=[CaseKind.CONSULTATION]),
        {"body": "请问加工贸易手册如何设立？", "token": token},
    )
    assert receipt.status_code == 200
    assert_strict_policy(receipt[HEADER], "receipt")
    code, password = (
        dd.text.strip()
        for dd in BeautifulSoup(receipt.content.decode(), "html.parser").select("dd.code")
    )
    tracked = client.post(reverse("cases:track"), {"tracking_code": code, "password": password})
    assert tracked.status_code == 200
    assert code in tracked.content.decode()
    assert_strict_policy(tracked[HEADER], "track")


def test_public_pages_hold_no_inline_script_handler_or_style(demo, client):
    """What the policy would block is not there to begin with (no broken page under CSP)."""
    for url in public_urls():
        response = client.get(url)
        if "html" not in response.get("Content-Type", ""):
            continue
        soup = BeautifulSoup(response.content.decode(), "html.parser")
        for script in soup.find_all("script"):
            if script.get("type") in DATA_SCRIPT_TYPES:
                continue
            assert script.get("src"), (url, str(script)[:200])
            assert not script.string or not script.string.strip(), (url, str(script)[:200])
        assert not soup.find_all("style"), url
        for tag in soup.find_all(True):
            handlers = [name for name in tag.attrs if name.lower().startswith("on")]
            assert not handlers, (url, tag.name, handlers)
            assert "style" not in tag.attrs, (url, str(tag)[:200])
            href = str(tag.get("href", "")) + str(tag.get("src", ""))
            assert not href.strip().lower().startswith("javascript:"), (url, str(tag)[:200])


def test_public_templates_hold_no_inline_script_or_handler():
    """A static guard on the template sources, for pages the test above does not render."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in Path(folder).rglob("*.html"):
            if "admin" in path.relative_to(folder).parts:
                continue  # staff pages under /admin/: Wagtail's own conventions
            text = path.read_text(encoding="utf-8")
            for pattern in (inline_script, handler, re.compile(r"javascript:", re.I)):
                if pattern.search(text):
                    offenders.append(f"{path}: {pattern.pattern}")
            if re.search(r"<style|\sstyle=", text):
                offenders.append(f"{path}: inline style")
    assert not offenders, offenders


def test_the_wagtail_admin_is_excluded_as_designed(demo, client, django_user_model):
    """The admin's panels and widgets use inline scripts; it is left out of the policy."""
    assert client.get("/admin/login/").status_code == 200
    assert HEADER not in client.get("/admin/login/")
    admin = django_user_model.objects.get(username="admin")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert HEADER not in response
    assert "/admin/" in settings.CONTENT_SECURITY_POLICY["EXCLUDE_URL_PREFIXES"]


def test_the_policy_is_in_the_production_settings():
    """base.py carries it, so every tier (dev, test, production) sends the same policy."""
    from guanwu.settings import base

    assert "csp" in base.INSTALLED_APPS
    assert "csp.middleware.CSPMiddleware" in base.MIDDLEWARE
    assert_strict_policy(
        "; ".join(
            f"{name} {' '.join(values)}"
            for name, values in base.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()
        ),
        "settings",
    )
