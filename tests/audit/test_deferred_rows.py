"""Audit rows written as the transaction's last statements (issue 9, target 4: intake rate).

DESIGN rule 9 still holds: every timeline step of a public submission has its audit row in
the submission's own transaction — all of them when it commits, none when it rolls back —
and the chain verifies. What changed is when the rows are written: together, after every
other change, so the chain's lock is held from there to the commit only.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import pytest

from guanwu.audit import services as audit
from guanwu.audit.models import AuditEvent
from guanwu.cases import services as case_services
from guanwu.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _case_rows(case: Case):
    return AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))


def test_a_committed_submission_has_an_audit_row_for_every_step_and_the_chain_verifies(
    demo, client
):
    response = client.post(
        "/api/v1/cases/",
        {"kind": "consultation", "body": "几点开门？", "units": ["HH-XG-ZHYW"]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="deferred-1",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 201
    case = Case.objects.get(tracking_code=response.json()["tracking_code"])
    steps = list(case.events.order_by("pk"))
    rows = list(_case_rows(case).order_by("id"))
    assert [row.event for row in rows] == [f"case.{step.action}" for step in steps]
    assert [row.detail["case_event"] for row in rows] == [step.pk for step in steps]
    # The request's address and id, as the post_save receiver recorded them one by one.
    assert {row.address for row in rows} == {"203.0.113.9"}
    assert all(row.request_id for row in rows)
    # Rule 8: only the action and ids, never the asker's words.
    assert "几点开门" not in str([row.detail for row in rows])
    assert audit.verify().ok


def test_the_audit_rows_are_the_transactions_last_statements_under_one_lock(demo):
    with CaptureQueriesContext(connection) as queries:
        case_services.case_submit_public(kind="consultation", body="营业时间？")
    sql = [q["sql"] for q in queries]
    audit_inserts = [i for i, s in enumerate(sql) if s.startswith('INSERT INTO "audit_auditevent"')]
    heads = [i for i, s in enumerate(sql) if 'FROM "audit_auditevent"' in s]
    assert len(audit_inserts) == 1 and len(heads) == 1  # both rows in one INSERT, one head read
    other_writes = [
        i
        for i, s in enumerate(sql)
        if s.startswith(("INSERT", "UPDATE", "DELETE")) and "audit" not in s
    ]
    assert max(other_writes) < heads[0] < audit_inserts[0]
    locks = [i for i, s in enumerate(sql) if "pg_advisory_xact_lock" in s]
    if connection.vendor == "postgresql":
        assert len(locks) == 1 and max(other_writes) < locks[0] < heads[0]
    # Nothing but the end of the transaction after the rows.
    assert all(s.startswith(("RELEASE", "COMMIT")) for s in sql[audit_inserts[0] + 1 :])


def test_a_rolled_back_submission_leaves_no_audit_rows(demo, monkeypatch):
    """A failure after the steps were queued (here: right after the timeline's INSERT)
    rolls the whole submission back, its audit rows with it."""
    original = case_services._log_new_case

    def failing(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(case_services, "_log_new_case", failing)
    before = (AuditEvent.objects.count(), Case.objects.count(), CaseEvent.objects.count())
    with pytest.raises(RuntimeError):
        case_services.case_submit_public(
            kind="consultation", body="会回滚", idempotency_key="rolled-back"
        )
    after = (AuditEvent.objects.count(), Case.objects.count(), CaseEvent.objects.count())
    assert after == before
    assert audit.verify().ok


def test_a_failed_audit_write_stores_no_case(demo, monkeypatch):
    """Auditing fails closed: if the rows cannot be written, the submission is not stored."""

    def broken(rows):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "_append", broken)
    cases = Case.objects.count()
    with pytest.raises(RuntimeError):
        case_services.case_submit_public(kind="consultation", body="审计失败")
    assert Case.objects.count() == cases


def test_record_inside_deferred_is_written_at_the_blocks_end(db):
    before = AuditEvent.objects.count()
    with transaction.atomic(), audit.deferred():
        first = audit.record("export.cases", detail={"count": 1})
        second = audit.record("export.cases", detail={"count": 2})
        assert first.pk is None and first.hash == ""
        assert AuditEvent.objects.count() == before
    assert AuditEvent.objects.count() == before + 2
    assert second.prev_hash == first.hash and first.pk < second.pk
    assert audit.verify().ok


def test_an_exception_in_deferred_writes_nothing(db):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError), transaction.atomic(), audit.deferred():
        audit.record("export.cases", detail={"count": 1})
        raise ValueError("the action failed")
    assert AuditEvent.objects.count() == before


def test_nested_deferred_blocks_write_once_at_the_outer_end(db):
    before = AuditEvent.objects.count()
    with transaction.atomic(), audit.deferred():
        with transaction.atomic(), audit.deferred():
            audit.record("export.cases", detail={"count": 1})
        assert AuditEvent.objects.count() == before
        audit.record("export.cases", detail={"count": 2})
    assert AuditEvent.objects.count() == before + 2
    assert audit.verify().ok


def test_deferred_refuses_to_run_outside_a_transaction(db, monkeypatch):
    """Outside the action's transaction the rows could outlive a failed action: refused.
    (The test's own transaction wraps everything here, so "outside" is simulated.)"""
    monkeypatch.setattr(audit, "connection", SimpleNamespace(in_atomic_block=False))
    with pytest.raises(RuntimeError), audit.deferred():
        pass
