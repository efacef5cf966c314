"""Who may see and act on which case (DESIGN rules 4, 5, 8). Named predicates, STYLE rule 5.

Superusers hold no case role: an integrity reporter's identity is for the supervision office
only (rule 8), whoever runs the servers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from guanwu.disclosure.permissions import staff_unit, user_has_role, user_heads_unit
from guanwu.organization.enums import Role, UnitKind
from guanwu.organization.models import Unit

from .enums import CaseKind, Level
from .models import Case, CaseUnit

CONFIDENTIAL_KINDS = frozenset({CaseKind.INTEGRITY_REPORT})


def _own_units(user: Any) -> list[int]:
    own = staff_unit(user)
    if own is None:
        return []
    if own.kind == UnitKind.SECTION:
        return [own.pk]
    return [own.pk, *Unit.objects.filter(parent=own).values_list("pk", flat=True)]


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """The cases ``user`` may see, as one plain filter on ``cases_case``.

    The case's co-handling units are an ``EXISTS`` on ``cases_caseunit`` inside the filter
    (not a join under ``pk IN (...)``), so a listing's scan tests each row where it reads it
    and stops after a page (issue 9). Terms another term already covers are left out: the
    centre and the office see every case but integrity reports, whatever unit it is in.
    """
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    if user_has_role(user, Role.SUPERVISION):
        return Case.objects.all()
    not_confidential = ~Q(kind__in=CONFIDENTIAL_KINDS)
    visible = Q(first_contact=user)
    if user_has_role(user, Role.OFFICE) or user_has_role(user, Role.CENTRE):
        return Case.objects.filter(visible | not_confidential)
    own = Q(handler=user)
    units = _own_units(user)
    if units and any(
        user_has_role(user, role)
        for role in (Role.CASE_HANDLER, Role.SECTION_CHIEF, Role.DIVISION_HEAD, Role.LIAISON)
    ):
        own |= (
            Q(responsible_unit__in=units)
            | Q(escalated_to__in=units)
            | Exists(CaseUnit.objects.filter(case=OuterRef("pk"), unit__in=units))
        )
    return Case.objects.filter(visible | (own & not_confidential))


def user_can_see_case(user: Any, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def user_can_see_identity(user: Any, case: Case) -> bool:
    """Rule 8: an integrity reporter's name and contact only for the supervision office."""
    if case.kind in CONFIDENTIAL_KINDS:
        return user_has_role(user, Role.SUPERVISION)
    return user_can_see_case(user, case)


def user_can_act_on_case(user: Any, case: Case) -> bool:
    """Handle, route, reply, pause or close: the responsible unit, or the body of its level."""
    if case.level == Level.SUPERVISION or case.kind in CONFIDENTIAL_KINDS:
        return user_has_role(user, Role.SUPERVISION)
    if user_has_role(user, Role.CENTRE) or user_has_role(user, Role.OFFICE):
        return True
    if getattr(user, "pk", None) in (case.first_contact_id, case.handler_id):
        return True
    units = _own_units(user)
    return bool(
        (case.responsible_unit_id and case.responsible_unit_id in units)
        or (case.escalated_to_id and case.escalated_to_id in units)
    )


def user_is_cohandler(user: Any, case: Case) -> bool:
    """A staff member of a co-handling unit (协办) gives opinions on the case."""
    units = _own_units(user)
    return bool(units) and case.unit_links.filter(lead=False, unit__in=units).exists()


def user_can_approve_reply(user: Any, case: Case) -> bool:
    """Replies to complaints and reports go out after the handling unit head approves them;
    for the supervision office's cases that head must hold the supervision role (rule 8)."""
    if case.responsible_unit is None or not user_heads_unit(user, case.responsible_unit):
        return False
    if case.kind in CONFIDENTIAL_KINDS or case.level == Level.SUPERVISION:
        return user_has_role(user, Role.SUPERVISION)
    return True


def user_can_log_contacts(user: Any) -> bool:
    return any(
        user_has_role(user, role)
        for role in (
            Role.CENTRE,
            Role.CASE_HANDLER,
            Role.SUPERVISION,
            Role.OFFICE,
            Role.SECTION_CHIEF,
        )
    )


def reply_approvers(case: Case) -> list[Any]:
    """The people who may approve a reply on ``case``: the handling unit's heads."""
    from guanwu.disclosure.reminders import unit_heads

    if case.responsible_unit is None:
        return []
    return [u for u in unit_heads(case.responsible_unit) if user_can_approve_reply(u, case)]


def assignable_handlers(unit: Unit | None) -> QuerySet[Any]:
    """Active staff accounts of ``unit`` and the sections below it: who can be its handler."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, staff__isnull=False)
    if unit is None:
        return users.none()
    units = [unit.pk, *Unit.objects.filter(parent=unit).values_list("pk", flat=True)]
    return users.filter(staff__unit__in=units).select_related("staff__unit").order_by("username")
