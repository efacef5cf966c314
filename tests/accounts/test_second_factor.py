"""The TOTP second factor (django-otp): who needs it, enrolment, verification, the gate."""

from __future__ import annotations

import json
import re

from django.contrib.auth.models import Group, Permission
from django.test import Client

from wagtail.models import GroupApprovalTask, GroupPagePermission, Page

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from guanwu.accounts.policy import requires_second_factor
from guanwu.audit.models import AuditEvent
from guanwu.organization.enums import Role

from .conftest import make_user

pytestmark = pytest.mark.django_db
OTP = "/account/otp/"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR="10.7.7.7")
    client.force_login(user)
    return client


# -- who needs the second factor -------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        Role.LEGAL,
        Role.SUPERVISION,
        Role.OFFICE,
        Role.CENTRE,
        Role.DIVISION_HEAD,
        Role.SECTION_CHIEF,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    ],
)
def test_reviewing_publishing_and_administrator_roles_need_it(role):
    assert requires_second_factor(make_user(f"needs-{role.value}", role))


@pytest.mark.parametrize("role", [Role.CASE_HANDLER, Role.LIAISON, Role.FINANCE])
def test_plain_roles_do_not(role):
    assert not requires_second_factor(make_user(f"plain-{role.value}", role))


def test_superuser_needs_it_and_anonymous_does_not():
    from django.contrib.auth.models import AnonymousUser

    admin = make_user("otp-root", is_superuser=True, is_staff=True)
    assert requires_second_factor(admin)
    assert not requires_second_factor(AnonymousUser())


def test_publish_permission_or_approver_group_needs_it():
    publisher = make_user("page-publisher", Role.LIAISON)
    group = Group.objects.create(name="网站发布组")
    GroupPagePermission.objects.create(
        group=group,
        page=Page.objects.get(depth=1),
        permission=Permission.objects.get(codename="publish_page"),
    )
    publisher.groups.add(group)
    assert requires_second_factor(publisher)

    approver = make_user("group-approver", Role.LIAISON)
    approvers = Group.objects.create(name="审批组")
    task = GroupApprovalTask.objects.create(name="临时审批")
    task.groups.add(approvers)
    approver.groups.add(approvers)
    assert requires_second_factor(approver)


# -- the gate --------------------------------------------------------------------------------


def test_admin_redirects_to_the_second_factor_keeping_next(secure, legal):
    client = signed_in(legal)
    response = client.get("/admin/pages/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/account/otp/?next=%2Fadmin%2Fpages%2F%3Fq%3Dx"
    assert client.get("/admin/").status_code == 302


def test_session_api_refused_until_verified(secure, legal):
    response = signed_in(legal).get("/api/v1/staff/cases/")
    assert response.status_code == 403
    body = json.loads(response.content)
    assert body["detail"] and body["request_id"] == response["X-Request-ID"]


def test_token_api_is_not_affected(secure, legal):
    token = Token.objects.create(user=legal)
    response = Client().get("/api/v1/staff/cases/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code != 403 or "第二步" not in response.content.decode()


def test_public_site_and_open_pages_stay_reachable(secure, legal):
    client = signed_in(legal)
    assert client.get("/").status_code == 200
    assert client.get("/directory/").status_code == 200
    assert client.get(OTP).status_code == 200
    # What the page's Wagtail layout loads: the icon sprite and the translations.
    assert client.get("/admin/sprite/").status_code == 200
    assert client.get("/admin/jsi18n/").status_code == 200
    # Signing out works before the second step.
    assert client.post("/admin/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_case_handler_goes_straight_in(secure, handler):
    assert signed_in(handler).get("/admin/").status_code == 200


def test_switch_off_lets_everyone_in(settings, legal):
    settings.GUANWU_OTP_REQUIRED = False
    assert signed_in(legal).get("/admin/").status_code == 200


def test_superuser_is_sent_to_the_second_factor(secure):
    admin = make_user("otp-superuser", is_superuser=True, is_staff=True)
    assert signed_in(admin).get("/admin/")["Location"].startswith(OTP)


# -- enrolment and verification ----------------------------------------------------------------


def test_enrolment_end_to_end(secure, legal):
    client = signed_in(legal)
    page = client.get(OTP + "?next=/admin/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "guanwu-otp-qr" in html
    assert "<script>" not in html  # no inline script (CSP)
    device = TOTPDevice.objects.get(user=legal, confirmed=False)
    secret = re.search(r'class="guanwu-otp-secret">([A-Z2-7 ]+)<', html).group(1)
    import base64

    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key

    key_before = client.session.session_key
    done = client.post(OTP, {"token": code_for(device), "next": "/admin/reports/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.session.session_key != key_before
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(event="auth.otp_enrolled", actor=legal).exists()


def test_verification_with_a_code(secure, legal):
    device = enrolled(legal)
    client = signed_in(legal)
    assert "登录第二步：动态验证码" in client.get(OTP).content.decode()
    key_before = client.session.session_key
    response = client.post(OTP, {"token": code_for(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.session.session_key != key_before
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/staff/cases/").status_code == 200
    event = AuditEvent.objects.filter(event="auth.otp_verified").last()
    assert event.actor == legal and event.address == "10.7.7.7"


def test_next_to_another_site_is_ignored(secure, legal):
    device = enrolled(legal)
    response = signed_in(legal).post(
        OTP, {"token": code_for(device), "next": "https://evil.example/admin/"}
    )
    assert response["Location"] == "/admin/"


def test_wrong_code_is_refused_and_audited(secure, legal):
    enrolled(legal)
    client = signed_in(legal)
    response = client.post(OTP, {"token": "000000"})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    event = AuditEvent.objects.filter(event="auth.otp_failed").last()
    assert event.outcome == "failure" and event.detail["failures"] == 1


def test_device_throttling_refuses_a_quick_retry(secure, legal):
    device = enrolled(legal)
    client = signed_in(legal)
    client.post(OTP, {"token": "000000"})
    response = client.post(OTP, {"token": code_for(device)})
    assert response.status_code == 400
    assert "尝试过于频繁" in response.content.decode()


def test_five_wrong_codes_end_the_session(secure, legal):
    enrolled(legal)
    client = signed_in(legal)
    for _ in range(4):
        assert client.post(OTP, {"token": "000000"}).status_code == 400
    response = client.post(OTP, {"token": "000000"})
    assert response.status_code == 302 and response["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session
    last = AuditEvent.objects.filter(event="auth.otp_failed").last()
    assert last.detail == {"failures": 5, "throttled": True, "signed_out": True}
    assert AuditEvent.objects.filter(event="auth.logout", actor=legal).exists()
    assert "连续输错" in client.get("/admin/login/").content.decode()


def test_backup_code_works_once(secure, legal, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    enrolled(legal)
    static = StaticDevice.objects.create(user=legal, name="backup", confirmed=True)
    static.token_set.create(token="abcd2345")
    first = signed_in(legal)
    assert first.post(OTP, {"token": "ABCD 2345"}).status_code == 302
    assert first.get("/admin/").status_code == 200
    assert signed_in(legal).post(OTP, {"token": "abcd2345"}).status_code == 400


def test_anonymous_visitor_is_sent_to_login(secure):
    response = Client().get(OTP)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
