"""Hostile input for the XSS corpus test (issue 8), shared by browser and server tests.

Every script payload sets ``window.__xss`` (a sentinel the browser test reads back) and many
also call ``alert`` (which would open a dialog), so "nothing executed" is checked two ways.
The payloads are short enough for the narrow fields (a staff member's name takes 50
characters); ``LONG`` is for the text areas.
"""

from __future__ import annotations

from dataclasses import dataclass

SENTINEL = "window.__xss=1"


@dataclass(frozen=True)
class Payload:
    key: str
    value: str
    #: The payload survives as visible text (no control characters that are stripped or
    #: refused): the browser test looks for it on the page.
    visible: bool = True


# fmt: off
SCRIPTS: list[Payload] = [
    Payload("script", "<script>window.__xss=1;alert(1)</script>"),
    Payload("img-onerror", '"><img src=x onerror=window.__xss=1>'),
    Payload("svg-onload", "<svg onload=window.__xss=1>"),
    Payload("svg-script", "<svg><script>window.__xss=1</script></svg>"),
    Payload("js-url", "javascript:window.__xss=1;alert(1)"),
    Payload("a-js-href", '<a href="javascript:window.__xss=1">x</a>'),
    Payload("attr-break", '" onmouseover="window.__xss=1" x="'),
    Payload("attr-break-single", "' autofocus onfocus='window.__xss=1"),
    Payload("rsnake", "'';!--\"<XSS>=&{()}"),
    Payload("iframe-js", "<iframe src=javascript:window.__xss=1>"),
    Payload("close-textarea", "</textarea><script>window.__xss=1</script>"),
    Payload("close-title", "</title><img src=x onerror=window.__xss=1>"),
    Payload("template-var", "{{7*7}}${7*7}"),
    Payload("template-tag", "{% debug %}{% csrf_token %}"),
    Payload("entity", "&lt;script&gt;window.__xss=1&lt;/script&gt;"),
]
# Unicode that reorders or hides text: kept (they are legitimate in some text) but must not
# break pages; RLO/LRI stay inside the element they were typed into.
UNICODE: list[Payload] = [
    Payload("rlo", "名称\u202egpj.exe 结束"),
    Payload("bidi-isolates", "\u2066\u2067\u2068隔离\u2069\u202a\u202b\u202c\u200e\u200f"),
    Payload("zero-width", "零\u200b宽\u200c字\u200d符\ufeff"),
]
# Control characters: NUL is refused by every form (Django's validator, a Chinese message);
# the other C0 characters must neither reach an XML feed unescaped nor cause a 500.
CONTROLS: list[Payload] = [
    Payload("nul", "空\x00字符", visible=False),
    Payload("c0", "控制\x01\x07\x08\x0b\x0c\x1b\x7f字符", visible=False),
]
# fmt: on
LONG = Payload("long", "长" * 4000 + "<script>window.__xss=1</script>")

ALL: list[Payload] = SCRIPTS + UNICODE + CONTROLS
# Everything a form accepts as it is (NUL is refused: tested separately).
STORABLE: list[Payload] = [p for p in ALL if "\x00" not in p.value]
