"""Who may read and change the oversight records (named predicates, STYLE rule 5).

Seed 六: the office (办公室) runs the day-to-day oversight (抓好日常督办) and the centre (咨询服务
中心) co-ordinates the desks and answers the hotlines, so both keep the duty rosters; the office
keeps the register of liaisons (五.(五)); the technology division (技术处) equips and maintains
the kiosks and boards with the centre, which makes the boards and desks (六.五, 六.六), and
the office reads that register for its oversight.

Roles decide, as everywhere else: a superuser (the system administrator) holds no
oversight role unless given one (separation of duties).
"""

from __future__ import annotations

from typing import Any

from guanwu.organization.enums import Role
from guanwu.organization.roles import user_has_business_role, user_has_role


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _any_role(user: Any, *roles: Role) -> bool:
    return _active(user) and any(user_has_role(user, role) for role in roles)


def user_has_admin_access(user: Any) -> bool:
    return _active(user) and user.has_perm("wagtailadmin.access_admin")


# --- duty rosters -----------------------------------------------------------------------------


def user_can_view_rosters(user: Any) -> bool:
    """Everyone who works in the admin may see who is on the desks and lines (not the
    administrator roles, whose duties are elsewhere)."""
    return user_has_admin_access(user) and user_has_business_role(user)


def user_can_edit_rosters(user: Any) -> bool:
    return _any_role(user, Role.OFFICE, Role.CENTRE)


# --- the liaison register ---------------------------------------------------------------------


def user_can_view_liaisons(user: Any) -> bool:
    """Who keeps a unit's content current is useful to everyone in the admin (not the
    administrator roles)."""
    return user_has_admin_access(user) and user_has_business_role(user)


def user_can_edit_liaisons(user: Any) -> bool:
    return _any_role(user, Role.OFFICE)


# --- hall devices and their maintenance log ---------------------------------------------------


def user_can_view_devices(user: Any) -> bool:
    return _any_role(user, Role.TECHNOLOGY, Role.CENTRE, Role.OFFICE)


def user_can_edit_devices(user: Any) -> bool:
    return _any_role(user, Role.TECHNOLOGY, Role.CENTRE)
