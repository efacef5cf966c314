"""Public reads from a PostgreSQL read replica, everything else from the primary (issue 9).

With ``DATABASE_REPLICA_URL`` set, ``settings.DATABASES`` gains a ``"replica"`` alias. A public
visitor's page view only reads, and a replica lagging a second behind is harmless there; staff
work must see its own writes at once. Routers do not see the request, so
``PublicReadMiddleware`` marks the request in a context variable and the router sends reads to
the replica only while that mark is set: anonymous ``GET``/``HEAD`` requests outside the staff
areas. Writes, migrations and every request of a signed-in user go to the primary.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# Paths whose reads must see the latest writes even for anonymous visitors: the staff areas,
# the login, and case intake/tracking (a visitor looks up the case they just submitted).
PRIMARY_ONLY_PREFIXES = ("/admin/", "/account/", "/api/v1/staff/", "/api/v1/cases/", "/cases/")
SAFE_METHODS = frozenset({"GET", "HEAD"})

_public_read: ContextVar[bool] = ContextVar("guanwu_public_read", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reads_from_replica(request: HttpRequest) -> bool:
    """True for requests whose reads may go to the replica."""
    if request.method not in SAFE_METHODS or request.path.startswith(PRIMARY_ONLY_PREFIXES):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class PublicReadMiddleware:
    """Mark anonymous public reads for ``PrimaryReplicaRouter`` (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured() or not reads_from_replica(request):
            return self.get_response(request)
        token = _public_read.set(True)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


class PrimaryReplicaRouter:
    """Reads of marked public requests go to the replica; all else to ``default``."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _public_read.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as the primary: objects from either may relate.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
