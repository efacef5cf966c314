"""Issue 8: the append-only, hash-chained audit log."""

from __future__ import annotations

import contextlib
import datetime
import importlib
import json
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from wagtail.models import Page

import pytest

from guanwu.audit.models import AppendOnlyError, AuditEvent
from guanwu.audit.services import audit_purge, record, verify
from guanwu.cases.enums import CaseKind
from guanwu.cases.services import case_submit_public
from tests.factories import publish

pytestmark = pytest.mark.django_db

TRIGGERS = importlib.import_module("guanwu.audit.migrations.0002_append_only_triggers")


@contextlib.contextmanager
def guard_off() -> Iterator[None]:
    """Lift the database guard for a moment inside the test's transaction, as an attacker
    with the database owner's rights could, and put it back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Skips ordinary triggers for this transaction only (superuser, as in the tests).
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_delete")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            for statement in TRIGGERS.SQLITE_FORWARD:
                cursor.execute(statement)


def verify_command() -> tuple[int, str]:
    out, err = [], []
    try:
        call_command("audit_verify", stdout=_Sink(out), stderr=_Sink(err))
    except SystemExit as exc:
        return int(exc.code), "".join(err)
    return 0, "".join(out)


class _Sink:
    def __init__(self, parts: list[str]) -> None:
        self.parts = parts

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass


def chain(n: int = 3) -> list[AuditEvent]:
    return [record("export.cases", detail={"count": i}) for i in range(n)]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "audit-staff", password="correct horse battery", is_staff=True
    )


def test_login_logout_and_failed_login_are_recorded(staff):
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.login(username="audit-staff", password="correct horse battery")
    login = AuditEvent.objects.filter(event="auth.login").last()
    assert login.actor == staff and login.actor_name == "audit-staff"
    client.logout()
    assert AuditEvent.objects.filter(event="auth.logout", actor=staff).exists()

    assert not client.login(username="hunter2-typed-as-name", password="wrong-password-123")
    failed = AuditEvent.objects.filter(event="auth.login_failed").last()
    assert failed.outcome == "failure" and failed.actor is None
    dumped = json.dumps(failed.detail)
    assert "hunter2" not in dumped and "wrong-password" not in dumped
    assert failed.detail["username_digest"]


def test_login_through_the_form_records_address_and_no_password(staff):
    client = Client(REMOTE_ADDR="10.9.8.7")
    client.post("/admin/login/", {"username": "audit-staff", "password": "not the password"})
    failed = AuditEvent.objects.filter(event="auth.login_failed").last()
    assert "not the password" not in json.dumps(failed.detail)
    client.post("/admin/login/", {"username": "audit-staff", "password": "correct horse battery"})
    login = AuditEvent.objects.filter(event="auth.login").last()
    assert login.address == "10.9.8.7"
    assert login.request_id == getattr(login, "request_id", "")


def test_case_action_is_recorded_without_the_reporters_identity(demo):
    submission = case_submit_public(
        kind=CaseKind.INTEGRITY_REPORT,
        body="某科长收受红包，举报人不愿透露",
        name="张举报",
        phone="13800138000",
        email="whistle@example.com",
    )
    events = AuditEvent.objects.filter(object_type="cases.case", object_id=submission.case.pk)
    assert events.filter(event="case.received").exists()
    for row in events:
        dumped = json.dumps(row.detail, ensure_ascii=False) + row.canonical()
        for secret in ("张举报", "13800138000", "whistle@example.com", "红包"):
            assert secret not in dumped
        assert set(row.detail) == {"action", "case_event"}


def test_page_publication_is_recorded(demo_users):
    page = Page.objects.filter(depth=2).first().specific
    legal = demo_users["legal"]
    page.save_revision(user=legal)
    publish(page, reviewer=legal)
    row = AuditEvent.objects.filter(event="content.wagtail.publish").last()
    assert row is not None
    assert row.object_id == str(page.pk)
    assert row.object_type == "portal.homepage" and row.actor == legal


def test_detail_drops_credentials():
    row = record(
        "role.changed",
        detail={"password": "x", "api_token": "y", "sessionid": "z", "csrftoken": "w", "ok": 1},
    )
    assert row.detail == {"ok": 1}


def test_unknown_event_code_is_refused():
    with pytest.raises(ValueError):
        record("something.else")


def test_model_and_queryset_refuse_changes():
    row = chain(1)[0]
    row.event = "auth.logout"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(event="auth.logout")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).delete()


def test_database_refuses_update_and_delete():
    rows = chain(3)
    for statement in (
        "UPDATE audit_auditevent SET event = 'auth.logout' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        # The newest row: on SQLite only the oldest row may go (the purge's prefix).
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [rows[-1].pk])
    assert AuditEvent.objects.get(pk=rows[-1].pk).event == "export.cases"


def test_deleting_a_user_keeps_their_rows_verifiable(staff):
    record("role.changed", actor=staff)
    staff.delete()
    row = AuditEvent.objects.filter(event="role.changed").last()
    assert row.actor is None and row.actor_name == "audit-staff"
    assert verify().ok


def test_verify_passes_on_an_intact_chain():
    chain(3)
    code, output = verify_command()
    assert code == 0
    assert f"共 {AuditEvent.objects.count()} 条" in output


def test_verify_names_a_changed_row():
    rows = chain(3)
    with guard_off(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET address = '6.6.6.6' WHERE id = %s", [rows[1].pk]
        )
    code, output = verify_command()
    assert code == 1
    assert f"#{rows[1].pk}" in output and "篡改" in output


def test_verify_detects_a_deleted_middle_row():
    rows = chain(3)
    with guard_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [rows[1].pk])
    code, output = verify_command()
    assert code == 1
    assert f"#{rows[2].pk}" in output and "缺失" in output


def test_verify_detects_a_deleted_oldest_row_without_a_purge():
    oldest = AuditEvent.objects.order_by("id").first() or chain(2)[0]
    chain(2)
    with guard_off(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [oldest.pk])
    assert verify_command()[0] == 1


def _age(rows: list[AuditEvent], days: int) -> None:
    # Backdate and re-hash, as if written then (the chain is rebuilt in order).
    with guard_off(), connection.cursor() as cursor:
        at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
        prev = rows[0].prev_hash
        for row in rows:
            row.at, row.prev_hash = at, prev
            row.hash = row.compute_hash()
            cursor.execute(
                "UPDATE audit_auditevent SET at = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [at, row.prev_hash, "tmp-" + str(row.pk), row.pk],
            )
            prev = row.hash
        for row in rows:
            cursor.execute(
                "UPDATE audit_auditevent SET hash = %s WHERE id = %s", [row.hash, row.pk]
            )


def test_purge_refuses_short_retention():
    with pytest.raises(CommandError, match="184"):
        call_command("audit_purge", "--older-than-days", "100")
    with pytest.raises(ValueError):
        audit_purge(older_than_days=183)


def test_purge_keeps_the_chain_verifiable():
    chain(2)
    everything = list(AuditEvent.objects.order_by("id"))
    old, young = everything[:-1], everything[-1]
    _age(old, 300)
    # Re-link the one young row to the re-hashed old ones, so the chain is whole before purging.
    with guard_off(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", [old[-1].hash, young.pk]
        )
        young.prev_hash = old[-1].hash
        cursor.execute(
            "UPDATE audit_auditevent SET hash = %s WHERE id = %s", [young.compute_hash(), young.pk]
        )
    assert verify().ok
    call_command("audit_purge", "--older-than-days", "200", stdout=_Sink([]))
    remaining = list(AuditEvent.objects.order_by("id"))
    assert remaining[0].pk == young.pk
    assert remaining[-1].event == "audit.purged"
    assert remaining[-1].detail["deleted"] == len(old)
    code, output = verify_command()
    assert code == 0, output
