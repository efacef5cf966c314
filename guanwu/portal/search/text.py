"""Chinese-aware tokens for full-text search.

Chinese has no spaces, and SQLite FTS5 (unicode61) and PostgreSQL's 'simple' parser take a
whole run of Chinese as one token, so a word inside a sentence is never found (FACTS.md:
0 % recall). We index every CJK character as its own token and every run of Latin letters or
digits as one token, then search with *phrase* queries: a query finds exactly the documents
containing it as a substring (100 % recall, any length), with mixed scripts such as
``AEO认证`` or ``HS编码8471`` becoming ``aeo 认 证`` and ``hs 编 码 8471``.

The index stores each run of Chinese as its overlapping character pairs followed by its last
character (``segment``: 进出口 → ``进出 出口 口``), not one token a character: a phrase of
common characters (申请人应当提交) then intersects the short lists of rare pairs instead of
the lists of 申, 请, 人 … that hold nearly every document (40–250 ms at 100,000 items). A
query is turned into the same form by ``query_grams``: pairs for a run of two or more, and a
single character as a prefix (海* finds 海关 and the run-final 海).
"""

from __future__ import annotations

import itertools
import re
import unicodedata

# CJK unified ideographs (with extension A and compatibility ideographs); each is a token.
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case, so ＡＥＯ finds AEO."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def _runs(toks: list[str]) -> list[str | list[str]]:
    """Tokens with each run of consecutive CJK characters gathered into a list."""
    out: list[str | list[str]] = []
    for tok in toks:
        if _CJK.fullmatch(tok):
            if out and isinstance(out[-1], list):
                out[-1].append(tok)
            else:
                out.append([tok])
        else:
            out.append(tok)
    return out


def grams(toks: list[str]) -> list[str]:
    """Index tokens: each CJK run as its character pairs, then its last character."""
    out: list[str] = []
    for item in _runs(toks):
        if isinstance(item, list):
            out += [a + b for a, b in itertools.pairwise(item)]
            out.append(item[-1])
        else:
            out.append(item)
    return out


def query_grams(phrase: list[str]) -> list[tuple[str, bool]]:
    """A query phrase (``tokens()``) as index tokens, each with "is a prefix".

    A run followed by another token ends where the document's run ends, so its last
    character is matched too; a run at the end of the phrase may go on in the document. A
    lone character at the end is a prefix: every occurrence of a character in a document
    starts a pair or ends its run.
    """
    items = _runs(phrase)
    out: list[tuple[str, bool]] = []
    for index, item in enumerate(items):
        at_end = index == len(items) - 1
        if not isinstance(item, list):
            out.append((item, False))
        elif len(item) == 1:
            out.append((item[0], at_end))
        else:
            out += [(a + b, False) for a, b in itertools.pairwise(item)]
            if not at_end:
                out.append((item[-1], False))
    return out


def segment(text: str) -> str:
    """The space-separated token string stored in the index (see ``grams``)."""
    return " ".join(grams(tokens(text)))
