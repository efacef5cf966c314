from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from guanwu.demo.district import DEMO_LOGINS
from guanwu.organization.enums import ContactLineKind, Role, UnitFunction, UnitKind
from guanwu.organization.models import ContactLine, Hall, Post, Staff, Unit

pytestmark = pytest.mark.django_db

COUNTED = (Unit, Hall, Post, Staff, ContactLine, get_user_model())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_load_demo_twice_changes_nothing_and_duplicates_nothing():
    call_command("load_demo", verbosity=0)
    first = counts()
    snapshot = list(Unit.objects.order_by("code").values())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == first
    assert list(Unit.objects.order_by("code").values()) == snapshot
    assert "nothing changed" in out.getvalue()


def test_demo_district_has_the_required_shape(demo):
    assert Unit.objects.filter(kind=UnitKind.DISTRICT).count() == 1
    branches = Unit.objects.filter(function=UnitFunction.BRANCH)
    assert branches.count() >= 4
    for branch in branches:
        assert branch.children.count() >= 3, branch
        assert branch.halls.exists(), branch
    for function in (
        "office",
        "supervision",
        "political_work",
        "legal",
        "technology",
        "centre",
        "finance",
    ):
        assert Unit.objects.filter(function=function).count() == 1, function
    assert Staff.objects.count() >= 60
    assert Post.objects.exclude(hall=None).exists()
    kinds = set(ContactLine.objects.values_list("kind", flat=True))
    assert kinds == set(ContactLineKind.values)


def test_every_demo_login_works_with_its_role(demo, client, settings):
    users = get_user_model().objects.filter(username__in=DEMO_LOGINS)
    assert {u.username for u in users} == set(DEMO_LOGINS)
    for user in users:
        assert user.check_password(settings.GUANWU_DEMO_PASSWORD)
        assert user.staff.work_number == DEMO_LOGINS[user.username]
    assert users.get(username="admin").is_superuser
    legal = users.get(username="legal")
    assert legal.groups.filter(name=Role.LEGAL.group_name).exists()
    assert legal.staff.unit.is_within(Unit.objects.get(function=UnitFunction.LEGAL))
    chief = users.get(username="chief")
    liaison = users.get(username="liaison")
    division = users.get(username="division")
    assert chief.staff.unit == liaison.staff.unit
    assert chief.staff.unit.parent == division.staff.unit


def test_demo_password_comes_from_the_environment(db, settings):
    settings.GUANWU_DEMO_PASSWORD = "another-long-password"
    call_command("load_demo", verbosity=0)
    assert get_user_model().objects.get(username="office").check_password("another-long-password")


def test_load_demo_refuses_production(db, settings):
    settings.GUANWU_ENVIRONMENT = "production"
    settings.GUANWU_DEMO_PASSWORD = "changed-in-production"
    before = counts()
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    assert counts() == before
    assert (
        not get_user_model().objects.get(username="office").check_password("changed-in-production")
    )


def test_demo_cases_cover_kinds_channels_and_states(demo, settings):
    from guanwu.cases.enums import Status
    from guanwu.cases.models import Case
    from guanwu.demo.cases_loader import COUNT
    from guanwu.demo.services import load_demo_district

    settings.GUANWU_DEMO_CASES = True
    load_demo_district()
    load_demo_district()  # idempotent
    cases = Case.objects.filter(idempotency_key__startswith="demo-case-")
    assert cases.count() == COUNT
    assert set(cases.values_list("kind", flat=True)) >= {
        "consultation",
        "integrity_report",
        "mailbox",
    }
    assert len(set(cases.values_list("channel", flat=True))) >= 4
    statuses = set(cases.values_list("status", flat=True))
    assert {Status.CLOSED, Status.PAUSED, Status.RECEIVED} <= statuses
    assert cases.filter(rating__isnull=False).exists()
    assert cases.filter(events__action="transfer").exists()
    from django.utils import timezone

    assert cases.overdue(timezone.localdate()).exists()
    assert cases.filter(merged_into__isnull=False).exists()
    assert cases.filter(events__action="extend").exists()
    assert cases.filter(escalated_to__isnull=False).exists()
    assert cases.filter(handler__isnull=False).exists()
    assert cases.filter(replies__approved_by__isnull=False).exists()
    # The demo builds history quietly: no message was recorded or sent while loading.
    from guanwu.cases.models import CaseNotification

    assert not CaseNotification.objects.filter(case__in=cases).exists()
