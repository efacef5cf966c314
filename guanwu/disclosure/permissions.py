"""Who may do what with disclosure content (named predicates, STYLE rule 5)."""

from __future__ import annotations

from typing import Any

from guanwu.organization.enums import Role, UnitKind
from guanwu.organization.models import Unit
from guanwu.organization.roles import user_has_role


def staff_unit(user: Any) -> Unit | None:
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    return staff.unit if staff is not None else None


def user_heads_unit(user: Any, unit: Unit) -> bool:
    """True for the head of ``unit`` or of a unit above it; the office heads the district."""
    own = staff_unit(user)
    if unit.kind == UnitKind.DISTRICT:
        return user_has_role(user, Role.OFFICE)
    if own is None:
        return False
    if user_has_role(user, Role.SECTION_CHIEF) and own.pk == unit.pk:
        return True
    return (
        user_has_role(user, Role.DIVISION_HEAD)
        and own.kind == UnitKind.DIVISION
        and unit.is_within(own)
    )


def user_can_edit_for_unit(user: Any, unit: Unit) -> bool:
    """Liaisons and unit heads edit their own unit's content; the office and centre any unit's."""
    if user_has_role(user, Role.OFFICE) or user_has_role(user, Role.CENTRE):
        return True
    own = staff_unit(user)
    if own is None:
        return False
    if user_has_role(user, Role.LIAISON) or user_has_role(user, Role.SECTION_CHIEF):
        return unit.is_within(own) or (own.kind == UnitKind.SECTION and unit.pk == own.pk)
    if user_has_role(user, Role.DIVISION_HEAD):
        return unit.is_within(own)
    return False


def units_user_can_edit_for(user: Any) -> Any:
    if user_has_role(user, Role.OFFICE) or user_has_role(user, Role.CENTRE):
        return Unit.objects.all()
    own = staff_unit(user)
    if own is None:
        return Unit.objects.none()
    ids = [u.pk for u in Unit.objects.select_related("parent__parent") if u.is_within(own)]
    return Unit.objects.filter(pk__in=ids)


def user_can_record_filing_decision(user: Any) -> bool:
    """The superior authority's ruling is entered by the office (seed 六.一) or legal."""
    return user_has_role(user, Role.OFFICE) or user_has_role(user, Role.LEGAL)
