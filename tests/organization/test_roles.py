"""Roles are Django groups declared once in the Role enum (seed 六)."""

from __future__ import annotations

from django.contrib.auth.models import Group

import pytest

from guanwu.organization.enums import Role
from guanwu.organization.roles import ROLE_PERMISSIONS, sync_role_groups, user_has_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_migrate_creates_one_group_per_role():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.group_name for role in Role} <= names


def test_every_role_reaches_the_admin_and_permissions_match_the_table():
    groups = sync_role_groups()
    for role, group in groups.items():
        codes = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert codes == set(ROLE_PERMISSIONS[role])
        assert "wagtailadmin.access_admin" in codes


def test_sync_is_idempotent_and_restores_removed_permissions():
    groups = sync_role_groups()
    groups[Role.LIAISON].permissions.clear()
    sync_role_groups()
    assert Group.objects.filter(name=Role.LIAISON.group_name).count() == 1
    assert groups[Role.LIAISON].permissions.count() == len(ROLE_PERMISSIONS[Role.LIAISON])


def test_unit_scoped_roles():
    assert Role.SECTION_CHIEF.is_unit_scoped
    assert Role.LIAISON.is_unit_scoped
    assert not Role.LEGAL.is_unit_scoped


def test_user_has_role_does_not_grant_roles_to_superusers():
    legal = UserFactory()
    legal.groups.add(Group.objects.get(name=Role.LEGAL.group_name))
    admin = UserFactory(is_superuser=True)
    assert user_has_role(legal, Role.LEGAL)
    assert not user_has_role(admin, Role.LEGAL)
