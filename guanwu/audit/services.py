"""Writing, verifying and purging the audit log (issue 8: security audit, retention)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .enums import Outcome, is_known_event
from .models import GENESIS, AuditEvent

logger = logging.getLogger(__name__)

# Issue 8: the log is kept at least 184 days (six months, as the Cybersecurity Law art. 21 asks).
RETENTION_FLOOR_DAYS = 184
# Keys never written to detail, at any depth: credentials and session material.
SENSITIVE_KEY_PARTS = ("password", "passwd", "token", "session", "csrf", "secret", "cookie")
# PostgreSQL: one advisory lock serialises chain appends (SQLite serialises writers itself).
_PG_LOCK_KEY = 0x6775_6175  # "guau"


def clean_detail(value: Any) -> Any:
    """JSON-native copy of ``value`` without sensitive keys (so the stored row hashes the same)."""
    if isinstance(value, dict):
        return {
            str(key): clean_detail(item)
            for key, item in value.items()
            if not any(part in str(key).lower() for part in SENSITIVE_KEY_PARTS)
        }
    if isinstance(value, list | tuple):
        return [clean_detail(item) for item in value]
    return json.loads(json.dumps(value, default=str))


def keyed_digest(text: str) -> str:
    """A keyed hash of a free-typed value (a failed login's username): repeated attacks on one
    account can be correlated, a password typed into the username field is not stored."""
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:16]


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def _append(rows: list[AuditEvent]) -> list[AuditEvent]:
    """Chain ``rows`` (built, not saved) onto the log's head and insert them in one statement.

    Everything but the hashes is built before this, so the chain lock (held until the
    transaction commits) covers only the head's read, the hashing and one INSERT."""
    if not rows:
        return rows
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    prev = last or GENESIS
    for row in rows:
        row.prev_hash = prev
        row.hash = prev = row.compute_hash()
    if len(rows) == 1:
        rows[0].save()
    else:
        AuditEvent.objects.bulk_create(rows)
    return rows


# The rows of the ``deferred()`` block being run on this thread (None outside one).
_pending: ContextVar[list[AuditEvent] | None] = ContextVar("guanwu_audit_pending", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Collect the audit rows recorded inside and append them as the block's last statements.

    Use it inside the action's transaction (``with transaction.atomic(), deferred():``): the
    rows are written in that transaction, after every other change of the action, with one
    lock, one read of the chain's head and one INSERT. The chain lock is then held from the
    end of the action to its commit instead of from the first step's row, so concurrent
    actions wait for each other only that long. An exception leaves the block without
    writing them (and the transaction rolls back what they record). A savepoint rolled back
    inside the block must not have recorded anything: its rows would still be written."""
    if _pending.get() is not None:  # nested: the outer block writes them
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit.deferred() must run inside the action's transaction")
    token = _pending.set([])
    try:
        yield
        rows = _pending.get() or []
    finally:
        _pending.reset(token)
    _append(rows)


def _queue_or_append(rows: list[AuditEvent]) -> list[AuditEvent]:
    pending = _pending.get()
    if pending is not None:
        pending.extend(rows)
        return rows
    with transaction.atomic():
        return _append(rows)


def _build(
    event: str,
    *,
    actor: Any = None,
    outcome: str = Outcome.SUCCESS,
    request: Any = None,
    detail: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: Any = "",
    at: datetime.datetime | None = None,
) -> AuditEvent:
    """One row, unchained (``prev_hash`` and ``hash`` are set when it is appended)."""
    meta = getattr(request, "META", {}) if request is not None else {}
    return AuditEvent(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "get_username", lambda: "")() if actor is not None else "",
        event=event,
        object_type=str(object_type or ""),
        object_id=str(object_id if object_id is not None else ""),
        outcome=str(outcome),
        address=str(meta.get("REMOTE_ADDR", "") or "")[:45],
        request_id=str(getattr(request, "request_id", "") or "")[:64],
        detail=clean_detail(detail or {}),
    )


def record(
    event: str,
    *,
    actor: Any = None,
    obj: Any = None,
    outcome: str = Outcome.SUCCESS,
    request: Any = None,
    detail: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: Any = "",
) -> AuditEvent:
    """Append one event to the chain. ``obj`` (a model instance) gives object type and id.

    Inside ``deferred()`` the row is queued and written at the block's end (its ``hash`` is
    empty until then); elsewhere it is written at once, in the caller's transaction."""
    if not is_known_event(event):
        raise ValueError(f"unknown audit event {event!r}")
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    row = _build(
        event,
        actor=actor,
        outcome=outcome,
        request=request,
        detail=detail,
        object_type=object_type,
        object_id=object_id,
    )
    return _queue_or_append([row])[0]


def case_step_rows(events: list[Any], request: Any = None) -> list[AuditEvent]:
    """The audit row of each case timeline step (what ``receivers.on_case_event`` records):
    only the action and ids, never notes or data (they may carry a reporter's words)."""
    now = timezone.now()
    return [
        _build(
            f"case.{step.action}",
            actor=step.actor if getattr(step, "actor_id", None) else None,
            object_type="cases.case",
            object_id=step.case_id,
            request=request,
            detail={"action": step.action, "case_event": step.pk},
            at=now,
        )
        for step in events
    ]


def record_case_steps(events: list[Any], request: Any = None) -> int:
    """One audit row per case timeline step, for steps made in bulk (``bulk_create`` sends no
    ``post_save``): the same rows ``on_case_event`` writes one by one, chained in one pass —
    one lock, one read of the chain's head, one insert — so a batch of 2,000 steps costs
    three queries instead of two per step. Inside ``deferred()`` they join its rows."""
    if not events:
        return 0
    return len(_queue_or_append(case_step_rows(events, request)))


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    broken_id: int | None = None
    reason: str = ""
    head: str = ""


def verify() -> Verification:
    """Walk the chain from the oldest row. A changed row fails its hash; a deleted row leaves
    its successor's prev_hash pointing at nothing. The oldest row must start the chain or
    follow a purge, whose ``audit.purged`` event names that row's prev_hash as its anchor."""
    count = 0
    prev: str | None = None
    for row in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if prev is None:
            anchored = row.prev_hash == GENESIS or (
                AuditEvent.objects.filter(
                    event="audit.purged", detail__anchor=row.prev_hash
                ).exists()
            )
            if not anchored:
                return Verification(False, count, row.pk, "missing_before")
        elif row.prev_hash != prev:
            return Verification(False, count, row.pk, "missing_before")
        if row.compute_hash() != row.hash:
            return Verification(False, count, row.pk, "changed")
        prev = row.hash
        count += 1
    return Verification(True, count, head=prev or "")


@dataclass(frozen=True)
class Purge:
    deleted: int
    anchor: str


@transaction.atomic
def audit_purge(*, older_than_days: int, dry_run: bool = False) -> Purge:
    """Remove the oldest rows, all older than ``older_than_days`` (never under the floor).

    Only a prefix of the chain goes, so the rest stays verifiable from the new oldest row;
    the purge itself is recorded with that row's prev_hash as the anchor."""
    if older_than_days < RETENTION_FLOOR_DAYS:
        raise ValueError(f"retention below {RETENTION_FLOOR_DAYS} days")
    _lock_chain()
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    # The prefix ends before the first row that is still young enough to keep.
    first_kept = AuditEvent.objects.filter(at__gte=cutoff).order_by("id").first()
    doomed = AuditEvent.objects.all()
    if first_kept is not None:
        doomed = doomed.filter(id__lt=first_kept.pk)
    last_doomed = doomed.order_by("-id").first()
    if last_doomed is None:
        return Purge(0, "")
    count = doomed.count()
    if dry_run:
        return Purge(count, last_doomed.hash)
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The trigger lets this transaction, and only it, delete (migration 0002).
            cursor.execute("SET LOCAL guanwu.audit_purge = 'on'")
        # SQLite's trigger lets the oldest row go, and deleting by ascending id is just that.
        # Bandit B608: the table name is the model's own; the bound is a parameter.
        cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last_doomed.pk])  # noqa: S608  # nosec B608
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL guanwu.audit_purge = 'off'")
    record(
        "audit.purged",
        detail={"deleted": count, "anchor": last_doomed.hash, "before": cutoff.isoformat()},
    )
    return Purge(count, last_doomed.hash)
