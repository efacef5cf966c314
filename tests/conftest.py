from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo district once per test database; each test then rolls back its changes.

    Loading it takes seconds (every public row goes through legal approval), so tests share
    it. Transactional tests (the browser tests) flush the database and reload it themselves.
    """
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


@pytest.fixture
def demo(db):
    """The demo district; reloaded when a transactional test flushed it."""
    from guanwu.organization.models import Unit

    if not Unit.objects.exists():
        call_command("load_demo", verbosity=0)


@pytest.fixture
def demo_users(demo):
    users = get_user_model().objects.in_bulk(
        ["admin", "office", "supervision", "legal", "centre", "liaison", "chief", "division"],
        field_name="username",
    )
    return users


@pytest.fixture(autouse=True)
def _chinese_by_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"
