from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import DisclosureItemPage

from . import query as query_module
from .backends import EVERYWHERE, TITLE, TITLE_FIELDS, backend
from .documents import document_parts
from .text import normalise, segment

CANDIDATES = 1000


@dataclass
class Hit:
    page: DisclosureItemPage
    score: float
    tier: int
    snippet: SafeString


@dataclass
class SearchResults:
    query: str
    total: int
    page: int
    page_size: int
    hits: list[Hit] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


# --- indexing ---------------------------------------------------------------------------------


def _indexable(pages: list[DisclosureItemPage]) -> list[DisclosureItemPage]:
    return [p for p in pages if p.live and p.mode != DisclosureMode.WITHHELD]


def index_pages(page_ids: list[int]) -> int:
    """(Re)index these pages from their live rows; pages no longer live are removed."""
    from guanwu.portal.models import SearchDocument

    pages = list(
        DisclosureItemPage.objects.filter(pk__in=page_ids).select_related("subitem", "owning_unit")
    )
    live = _indexable(pages)
    stale = set(page_ids) - {p.pk for p in live}
    if stale:
        remove_pages(list(stale))
    rows = []
    for page in live:
        title, fields, body = document_parts(page)
        SearchDocument.objects.update_or_create(
            page_id=page.pk,
            defaults={
                "category": page.category,
                "subitem": page.subitem.code if page.subitem_id else "",
                "unit": page.owning_unit.code,
                "title": title,
                "fields_text": fields,
                "body_text": body,
            },
        )
        rows.append((page.pk, segment(title), segment(fields), segment(body)))
    if rows:
        backend().upsert(rows)
    return len(rows)


def remove_pages(page_ids: list[int]) -> None:
    from guanwu.portal.models import SearchDocument

    SearchDocument.objects.filter(page_id__in=page_ids).delete()
    backend().delete(page_ids)


@transaction.atomic
def rebuild() -> int:
    from guanwu.portal.models import SearchDocument

    remove_pages(list(SearchDocument.objects.values_list("page_id", flat=True)))
    ids = list(DisclosureItemPage.objects.live().values_list("pk", flat=True))
    return sum(index_pages(ids[i : i + 200]) for i in range(0, len(ids), 200))


# --- searching --------------------------------------------------------------------------------


def synonyms() -> dict[str, list[str]]:
    """The synonym table, read from the database on every search.

    It is a few dozen rows (one query, well under a millisecond). It used to sit in the
    Django cache for five minutes and be cleared on save — but without Redis that cache is
    per process, so the other gunicorn workers and app hosts kept the old table.
    """
    from guanwu.portal.models import SearchSynonym

    return {
        normalise(term): SearchSynonym(term=term, synonyms=text).expansions()
        for term, text in SearchSynonym.objects.values_list("term", "synonyms")
    }


def candidates(
    parsed: query_module.ParsedQuery, filters: dict[str, object] | None = None
) -> dict[int, tuple[int, float]]:
    """Up to ``CANDIDATES`` matching live page ids with their (tier, score), best tiers first.

    The index is asked for the title matches, then the title-and-fields matches, then every
    match, each newest first and capped, until ``CANDIDATES`` documents are known: a word
    found in 90,000 items costs about the same as one found in 1,000, and the items whose
    title has the word are never crowded out of the candidates by body matches. When every
    match fits under the cap, the tiers are only asked for when there is a match at all.
    """
    found: dict[int, tuple[int, float]] = {}
    engine = backend()
    plan = engine.plan(parsed)
    everywhere = engine.match(parsed, CANDIDATES, EVERYWHERE, filters, plan)
    if not everywhere:
        return found
    for level, where in enumerate((TITLE, TITLE_FIELDS)):
        for doc_id, score in engine.match(parsed, CANDIDATES, where, filters, plan):
            if doc_id not in found and len(found) < CANDIDATES:
                found[doc_id] = (level, score)
        if len(found) >= CANDIDATES:
            return found
    for doc_id, score in everywhere:
        if doc_id not in found and len(found) < CANDIDATES:
            found[doc_id] = (2, score)
    return found


def search(
    raw: str,
    *,
    category: int | None = None,
    subitem: str | None = None,
    unit: str | None = None,
    page: int = 1,
    page_size: int = 10,
) -> SearchResults:
    """Ranked live items for ``raw``: title matches first, then structured fields, then body.

    A fixed number of queries whatever the number of hits: the synonyms, on PostgreSQL the
    index statistics (see ``PostgresBackend.plan``), three index queries
    at most (joined to the live pages and the filters), the window's texts (for snippets) and
    its pages (with what lists and the API need, see ``live_items``).
    """
    from guanwu.disclosure.selectors import live_items
    from guanwu.portal.models import SearchDocument

    parsed = query_module.parse(raw, synonyms())
    results = SearchResults(query=parsed.raw, total=0, page=max(page, 1), page_size=page_size)
    if not parsed.terms:
        return results
    filters = {"category": category, "subitem": subitem, "unit": unit.upper() if unit else None}
    found = candidates(parsed, filters)
    if not found:
        results.suggestions = suggest(parsed)
        return results
    ranked = sorted(found, key=lambda pk: (found[pk][0], -found[pk][1], -pk))
    results.total = len(ranked)
    start = (results.page - 1) * page_size
    window = ranked[start : start + page_size]
    if not window:
        return results
    texts = SearchDocument.objects.only("page_id", "title", "fields_text", "body_text").in_bulk(
        window
    )
    pages = live_items().in_bulk(window)
    for pk in window:
        if pk in pages and pk in texts:
            level, score = found[pk]
            results.hits.append(
                Hit(pages[pk], score, level, snippet(texts[pk], parsed.highlight_words))
            )
    return results


def snippet(doc: Any, words: list[str], width: int = 90) -> SafeString:
    """A window of the text around the first match, with every match in <mark>."""
    texts = [doc.fields_text, doc.body_text, doc.title]
    pattern = _highlight_pattern(words)
    for text in texts:
        flat = re.sub(r"\s+", " ", text)
        found = pattern.search(normalise(flat)) if pattern else None
        if found:
            start = max(0, found.start() - width // 3)
            piece = flat[start : start + width]
            prefix = "…" if start > 0 else ""
            suffix = "…" if start + width < len(flat) else ""
            # Bandit B308: _mark escapes the text and adds only <mark> tags.
            return mark_safe(prefix + _mark(piece, pattern) + suffix)  # noqa: S308  # nosec B308, B703
    fallback = re.sub(r"\s+", " ", doc.fields_text or doc.body_text)[:width]
    return mark_safe(escape(fallback))  # noqa: S308  # nosec B308, B703  # escaped here


def _highlight_pattern(words: list[str]) -> re.Pattern[str] | None:
    words = [w for w in words if w]
    if not words:
        return None
    return re.compile("|".join(re.escape(w).replace(r"\ ", r"\s*") for w in words))


def _mark(text: str, pattern: re.Pattern[str]) -> str:
    """Escape ``text`` and wrap matches; positions come from the normalised copy, which NFKC
    keeps aligned for the characters that occur in practice (width and case changes)."""
    normalised = normalise(text)
    if len(normalised) != len(text):
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(normalised):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def suggest(parsed: query_module.ParsedQuery, limit: int = 5) -> list[str]:
    """When nothing matches: titles that share the most two-character pieces of the query."""
    from guanwu.portal.models import SearchDocument

    pieces = []
    for term in parsed.terms:
        for phrase in term.phrases:
            pieces += [phrase[i : i + 2] for i in range(max(1, len(phrase) - 1))]
    pieces = [p for p in pieces if p][:12]
    if not pieces:
        return []
    loose = query_module.ParsedQuery(
        raw=parsed.raw, terms=[query_module.Term(text="", phrases=pieces)]
    )
    ids = [doc_id for doc_id, _score in backend().match(loose, 200)]
    titles = SearchDocument.objects.filter(page_id__in=ids).values_list("page_id", "title")
    words = [query_module.ParsedQuery.compact(piece) for piece in pieces]
    shared = [(sum(w in normalise(title) for w in words), pk, title) for pk, title in titles]
    shared.sort(key=lambda row: (-row[0], -row[1]))
    return [title for _count, _pk, title in shared[:limit]]
