"""Chinese-aware tokens for full-text search.

Chinese has no spaces, and SQLite FTS5 (unicode61) and PostgreSQL's 'simple' parser take a
whole run of Chinese as one token, so a word inside a sentence is never found (FACTS.md:
0 % recall). We index every CJK character as its own token and every run of Latin letters or
digits as one token, then search with *phrase* queries: a query finds exactly the documents
containing it as a substring (100 % recall, any length), with mixed scripts such as
``AEO认证`` or ``HS编码8471`` becoming ``aeo 认 证`` and ``hs 编 码 8471``.
"""

from __future__ import annotations

import re
import unicodedata

# CJK unified ideographs (with extension A and compatibility ideographs); each is a token.
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case, so ＡＥＯ finds AEO."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def segment(text: str) -> str:
    """The space-separated token string stored in the index."""
    return " ".join(tokens(text))
