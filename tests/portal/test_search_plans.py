"""Issue 9, target 3: the title tiers' own indexes stay in step with publication, and on
PostgreSQL both query plans (newest-first walk, GIN bitmap) return the same documents."""

from __future__ import annotations

from django.db import connection

import pytest

from guanwu.portal.search import search
from guanwu.portal.search.backends import PostgresBackend, backend
from guanwu.portal.search.query import parse
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db


def title_index_ids() -> set[int]:
    """Page ids in the title tiers' index (FTS5 portal_search_head / the title column)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid FROM portal_search_head")
        else:
            cursor.execute("SELECT doc_id FROM portal_search_fts WHERE title <> ''::tsvector")
        return {row[0] for row in cursor.fetchall()}


def test_title_index_follows_publish_and_withdrawal(demo):
    page = publish(make_item(title="穿山甲检验须知", body="<p>无关内容。</p>"))
    assert page.pk in title_index_ids()
    hits = search("穿山甲检验").hits
    assert [(h.page.pk, h.tier) for h in hits] == [(page.pk, 0)]
    page.specific.unpublish()
    assert page.pk not in title_index_ids()
    assert search("穿山甲检验").total == 0


def test_tiers_come_from_title_fields_and_body(demo):
    body = publish(make_item(title="庚事项", summary="", body="<p>正文提到蜥蜴检验。</p>"))
    fields = publish(make_item(title="辛事项", summary="摘要提到蜥蜴检验", body="<p>无关。</p>"))
    title = publish(make_item(title="蜥蜴检验须知", summary="", body="<p>无关。</p>"))
    hits = search("蜥蜴检验").hits
    assert [(h.page.pk, h.tier) for h in hits] == [(title.pk, 0), (fields.pk, 1), (body.pk, 2)]


@pytest.mark.parametrize(
    "query", ["海关", "进出口", "海", "申请人应当提交", "加贸 手册", "AEO认证"]
)
def test_both_postgresql_plans_find_the_same(demo, monkeypatch, query):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL chooses between two plans; SQLite has one")
    parsed = parse(query)
    engine = backend()
    results = {}
    for frequent in (0.0, 2.0):  # 0: always the newest-first walk; 2: always the bitmap
        monkeypatch.setattr(PostgresBackend, "FREQUENT", frequent)
        results[frequent] = [
            engine.match(parsed, 1000, where) for where in ("title", "title_fields", "everywhere")
        ]
    assert results[0.0] == results[2.0]


def test_share_estimate():
    stats = {"海关": 0.9, "进出": 0.3, "出口": 0.25, "海河": 0.1}
    share = PostgresBackend.share
    assert share(parse("海关"), stats) == 0.9
    assert share(parse("鸵鸟"), stats) == 0.0  # not among the frequent lexemes: rare
    assert share(parse("进出口"), stats) == pytest.approx(0.125)  # 0.25, halved once
    assert share(parse("海"), stats) == pytest.approx(1.0)  # prefix: 海关 + 海河, capped
    assert share(parse("海关 鸵鸟"), stats) == 0.0  # the rarest word
