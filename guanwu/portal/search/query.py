"""Parse a visitor's query into phrases, with limits that keep every query cheap."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import normalise, tokens

MAX_QUERY_CHARS = 100
MAX_TERMS = 6
MAX_TOKENS_PER_TERM = 24


class QueryError(ValueError):
    """A query we refuse, with a Chinese message for the visitor (HTTP 400)."""


@dataclass
class Term:
    """One word of the query and its synonyms; a document must match one of them."""

    text: str
    phrases: list[list[str]] = field(default_factory=list)


@dataclass
class ParsedQuery:
    raw: str
    terms: list[Term]

    @property
    def highlight_words(self) -> list[str]:
        words = {self.compact(p) for t in self.terms for p in t.phrases}
        return sorted(words, key=len, reverse=True)

    @staticmethod
    def compact(phrase: list[str]) -> str:
        """Tokens back to text: Chinese joined without spaces, Latin words with them."""
        out = ""
        for token in phrase:
            if out and token.isascii() and out[-1].isascii():
                out += " "
            out += token
        return out


def parse(raw: str, synonyms: dict[str, list[str]] | None = None) -> ParsedQuery:
    """Split on white space into terms (all must match); expand each with its synonyms."""
    raw = (raw or "").strip()
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(_("查询内容过长，请不超过 %(limit)s 个字。") % {"limit": MAX_QUERY_CHARS})
    synonyms = synonyms or {}
    terms: list[Term] = []
    for word in normalise(raw).split():
        phrase = tokens(word)[:MAX_TOKENS_PER_TERM]
        if not phrase:
            continue
        term = Term(text=word, phrases=[phrase])
        compact = ParsedQuery.compact(phrase)
        for key, expansions in synonyms.items():
            if key and key in compact:
                for expansion in expansions:
                    extra = tokens(compact.replace(key, expansion))[:MAX_TOKENS_PER_TERM]
                    if extra and extra not in term.phrases:
                        term.phrases.append(extra)
        if all(term.phrases != t.phrases for t in terms):
            terms.append(term)
        if len(terms) >= MAX_TERMS:
            break
    return ParsedQuery(raw=raw, terms=terms)
