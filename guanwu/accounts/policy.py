"""Who must pass the second factor, and whose session is a staff session (issue 8)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Q

from wagtail.models import GroupApprovalTask, GroupPagePermission

from guanwu.organization.enums import ADMINISTRATOR_ROLES, Role
from guanwu.organization.roles import user_has_role

# Roles whose holders publish, review or read integrity reports:
# - LEGAL reviews every item before it goes live (disclosure LegalReviewTask);
# - DIVISION_HEAD and SECTION_CHIEF approve their unit's items (UnitHeadApprovalTask,
#   guanwu.disclosure.permissions.user_heads_unit) and their unit's case replies;
# - OFFICE and CENTRE manage the disclosure content (the office also heads the district in
#   the unit-head step);
# - SUPERVISION reads integrity reports and reporters' identities;
# - the three administrator roles (accounts, configuration, the audit log).
SECOND_FACTOR_ROLES: frozenset[Role] = frozenset(
    {
        Role.LEGAL,
        Role.DIVISION_HEAD,
        Role.SECTION_CHIEF,
        Role.OFFICE,
        Role.CENTRE,
        Role.SUPERVISION,
        *ADMINISTRATOR_ROLES,
    }
)


def _can_publish(user: Any) -> bool:
    """A Wagtail "publish" permission on pages, or a model publish permission (snippets)."""
    if GroupPagePermission.objects.filter(
        group__user=user, permission__codename="publish_page"
    ).exists():
        return True
    return Permission.objects.filter(
        Q(group__user=user) | Q(user=user), codename__startswith="publish_"
    ).exists()


def _approves_workflow_task(user: Any) -> bool:
    """Member of a group named as approver of an active Wagtail group approval task."""
    return GroupApprovalTask.objects.filter(active=True, groups__user=user).exists()


def requires_second_factor(user: Any) -> bool:
    """True for superusers and for every account that can publish, review, or see integrity
    reports: they must pass the TOTP second factor before any staff page or session API."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if any(user_has_role(user, role) for role in SECOND_FACTOR_ROLES):
        return True
    return _can_publish(user) or _approves_workflow_task(user)


def is_staff_account(user: Any) -> bool:
    """A staff session gets the idle and absolute timeouts: Django staff, any role, or
    access to the Wagtail admin. (The public never signs in; this is belt and braces.)"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if any(user_has_role(user, role) for role in Role):
        return True
    return user.has_perm("wagtailadmin.access_admin")
