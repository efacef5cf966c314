from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

MIGRATED_STATE: dict[str, str] = {}


def _content_types_first(serialized: str) -> str:
    """Put content types first, so restoring pages does not create them under new ids."""
    import json

    objects = json.loads(serialized)
    objects.sort(key=lambda obj: obj["model"] != "contenttypes.contenttype")
    return json.dumps(objects)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo district once per test database; each test then rolls back its changes.

    Loading it takes seconds (every public row goes through legal approval), so tests share
    it. Transactional tests (the browser tests) flush the database and reload it themselves.
    """
    from django.core.cache import cache
    from django.db import connection

    cache.clear()  # with REDIS_URL: nothing left over from an earlier run of the suite
    with django_db_blocker.unblock():
        # What the migrations created, for browser tests that must start from a flushed database.
        MIGRATED_STATE["default"] = _content_types_first(
            connection.creation.serialize_db_to_string()
        )
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
        [
            "admin",
            "office",
            "supervision",
            "legal",
            "centre",
            "liaison",
            "chief",
            "division",
            "supervisor",
            "centrehead",
        ],
        field_name="username",
    )
    return users


@pytest.fixture(autouse=True)
def _chinese_by_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _sites_read_afresh():
    """Each test reads Wagtail's sites anew: a rolled-back test sends no signal to bump the
    site version, so a process's copy could hold that test's sites (guanwu/core/sites.py)."""
    from guanwu.core import sites

    sites.forget()


def fresh_demo_database() -> None:
    """Flush, restore what the migrations created, and load the demo, committed.

    For transactional tests (browser tests, concurrency tests), whose database may hold the
    session's demo load or be empty after another transactional test's flush.
    """
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(MIGRATED_STATE["default"])
    # The restored rows kept their ids; move PostgreSQL's sequences past them.
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    call_command("load_demo", verbosity=0)
