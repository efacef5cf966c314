"""Issue 8: permission denials and exports land in the audit log."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

import pytest

from guanwu.audit.models import AuditEvent
from guanwu.organization.enums import Role
from guanwu.organization.roles import role_group
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    user.save()  # the factory sets the password without saving it; the session checks it
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_an_api_403_is_recorded_with_method_and_path():
    user = UserFactory()
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=user)
    response = Client().post(
        "/api/v1/staff/cases/?q=secret",
        data={"kind": "consultation", "channel": "hotline", "body": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 403
    row = AuditEvent.objects.filter(event="permission.denied").order_by("-id").first()
    assert row is not None and row.outcome == "denied"
    assert row.detail == {"method": "POST", "path": "/api/v1/staff/cases/"}
    assert row.actor == user
    assert row.request_id == response["X-Request-ID"]


def test_a_csrf_refusal_is_recorded():
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    user.save()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("audit_log_verify"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        event="permission.denied", detail__path=reverse("audit_log_verify")
    ).exists()


def test_the_case_export_is_recorded(demo_users):
    user = demo_users["centre"]
    response = signed_in(user).get(reverse("cases_admin_list"), {"export": "xlsx"})
    assert response.status_code == 200
    row = AuditEvent.objects.filter(event="export.cases").order_by("-id").first()
    assert row.actor == user
    assert row.detail["filters"]["scope"] == "all"
    assert isinstance(row.detail["rows"], int)
    assert row.request_id == response["X-Request-ID"]


def test_role_change_in_the_admin_names_the_actor():
    secadmin = UserFactory()
    secadmin.groups.add(role_group(Role.SECURITY_ADMIN))
    target = UserFactory(email="t@example.invalid")
    data = {
        "username": target.username,
        "email": target.email,
        "first_name": "测试",
        "last_name": "用户",
        "is_active": "",  # deactivate as well
        "groups": [role_group(Role.CENTRE).pk],
        "password1": "",
        "password2": "",
    }
    response = signed_in(secadmin).post(reverse("wagtailusers_users:edit", args=[target.pk]), data)
    assert response.status_code == 302
    role = AuditEvent.objects.get(event="role.changed", object_id=str(target.pk))
    assert role.actor == secadmin and role.detail == {"added": [Role.CENTRE.group_name]}
    assert role.address == "127.0.0.1"
    account = AuditEvent.objects.filter(event="account.changed", object_id=str(target.pk)).order_by(
        "-id"
    )[0]
    assert account.actor == secadmin
    assert account.detail["changes"] == {"is_active": [True, False]}
