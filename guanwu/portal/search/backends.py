"""The full-text index on SQLite (FTS5) and on PostgreSQL (tsvector + GIN), one interface.

Both store the segmented text of a document in three weighted parts — title, structured
fields, body — and answer a boolean combination of phrase queries with a relevance score.

``match()`` never ranks every match: it walks the index in document-id order (newest first)
and stops after ``limit`` documents, scoring only those. A common word such as 海关 matches
most of a 100,000-item index, and ORDER BY score over all of them cost 100+ ms; the engine
asks for the title matches first, then title-and-fields, then everything (see ``engine``),
so the best tiers are never crowded out by the cap.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from django.db import connection

from .query import ParsedQuery
from .text import query_grams

# The index table (created by portal migration 0004); its name is spelled out in the SQL.
FTS_TABLE = "portal_search_fts"

# Which parts of a document a match may come from: the ranking tiers of ``engine.tier``.
TITLE = "title"
TITLE_FIELDS = "title_fields"
EVERYWHERE = "everywhere"


class Backend(ABC):
    vendor = ""

    @abstractmethod
    def create_sql(self) -> list[str]: ...

    @abstractmethod
    def upsert(self, rows: Iterable[tuple[int, str, str, str]]) -> None: ...

    @abstractmethod
    def delete(self, ids: Sequence[int]) -> None: ...

    @abstractmethod
    def match(
        self,
        query: ParsedQuery,
        limit: int,
        where: str = EVERYWHERE,
        filters: dict[str, object] | None = None,
    ) -> list[tuple[int, float]]:
        """(page id, score) of up to ``limit`` matching documents, newest (highest id) first.

        Only documents of live pages, matching ``filters`` (``SearchDocument`` columns:
        category, subitem, unit) are returned. ``where`` restricts every term to the title
        (``TITLE``) or to the title and fields (``TITLE_FIELDS``). The score (higher is
        better) is 0.0 on both backends: scoring (bm25, ts_rank) cost a pass over every
        match or a second read of every returned vector, so within a ranking tier the
        newest item comes first.
        """

    @staticmethod
    def joins(filters: dict[str, object] | None) -> tuple[str, list[object]]:
        """The join to the live pages and the filters, in the index query itself: the cap
        applies to what can be shown, and no list of 1,000 ids goes back to the database."""
        sql = (
            " JOIN portal_searchdocument d ON d.page_id = f.doc_key"
            " JOIN wagtailcore_page p ON p.id = d.page_id AND p.live = %s"
        )
        params: list[object] = [True]
        for column in ("category", "subitem", "unit"):
            value = (filters or {}).get(column)
            if value not in (None, ""):
                sql += f" AND d.{column} = %s"
                params.append(value)
        return sql, params


class SQLiteBackend(Backend):
    vendor = "sqlite"

    def create_sql(self) -> list[str]:
        return [
            "CREATE VIRTUAL TABLE IF NOT EXISTS portal_search_fts USING fts5("
            "doc_id UNINDEXED, title, fields, body, tokenize = 'unicode61', prefix = '1')"
        ]

    # The FTS5 rowid is the page id (portal migration 0007 renumbered older rows): doc_id is
    # UNINDEXED, so deleting by it scanned the whole table for every document written.
    def upsert(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        rows = list(rows)
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM portal_search_fts WHERE rowid = %s", [(r[0],) for r in rows]
            )
            cursor.executemany(
                "INSERT INTO portal_search_fts (rowid, doc_id, title, fields, body) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(r[0], *r) for r in rows],
            )

    def delete(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM portal_search_fts WHERE rowid = %s", [(i,) for i in ids]
            )

    COLUMNS = {TITLE: "{title} : ", TITLE_FIELDS: "{title fields} : ", EVERYWHERE: ""}

    @classmethod
    def expression(cls, query: ParsedQuery, where: str = EVERYWHERE) -> str:
        # Tokens are [a-z0-9]+ or one CJK character, so quoting cannot be broken out of.
        terms = []
        for term in query.terms:
            phrases = []
            for phrase in term.phrases:
                grams = query_grams(phrase)
                star = "*" if grams[-1][1] else ""
                phrases.append('"' + " ".join(g for g, _prefix in grams) + '"' + star)
            terms.append("(" + " OR ".join(phrases) + ")")
        return cls.COLUMNS[where] + "(" + " AND ".join(terms) + ")"

    def match(
        self,
        query: ParsedQuery,
        limit: int,
        where: str = EVERYWHERE,
        filters: dict[str, object] | None = None,
    ) -> list[tuple[int, float]]:
        # ORDER BY rowid is the index's own order: FTS5 stops after LIMIT rows. No bm25():
        # its first call counts every row matching each phrase (a full pass over the
        # doclists: 80 ms for 海关 at 100,000 items), so within a tier the newest item comes
        # first (score 0 for all).
        joins, params = self.joins(filters)
        sql = (
            "SELECT f.rowid FROM portal_search_fts f"  # noqa: S608  # nosec B608  # literal SQL; values are parameters
            + joins.replace("f.doc_key", "f.rowid")
            + " WHERE f.portal_search_fts MATCH %s ORDER BY f.rowid DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, self.expression(query, where), limit])
            return [(int(doc_id), 0.0) for (doc_id,) in cursor.fetchall()]


class PostgresBackend(Backend):
    vendor = "postgresql"

    def create_sql(self) -> list[str]:
        return [
            # vector: the whole document (title A, fields B, body D); head: title and fields
            # alone, so the title tiers are answered by an index of their own — GIN keeps
            # no weights, and rechecking 检验:A against every document with 检验 in its body
            # read 50,000 vectors (1 s at 100,000 items).
            "CREATE TABLE IF NOT EXISTS portal_search_fts (doc_id integer PRIMARY KEY, "
            "vector tsvector NOT NULL, head tsvector NOT NULL)",
            "CREATE INDEX IF NOT EXISTS portal_search_fts_vector ON portal_search_fts USING GIN (vector)",
            "CREATE INDEX IF NOT EXISTS portal_search_fts_head ON portal_search_fts USING GIN (head)",
        ]

    def upsert(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        sql = (
            "INSERT INTO portal_search_fts (doc_id, vector, head) SELECT doc_id, "
            "t || f || setweight(to_tsvector('simple', body), 'D'), t || f FROM (SELECT "
            "%s::integer AS doc_id, setweight(to_tsvector('simple', %s::text), 'A') AS t, "
            "setweight(to_tsvector('simple', %s::text), 'B') AS f, %s::text AS body) AS parts "
            "ON CONFLICT (doc_id) DO UPDATE SET vector = EXCLUDED.vector, head = EXCLUDED.head"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, list(rows))

    def delete(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_search_fts WHERE doc_id = ANY(%s)", [list(ids)])

    WEIGHTS = {TITLE: "A", TITLE_FIELDS: "AB", EVERYWHERE: ""}

    @classmethod
    def expression(cls, query: ParsedQuery, where: str = EVERYWHERE) -> str:
        weight = cls.WEIGHTS[where]
        terms = []
        for term in query.terms:
            phrases = []
            for phrase in term.phrases:
                lexemes = [
                    g + (":*" + weight if prefix else (":" + weight if weight else ""))
                    for g, prefix in query_grams(phrase)
                ]
                phrases.append("(" + " <-> ".join(lexemes) + ")")
            terms.append("(" + " | ".join(phrases) + ")")
        return " & ".join(terms)

    def match(
        self,
        query: ParsedQuery,
        limit: int,
        where: str = EVERYWHERE,
        filters: dict[str, object] | None = None,
    ) -> list[tuple[int, float]]:
        joins, params = self.joins(filters)
        column = "vector" if where == EVERYWHERE else "head"
        sql = (
            # No ts_rank: like bm25 on SQLite, newest first within a tier, so the vectors of
            # the returned rows are not read again.
            "SELECT f.doc_id FROM to_tsquery('simple', %s) AS q, "  # noqa: S608  # nosec B608  # literal SQL and a fixed column name; values are parameters
            "portal_search_fts f"
            + joins.replace("f.doc_key", "f.doc_id")
            + f" WHERE f.{column} @@ q ORDER BY f.doc_id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.expression(query, where), *params, limit])
            return [(int(doc_id), 0.0) for (doc_id,) in cursor.fetchall()]


def backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise RuntimeError(f"Chinese search supports SQLite and PostgreSQL, not {connection.vendor}.")
