"""Who sees which case (DESIGN rules 4, 5, 8): ``cases_visible_to`` is one SQL filter (issue 9
made it an inline ``EXISTS`` for speed). Every staff account of the demo is checked against a
row-by-row statement of the rule over cases that differ in each thing the rule looks at, so
the query can neither widen nor narrow without a test failing."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

import pytest

from guanwu.cases.enums import CaseKind
from guanwu.cases.models import Case, CaseUnit
from guanwu.cases.permissions import _own_units, cases_visible_to, user_can_see_case
from guanwu.disclosure.permissions import user_has_role
from guanwu.organization.enums import Role
from guanwu.organization.models import Unit

pytestmark = pytest.mark.django_db

_codes = itertools.count()


def expected(user, case: Case, links: set[int]) -> bool:
    """The rule, one case at a time, written out independently of the query."""
    if user_has_role(user, Role.SUPERVISION):
        return True
    if case.first_contact_id == user.pk:
        return True
    if case.kind == CaseKind.INTEGRITY_REPORT:
        return False  # rule 8: only the supervision office, and whoever took the call
    if user_has_role(user, Role.OFFICE) or user_has_role(user, Role.CENTRE):
        return True
    if case.handler_id == user.pk:
        return True
    roles = (Role.CASE_HANDLER, Role.SECTION_CHIEF, Role.DIVISION_HEAD, Role.LIAISON)
    if not any(user_has_role(user, role) for role in roles):
        return False
    units = set(_own_units(user))
    return bool(units & ({case.responsible_unit_id, case.escalated_to_id} | links))


@pytest.fixture
def cases(demo):
    """Cases over every combination the rule reads: kind, first contact, handler, the
    responsible unit, the unit escalated to and a co-handling unit (each one of the
    section's, another division's section, or none)."""
    staff = list(get_user_model().objects.filter(staff__isnull=False).order_by("pk"))
    section = Unit.objects.get(code="HH-XG-ZHYW")
    other = (
        Unit.objects.filter(kind="section")
        .exclude(parent=section.parent)
        .exclude(pk=section.pk)
        .first()
    )
    people = [None, staff[0], staff[len(staff) // 2], staff[-1]]
    made: list[Case] = []
    links: dict[int, set[int]] = {}
    combos = itertools.product(
        [CaseKind.CONSULTATION, CaseKind.INTEGRITY_REPORT],
        [None, section, other],  # responsible unit
        [None, section, other],  # escalated to
        [None, section, other],  # co-handling unit
    )
    for n, (kind, responsible, escalated, cohandling) in enumerate(combos):
        case = Case.objects.create(
            tracking_code=f"V{next(_codes):09d}",
            kind=kind,
            channel="web",
            body="可见性",
            received_on="2026-01-05",
            deadline="2026-01-20",
            responsible_unit=responsible,
            escalated_to=escalated,
            first_contact=people[n % 4],
            handler=people[(n // 4) % 4],
        )
        links[case.pk] = set()
        if cohandling is not None:
            CaseUnit.objects.create(case=case, unit=cohandling, lead=False)
            links[case.pk].add(cohandling.pk)
        made.append(case)
    return staff, made, links


def test_every_staff_account_sees_exactly_what_the_rule_allows(cases):
    staff, made, links = cases
    ids = [case.pk for case in made]
    assert len(staff) > 10
    for user in staff:
        seen = set(cases_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        allowed = {case.pk for case in made if expected(user, case, links[case.pk])}
        assert seen == allowed, user.username
        # No duplicates from the co-handling units (a join would repeat rows).
        assert cases_visible_to(user).filter(pk__in=ids).count() == len(allowed)


def test_the_rule_is_not_trivially_wide(cases, demo_users):
    _staff, made, links = cases
    integrity = [c for c in made if c.kind == CaseKind.INTEGRITY_REPORT]
    centre, chief = demo_users["centre"], demo_users["chief"]
    # The centre sees no integrity report it did not take itself (rule 8) ...
    for case in integrity:
        assert user_can_see_case(centre, case) == (case.first_contact_id == centre.pk)
    # ... and a section chief no consultation outside their units they do not handle.
    units = set(_own_units(chief))
    outside = [
        c
        for c in made
        if c.kind == CaseKind.CONSULTATION
        and not units & ({c.responsible_unit_id, c.escalated_to_id} | links[c.pk])
        and chief.pk not in (c.first_contact_id, c.handler_id)
    ]
    assert outside
    assert not cases_visible_to(chief).filter(pk__in=[c.pk for c in outside]).exists()
    # Co-handling alone is enough for the section's staff.
    cohandled = [
        c
        for c in made
        if c.kind == CaseKind.CONSULTATION
        and links[c.pk] & units
        and not units & {c.responsible_unit_id, c.escalated_to_id}
        and chief.pk not in (c.first_contact_id, c.handler_id)
    ]
    assert cohandled
    assert all(user_can_see_case(chief, c) for c in cohandled)
    # Signed out: nothing.
    from django.contrib.auth.models import AnonymousUser

    assert not cases_visible_to(AnonymousUser()).exists()
