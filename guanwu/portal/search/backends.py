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

    def plan(self, query: ParsedQuery) -> object:
        """What ``match`` needs to choose its plan for this query (one query at most)."""
        return None

    @abstractmethod
    def match(
        self,
        query: ParsedQuery,
        limit: int,
        where: str = EVERYWHERE,
        filters: dict[str, object] | None = None,
        plan: object = None,
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
            "doc_id UNINDEXED, title, fields, body, tokenize = 'unicode61', prefix = '1')",
            # The title and the fields again, in an index of their own for the title tiers:
            # a column filter on the whole index ({title} : …) walked the pair lists of every
            # document with the pairs anywhere (most of them in the body) to find the few
            # with them in the title.
            "CREATE VIRTUAL TABLE IF NOT EXISTS portal_search_head USING fts5("
            "title, fields, tokenize = 'unicode61', prefix = '1')",
        ]

    # The FTS5 rowid is the page id (portal migration 0007 renumbered older rows): doc_id is
    # UNINDEXED, so deleting by it scanned the whole table for every document written.
    def upsert(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        rows = list(rows)
        self.delete([r[0] for r in rows])
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO portal_search_fts (rowid, doc_id, title, fields, body) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(r[0], *r) for r in rows],
            )
            cursor.executemany(
                "INSERT INTO portal_search_head (rowid, title, fields) VALUES (%s, %s, %s)",
                [r[:3] for r in rows],
            )

    def delete(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for table in ("portal_search_fts", "portal_search_head"):
                cursor.executemany(
                    f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608  # nosec B608  # fixed table names
                    [(i,) for i in ids],
                )

    # TITLE_FIELDS is the whole of portal_search_head.
    COLUMNS = {TITLE: "{title} : ", TITLE_FIELDS: "", EVERYWHERE: ""}

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
        plan: object = None,
    ) -> list[tuple[int, float]]:
        # ORDER BY rowid is the index's own order: FTS5 stops after LIMIT rows. No bm25():
        # its first call counts every row matching each phrase (a full pass over the
        # doclists: 80 ms for 海关 at 100,000 items), so within a tier the newest item comes
        # first (score 0 for all).
        joins, params = self.joins(filters)
        table = "portal_search_fts" if where == EVERYWHERE else "portal_search_head"
        sql = (
            f"SELECT f.rowid FROM {table} f"  # noqa: S608  # nosec B608  # literal SQL and fixed table names; values are parameters
            + joins.replace("f.doc_key", "f.rowid")
            + f" WHERE f.{table} MATCH %s ORDER BY f.rowid DESC LIMIT %s"
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
            # title (portal migration 0008): the title alone, so the first tier needs no
            # weight — a weight is not in the GIN index, and head @@ '放行:A' re-read the
            # head vector of every document with 放行 in its fields; head is title and fields
            # only, so the second tier needs none either.
            "CREATE TABLE IF NOT EXISTS portal_search_fts (doc_id integer PRIMARY KEY, "
            "vector tsvector NOT NULL, head tsvector NOT NULL, title tsvector NOT NULL)",
            "CREATE INDEX IF NOT EXISTS portal_search_fts_vector ON portal_search_fts USING GIN (vector)",
            "CREATE INDEX IF NOT EXISTS portal_search_fts_head ON portal_search_fts USING GIN (head)",
            "CREATE INDEX IF NOT EXISTS portal_search_fts_title ON portal_search_fts USING GIN (title)",
        ]

    def upsert(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        sql = (
            "INSERT INTO portal_search_fts (doc_id, vector, head, title) SELECT doc_id, "
            "t || f || setweight(to_tsvector('simple', body), 'D'), t || f, t FROM (SELECT "
            "%s::integer AS doc_id, setweight(to_tsvector('simple', %s::text), 'A') AS t, "
            "setweight(to_tsvector('simple', %s::text), 'B') AS f, %s::text AS body) AS parts "
            "ON CONFLICT (doc_id) DO UPDATE SET vector = EXCLUDED.vector, head = EXCLUDED.head, "
            "title = EXCLUDED.title"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, list(rows))

    def delete(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_search_fts WHERE doc_id = ANY(%s)", [list(ids)])

    # Each tier has a column of its own, so no query carries a weight (see create_sql).
    COLUMNS = {TITLE: "title", TITLE_FIELDS: "head", EVERYWHERE: "vector"}
    WEIGHTS = {TITLE: "", TITLE_FIELDS: "", EVERYWHERE: ""}

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

    # A query whose estimated share of the documents is at least this is answered by walking
    # the documents newest first and testing each (it finds ``limit`` matches after about
    # limit / share rows); a rarer one by the GIN index, all matches, then sorted. Measured at
    # 100,000 items (docs/search.md): the walk costs ~8 µs a row (the vector is read from
    # TOAST), the bitmap ~1 µs a matching row for one pair and ~8 µs for a phrase.
    FREQUENT = 0.2

    def plan(self, query: ParsedQuery) -> dict[str, dict[str, float]]:
        """The share of documents holding each of the query's lexemes, per column, from
        PostgreSQL's own statistics of the index (``pg_stats.most_common_elems``, kept by
        ANALYZE/autovacuum: in the database, so every app host sees the same). A lexeme not
        listed is rarer than every listed one (about 0.5 %), and counts as 0."""
        exact, prefixes = set(), set()
        for term in query.terms:
            for phrase in term.phrases:
                for gram, prefix in query_grams(phrase):
                    (prefixes if prefix else exact).add(gram)
        out: dict[str, dict[str, float]] = {"vector": {}, "head": {}, "title": {}}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.attname, u.e, u.f FROM pg_stats s, unnest("
                "s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(e, f) "
                "WHERE s.schemaname = current_schema() AND s.tablename = %s "
                "AND s.attname IN ('vector', 'head', 'title') AND u.e IS NOT NULL "
                "AND (u.e = ANY(%s) OR u.e LIKE ANY(%s))",
                [FTS_TABLE, sorted(exact), [p + "%" for p in sorted(prefixes)]],
            )
            for column, lexeme, share in cursor.fetchall():
                out[column][lexeme] = float(share)
        return out

    @staticmethod
    def share(query: ParsedQuery, stats: dict[str, float]) -> float:
        """An estimate of the share of documents matching ``query``: a phrase is no more
        frequent than its rarest lexeme (halved for each further lexeme), a word than the sum
        of its phrases, the query than its rarest word. A one-character prefix counts every
        listed lexeme it begins."""
        words = []
        for term in query.terms:
            total = 0.0
            for phrase in term.phrases:
                shares = []
                for gram, prefix in query_grams(phrase):
                    if prefix:
                        shares.append(sum(f for e, f in stats.items() if e.startswith(gram)))
                    else:
                        shares.append(stats.get(gram, 0.0))
                # The pairs of a phrase are not independent, but a long phrase of frequent
                # pairs is still far rarer than its rarest pair (加工贸易及保税监管: each
                # pair in 20 %+ of the documents, the phrase in ~1 %): halve for each pair.
                total += min(shares, default=0.0) * 0.5 ** max(len(shares) - 1, 0)
            words.append(min(total, 1.0))
        return min(words, default=0.0)

    def match(
        self,
        query: ParsedQuery,
        limit: int,
        where: str = EVERYWHERE,
        filters: dict[str, object] | None = None,
        plan: object = None,
    ) -> list[tuple[int, float]]:
        joins, params = self.joins(filters)
        column = self.COLUMNS[where]
        stats = plan if isinstance(plan, dict) else self.plan(query)
        frequent = self.share(query, stats.get(column, {})) >= self.FREQUENT
        if frequent:
            # No ts_rank: like bm25 on SQLite, newest first within a tier, so the vectors of
            # the returned rows are not read again. The planner walks the primary key
            # backwards and stops after ``limit`` matches.
            sql = (
                "SELECT f.doc_id FROM to_tsquery('simple', %s) AS q, "  # noqa: S608  # nosec B608  # literal SQL and a fixed column name; values are parameters
                "portal_search_fts f"
                + joins.replace("f.doc_key", "f.doc_id")
                + f" WHERE f.{column} @@ q ORDER BY f.doc_id DESC LIMIT %s"
            )
        else:
            # Every match from the GIN index first (MATERIALIZED: the planner cannot turn it
            # back into the backward walk, which for a rare word tested every vector — 2 s
            # for a word with no match), then the newest ``limit`` of them.
            sql = (
                "WITH m AS MATERIALIZED (SELECT doc_id FROM portal_search_fts "  # noqa: S608  # nosec B608  # literal SQL and a fixed column name; values are parameters
                f"WHERE {column} @@ to_tsquery('simple', %s)) "
                "SELECT f.doc_id FROM m f"
                + joins.replace("f.doc_key", "f.doc_id")
                + " ORDER BY f.doc_id DESC LIMIT %s"
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
