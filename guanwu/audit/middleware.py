"""The request being handled, for audit receivers that only see a model signal, and one
``permission.denied`` event for every 403 answer (issue 8: permission denials are audited)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from .enums import Outcome

logger = logging.getLogger(__name__)

_current_request: ContextVar[HttpRequest | None] = ContextVar("guanwu_audit_request", default=None)


def current_request() -> HttpRequest | None:
    """The request this thread is handling, ``None`` in commands, tasks and the shell."""
    return _current_request.get()


def current_actor() -> Any:
    """The signed-in user of the current request, or ``None``."""
    request = current_request()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


class AuditRequestMiddleware:
    """Keeps the request in a context variable and audits every 403 response.

    A 403 is recorded here, once, whatever produced it (Django's ``handler403``, DRF's
    ``PermissionDenied``, a CSRF failure or a view's own ``HttpResponseForbidden``). The Wagtail
    admin turns its own denials into a redirect with a message; those are not 403s and are
    not recorded as denials.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                record_denial(request)
        finally:
            _current_request.reset(token)
        return response


def record_denial(request: HttpRequest) -> None:
    """Record ``permission.denied`` with the path and method; the query string is left out
    (it may carry a tracking password or a search for a person's name)."""
    from .services import record

    try:
        record(
            "permission.denied",
            outcome=Outcome.DENIED,
            request=request,
            detail={"method": request.method, "path": request.path[:300]},
        )
    except Exception as exc:
        # The request was refused anyway; a failed audit write must not turn it into a 500.
        logger.error("audit record failed: event=permission.denied error=%s", type(exc).__name__)
