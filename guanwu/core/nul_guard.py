"""NUL characters in the URL (issue 8): refused in the path, dropped from the query string.

PostgreSQL text cannot hold U+0000: a lookup such as ``/directory/%00/``,
``/directory/staff/?q=%00`` or ``/api/v1/units/%00/`` raised ``DataError`` in the database
driver, a 500, while SQLite answered 404. No URL or search ever needs the character, so it is
handled once here for every view: a path with it gets the Chinese 400 page (JSON under
/api/), and query parameters lose it, as the kiosk's search already did (an empty search
stays an empty search). Form and API bodies refuse it already (Django's and DRF's
``ProhibitNullCharactersValidator``). Found by the XSS corpus (tests/e2e/test_xss_corpus.py,
tests/portal/test_hostile_input.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

from .errors import bad_request

NUL = "\x00"


def _without_nul(query: QueryDict) -> QueryDict | None:
    """A copy of ``query`` without NUL characters, or None when there was none."""
    pairs = [(key, value) for key, values in query.lists() for value in values]
    if not any(NUL in key or NUL in value for key, value in pairs):
        return None
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, value in pairs:
        cleaned.appendlist(key.replace(NUL, ""), value.replace(NUL, ""))
    cleaned._mutable = False
    return cleaned


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            return bad_request(request)
        cleaned = _without_nul(request.GET)
        if cleaned is not None:
            request.GET = cleaned
        return self.get_response(request)
