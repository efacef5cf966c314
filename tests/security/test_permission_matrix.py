"""Issue 8: every staff view and API operation, for anonymous, each role, a superuser and a
user of another unit, answers with the status the table in matrix.py expects.

The routes come from the URL configuration and the operations from the OpenAPI schema, so a
new endpoint without an entry fails ``test_every_route_has_an_entry`` (its message prints
the missing entries, ready to paste), and an entry for a route that is gone fails
``test_no_entry_names_a_missing_route``.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from django.db import transaction
from django.urls import resolve, reverse

import pytest

from .matrix import MATRIX, format_entry
from .urlwalk import api_operations, scoped_routes
from .world import SUBJECTS, build_world, url_kwargs

API_PREFIX = "api/"


def _api_keys() -> set[tuple[str, str]]:
    """(url name, METHOD) of every schema operation, plus GET of API routes not in it."""
    keys = set()
    for path, method in api_operations():
        example = path
        for placeholder in ("{id}", "{pk}"):
            example = example.replace(placeholder, "1")
        example = example.replace("{tracking_code}", "X").replace("{code}", "X")
        match = resolve(example)
        keys.add((match.view_name, method))
    named = {name for name, _method in keys}
    for name, route in scoped_routes().items():
        if route.route.startswith(API_PREFIX) and name not in named:
            keys.add((name, "GET"))
    return keys


def required_keys() -> tuple[set[tuple[str, str]], set[str]]:
    """API keys need their exact method; other routes need at least one entry by name."""
    routes = scoped_routes()
    others = {name for name, route in routes.items() if not route.route.startswith(API_PREFIX)}
    return _api_keys(), others


def test_every_route_has_an_entry():
    api_keys, other_names = required_keys()
    missing = sorted(key for key in api_keys if key not in MATRIX)
    named = {name for name, _method in MATRIX}
    missing += sorted((name, "GET") for name in other_names if name not in named)
    assert not missing, (
        "Routes without an entry in tests/security/matrix.py; add (and check!) these lines:\n"
        + "\n".join(f'    ("{name}", "{method}"): E(...),' for name, method in missing)
    )


def test_no_entry_names_a_missing_route():
    api_keys, _others = required_keys()
    routes = scoped_routes()
    stale = sorted(
        key
        for key in MATRIX
        if key[0] not in routes
        or (routes[key[0]].route.startswith(API_PREFIX) and key not in api_keys)
    )
    assert not stale, f"Entries in tests/security/matrix.py for routes that are gone: {stale}"


def _request(client, method: str, url: str, is_api: bool) -> int:
    """The status of one request, whose changes are rolled back: each subject meets the same
    world (an accepted POST, say a re-routing, must not change what the next one sees)."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif is_api:
            response = client.generic(
                method, url, data=json.dumps({}), content_type="application/json"
            )
        else:
            response = client.generic(
                method, url, data="", content_type="application/x-www-form-urlencoded"
            )
        transaction.set_rollback(True)
    return response.status_code


def _observe(world, routes, name: str, method: str) -> dict[str, int]:
    route = routes[name]
    url = reverse(name, kwargs=url_kwargs(name, route.kwargs, world))
    is_api = route.route.startswith(API_PREFIX)
    return {subject: _request(world.clients[subject], method, url, is_api) for subject in SUBJECTS}


@pytest.mark.django_db
def test_permission_matrix():
    world = build_world()
    routes = scoped_routes()
    bootstrap = os.environ.get("GUANWU_MATRIX_BOOTSTRAP")
    if bootstrap:
        _bootstrap(world, routes, bootstrap)
    observed: dict[tuple[str, str], dict[str, int]] = {}
    for name, method in sorted(MATRIX):
        if name in routes:  # else test_no_entry_names_a_missing_route reports it
            observed[(name, method)] = _observe(world, routes, name, method)
    wrong = {
        key: statuses for key, statuses in observed.items() if statuses != MATRIX[key].statuses
    }
    errors = [key for key, statuses in observed.items() if 500 in statuses.values()]
    lines = []
    for key, statuses in sorted(wrong.items()):
        diff = ", ".join(
            f"{subject} {MATRIX[key].statuses[subject]}→{status}"
            for subject, status in statuses.items()
            if MATRIX[key].statuses[subject] != status
        )
        lines.append(f"# {key}: {diff}\n{format_entry(key, statuses)}")
    assert not errors, f"server errors: {errors}"
    assert not wrong, "Statuses differ from tests/security/matrix.py (expected→got):\n" + (
        "\n".join(lines)
    )


def _bootstrap(world, routes, path: str) -> None:
    """Write observed entries of every route to ``path`` (GUANWU_MATRIX_BOOTSTRAP=<file>):
    a starting point for the table, to be read and checked line by line, never pasted blind.
    A non-API route whose GET the superuser gets 405 for is probed with POST."""
    api_keys, other_names = required_keys()
    keys = set(api_keys) | {(name, "GET") for name in other_names}
    lines = []
    for name, method in sorted(keys):
        statuses = _observe(world, routes, name, method)
        if method == "GET" and statuses["superuser"] == 405 and name in other_names:
            method = "POST"
            statuses = _observe(world, routes, name, method)
        lines.append(format_entry((name, method), statuses))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def test_matrix_covers_each_subject():
    """Every entry names a status for every subject (E() fills defaults)."""
    for key, entry in MATRIX.items():
        assert set(entry.statuses) == set(SUBJECTS), key
    # A sanity check of the table itself: the audit log is the audit administrator's.
    assert MATRIX[("audit_log", "GET")].statuses["audit_admin"] == 200
    for subject in SUBJECTS:
        if subject not in ("audit_admin", "superuser"):
            assert MATRIX[("audit_log", "GET")].statuses[subject] != 200
    # Accounts and roles are the security administrator's; no administrator reads cases.
    for key in (("wagtailusers_users:edit", "GET"), ("wagtailusers_users:add", "GET")):
        granted = {subject for subject, status in MATRIX[key].statuses.items() if status == 200}
        assert granted == {"security_admin", "superuser"}, key
    for role in ("system_admin", "security_admin", "audit_admin"):
        assert MATRIX[("cases_admin_detail", "GET")].statuses[role] != 200
        assert MATRIX[("api:staff-case", "GET")].statuses[role] != 200
    assert Counter(entry.statuses["anonymous"] for entry in MATRIX.values())[500] == 0
