"""Hostile input on the public site (issue 8): never a 500, never reflected unescaped.

The browser half (stored payloads opened by an administrator and the public) is
tests/e2e/test_xss_corpus.py; this is the quick server half, on SQLite and PostgreSQL alike
(PostgreSQL is the one that cannot store NUL, and used to answer such URLs with a 500).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.urls import reverse

import pytest

from guanwu.cases.enums import CaseKind
from guanwu.cases.models import Case
from guanwu.disclosure.models import LegalBasisPage
from tests.factories import make_item, publish
from tests.security_corpus import ALL, LONG, STORABLE, Payload

pytestmark = pytest.mark.django_db

# A NUL in the path: the Chinese 400 page (on PostgreSQL these were 500s).
NUL_PATHS = [
    "/directory/%00/",
    "/kiosk/item/%00/",
    "/cases/new/%00/",
    "/api/v1/units/%00/",
    "/api/v1/cases/%00/",
    "/api/v1/items/%00/",
]
# A NUL in the query string is dropped: the page answers as without it.
NUL_QUERIES = [
    ("/directory/staff/?q=%00", 200),
    ("/directory/staff/?q=1212%00", 200),
    ("/legal-basis/?subitem=%00", 200),
    ("/legal-basis/?unit=%00HH", 200),
    ("/search/?q=a%00b", 200),
    ("/kiosk/search/?q=%00", 200),
    ("/kiosk/category/3/?subitem=%00", 200),
    ("/api/v1/items/?unit=%00", 200),
    ("/api/v1/search/?q=%00加工贸易", 200),
    ("/?%00=x", 200),
]
# Pages that show the visitor's query back to them.
REFLECTING = [
    "/search/?q={}",
    "/directory/staff/?q={}",
    "/kiosk/search/?q={}",
    "/kiosk/search/?py={}",
    "/legal-basis/?subitem={}&unit={}&mode={}",
    "/kiosk/category/3/?subitem={}",
    "/kiosk/item/1/?from={}",
    "/language/en/?next={}",
    "/api/v1/search/?q={}",
    "/api/v1/items/?q={}&unit={}",
]
MARKUP = re.compile(r"[<>\"']")


@pytest.mark.parametrize("url", NUL_PATHS)
def test_a_nul_in_the_path_is_a_chinese_400_not_a_500(demo, client, url):
    response = client.get(url)
    assert response.status_code == 400, url
    if url.startswith("/api/"):
        assert response.json()["detail"] == "请求无法处理，请检查输入后重试。"
    else:
        assert "请求无法处理" in response.content.decode()
        assert "Content-Security-Policy" in response


@pytest.mark.parametrize(("url", "status"), NUL_QUERIES)
def test_a_nul_in_the_query_is_dropped(demo, client, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    assert "\x00" not in response.content.decode()


def test_the_staff_lookup_still_finds_a_number_typed_with_a_nul(demo, client):
    assert "121206" in client.get("/directory/staff/?q=1212%0006").content.decode()


def test_hostile_queries_come_back_escaped(demo, client):
    for payload in [*STORABLE, LONG]:
        for template in REFLECTING:
            url = template.replace("{}", quote(payload.value, safe=""))
            response = client.get(url)
            assert response.status_code < 500, (url, payload.key)
            if "html" in response.get("Content-Type", "") and MARKUP.search(payload.value):
                assert payload.value not in response.content.decode(), (url, payload.key)


def _post_case(client, url: str, fields: dict[str, str], address: str):
    form = client.get(url).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', form).group(1)
    return client.post(url, {**fields, "token": token}, REMOTE_ADDR=address)


@pytest.mark.parametrize(
    "url",
    [
        reverse("cases:new-kind", args=[CaseKind.CONSULTATION]),
        reverse("kiosk:case-form", args=[CaseKind.SUGGESTION]),
    ],
)
def test_the_public_forms_store_every_payload_or_refuse_it_in_chinese(demo, client, url):
    before = Case.objects.count()
    stored = 0
    for number, payload in enumerate([*ALL, LONG]):
        fields = {
            "title": payload.value[:200],
            "body": payload.value,
            "name": payload.value[:100],
        }
        # Each from its own address: the per-address limit is not what is tested here.
        response = _post_case(client, url, fields, address=f"10.8.0.{number + 1}")
        html = response.content.decode()
        if "\x00" in payload.value:
            # Django's ProhibitNullCharactersValidator, in Django's Chinese catalogue.
            assert response.status_code == 400, payload.key
            assert "不允许" in html, payload.key
            continue
        assert response.status_code == 200, (payload.key, html[:2000])
        if MARKUP.search(payload.value):
            assert payload.value[:100] not in html, payload.key
        stored += 1
    assert Case.objects.count() == before + stored
    case = Case.objects.latest("pk")
    assert case.body.endswith("<script>window.__xss=1</script>")  # stored as typed


def test_control_characters_in_reviewed_content_do_not_break_feeds_or_pages(demo, client):
    """XML 1.0 cannot carry C0 controls: a title typed with one used to make /feeds/ a 500."""
    controls = Payload("c0", "控制\x01\x07\x08\x0b\x0c\x1b\x7f字符")
    page = make_item(
        LegalBasisPage,
        category=2,
        subitem="2.1",
        title=f"法规{controls.value}",
        summary=f"摘要{controls.value}<script>window.__xss=1</script>",
        issuing_authority=f"机关{controls.value}",
    )
    publish(page)
    for url in [
        "/feeds/items/",
        "/feeds/notices/",
        "/sitemap.xml",
        "/api/v1/items/",
        f"/api/v1/items/{page.pk}/",
        page.url,
        "/legal-basis/",
        "/search/?q=法规",
        f"/kiosk/item/{page.pk}/",
        "/kiosk/search/?q=法规",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    feed = client.get("/feeds/items/").content.decode()
    assert "法规控制\x7f字符" in feed  # DEL is legal XML; the C0 characters are dropped
    assert "<script>window" not in feed
