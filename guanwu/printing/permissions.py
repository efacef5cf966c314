"""Who may build, see and file printed editions (named predicates, STYLE rule 5).

Seed 四.(一)–(二), 六.八: the office and the consulting service centre keep the printed
channels of the whole district; a unit's heads and its liaison keep their own unit's boards
and handbook (and the boards of its declaration halls); the centre records the filing (备案).
Everyone else has no business with editions and sees none of them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from guanwu.disclosure.permissions import staff_unit
from guanwu.organization.enums import Role
from guanwu.organization.models import Hall, Unit
from guanwu.organization.roles import user_has_role

from .models import Edition

# Roles that build and see every edition of the district.
DISTRICT_ROLES = (Role.OFFICE, Role.CENTRE)
# Roles that build and see the editions of their own unit (and of the units below it).
UNIT_ROLES = (Role.SECTION_CHIEF, Role.DIVISION_HEAD, Role.LIAISON)


def user_sees_all_editions(user: Any) -> bool:
    return any(user_has_role(user, role) for role in DISTRICT_ROLES)


def _own_units(user: Any) -> QuerySet[Unit] | None:
    """The units a unit-scoped user prints for: their unit and the units below it.

    ``None`` when the user holds no unit-scoped printing role or has no unit.
    """
    if not any(user_has_role(user, role) for role in UNIT_ROLES):
        return None
    own = staff_unit(user)
    if own is None:
        return None
    # Three levels at most (district → division → section), so two hops reach every unit below.
    return Unit.objects.filter(Q(pk=own.pk) | Q(parent=own) | Q(parent__parent=own))


def user_can_build_editions(user: Any) -> bool:
    """True for anyone who may request an edition of some scope (and so see the menu)."""
    return user_sees_all_editions(user) or _own_units(user) is not None


# Seeing editions goes with building them: the same people keep the printed channels.
user_can_see_editions = user_can_build_editions


def units_user_can_print_for(user: Any) -> QuerySet[Unit]:
    """Live units whose handbook or board this user may request."""
    if user_sees_all_editions(user):
        return Unit.objects.live()
    own = _own_units(user)
    return Unit.objects.live().filter(pk__in=own) if own is not None else Unit.objects.none()


def halls_user_can_print_for(user: Any) -> QuerySet[Hall]:
    """Live declaration halls whose board this user may request."""
    halls = Hall.objects.filter(live=True).select_related("unit")
    if user_sees_all_editions(user):
        return halls
    own = _own_units(user)
    return halls.filter(unit__in=own) if own is not None else Hall.objects.none()


def user_can_request_edition(user: Any, *, kind: str, unit: Unit | None, hall: Hall | None) -> bool:
    """May ``user`` request an edition of this scope? The district's own handbook (no unit,
    no hall) is the office's and the centre's."""
    if user_sees_all_editions(user):
        return True
    own = _own_units(user)
    if own is None:
        return False
    if hall is not None:
        return own.filter(pk=hall.unit_id).exists()
    if unit is not None:
        return own.filter(pk=unit.pk).exists()
    return False


def editions_visible_to(user: Any) -> QuerySet[Edition]:
    """The editions ``user`` may see: all, those of their own unit and its halls, or none."""
    if user_sees_all_editions(user):
        return Edition.objects.all()
    own = _own_units(user)
    if own is None:
        return Edition.objects.none()
    return Edition.objects.filter(Q(unit__in=own) | Q(hall__unit__in=own))


def user_can_view_edition(user: Any, edition: Edition) -> bool:
    return editions_visible_to(user).filter(pk=edition.pk).exists()


def user_can_file_edition(user: Any) -> bool:
    """备案 is recorded by the consulting service centre, with which editions are filed."""
    return user_has_role(user, Role.CENTRE)
