"""A request id on every request, response and log line, so a visitor's error page can be
matched to the server's log (issue 8: "errors ... with a request id")."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# A proxy's id is reused only when it is short and plain: it ends up in logs and in HTML.
_SANE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
_current: ContextVar[str] = ContextVar("guanwu_request_id", default="-")


def current_request_id() -> str:
    """The id of the request being handled in this thread or task, ``-`` outside a request."""
    return _current.get()


def request_id_for(request: HttpRequest | None) -> str:
    """The request's id, falling back to the context (the 500 handler must never raise)."""
    return getattr(request, "request_id", None) or current_request_id()


class RequestIDMiddleware:
    """Take a sane incoming ``X-Request-ID`` or make a uuid4 hex; echo it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIDFilter(logging.Filter):
    """Adds ``record.request_id`` so the formatter can print ``%(request_id)s`` on every line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True
