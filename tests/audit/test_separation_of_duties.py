"""Issue 8, MLPS 2.0 level 3: system, security and audit administrators are different people;
only the security administrator assigns roles; every role change is audited."""

from __future__ import annotations

import json

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

import pytest

from guanwu.audit.models import AuditEvent
from guanwu.organization.enums import ADMINISTRATOR_ROLES, Role
from guanwu.organization.roles import ROLE_PERMISSIONS, role_group
from tests.audit.users import signed_in, user_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _perms(role: Role) -> set[str]:
    return set(ROLE_PERMISSIONS[role]) - {"wagtailadmin.access_admin"}


def test_administrator_duties_are_disjoint_and_apart_from_business_roles():
    sysadmin, secadmin, auditor = (
        _perms(Role.SYSTEM_ADMIN),
        _perms(Role.SECURITY_ADMIN),
        _perms(Role.AUDIT_ADMIN),
    )
    assert not sysadmin & secadmin and not sysadmin & auditor and not secadmin & auditor
    # Accounts only with the security administrator; the audit log only with the auditor.
    assert {
        code for role in Role for code in ROLE_PERMISSIONS[role] if code.startswith("auth.")
    } == {code for code in secadmin if code.startswith("auth.")}
    assert all(not code.startswith("audit.") for code in sysadmin | secadmin)
    assert auditor == {"audit.view_auditevent"}
    # No role may change or delete the audit log, or edit groups' permissions.
    everything = {code for codes in ROLE_PERMISSIONS.values() for code in codes}
    assert not {"audit.change_auditevent", "audit.delete_auditevent", "auth.change_group"} & (
        everything
    )
    # The administrators handle neither content nor cases.
    for role in ADMINISTRATOR_ROLES:
        assert not any(code.startswith(("cases.", "disclosure.")) for code in _perms(role))


@pytest.mark.parametrize(
    "pair",
    [
        (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
        (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
        (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN),
    ],
)
def test_two_administrator_roles_on_one_account_are_refused_by_the_model(pair):
    user = user_with(pair[0])
    with pytest.raises(ValidationError, match="须由不同人员担任"), transaction.atomic():
        user.groups.add(role_group(pair[1]))
    with pytest.raises(ValidationError), transaction.atomic():
        role_group(pair[1]).user_set.add(user)
    assert list(user.groups.values_list("name", flat=True)) == [pair[0].group_name]


def test_an_administrator_role_goes_with_a_business_role():
    user = user_with(Role.AUDIT_ADMIN)
    user.groups.add(role_group(Role.SUPERVISION))
    assert user.groups.count() == 2


def test_role_changes_are_recorded_with_group_names():
    user = user_with(Role.LEGAL)
    user.groups.remove(role_group(Role.LEGAL))
    user.groups.add(role_group(Role.OFFICE))
    user.groups.clear()
    rows = list(
        AuditEvent.objects.filter(event="role.changed", object_id=str(user.pk)).order_by("id")
    )
    assert [row.detail for row in rows] == [
        {"added": [Role.LEGAL.group_name]},
        {"removed": [Role.LEGAL.group_name]},
        {"added": [Role.OFFICE.group_name]},
        {"removed": [Role.OFFICE.group_name]},
    ]
    assert all(row.object_type == "auth.user" for row in rows)


def test_account_flag_changes_are_recorded():
    user = UserFactory(is_active=True)
    created = AuditEvent.objects.filter(event="account.changed", object_id=str(user.pk)).get()
    assert created.detail["created"] is True
    user.is_active = False
    user.save()
    user.last_login = None
    user.save(update_fields=["last_login"])  # not a flag: not recorded
    rows = AuditEvent.objects.filter(event="account.changed", object_id=str(user.pk))
    assert rows.count() == 2
    assert rows.order_by("-id").first().detail["changes"] == {"is_active": [True, False]}


def _user_form(user, groups, **extra) -> dict:
    data = {
        "username": user.username,
        "email": user.email or f"{user.username}@example.invalid",
        "first_name": "测试",
        "last_name": "用户",
        "is_active": "on",
        "groups": [group.pk for group in groups],
        "password1": "",
        "password2": "",
    }
    data.update(extra)
    return data


def test_security_admin_assigns_roles_in_the_wagtail_user_form():
    secadmin = user_with(Role.SECURITY_ADMIN)
    target = user_with(Role.LEGAL)
    client = signed_in(secadmin)
    url = reverse("wagtailusers_users:edit", args=[target.pk])
    response = client.post(url, _user_form(target, [role_group(Role.OFFICE)]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(target.groups.values_list("name", flat=True)) == [Role.OFFICE.group_name]
    rows = AuditEvent.objects.filter(event="role.changed", object_id=str(target.pk))
    assert rows.filter(actor=secadmin).count() == 2  # removed 法规处, added 办公室


def test_the_user_form_refuses_two_administrator_roles_in_chinese():
    secadmin = user_with(Role.SECURITY_ADMIN)
    target = UserFactory(email="t@example.invalid")
    client = signed_in(secadmin)
    url = reverse("wagtailusers_users:edit", args=[target.pk])
    groups = [role_group(Role.SYSTEM_ADMIN), role_group(Role.AUDIT_ADMIN)]
    response = client.post(url, _user_form(target, groups))
    assert response.status_code == 200
    assert "须由不同人员担任" in response.content.decode()
    assert target.groups.count() == 0


def test_the_security_admin_cannot_change_own_roles_or_grant_superuser():
    secadmin = user_with(Role.SECURITY_ADMIN, email="s@example.invalid")
    client = signed_in(secadmin)
    own = reverse("wagtailusers_users:edit", args=[secadmin.pk])
    groups = [role_group(Role.SECURITY_ADMIN), role_group(Role.SUPERVISION)]
    response = client.post(own, _user_form(secadmin, groups))
    assert response.status_code == 200
    assert "不能调整本人的角色" in response.content.decode()
    assert not secadmin.groups.filter(name=Role.SUPERVISION.group_name).exists()

    target = UserFactory(email="t@example.invalid")
    url = reverse("wagtailusers_users:edit", args=[target.pk])
    client.post(url, _user_form(target, [], is_superuser="on"))
    target.refresh_from_db()
    assert not target.is_superuser  # the box is not on the form of a non-superuser


def test_only_superusers_edit_superuser_accounts():
    secadmin = user_with(Role.SECURITY_ADMIN)
    root = UserFactory(is_superuser=True, email="r@example.invalid")
    response = signed_in(secadmin).get(reverse("wagtailusers_users:edit", args=[root.pk]))
    assert response.status_code in (302, 403)
    assert "/admin/" in response.get("Location", "/admin/")


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.OFFICE])
def test_other_roles_cannot_open_or_post_the_user_form(role):
    user = user_with(role)
    target = user_with(Role.LEGAL)
    client = signed_in(user)
    url = reverse("wagtailusers_users:edit", args=[target.pk])
    assert client.get(url).status_code == 302  # Wagtail: back to the dashboard with a message
    client.post(url, _user_form(target, [role_group(Role.SUPERVISION)]))
    assert list(target.groups.values_list("name", flat=True)) == [Role.LEGAL.group_name]


def test_a_group_change_in_a_request_by_anyone_else_is_refused(rf):
    """The model guard behind the forms: a request by a non-security-admin cannot change
    memberships, whatever view it goes through."""
    from guanwu.audit.middleware import AuditRequestMiddleware

    office = user_with(Role.OFFICE)
    target = user_with(Role.LEGAL)

    def view(request):
        target.groups.add(role_group(Role.SUPERVISION))
        return None

    request = rf.get("/")
    request.user = office
    with pytest.raises(PermissionDenied), transaction.atomic():
        AuditRequestMiddleware(view)(request)
    assert not target.groups.filter(name=Role.SUPERVISION.group_name).exists()


def test_role_groups_carry_no_audit_change_permission():
    codenames = set(
        Permission.objects.filter(group__in=Group.objects.all(), content_type__app_label="audit")
        .values_list("codename", flat=True)
        .distinct()
    )
    assert codenames <= {"view_auditevent"}


def test_system_admin_keeps_the_configuration_and_it_is_audited():
    """Settings edited in Wagtail leave a Wagtail log entry, recorded as content.wagtail.edit."""
    sysadmin = user_with(Role.SYSTEM_ADMIN)
    client = signed_in(sysadmin)
    url = reverse("wagtailsettings:edit", args=["portal", "kiosksettings"])
    page = client.get(url)
    assert page.status_code in (200, 302)
    if page.status_code == 302:  # generic settings redirect to their own pk
        url = page["Location"]
    data = {"title": "关务公开触摸屏", "idle_seconds": "90", "hot_words": "通关"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:1000]
    row = AuditEvent.objects.filter(event__startswith="content.wagtail.").order_by("-id")[0]
    assert row.actor == sysadmin and row.object_type == "portal.kiosksettings"
    # Accounts are not the system administrator's.
    assert client.get(reverse("wagtailusers_users:index")).status_code == 302
    assert signed_in(user_with(Role.SECURITY_ADMIN)).get(url).status_code == 302


@pytest.mark.parametrize("role", sorted(ADMINISTRATOR_ROLES))
def test_the_work_areas_are_closed_to_an_administrator_role_and_hidden_from_its_menu(role):
    """An account holding only an administrator role reaches neither the case lists nor the
    content reminders, filings and rosters, and its admin menu does not offer them."""
    administrator = signed_in(user_with(role))
    for name in (
        "cases_admin_list",
        "cases_admin_notifications",
        "disclosure_filings",
        "disclosure_reminders",
        "oversight_channels_roster",
        "oversight_channels_liaisons",
    ):
        response = administrator.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse(
            "wagtailadmin_home"
        ), name
    menu = administrator.get(reverse("wagtailadmin_home")).content.decode()
    office = signed_in(user_with(Role.OFFICE)).get(reverse("wagtailadmin_home")).content.decode()
    for label in ("全部事项", "暂不公开备案", "值班安排"):
        # The menu travels as JSON in the page, so its Chinese may be \u-escaped.
        forms = (label, json.dumps(label)[1:-1])
        assert any(f in office for f in forms), label
        assert not any(f in menu for f in forms), label
