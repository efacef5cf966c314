"""Issue 8: the audit administrator reads (and only reads) the audit log in the admin."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

import guanwu.audit
from guanwu.audit.models import AppendOnlyError, AuditEvent
from guanwu.audit.services import record
from guanwu.organization.enums import Role
from tests.audit.users import signed_in, user_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_ROLES = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]


@pytest.fixture
def auditor():
    return user_with(Role.AUDIT_ADMIN)


def test_auditor_sees_the_log_newest_first_with_escaped_detail(auditor):
    record("auth.logout", detail={"note": "<script>alert(1)</script>"}, object_type="x.y")
    newest = record("export.cases", detail={"rows": 3})
    response = signed_in(auditor).get(reverse("audit_log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "审计日志" in html and "校验链" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert html.index(f"<td>{newest.pk}</td>") < html.index("x.y #")
    assert "cases exported" in html  # the catalogue's description
    assert " UTC" in html
    # Our templates carry no inline script (the admin's CSP); nothing edits or deletes.
    templates = Path(guanwu.audit.__file__).parent / "templates" / "audit" / "admin"
    assert all("<script" not in t.read_text() for t in templates.glob("*.html"))
    assert "/delete" not in html and "/edit" not in html.split("audit-log", 1)[-1]


def test_viewing_is_recorded_once_per_page(auditor):
    for _ in range(5):
        record("auth.logout")
    before = AuditEvent.objects.filter(event="audit.viewed").count()
    signed_in(auditor).get(reverse("audit_log"), {"event": "auth."})
    viewed = AuditEvent.objects.filter(event="audit.viewed")
    assert viewed.count() == before + 1
    row = viewed.order_by("-id").first()
    assert row.actor == auditor and row.detail["filters"] == {"event": "auth."}


def test_filters_and_pagination(auditor):
    other = UserFactory(username="someone")
    for _ in range(60):
        record("auth.logout", actor=other)
    record("permission.denied", outcome="denied", detail={"path": "/x/"})
    client = signed_in(auditor)
    page = client.get(reverse("audit_log"), {"actor": "someone"})
    assert page.context["page_obj"].paginator.count == 60
    assert len(page.context["rows"]) == 50
    assert (
        client.get(reverse("audit_log"), {"actor": "someone", "page": 2}).context["page_obj"].number
        == 2
    )
    denied = client.get(reverse("audit_log"), {"outcome": "denied", "event": "permission."})
    assert {item["row"].event for item in denied.context["rows"]} == {"permission.denied"}
    today = timezone.localdate(denied.context["rows"][0]["row"].at).isoformat()
    dated = client.get(reverse("audit_log"), {"start": today, "end": today, "actor": "someone"})
    assert dated.context["page_obj"].paginator.count == 60
    empty = client.get(reverse("audit_log"), {"start": "2000-01-01", "end": "2000-01-02"})
    assert empty.context["page_obj"].paginator.count == 0


def test_csv_export_is_recorded_and_neutralises_formulas(auditor):
    record("auth.logout", object_type="=cmd", object_id="1")
    response = signed_in(auditor).get(reverse("audit_log_export"), {"event": "auth.logout"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["id", "at_utc", "actor", "event"]
    assert all(row[3] == "auth.logout" for row in rows[1:])
    assert any(row[4] == "'=cmd" for row in rows[1:])
    export = AuditEvent.objects.filter(event="export.audit").order_by("-id").first()
    assert export.actor == auditor and export.detail["rows"] == len(rows) - 1


def test_verify_button_runs_the_chain_check(auditor):
    record("auth.logout")
    response = signed_in(auditor).post(reverse("audit_log_verify"))
    assert response.status_code == 200
    assert "审计日志完整" in response.content.decode()
    row = AuditEvent.objects.filter(event="audit.verified").order_by("-id").first()
    assert row.detail["ok"] is True and row.actor == auditor
    assert signed_in(auditor).get(reverse("audit_log_verify")).status_code == 405


@pytest.mark.parametrize(
    "role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.OFFICE, Role.SUPERVISION]
)
def test_no_one_else_reads_the_log(role):
    client = signed_in(user_with(role))
    for name, method in (
        ("audit_log", "get"),
        ("audit_log_export", "get"),
        ("audit_log_verify", "post"),
    ):
        response = getattr(client, method)(reverse(name))
        # Wagtail turns a PermissionDenied in the admin into a redirect to the dashboard.
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not AuditEvent.objects.filter(event__in=["audit.viewed", "export.audit"]).exists()


def test_menu_item_only_for_auditor_and_superuser(auditor):
    # The sidebar menu is JSON for Wagtail's own script: look for the view's address.
    assert (
        reverse("audit_log")
        in signed_in(auditor).get(reverse("wagtailadmin_home")).content.decode()
    )
    root = UserFactory(is_superuser=True)
    assert (
        reverse("audit_log") in signed_in(root).get(reverse("wagtailadmin_home")).content.decode()
    )
    sysadmin = user_with(Role.SYSTEM_ADMIN)
    home = signed_in(sysadmin).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("audit_log") not in home


def test_anonymous_is_sent_to_login():
    response = Client().get(reverse("audit_log"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", [*ADMIN_ROLES, "superuser"])
def test_no_role_and_no_superuser_can_alter_the_log(who):
    """The ORM refuses, and below it the database triggers refuse, whoever is signed in."""
    row = record("auth.logout")
    actor = UserFactory(is_superuser=True) if who == "superuser" else user_with(who)
    record("auth.login", actor=actor)
    with pytest.raises(AppendOnlyError):
        row.outcome = "failure"
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(outcome="failure")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).delete()
    table = AuditEvent._meta.db_table
    from django.db import connection

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET outcome = 'failure' WHERE id = %s", [row.pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
    row.refresh_from_db()
    assert row.outcome == "success"
    # Nor does any admin URL offer an edit or delete of audit rows.
    from django.urls import get_resolver

    names = [
        name for name in get_resolver().reverse_dict if isinstance(name, str) and "audit" in name
    ]
    assert not [name for name in names if "edit" in name or "delete" in name], names
    assert get_user_model().objects.filter(pk=actor.pk).exists()
