"""The demo's second factor: one published demo secret, and `manage.py demo_otp`."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from guanwu.accounts.policy import requires_second_factor
from guanwu.demo.district import DEMO_LOGINS
from guanwu.demo.otp_loader import DEMO_OTP_KEY, DEMO_OTP_SECRET_BASE32

pytestmark = pytest.mark.django_db


def test_demo_logins_that_need_it_have_the_demo_authenticator(demo):
    users = get_user_model().objects.filter(username__in=DEMO_LOGINS)
    needing = {u.username for u in users if requires_second_factor(u)}
    assert {"admin", "office", "legal", "supervision", "chief"} <= needing
    assert "liaison" not in needing
    devices = TOTPDevice.objects.filter(user__username__in=DEMO_LOGINS, confirmed=True)
    assert {d.user.username for d in devices} == needing
    assert {d.key for d in devices} == {DEMO_OTP_KEY}


def test_documented_secret_matches_the_key():
    import base64
    import binascii

    assert base64.b32encode(binascii.unhexlify(DEMO_OTP_KEY)).decode() == DEMO_OTP_SECRET_BASE32


def test_demo_otp_prints_the_current_code(demo):
    out = StringIO()
    call_command("demo_otp", "office", stdout=out)
    expected = f"{totp(bytes.fromhex(DEMO_OTP_KEY)):06d}"
    assert out.getvalue().strip() in {
        expected,
        f"{totp(bytes.fromhex(DEMO_OTP_KEY), drift=-1):06d}",
    }


def test_demo_otp_refuses_in_production(demo, settings):
    settings.GUANWU_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo_otp", "office", stdout=StringIO())


def test_demo_otp_refuses_a_real_key(demo):
    device = TOTPDevice.objects.get(user__username="office")
    device.key = "00" * 20
    device.save()
    with pytest.raises(CommandError, match="not the demo"):
        call_command("demo_otp", "office", stdout=StringIO())


def test_demo_otp_refuses_a_login_without_authenticator(demo):
    with pytest.raises(CommandError):
        call_command("demo_otp", "liaison", stdout=StringIO())
