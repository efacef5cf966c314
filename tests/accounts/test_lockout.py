"""Login lockout (django-axes): 5 failures lock an account and, separately, an address for
15 minutes; the responses do not reveal which usernames exist."""

from __future__ import annotations

import datetime
import json
import re

from django.test import RequestFactory
from django.utils import timezone

import pytest
from axes.models import AccessAttempt

from guanwu.accounts.lockout import lockout_response
from guanwu.audit.models import AuditEvent
from guanwu.organization.enums import Role

from .conftest import PASSWORD, client_at, make_user

LOGIN = "/admin/login/"
pytestmark = pytest.mark.django_db


WRONG_PASSWORD = "wrong-password-xyz"


def attempt(client, username: str, password: str = WRONG_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def error_text(response) -> str:
    return " ".join(re.findall(r'<li class="error">(.*?)</li>', response.content.decode(), re.S))


def without_request_id(response) -> str:
    """The page, less what differs per request or visitor (request id, CSRF token)."""
    text = re.sub(r"[0-9a-f]{32}", "RID", response.content.decode())
    return re.sub(r'"CSRF_TOKEN": "[^"]*"', "CSRF", text)


def test_five_failures_lock_existing_and_unknown_usernames_alike(secure):
    make_user("lock-real", Role.CASE_HANDLER)
    real, ghost = client_at("10.0.0.1"), client_at("10.0.0.2")
    real_responses = [attempt(real, "lock-real") for _ in range(5)]
    ghost_responses = [attempt(ghost, "lock-nobody") for _ in range(5)]

    # Four failures: the same form error for both; the fifth locks both out the same way.
    for r, g in zip(real_responses[:4], ghost_responses[:4], strict=True):
        assert r.status_code == g.status_code == 200
        assert error_text(r) and error_text(r) == error_text(g)
    locked_real, locked_ghost = real_responses[4], ghost_responses[4]
    assert locked_real.status_code == locked_ghost.status_code == 429
    assert without_request_id(locked_real) == without_request_id(locked_ghost)
    page = locked_real.content.decode()
    assert "15 分钟" in page and locked_real["X-Request-ID"] in page
    assert "lock-real" not in page

    # Locked: even the right password is refused, and no session is created.
    again = attempt(real, "lock-real", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in real.session


def test_lockout_per_address_across_usernames(secure):
    make_user("spray-target", Role.CASE_HANDLER)
    attacker = client_at("10.0.1.1")
    for n in range(5):
        attempt(attacker, f"spray-{n}")
    # The address is locked for every account, including a correct login.
    assert attempt(attacker, "spray-target", PASSWORD).status_code == 429
    # The account itself is not: from another address it signs in.
    assert attempt(client_at("10.0.1.2"), "spray-target", PASSWORD).status_code == 302


def test_lockout_per_account_across_addresses(secure):
    make_user("hunted", Role.CASE_HANDLER)
    for n in range(5):
        attempt(client_at(f"10.0.2.{n + 1}"), "hunted")
    assert attempt(client_at("10.0.2.99"), "hunted", PASSWORD).status_code == 429
    # Another account from those addresses is not locked by this one.
    make_user("bystander", Role.CASE_HANDLER)
    assert attempt(client_at("10.0.2.99"), "bystander", PASSWORD).status_code == 302


def _age_attempts(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=minutes))


def test_unlocked_after_fifteen_minutes(secure):
    make_user("patient", Role.CASE_HANDLER)
    client = client_at("10.0.3.1")
    for _ in range(5):
        attempt(client, "patient")
    _age_attempts(14)
    assert attempt(client, "patient", PASSWORD).status_code == 429
    _age_attempts(16)
    assert attempt(client, "patient", PASSWORD).status_code == 302


def test_successful_login_resets_the_account_counter(secure):
    make_user("forgetful", Role.CASE_HANDLER)
    client = client_at("10.0.4.1")
    for _ in range(4):
        attempt(client, "forgetful")
    assert attempt(client, "forgetful", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for _ in range(4):
        assert attempt(client, "forgetful").status_code == 200
    assert attempt(client, "forgetful", PASSWORD).status_code == 302


def test_lockout_is_audited_with_a_digest_only(secure):
    for _ in range(5):
        attempt(client_at("10.0.5.1"), "audited-name")
    event = AuditEvent.objects.filter(event="auth.locked_out").last()
    assert event is not None and event.outcome == "denied"
    assert event.address == "10.0.5.1"
    assert "audited-name" not in str(event.detail)
    assert event.detail["username_digest"]
    assert AuditEvent.objects.filter(event="auth.login_failed").count() >= 5


def test_lockout_answer_under_api_is_json(secure):
    request = RequestFactory().post("/api/v1/anything/")
    request.request_id = "abc123"
    response = lockout_response(request)
    assert response.status_code == 429
    assert json.loads(response.content) == {
        "detail": "登录失败次数过多，请 15 分钟后再试。",
        "request_id": "abc123",
    }


def test_behind_the_proxy_the_last_forwarded_address_counts():
    from guanwu.accounts.lockout import forwarded_client_ip

    factory = RequestFactory()
    spoofed = factory.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert forwarded_client_ip(spoofed) == "203.0.113.9"
    assert forwarded_client_ip(factory.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"
