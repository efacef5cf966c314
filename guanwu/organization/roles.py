"""Role groups: created once from the ``Role`` enum and kept in step after every migrate."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .enums import ADMINISTRATOR_ROLES, GROUP_NAMES, Role

# Every role works in the Wagtail admin.
_COMMON = ["wagtailadmin.access_admin"]
_ORG_EDIT = [
    f"organization.{verb}_{model}"
    for model in ("unit", "hall", "post", "staff", "contactline")
    for verb in ("add", "change", "view")
]
_ORG_VIEW = [
    f"organization.view_{model}" for model in ("unit", "hall", "post", "staff", "contactline")
]

# The working-day calendar (holidays, swapped working days) and the reply limits are kept by
# the office and the centre (seed 四.五 限时答复), with the reply templates.
_CALENDAR_EDIT = [
    f"{app}.{verb}_{model}"
    for app, model in (
        ("workcalendar", "calendarday"),
        ("workcalendar", "calendaryear"),
        ("cases", "deadlinepolicy"),
        ("cases", "replytemplate"),
    )
    for verb in ("add", "change", "delete", "view")
]

# The system administrator keeps the configuration: sites, the kiosk settings, search synonyms
# and redirects. Not accounts or roles, not content, not cases, not the audit log; never
# delete_site (the site is what every public address hangs on).
_SYSTEM_CONFIG = [
    "wagtailcore.add_site",
    "wagtailcore.change_site",
    "wagtailcore.view_site",
    "portal.change_kiosksettings",
    "portal.view_kiosksettings",
    *(f"portal.{verb}_searchsynonym" for verb in ("add", "change", "delete", "view")),
    *(f"wagtailredirects.{verb}_redirect" for verb in ("add", "change", "delete")),
]
# The security administrator keeps accounts and their role (group) membership in the Wagtail
# admin (wagtailusers). Groups themselves (their permissions) are declared in this module and
# re-synced after every migrate, so nobody edits them in the admin (no change_group).
_ACCOUNTS = ["auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group"]

# Seed 六: the office manages the website's disclosure content, the centre co-ordinates it,
# liaisons keep their unit's part current (seed 五.五); everyone else reads the directory.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.OFFICE: _COMMON + _ORG_EDIT + _CALENDAR_EDIT,
    Role.CENTRE: _COMMON + _ORG_EDIT + _CALENDAR_EDIT,
    Role.LIAISON: _COMMON + _ORG_EDIT,
    Role.SUPERVISION: _COMMON + _ORG_VIEW,
    Role.POLITICAL_WORK: _COMMON + _ORG_VIEW,
    Role.LEGAL: _COMMON + _ORG_VIEW,
    Role.TECHNOLOGY: _COMMON + _ORG_VIEW,
    Role.FINANCE: _COMMON + _ORG_VIEW,
    Role.DIVISION_HEAD: _COMMON + _ORG_VIEW,
    Role.SECTION_CHIEF: _COMMON + _ORG_VIEW,
    Role.CASE_HANDLER: _COMMON + _ORG_VIEW,
    # Separation of duties (MLPS 2.0 level 3, issue 8): three disjoint administrator duties.
    Role.SYSTEM_ADMIN: _COMMON + _SYSTEM_CONFIG,
    Role.SECURITY_ADMIN: _COMMON + _ACCOUNTS,
    # The audit administrator reads the audit log (guanwu/audit/views.py) and nothing else.
    Role.AUDIT_ADMIN: [*_COMMON, "audit.view_auditevent"],
}


class PermissionsNotReady(Exception):
    """Raised while migrate has not yet created every permission the roles need."""


def _permissions() -> dict[str, Permission]:
    wanted = {code for codes in ROLE_PERMISSIONS.values() for code in codes}
    found = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in={code.split(".", 1)[1] for code in wanted}
        )
    }
    missing = wanted - set(found)
    if missing:
        raise PermissionsNotReady(", ".join(sorted(missing)))
    return found


@transaction.atomic
def sync_role_groups() -> dict[Role, Group]:
    """Create the group of every role and give it exactly the permissions listed above."""
    permissions = _permissions()
    groups: dict[Role, Group] = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set([permissions[code] for code in ROLE_PERMISSIONS[role]])
        groups[role] = group
    return groups


def role_group(role: Role) -> Group:
    return Group.objects.get(name=role.group_name)


def _group_names(user: object) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_guanwu_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        user._guanwu_roles = cache  # type: ignore[attr-defined]
    return cache


def user_has_business_role(user: object) -> bool:
    """True for a superuser (the break-glass account) or a holder of any role other than the
    three administrator roles: the work areas (cases, content reminders, filings, rosters) are
    closed to an account that only administers the system, its security or its audit."""
    if getattr(user, "is_superuser", False):
        return True
    administrator_groups = {role.group_name for role in ADMINISTRATOR_ROLES}
    return bool(_group_names(user) - administrator_groups)


def business_role_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse a view of the work areas to accounts holding only administrator roles."""

    @functools.wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not user_has_business_role(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def user_has_role(user: object, role: Role) -> bool:
    """True when the user holds the role's group (superusers do not implicitly hold roles).

    The user's groups are read once per user object (one request) and kept on it.
    """
    return role.group_name in _group_names(user)


# --- separation of duties (MLPS 2.0 level 3) --------------------------------------------------

_ROLE_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}


def administrator_roles_in(group_names: Iterable[str]) -> list[Role]:
    """The administrator roles among ``group_names``, in the enum's order."""
    held = {_ROLE_BY_GROUP.get(name) for name in group_names}
    return [role for role in Role if role in ADMINISTRATOR_ROLES and role in held]


def check_separation_of_duties(group_names: Iterable[str]) -> None:
    """Refuse a set of groups holding two or more of the three administrator roles.

    MLPS 2.0 level 3 (GB/T 22239-2019 8.1.4.2): system, security and audit administration
    are held by different people, so none of them can cover up what another one did.
    """
    roles = administrator_roles_in(group_names)
    if len(roles) > 1:
        raise ValidationError(
            _(
                "系统管理员、安全管理员、审计管理员须由不同人员担任，"
                "同一账号不能同时持有：%(roles)s。"
            )
            % {"roles": pgettext("list separator", "、").join(str(role.label) for role in roles)},
            code="separation_of_duties",
        )


def user_can_assign_roles(user: Any) -> bool:
    """Only the security administrator changes who holds which role; superusers are the
    break-glass exception (their every change is in the audit log)."""
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return False
    return bool(user.is_superuser) or user_has_role(user, Role.SECURITY_ADMIN)
