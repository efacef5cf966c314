"""Chinese full-text search: recall inside sentences, mixed scripts, ranking, filters, limits,
and DESIGN rule 1 — nothing unreviewed is ever returned."""

from __future__ import annotations

import re
import time

import pytest

from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import DisclosureItemPage
from guanwu.portal.models import SearchDocument, SearchSynonym
from guanwu.portal.search import QueryError, search
from guanwu.portal.search.text import segment
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db

CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")


def middle_word(text: str, length: int) -> str | None:
    """A word of ``length`` Chinese characters from the middle of ``text``."""
    runs = [(m.start(), m.group()) for m in CJK_RUN.finditer(text)]
    if not runs:
        return None
    middle = len(text) // 2
    _start, run = min(runs, key=lambda r: abs(r[0] + len(r[1]) // 2 - middle))
    offset = max(0, len(run) // 2 - length // 2)
    return run[offset : offset + length]


def documents_containing(word: str) -> int:
    needle = segment(word)
    return sum(
        1
        for doc in SearchDocument.objects.all()
        if needle in segment(f"{doc.title} {doc.fields_text} {doc.body_text}")
    )


@pytest.mark.parametrize("length", [2, 3, 4])
def test_a_word_from_the_middle_of_every_live_item_finds_it(demo, length):
    docs = list(SearchDocument.objects.all())
    assert len(docs) == DisclosureItemPage.objects.live().exclude(mode="withheld").count()
    for doc in docs:
        text = doc.body_text or doc.fields_text
        word = middle_word(text, length)
        assert word, doc.title
        results = search(word, page_size=1000)
        found = [hit.page.pk for hit in results.hits]
        assert doc.page_id in found, (word, doc.title)
        if documents_containing(word) <= 10:
            assert doc.page_id in found[:10], (word, doc.title)


@pytest.mark.parametrize("query", ["AEO认证", "HS编码", "ATA单证册", "ＡＥＯ认证", "aeo 认证"])
def test_mixed_chinese_latin_and_digits(demo, query):
    results = search(query)
    assert results.total >= 1
    needle = segment(query.replace(" ", ""))
    for hit in results.hits:
        doc = SearchDocument.objects.get(page_id=hit.page.pk)
        haystack = segment(f"{doc.title} {doc.fields_text} {doc.body_text}")
        assert all(part in haystack for part in needle.split(" ")), hit.page.title


def test_digits_inside_codes(demo):
    page = publish(
        make_item(title="商品编码查询示例", body="<p>例如HS编码8471.30项下的便携式计算机。</p>")
    )
    assert page.pk in [h.page.pk for h in search("HS编码8471").hits]
    assert page.pk in [h.page.pk for h in search("8471").hits]


def test_title_matches_rank_before_structured_fields_before_body(demo):
    body_only = publish(make_item(title="甲事项", summary="", body="<p>正文提到琉璃瓦检验。</p>"))
    in_summary = publish(
        make_item(title="乙事项", summary="摘要提到琉璃瓦检验", body="<p>无关。</p>")
    )
    in_title = publish(make_item(title="琉璃瓦检验须知", body="<p>无关内容。</p>"))
    order = [h.page.pk for h in search("琉璃瓦检验").hits]
    assert order == [in_title.pk, in_summary.pk, body_only.pk]
    tiers = [h.tier for h in search("琉璃瓦检验").hits]
    assert tiers == [0, 1, 2]


def test_snippets_highlight_the_match(demo):
    publish(
        make_item(
            title="丙事项", body="<p>前文很长很长。申请人应当提交琉璃瓦检验报告原件。后文。</p>"
        )
    )
    hit = search("琉璃瓦检验").hits[0]
    assert "<mark>琉璃瓦检验</mark>" in hit.snippet


def test_filters(demo):
    everything = search("海关", page_size=1000)
    by_category = search("海关", category=4, page_size=1000)
    assert 0 < by_category.total < everything.total
    assert {h.page.category for h in by_category.hits} == {4}
    by_subitem = search("海关", subitem="4.4", page_size=1000)
    assert {h.page.subitem.code for h in by_subitem.hits} == {"4.4"}
    unit = by_subitem.hits[0].page.owning_unit.code
    by_unit = search("海关", unit=unit, page_size=1000)
    assert {h.page.owning_unit.code for h in by_unit.hits} == {unit}


def test_all_terms_must_match(demo):
    both = search("知识产权 备案", page_size=100)
    assert both.total >= 1
    for hit in both.hits:
        doc = SearchDocument.objects.get(page_id=hit.page.pk)
        text = f"{doc.title}{doc.fields_text}{doc.body_text}"
        assert "知识产权" in text and "备案" in text


def test_rule_1_nothing_unreviewed_is_returned(demo, demo_users):
    draft = make_item(title="草稿独有词语甲乙丙丁", body="<p>只在草稿里出现的鸭嘴兽条款。</p>")
    draft.save_revision(user=demo_users["liaison"])
    assert search("鸭嘴兽").total == 0
    published = publish(make_item(title="已公开的袋鼠条款", body="<p>袋鼠条款。</p>"))
    assert [h.page.pk for h in search("袋鼠").hits] == [published.pk]
    # a newer draft over the live version stays out of the index
    newer = published.specific.get_latest_revision_as_object()
    newer.title = "草稿里改成的考拉条款"
    newer.save_revision(user=demo_users["liaison"])
    assert search("考拉").total == 0
    assert search("袋鼠").total == 1
    # withdrawn content leaves the index
    published.specific.unpublish()
    assert search("袋鼠").total == 0
    # withheld items never enter it
    withheld = make_item(title="暂不公开的鸸鹋事项", mode=DisclosureMode.WITHHELD)
    assert withheld.pk not in [h.page.pk for h in search("鸸鹋").hits]


def test_synonyms_from_the_admin(demo, client, demo_users):
    plain = search("加工贸易", page_size=1000).total
    assert plain > 0
    assert search("加贸", page_size=1000).total == plain
    assert search("鸡毛信").total == 0
    SearchSynonym.objects.create(term="鸡毛信", synonyms="加工贸易")
    assert search("鸡毛信", page_size=1000).total == plain


def test_suggestions_when_nothing_matches(demo):
    results = search("加工贸易手册核销明天")
    assert results.total == 0
    assert results.suggestions
    assert any("加工贸易" in title or "手册" in title for title in results.suggestions)


PATHOLOGICAL = [
    '"',
    '"海关',
    "海关*",
    "NEAR(海关 法)",
    "海关 OR 法",
    "a AND b NOT c",
    "(((((",
    "') OR 1=1; --",
    "'; DROP TABLE portal_search_fts; --",
    "<script>alert(1)</script>",
    "\u202e\u0000\u0007海关",
    "🙂🙂🙂",
    "：；，。！？",
    "a" * 100,
    "海 " * 50,
    "%_\\",
]


@pytest.mark.parametrize("query", PATHOLOGICAL)
def test_pathological_queries_answer_fast_without_errors(demo, client, query):
    started = time.monotonic()
    response = client.get("/api/v1/search/", {"q": query})
    assert response.status_code in (200, 400), response.content[:200]
    assert "detail" in response.json() or "results" in response.json()
    page = client.get("/search/", {"q": query})
    assert page.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert time.monotonic() - started < 5


def test_a_100_kb_query_is_a_400(demo, client):
    response = client.get("/api/v1/search/", {"q": "海" * 100_000})
    assert response.status_code == 400
    assert "过长" in response.json()["detail"]
    assert client.get("/search/", {"q": "海" * 100_000}).status_code == 400
    with pytest.raises(QueryError):
        search("海" * 101)


def test_search_api_shape(demo, client):
    body = client.get("/api/v1/search/", {"q": "行政许可", "category": 4, "page_size": 5}).json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] >= 1 and len(body["results"]) <= 5
    first = body["results"][0]
    for key in ("id", "title", "category", "subitem", "unit", "mode", "url", "snippet"):
        assert key in first
    assert first["category"] == 4
    if body["count"] > 5:
        assert "page=2" in body["next"]
    assert client.get("/api/v1/search/", {"q": "海关", "category": "x"}).status_code == 400


def test_search_api_rows_are_what_the_serializer_gives(demo, rf):
    """The API writes its rows directly (``search_rows``); they are the serializer's."""
    from rest_framework.request import Request

    from guanwu.api.views import SearchHitSerializer, search_rows

    for query in ("海关", "行政许可", "AEO认证"):
        request = Request(rf.get("/api/v1/search/", {"q": query}))
        results = search(query, page_size=50)
        assert results.hits
        rows = search_rows(results.hits, request)
        pages = []
        for hit in results.hits:
            hit.page.snippet = str(hit.snippet)
            hit.page.tier = hit.tier
            pages.append(hit.page)
        expected = SearchHitSerializer(pages, many=True, context={"request": request}).data
        assert [list(row.items()) for row in rows] == [list(row.items()) for row in expected]


def test_search_page(demo, client):
    html = client.get("/search/", {"q": "AEO认证"}).content.decode()
    assert "<mark>" in html
    assert "找到" in html
    empty = client.get("/search/", {"q": "鸭嘴兽袋鼠"}).content.decode()
    assert "没有找到" in empty


# --- at scale: bounded work per query (issue 9) ------------------------------------------------


SENTENCE = "企业办理进出口货物AEO认证后，海关给予便利。HS编码8471项下货物"


def test_every_substring_of_a_sentence_finds_it(demo):
    """Pairs-of-characters index: every substring, 1 to 6 tokens long, still finds the item
    (a lone character as a prefix, a run's last character, runs next to Latin and digits)."""
    from guanwu.portal.search.text import tokens

    page = publish(make_item(title="甲乙事项", body=f"<p>{SENTENCE}</p>"))
    toks = tokens(SENTENCE)
    for length in range(1, 7):
        for start in range(len(toks) - length + 1):
            piece = toks[start : start + length]
            query = "".join(
                (" " if i and t.isascii() and piece[i - 1].isascii() else "") + t
                for i, t in enumerate(piece)
            )
            found = [h.page.pk for h in search(query, page_size=1000).hits]
            assert page.pk in found, query


def test_a_search_makes_the_same_number_of_queries_whatever_the_hits(demo, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish(make_item(title="鹦鹉螺一号事项", body="<p>鹦鹉螺。</p>"))
    for n in range(8):
        publish(make_item(title=f"海马事项{n}", body="<p>海马条款。</p>"))
    counts = []
    for query, hits in (("鹦鹉螺", 1), ("海马", 8)):
        client.get("/api/v1/search/", {"q": query})  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/search/", {"q": query}).json()
        assert len(body["results"]) == hits
        assert all(r["type"] == "general" for r in body["results"])
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_title_matches_are_not_crowded_out_by_the_cap(demo, monkeypatch):
    from guanwu.portal.search import engine

    in_title = publish(make_item(title="蜂鸟检验须知", body="<p>无关内容。</p>"))
    newer = [
        publish(make_item(title=f"丁事项{n}", body="<p>正文提到蜂鸟检验。</p>")) for n in range(4)
    ]
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    results = search("蜂鸟检验")
    assert results.total == 3
    assert results.hits[0].page.pk == in_title.pk
    assert [h.tier for h in results.hits] == [0, 2, 2]
    # within a tier the newest item comes first
    assert [h.page.pk for h in results.hits][1:] == [newer[3].pk, newer[2].pk]


def test_filters_apply_before_the_cap(demo, monkeypatch):
    from guanwu.portal.search import engine

    older = publish(make_item(title="戊事项", category=4, subitem="4.4", body="<p>蝾螈备案。</p>"))
    for n in range(3):
        publish(make_item(title=f"己事项{n}", body="<p>蝾螈备案。</p>"))
    monkeypatch.setattr(engine, "CANDIDATES", 2)
    assert [h.page.pk for h in search("蝾螈备案", category=4).hits] == [older.pk]


def test_a_synonym_edit_is_seen_at_once_by_every_process(demo):
    """No per-process copy of the synonym table: an edit that no signal of this process saw
    (another gunicorn worker or app host made it) applies to the next search."""
    plain = search("加工贸易", page_size=1000).total
    assert search("鸽子信").total == 0
    SearchSynonym.objects.create(term="鸽子信", synonyms="海关")
    assert search("鸽子信").total > 0
    SearchSynonym.objects.filter(term="鸽子信").update(synonyms="加工贸易")
    assert search("鸽子信", page_size=1000).total == plain
