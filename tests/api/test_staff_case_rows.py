"""The staff case list writes its rows by hand (``StaffCaseSerializer.to_representation``, for
speed, issue 9); they must be what DRF's generic serialisation of the same fields gives."""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest
from rest_framework import serializers

from guanwu.api.views_staff_cases import StaffCaseSerializer, with_related
from guanwu.cases.models import Case, CaseReply
from guanwu.cases.services import case_submit_public
from guanwu.organization.models import Unit

pytestmark = pytest.mark.django_db


def generic(case: Case, context: dict) -> dict:
    """DRF's own path over the declared fields (method fields, nested replies and all)."""
    return serializers.ModelSerializer.to_representation(StaffCaseSerializer(context=context), case)


def test_hand_written_rows_equal_drf_generic_output(demo_users):
    section = Unit.objects.get(code="HH-XG-ZHYW")
    centre, chief = demo_users["centre"], demo_users["chief"]
    plain = case_submit_public(kind="consultation", body="咨询").case  # no contact, no unit
    named = case_submit_public(
        kind="complaint_efficiency",
        body="投诉",
        name="张先生",
        phone="13800138000",
        email="a@example.com",
        units=[section],
    ).case
    Case.objects.filter(pk=named.pk).update(
        handler=chief,
        first_contact=centre,
        escalated_to=section,
        merged_into=plain,
        status="closed",
        replied_at=timezone.now(),
        closed_at=timezone.now() - datetime.timedelta(hours=3),
        deadline=datetime.date(2001, 1, 1),
    )
    CaseReply.objects.create(case=named, body="已答复", public=True, author=chief)
    CaseReply.objects.create(
        case=named,
        body="退回",
        public=True,
        author=centre,
        approved_by=chief,
        approved_at=timezone.now(),
        sent_at=timezone.now(),
        rejection_note="请补充",
    )
    late = case_submit_public(kind="mailbox", body="信箱", units=[section]).case
    Case.objects.filter(pk=late.pk).update(status="in_progress", deadline=datetime.date(2001, 1, 1))
    cases = list(with_related(Case.objects.filter(pk__in=[plain.pk, named.pk, late.pk])))
    assert len(cases) == 3
    for shown in (True, False):
        context = {"identity": {case.pk: shown for case in cases}}
        fast = StaffCaseSerializer(cases, many=True, context=context).data
        for case, row in zip(cases, fast, strict=True):
            reference = generic(case, context)
            assert list(row) == list(reference)
            assert row == reference, case.tracking_code
    rows = {row["id"]: row for row in StaffCaseSerializer(cases, many=True).data}
    assert rows[named.pk]["name"] == "***" and rows[plain.pk]["name"] == ""  # masked, empty
    assert rows[late.pk]["overdue"] and not rows[named.pk]["overdue"]
    assert [r["body"] for r in rows[named.pk]["replies"]] == ["已答复", "退回"]
