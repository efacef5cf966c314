"""Invariants of the unit tree (seed 二: 关级 → 处级 → 科级), enforced below the UI."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import pytest

from guanwu.organization.enums import UnitFunction, UnitKind
from guanwu.organization.models import Unit
from tests.factories import PostFactory, StaffFactory, UnitFactory, district

pytestmark = pytest.mark.django_db


def test_a_division_sits_under_the_district():
    root = district()
    division = UnitFactory(kind=UnitKind.DIVISION, parent=root)
    assert division.parent == root
    assert [u.code for u in division.path()] == [root.code, division.code]


def test_a_section_sits_under_a_division():
    section = UnitFactory(section=True)
    assert section.parent.kind == UnitKind.DIVISION
    assert section.level == 2


def test_a_section_directly_under_the_district_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        Unit(code="T-BAD", name="错位科", kind=UnitKind.SECTION, parent=district()).save()
    assert "parent" in excinfo.value.message_dict


def test_a_section_under_a_section_is_refused():
    section = UnitFactory(section=True)
    with pytest.raises(ValidationError):
        Unit(code="T-BAD", name="错位科", kind=UnitKind.SECTION, parent=section).save()


def test_a_division_under_a_division_is_refused():
    division = UnitFactory()
    with pytest.raises(ValidationError):
        Unit(code="T-BAD", name="错位处", kind=UnitKind.DIVISION, parent=division).save()


def test_a_division_without_parent_is_refused():
    district()
    with pytest.raises(ValidationError):
        Unit(code="T-BAD", name="孤立处", kind=UnitKind.DIVISION, parent=None).save()


def test_the_district_cannot_have_a_parent():
    root = district()
    other = Unit(code="T-ROOT2", name="另一关", kind=UnitKind.DISTRICT, parent=root)
    with pytest.raises(ValidationError):
        other.save()


def test_only_one_district_even_bypassing_save():
    district()
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.bulk_create([Unit(code="T-ROOT2", name="另一关", kind=UnitKind.DISTRICT)])


def test_root_constraint_holds_in_the_database_too():
    """A bulk insert skips save(); the check constraint still refuses a parentless division."""
    district()
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.bulk_create([Unit(code="T-X", name="孤立处", kind=UnitKind.DIVISION)])


def test_codes_are_unique():
    UnitFactory(code="T-SAME")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(code="T-SAME")


def test_codes_are_normalised_to_upper_case():
    unit = UnitFactory(code="t-lower")
    assert unit.code == "T-LOWER"


def test_code_format_is_validated():
    unit = UnitFactory.build(code="1 bad code", parent=district())
    with pytest.raises(ValidationError) as excinfo:
        unit.full_clean()
    assert "code" in excinfo.value.message_dict


def test_no_cycles_a_unit_cannot_be_its_own_parent():
    division = UnitFactory()
    division.parent = division
    with pytest.raises(ValidationError):
        division.save()


def test_no_cycles_through_a_descendant():
    """Making a division a section of its own section would close a loop."""
    section = UnitFactory(section=True)
    division = section.parent
    division.kind = UnitKind.SECTION
    division.parent = section
    with pytest.raises(ValidationError) as excinfo:
        division.save()
    assert "循环" in str(excinfo.value)


def test_ancestors_stop_on_a_cycle_written_behind_the_models_back():
    section = UnitFactory(section=True)
    division = section.parent
    Unit.objects.filter(pk=division.pk).update(parent=section, kind=UnitKind.SECTION)
    division.refresh_from_db()
    assert len(list(division.ancestors())) == 1  # terminates instead of looping


def test_changing_kind_may_not_strand_children():
    section = UnitFactory(section=True)
    division = section.parent
    division.kind = UnitKind.SECTION
    division.parent = UnitFactory()
    with pytest.raises(ValidationError) as excinfo:
        division.save()
    assert "kind" in excinfo.value.message_dict


def test_function_only_on_divisions_and_single_bodies_unique():
    if not Unit.objects.filter(function=UnitFunction.LEGAL).exists():
        UnitFactory(function=UnitFunction.LEGAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(function=UnitFunction.LEGAL)
    # many branches are fine
    UnitFactory(function=UnitFunction.BRANCH)
    UnitFactory(function=UnitFunction.BRANCH)
    with pytest.raises(ValidationError):
        UnitFactory(section=True, function=UnitFunction.BRANCH)


def test_is_within():
    section = UnitFactory(section=True)
    assert section.is_within(section.parent)
    assert section.is_within(district())
    assert not section.parent.is_within(section)


def test_work_numbers_are_unique():
    StaffFactory(work_number="123456")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffFactory(work_number="123456")


def test_window_signs_unique_within_a_unit():
    post = PostFactory(sign_code="A01")
    PostFactory(sign_code="A01")  # another unit may reuse the sign
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(sign_code="A01", unit=post.unit)


def test_staff_only_on_windows_of_their_unit():
    staff = StaffFactory()
    own = PostFactory(unit=staff.unit)
    foreign = PostFactory()
    staff.posts.set([own])
    staff.full_clean()
    staff.posts.set([own, foreign])
    with pytest.raises(ValidationError) as excinfo:
        staff.full_clean()
    assert "posts" in excinfo.value.message_dict
    # and no revision with the foreign window can be saved, so none can be published
    with pytest.raises(ValidationError):
        staff.save_revision()
