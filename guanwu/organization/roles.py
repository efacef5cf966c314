"""Role groups: created once from the ``Role`` enum and kept in step after every migrate."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .enums import Role

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
    # The administrator roles (issue 8): their permissions are completed with their views.
    Role.SYSTEM_ADMIN: list(_COMMON),
    Role.SECURITY_ADMIN: list(_COMMON),
    Role.AUDIT_ADMIN: list(_COMMON),
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


def user_has_role(user: object, role: Role) -> bool:
    """True when the user holds the role's group (superusers do not implicitly hold roles).

    The user's groups are read once per user object (one request) and kept on it.
    """
    return role.group_name in _group_names(user)
