"""Issue 8: schemathesis against /api/v1/schema/ — no 5xx, every response as the schema says.

The API runs in-process (Django's WSGI handler, the test database), on the demo district plus a
few cases. Public operations are called anonymously; staff operations with the token of the
咨询服务中心 operator (``centre``: logs calls, routes, replies, closes). Every operation gets a
bounded, derandomised set of examples (positive and negative data, the coverage phase's
boundary values and up to ``MAX_EXAMPLES`` fuzzed ones), so a run is reproducible and takes a
minute or two.

Generated ids, tracking codes and unit codes rarely hit a real row, so ``_aim`` points most
of them at the fixture's cases, live items and units: the operations do real work (route,
reply, close, merge …), not only 404s.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from django.core import signals
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from guanwu.cases import throttle
from guanwu.cases.models import CaseReply
from guanwu.cases.services import case_log_contact, case_reply, case_submit_public
from guanwu.disclosure.selectors import live_items
from guanwu.organization.models import Unit

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Fixture:
    token: str
    case_ids: list[int]
    tracking: list[tuple[str, str]]  # (tracking code, query password)
    item_ids: list[int]
    unit_codes: list[str]
    handlers: list[str]
    reply_ids: list[int]


def _load_schema() -> schemathesis.BaseSchema:
    """The schema as served at /api/v1/schema/, fetched through the WSGI app (no database)."""
    from guanwu.wsgi import application

    config = schemathesis.Config.from_dict(
        {
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=config)


schema = _load_schema()


@pytest.fixture
def _requests_keep_the_connection():
    """Schemathesis calls the WSGI handler itself, whose request signals close the database
    connection — and with it the test's transaction on PostgreSQL. Django's test client
    unhooks the same receiver."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(demo_users, monkeypatch, _requests_keep_the_connection) -> Fixture:
    """The demo district plus a few cases, and the centre operator's token."""
    # The public intake allows 10 submissions a minute per address; the examples all come
    # from one address. The throttle has its own test (tests/api/test_cases_api.py).
    monkeypatch.setattr(throttle, "SUBMISSIONS_PER_MINUTE", 1_000_000)
    centre = demo_users["centre"]
    submissions = [
        case_submit_public(kind=kind, body=f"关于{kind}的来件。", name="张三", phone="13700000000")
        for kind in ("consultation", "complaint_efficiency", "integrity_report", "suggestion")
    ]
    logged = case_log_contact(
        user=centre, kind="consultation", channel="hotline", body="询问查验时间。"
    )
    case_reply(case=logged, user=centre, body="每日八点半开始。", public=True)
    # A complaint's reply waits for the head of the unit: something to approve or reject.
    case_reply(case=submissions[1].case, user=centre, body="答复初稿。", public=True)
    return Fixture(
        token=Token.objects.get_or_create(user=centre)[0].key,
        case_ids=[s.case.pk for s in submissions] + [logged.pk],
        tracking=[(s.case.tracking_code, s.password) for s in submissions],
        item_ids=list(live_items().order_by("pk").values_list("pk", flat=True)[:20]),
        unit_codes=list(Unit.objects.order_by("code").values_list("code", flat=True)),
        handlers=[user.username for user in demo_users.values()],
        reply_ids=list(
            CaseReply.objects.filter(case__in=[s.case for s in submissions] + [logged])
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    )


def _pick(generated: Any, choices: list[Any]) -> Any:
    """A real value for most generated ones; every fourth keeps the generated (404 paths)."""
    digest = zlib.crc32(repr(generated).encode())
    return generated if digest % 4 == 0 or not choices else choices[digest % len(choices)]


def _aim(case: schemathesis.Case, data: Fixture) -> None:
    """Point generated identifiers at existing rows (see the module docstring)."""
    path = case.path_parameters or {}
    if "id" in path:
        path["id"] = _pick(
            path["id"], data.item_ids if case.path.startswith("/api/v1/items/") else data.case_ids
        )
    if "code" in path:
        path["code"] = _pick(path["code"], data.unit_codes)
    if "tracking_code" in path:
        chosen = _pick(path["tracking_code"], data.tracking)
        if isinstance(chosen, tuple):
            path["tracking_code"], password = chosen
            case.headers = {**(case.headers or {}), "X-Case-Password": password}
    body = case.body
    if isinstance(body, dict):
        if isinstance(body.get("units"), list):
            body["units"] = [_pick(code, data.unit_codes) for code in body["units"]]
        if isinstance(body.get("unit"), str):
            body["unit"] = _pick(body["unit"], data.unit_codes)
        if isinstance(body.get("handler"), str):
            body["handler"] = _pick(body["handler"], data.handlers)
        if isinstance(body.get("reply"), int):
            body["reply"] = _pick(body["reply"], data.reply_ids)


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@schema.parametrize()
def test_api_conforms_to_its_schema(case: schemathesis.Case, api_data: Fixture) -> None:
    data = api_data
    _aim(case, data)
    headers = {}
    if "staff" in (case.operation.tags or []):
        headers["Authorization"] = f"Token {data.token}"
    case.call_and_validate(headers=headers, checks=CHECKS)


@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@schema.include(tag="staff").parametrize()
def test_staff_operations_refuse_anonymous_callers(case: schemathesis.Case, api_data) -> None:
    _aim(case, api_data)
    response = case.call_and_validate(checks=CHECKS)
    # 404 only where the generated id is no number, so no staff endpoint matched the path.
    matched = str((case.path_parameters or {}).get("id", 1)).isdigit()
    assert response.status_code in (401, 405, 415) or (
        response.status_code == 404 and not matched
    ), response.text
