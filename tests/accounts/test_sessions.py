"""Staff sessions: rotated at login, 30 minutes idle, 12 hours at most."""

from __future__ import annotations

import json
import time

from django.conf import settings as django_settings
from django.test import Client

import pytest

from guanwu.accounts.sessions import AUTH_AT_KEY, SEEN_AT_KEY
from guanwu.audit.models import AuditEvent

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def set_clock(client: Client, *, auth_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[AUTH_AT_KEY] = int(now - auth_ago)
    session[SEEN_AT_KEY] = int(now - seen_ago)
    session.save()


def test_session_key_rotated_at_login(secure, handler):
    client = Client(REMOTE_ADDR="10.8.0.1")
    session = client.session  # a visitor's session before signing in
    session["visitor"] = "yes"
    session.save()
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    response = client.post("/admin/login/", {"username": handler.username, "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after and after != before


def test_idle_timeout(secure, handler):
    client = signed_in(handler)
    set_clock(client, auth_ago=3600, seen_ago=31 * 60)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=%2Fadmin%2Fpages%2F"
    assert "_auth_user_id" not in client.session
    assert "30 分钟未操作" in client.get(response["Location"]).content.decode()
    event = AuditEvent.objects.filter(event="auth.session_expired").last()
    assert event.actor == handler and event.detail == {"reason": "idle"}
    assert AuditEvent.objects.filter(event="auth.logout", actor=handler).exists()


def test_activity_keeps_the_session_alive(secure, handler):
    client = signed_in(handler)
    set_clock(client, auth_ago=3600, seen_ago=29 * 60)
    assert client.get("/admin/").status_code == 200
    assert time.time() - client.session[SEEN_AT_KEY] < 5


def test_absolute_timeout(secure, handler):
    client = signed_in(handler)
    set_clock(client, auth_ago=12 * 3600 + 1, seen_ago=10)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert AuditEvent.objects.filter(event="auth.session_expired").last().detail == {
        "reason": "absolute"
    }


def test_expired_api_session_gets_401_json(secure, handler):
    client = signed_in(handler)
    set_clock(client, auth_ago=60, seen_ago=31 * 60)
    response = client.get("/api/v1/staff/cases/")
    assert response.status_code == 401
    assert json.loads(response.content)["request_id"] == response["X-Request-ID"]


def test_expired_staff_on_the_public_site_continues_as_a_visitor(secure, handler):
    client = signed_in(handler)
    set_clock(client, auth_ago=60, seen_ago=31 * 60)
    assert client.get("/").status_code == 200
    assert "_auth_user_id" not in client.session


def test_public_visitors_are_untouched(secure):
    client = Client()
    assert client.get("/").status_code == 200
    assert client.get("/cases/track/").status_code == 200
    assert AuditEvent.objects.filter(event="auth.session_expired").count() == 0


def test_session_cookie_lives_twelve_hours_at_most():
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600
    assert django_settings.GUANWU_SESSION_IDLE_SECONDS == 30 * 60
