"""Each language's message look-ups, remembered per process.

Django's zh-hans translation chains a fallback catalogue (``zh``) from each of eleven apps;
a source string without a zh-hans entry — most of this project's, whose source strings are
Chinese — walks all of them on every ``{% translate %}``: 8–10 % of an item page's CPU. The
catalogues are read once per process and never change while it runs, so what ``gettext``
found for a message is kept with the translation object and looked up in one dict next
time. The number of messages kept is bounded: after ``_MAX_MESSAGES`` a look-up walks the
catalogues as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import trans_real

_MAX_MESSAGES = 20_000


def _remembering(gettext: Callable[[str], str]) -> Callable[[str], str]:
    found: dict[str, str] = {}

    def remembered(message: str) -> str:
        try:
            return found[message]
        except (KeyError, TypeError):
            result = gettext(message)
            if isinstance(message, str) and len(found) < _MAX_MESSAGES:
                found[message] = result
            return result

    return remembered


def install() -> None:
    """Wrap ``gettext`` of every translation object Django builds from now on."""
    original = trans_real.translation
    if getattr(original, "_guanwu_remembering", False):
        return

    def translation(language: str) -> Any:
        result = original(language)
        if "gettext" not in result.__dict__:
            result.gettext = _remembering(result.gettext)
        return result

    translation._guanwu_remembering = True  # type: ignore[attr-defined]
    trans_real.translation = translation
    # Objects built before (the default language, on import of some app): wrapped too.
    for built in trans_real._translations.values():
        if "gettext" not in built.__dict__:
            built.gettext = _remembering(built.gettext)
    if trans_real._default is not None and "gettext" not in trans_real._default.__dict__:
        trans_real._default.gettext = _remembering(trans_real._default.gettext)
