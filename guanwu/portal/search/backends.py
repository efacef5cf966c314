"""The full-text index on SQLite (FTS5) and on PostgreSQL (tsvector + GIN), one interface.

Both store the segmented text of a document in three weighted parts — title, structured
fields, body — and answer a boolean combination of phrase queries with a relevance score.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from django.db import connection

from .query import ParsedQuery

# The index table (created by portal migration 0004); its name is spelled out in the SQL.
FTS_TABLE = "portal_search_fts"


class Backend(ABC):
    vendor = ""

    @abstractmethod
    def create_sql(self) -> list[str]: ...

    @abstractmethod
    def upsert(self, rows: Iterable[tuple[int, str, str, str]]) -> None: ...

    @abstractmethod
    def delete(self, ids: Sequence[int]) -> None: ...

    @abstractmethod
    def match(self, query: ParsedQuery, limit: int) -> list[tuple[int, float]]:
        """(page id, score) of matching documents, best first; higher score is better."""


class SQLiteBackend(Backend):
    vendor = "sqlite"

    def create_sql(self) -> list[str]:
        return [
            "CREATE VIRTUAL TABLE IF NOT EXISTS portal_search_fts USING fts5("
            "doc_id UNINDEXED, title, fields, body, tokenize = 'unicode61')"
        ]

    def upsert(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        rows = list(rows)
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM portal_search_fts WHERE doc_id = %s", [(r[0],) for r in rows]
            )
            cursor.executemany(
                "INSERT INTO portal_search_fts (doc_id, title, fields, body) VALUES (%s, %s, %s, %s)",
                rows,
            )

    def delete(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM portal_search_fts WHERE doc_id = %s", [(i,) for i in ids]
            )

    @staticmethod
    def expression(query: ParsedQuery) -> str:
        # Tokens are [a-z0-9]+ or one CJK character, so quoting cannot be broken out of.
        terms = []
        for term in query.terms:
            phrases = ['"' + " ".join(phrase) + '"' for phrase in term.phrases]
            terms.append("(" + " OR ".join(phrases) + ")")
        return " AND ".join(terms)

    def match(self, query: ParsedQuery, limit: int) -> list[tuple[int, float]]:
        sql = (
            "SELECT doc_id, bm25(portal_search_fts, 0.0, 10.0, 4.0, 1.0) AS score FROM portal_search_fts "
            "WHERE portal_search_fts MATCH %s ORDER BY score LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.expression(query), limit])
            # bm25 is lower-is-better; flip it so every backend reports higher-is-better.
            return [(int(doc_id), -float(score)) for doc_id, score in cursor.fetchall()]


class PostgresBackend(Backend):
    vendor = "postgresql"

    def create_sql(self) -> list[str]:
        return [
            "CREATE TABLE IF NOT EXISTS portal_search_fts (doc_id integer PRIMARY KEY, vector tsvector NOT NULL)",
            "CREATE INDEX IF NOT EXISTS portal_search_fts_vector ON portal_search_fts USING GIN (vector)",
        ]

    def upsert(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        sql = (
            "INSERT INTO portal_search_fts (doc_id, vector) VALUES (%s, "
            "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
            " || setweight(to_tsvector('simple', %s), 'D')) "
            "ON CONFLICT (doc_id) DO UPDATE SET vector = EXCLUDED.vector"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, list(rows))

    def delete(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_search_fts WHERE doc_id = ANY(%s)", [list(ids)])

    @staticmethod
    def expression(query: ParsedQuery) -> str:
        terms = []
        for term in query.terms:
            phrases = ["(" + " <-> ".join(phrase) + ")" for phrase in term.phrases]
            terms.append("(" + " | ".join(phrases) + ")")
        return " & ".join(terms)

    def match(self, query: ParsedQuery, limit: int) -> list[tuple[int, float]]:
        sql = (
            "SELECT doc_id, ts_rank(vector, q, 1) AS score FROM portal_search_fts, "
            "to_tsquery('simple', %s) AS q WHERE vector @@ q ORDER BY score DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.expression(query), limit])
            return [(int(doc_id), float(score)) for doc_id, score in cursor.fetchall()]


def backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise RuntimeError(f"Chinese search supports SQLite and PostgreSQL, not {connection.vendor}.")
