"""The column's other channels: the notices pages, the Atom feeds, sitemap.xml and the
schema.org JSON-LD of licensing guides. Like every public read they carry only live, legally
reviewed content: no draft, no withheld item, no pending draft's new wording."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

from django.utils import timezone

import pytest

from guanwu.disclosure import selectors
from guanwu.disclosure.models import (
    CommitmentPage,
    DisclosureItemPage,
    FeeItemPage,
    GeneralItemPage,
    IntegrityRulePage,
    LegalBasisPage,
    LicensingGuidePage,
    NoticePage,
    ProcedurePage,
)
from guanwu.disclosure.templatetags.structured_data import jsonld_script
from guanwu.organization.models import Unit
from guanwu.portal import feeds, views_notices
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

PENDING_SLUG = "proc-import-export-clearance"
PENDING_LIVE_TITLE = "进出口货物报关通关作业流程"
PENDING_DRAFT_TITLE = "进出口货物报关通关作业流程（2026年修订稿）"
PENDING_DRAFT_SUMMARY = "在原流程基础上增加“两步申报”概要申报和完整申报环节"
WITHHELD_SLUG = "withheld-smuggling-case-progress"
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def make_notice(title: str, *, starts_in_hours: float, ends_in_hours: float, **fields):
    now = timezone.now()
    return make_item(
        NoticePage,
        category=1,
        subitem=None,
        unit="HH-XG",
        title=title,
        notice_kind="other",
        body="<p>测试公告正文。</p>",
        starts_at=now + datetime.timedelta(hours=starts_in_hours),
        ends_at=now + datetime.timedelta(hours=ends_in_hours),
        **fields,
    )


def parse_xml(content: bytes) -> ET.Element:
    # Our own server's output in a test, not untrusted input.
    return ET.fromstring(content)  # noqa: S314


def live_urls() -> set[str]:
    return {item.url for item in selectors.live_items()}


def path_of(url: str) -> str:
    return urlparse(url).path


def get_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- notices -------------------------------------------------------------------------------


def test_notices_page_lists_notices_in_force_newest_first(demo, client):
    draft = make_notice("草稿公告：尚未审核", starts_in_hours=-1, ends_in_hours=48)
    newest = publish(
        make_notice("测试公告：今日起调整办公时间", starts_in_hours=-1, ends_in_hours=48)
    )
    in_force = list(selectors.notices_in_force())
    assert newest.pk in {n.pk for n in in_force} and len(in_force) >= 2

    html = get_text(client, "/notices/")
    assert html.count("<h1") == 1
    for notice in in_force:
        assert notice.title in html
        assert f'href="{notice.url}"' in html
    # The newest start leads the list.
    assert html.index(newest.title) < min(
        html.index(n.title) for n in in_force if n.pk != newest.pk
    )
    assert draft.title not in html
    for ended in selectors.notice_archive():
        assert ended.title not in html


def test_notice_archive_lists_ended_notices_only_paginated(demo, client, monkeypatch):
    ended = list(selectors.notice_archive())
    assert len(ended) >= 3
    html = get_text(client, "/notices/archive/")
    for notice in ended:
        assert notice.title in html
        if not notice.live:  # expired pages are a record, no longer served
            assert f'href="{notice.url}"' not in html
    for notice in selectors.notices_in_force():
        assert notice.title not in html

    monkeypatch.setattr(views_notices, "ARCHIVE_PAGE_SIZE", 2)
    first = get_text(client, "/notices/archive/")
    second = get_text(client, "/notices/archive/?page=2")
    pages = -(-len(ended) // 2)
    assert f"第 1 页，共 {pages} 页" in first
    assert ended[0].title in first and ended[2].title not in first
    assert ended[2].title in second and ended[0].title not in second


def test_notices_pages_are_chinese_and_linked_to_the_feed(demo, client):
    html = get_text(client, "/notices/")
    assert '<html lang="zh-CN">' in html
    assert "随时公开公告" in html and "已结束" in html
    assert 'href="/feeds/notices/"' in html
    assert "已结束的公告" in get_text(client, "/notices/archive/")


# --- feeds ---------------------------------------------------------------------------------


def parse_atom(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get(XML_LANG) == "zh-CN"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    assert feed.find(f"{ATOM}link[@rel='alternate']") is not None
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "summary"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.find(f"{ATOM}link").get("href", "").startswith("http")
    return feed


def entry_titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def entry_paths(feed: ET.Element) -> list[str]:
    return [path_of(e.find(f"{ATOM}link").get("href")) for e in feed.findall(f"{ATOM}entry")]


def test_items_feed_is_atom_with_the_50_newest_live_items(demo, client):
    draft = make_item(title="草稿事项：不应出现在订阅中")
    fresh = publish(make_item(title="测试事项：刚刚发布"))
    feed = parse_atom(client, "/feeds/items/")
    assert "最近更新的公开内容" in feed.findtext(f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 50
    titles = entry_titles(feed)
    assert titles[0] == fresh.title
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert set(entry_paths(feed)) <= live_urls()
    assert draft.title not in titles
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == fresh.owning_unit.name


def test_items_feed_carries_the_live_revision_not_the_pending_draft(demo, client, monkeypatch):
    monkeypatch.setattr(feeds, "ITEMS_FEED_SIZE", 500)
    response = client.get("/feeds/items/")
    text = response.content.decode()
    feed = parse_xml(response.content)
    item = DisclosureItemPage.objects.get(slug=PENDING_SLUG)
    assert item.has_unpublished_changes and item.draft_title == PENDING_DRAFT_TITLE
    assert PENDING_LIVE_TITLE in entry_titles(feed)
    assert item.url in entry_paths(feed)
    assert PENDING_DRAFT_TITLE not in text and PENDING_DRAFT_SUMMARY not in text
    withheld = DisclosureItemPage.objects.get(slug=WITHHELD_SLUG)
    assert withheld.title not in text and withheld.url not in text
    assert len(feed.findall(f"{ATOM}entry")) == selectors.live_items().count()


def test_notices_feed_has_notices_in_force_and_nothing_unreviewed(demo, client):
    draft = make_notice("草稿公告：不应出现在订阅中", starts_in_hours=-1, ends_in_hours=48)
    feed = parse_atom(client, "/feeds/notices/")
    assert "随时公开公告" in feed.findtext(f"{ATOM}title")
    titles = entry_titles(feed)
    in_force = [n.title for n in selectors.notices_in_force()]
    assert in_force and titles[: len(in_force)] == in_force
    assert set(entry_paths(feed)) <= live_urls()
    assert draft.title not in titles
    for ended in selectors.notice_archive().filter(live=False):
        assert ended.title not in titles
    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html" and "有效期" in summary.text


def test_base_template_advertises_both_feeds(demo, client):
    html = get_text(client, "/")
    head = html.split("</head>")[0]
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', head)
    assert len(links) == 2
    for url, title in (("/feeds/notices/", "随时公开公告"), ("/feeds/items/", "最近更新")):
        assert any(f'href="{url}"' in link and title in link for link in links), url


# --- sitemap.xml ---------------------------------------------------------------------------


def sitemap_paths(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = parse_xml(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    text = response.content.decode()
    assert PENDING_DRAFT_TITLE not in text
    return [path_of(loc.text) for loc in root.iter(f"{SITEMAP}loc")]


def test_sitemap_lists_live_pages_directory_and_units(demo, client):
    draft = make_item(title="草稿事项：不应出现在站点地图中")
    paths = sitemap_paths(client)
    assert len(paths) == len(set(paths))
    assert "/" in paths
    for category in ("/organisation/", "/legal-basis/", "/procedures/", "/powers/"):
        assert category in paths
    assert DisclosureItemPage.objects.get(slug=PENDING_SLUG).url in paths
    assert live_urls() <= set(paths)
    for url in ("/directory/", "/notices/", "/search/"):
        assert url in paths
    for unit in Unit.objects.live():
        assert f"/directory/{unit.code}/" in paths
    assert not any(draft.slug in p for p in paths)
    assert not any(WITHHELD_SLUG in p for p in paths)


def test_sitemap_leaves_out_a_withheld_item_even_if_it_were_live(demo, client):
    withheld = DisclosureItemPage.objects.get(slug=WITHHELD_SLUG)
    assert not withheld.live
    # Simulate a bookkeeping slip: the row flagged live while still withheld.
    DisclosureItemPage.objects.filter(pk=withheld.pk).update(live=True)
    assert not any(WITHHELD_SLUG in p for p in sitemap_paths(client))


def test_sitemap_drops_an_unpublished_unit(demo, client):
    unit = Unit.objects.live().filter(kind="section").first()
    Unit.objects.filter(pk=unit.pk).update(live=False)
    assert f"/directory/{unit.code}/" not in sitemap_paths(client)


# --- the pending draft stays out of every public page ----------------------------------------


def test_pending_draft_wording_is_on_no_public_page(demo, client):
    item = DisclosureItemPage.objects.get(slug=PENDING_SLUG)
    html = get_text(client, item.url)
    assert f"<h1>{PENDING_LIVE_TITLE}</h1>" in html
    pages = [item.url, "/", "/procedures/", "/notices/", "/notices/archive/"]
    pages += ["/search/?q=报关通关", "/feeds/notices/", "/feeds/items/", "/sitemap.xml"]
    for url in pages:
        text = get_text(client, url)
        assert PENDING_DRAFT_TITLE not in text, url
        assert PENDING_DRAFT_SUMMARY not in text, url


# --- schema.org JSON-LD ------------------------------------------------------------------------


def jsonld_blocks(html: str) -> list[dict]:
    return [json.loads(block) for block in JSONLD.findall(html)]


def test_licensing_guide_has_government_service_jsonld(demo, client):
    guide = LicensingGuidePage.objects.live().select_related("owning_unit").first()
    html = get_text(client, guide.url)
    head = html.split("</head>")[0]
    blocks = jsonld_blocks(head)
    assert len(blocks) == 1
    data = blocks[0]
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentService"
    assert data["name"] == guide.licence_name
    assert data["description"] == guide.summary
    assert data["serviceType"] == "行政许可"
    assert data["provider"]["@type"] == "GovernmentOrganization"
    assert data["provider"]["name"] == guide.owning_unit.name
    assert path_of(data["provider"]["url"]) == f"/directory/{guide.owning_unit.code}/"
    assert data["areaServed"]["name"].endswith("关区")
    assert path_of(data["url"]) == guide.url
    # Readable Chinese, not \\uXXXX escapes.
    assert guide.owning_unit.name in head


@pytest.mark.parametrize(
    "model",
    [
        LegalBasisPage,
        ProcedurePage,
        FeeItemPage,
        CommitmentPage,
        IntegrityRulePage,
        GeneralItemPage,
        NoticePage,
    ],
)
def test_other_item_types_have_no_jsonld(demo, client, model):
    item = model.objects.live().first()
    assert item is not None
    assert "application/ld+json" not in get_text(client, item.url)


def test_home_and_category_pages_have_no_jsonld(demo, client):
    for url in ("/", "/powers/"):
        assert "application/ld+json" not in get_text(client, url)


def test_jsonld_cannot_close_its_script_element():
    hostile = {"name": "</script><script>alert(1)</script>", "note": "A & B <!-- 海关"}
    html = str(jsonld_script(hostile))
    assert html.startswith('<script type="application/ld+json">')
    assert html.count("</script>") == 1 and html.endswith("</script>")
    assert "<!--" not in html and "&" not in html.removeprefix(
        '<script type="application/ld+json">'
    )
    assert "海关" in html
    assert json.loads(JSONLD.search(html).group(1)) == hostile
