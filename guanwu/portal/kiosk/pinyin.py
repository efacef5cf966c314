"""Pinyin initials of live item titles, for the kiosk's A–Z pad (加工贸易 → "jgmy")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max

from guanwu.disclosure import selectors
from guanwu.portal.search.text import normalise

CACHE_KEY = "guanwu:kiosk:initials"
CACHE_SECONDS = 24 * 60 * 60
MAX_INITIALS = 20
_NOT_LETTER = re.compile(r"[^a-z]+")


@dataclass(frozen=True)
class Entry:
    pk: int
    title: str
    category: int
    initials: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int  # where the typed initials begin inside the title's initials

    @property
    def is_prefix(self) -> bool:
        return self.start == 0


def initials(text: str) -> str:
    """The first letter of each character's pinyin; Latin words are kept whole (AEO → aeo).

    Digits and punctuation are dropped: the pad has letters only. pypinyin's dictionaries take
    some 50 MB, so they are loaded only by a process that builds the (cached) mapping.
    """
    from pypinyin import Style, lazy_pinyin

    chunks = lazy_pinyin(normalise(text), style=Style.FIRST_LETTER, errors="default")
    return "".join(_NOT_LETTER.sub("", chunk.lower()) for chunk in chunks)


def _stamp() -> str:
    """Changes whenever an item is published, unpublished or expires."""
    live = selectors.live_items().order_by()
    row = live.aggregate(n=Count("pk"), latest=Max("last_published_at"), top=Max("pk"))
    latest = row["latest"].isoformat() if row["latest"] else "-"
    return f"{row['n']}:{row['top']}:{latest}"


def entries() -> list[Entry]:
    """(pk, title, category, initials) of every live item, cached until the set changes."""
    key = f"{CACHE_KEY}:{_stamp()}"
    cached = cache.get(key)
    if cached is None:
        rows = selectors.live_items().order_by("category", "path")
        cached = [
            Entry(pk, title, category, initials(title))
            for pk, title, category in rows.values_list("pk", "title", "category")
        ]
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def clean(typed: str) -> str:
    """The typed initials as lower-case letters; anything else is ignored."""
    return _NOT_LETTER.sub("", normalise(typed))


def find(typed: str, items: list[Entry] | None = None) -> list[Match]:
    """Titles whose initials start with ``typed`` first, then those containing it."""
    typed = clean(typed)
    if not typed:
        return []
    items = entries() if items is None else items
    matches = [Match(e, e.initials.find(typed)) for e in items if typed in e.initials]
    return sorted(matches, key=lambda m: (not m.is_prefix, m.start, len(m.entry.title)))


def next_letters(typed: str, items: list[Entry] | None = None) -> set[str]:
    """Letters that, typed next, still find something (the others are greyed out on the pad)."""
    typed = clean(typed)
    items = entries() if items is None else items
    found: set[str] = set()
    for entry in items:
        start = entry.initials.find(typed)
        while start != -1:
            after = start + len(typed)
            if after < len(entry.initials):
                found.add(entry.initials[after])
            start = entry.initials.find(typed, start + 1)
    return found
