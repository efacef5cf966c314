"""Public reads from a PostgreSQL read replica, everything else from the primary (issue 9).

With ``DATABASE_REPLICA_URL`` set, ``settings.DATABASES`` gains a ``"replica"`` alias. A public
visitor's page view only reads, and a replica lagging a second behind is harmless there; staff
work must see its own writes at once. Routers do not see the request, so
``PublicReadMiddleware`` marks the request in a context variable and the router sends reads to
the replica only while that mark is set: anonymous ``GET``/``HEAD`` requests outside the staff
areas. Writes, migrations and every request of a signed-in user go to the primary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# The primary's WAL position after the latest change of public content (pg_lsn as text).
CONTENT_LSN_KEY = "guanwu:content-lsn"
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


@contextmanager
def reads_on_primary() -> Iterator[None]:
    """Reads inside go to the primary even during a public request: for what a process keeps
    beyond the request under a version another process bumped after its commit (a lagging
    replica could hand back the rows from before that commit)."""
    token = _public_read.set(False)
    try:
        yield
    finally:
        _public_read.reset(token)


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


# --- the page cache and replication lag ------------------------------------------------------
# A publish bumps the page cache's content version; a visitor's next request renders the page
# afresh — from the replica, which may not have replayed the publish yet. Cached under the new
# version, that stale page would be served until it expires. So after each commit that changed
# public content the primary's WAL position is remembered, and a public request starts with
# one question to the replica: has it replayed that far? If not, the page is served (a second
# behind is harmless) but not cached.


def remember_content_position() -> None:
    """Store the primary's current WAL position (call after the change has committed).

    On PostgreSQL whether or not this process has a replica configured: the change may be
    made by a command or a task worker that only knows the primary, while the web processes
    read from a replica.
    """
    primary = connections["default"]
    if primary.vendor != "postgresql":
        return
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        cache.set(CONTENT_LSN_KEY, cursor.fetchone()[0], timeout=None)


def replica_behind_content(request: HttpRequest) -> bool:
    """True when this request will read from a replica that has not yet replayed the latest
    change of public content (so its page must not be cached)."""
    if not replica_configured() or not reads_from_replica(request):
        return False
    position = cache.get(CONTENT_LSN_KEY)
    replica = connections[REPLICA]
    if not position or replica.vendor != "postgresql":
        return False
    with replica.cursor() as cursor:
        # NULL when the server is not replaying (a promoted replica): nothing to wait for.
        cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() < %s::pg_lsn, false)", [position])
        return bool(cursor.fetchone()[0])
