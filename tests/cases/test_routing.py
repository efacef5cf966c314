"""DESIGN rule 4 (seed 二 三级负责; 六.二): the lowest common ancestor decides the level."""

from __future__ import annotations

import pytest

from guanwu.cases.enums import CaseKind, Level
from guanwu.cases.routing import lowest_common_ancestor, route
from guanwu.organization.enums import UnitFunction, UnitKind
from guanwu.organization.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(demo):
    branches = list(Unit.objects.filter(function=UnitFunction.BRANCH).order_by("code")[:2])
    a, b = branches
    a_sections = list(a.children.order_by("code")[:2])
    b_section = b.children.order_by("code").first()
    return {"a": a, "b": b, "a1": a_sections[0], "a2": a_sections[1], "b1": b_section}


def test_rule_4_one_section_goes_to_its_chief(tree):
    result = route(CaseKind.CONSULTATION, [tree["a1"]])
    assert result.level == Level.SECTION
    assert result.responsible_unit == tree["a1"]


def test_rule_4_two_sections_of_one_division_go_to_the_division(tree):
    result = route(CaseKind.COMPLAINT_EFFICIENCY, [tree["a1"], tree["a2"]])
    assert result.level == Level.DIVISION
    assert result.responsible_unit == tree["a"]


def test_rule_4_a_division_and_its_own_section_go_to_the_division(tree):
    result = route(CaseKind.CONSULTATION, [tree["a"], tree["a1"]])
    assert (result.level, result.responsible_unit) == (Level.DIVISION, tree["a"])


def test_rule_4_two_divisions_go_to_the_centre(tree):
    centre = Unit.objects.get(function=UnitFunction.CENTRE)
    for units in ([tree["a"], tree["b"]], [tree["a1"], tree["b1"]], [tree["a2"], tree["b"]]):
        result = route(CaseKind.MAILBOX, units)
        assert (result.level, result.responsible_unit) == (Level.CENTRE, centre)


def test_rule_4_no_unit_named_goes_to_the_centre(tree):
    assert route(CaseKind.CONSULTATION, []).level == Level.CENTRE
    district = Unit.objects.get(kind=UnitKind.DISTRICT)
    assert route(CaseKind.CONSULTATION, [district]).level == Level.CENTRE


@pytest.mark.parametrize("kind", [CaseKind.COMPLAINT_ATTITUDE, CaseKind.INTEGRITY_REPORT])
def test_rule_4_attitude_and_integrity_go_to_the_supervision_office(tree, kind):
    supervision = Unit.objects.get(function=UnitFunction.SUPERVISION)
    for units in ([tree["a1"]], [tree["a1"], tree["a2"]], [tree["a"], tree["b"]], []):
        result = route(kind, units)
        assert (result.level, result.responsible_unit) == (Level.SUPERVISION, supervision)


def test_lowest_common_ancestor(tree):
    assert lowest_common_ancestor([tree["a1"]]) == tree["a1"]
    assert lowest_common_ancestor([tree["a1"], tree["a2"]]) == tree["a"]
    assert lowest_common_ancestor([tree["a1"], tree["b1"]]).kind == UnitKind.DISTRICT
    assert lowest_common_ancestor([]) is None
