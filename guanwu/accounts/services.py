"""Second-factor devices: enrolment, verification, backup codes."""

from __future__ import annotations

import base64
from typing import Any

from django.db import transaction

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODE_COUNT = 10


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp(user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator, created with a fresh random key if needed (the
    same key across reloads of the enrolment page, so a scanned code keeps working)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The key as the authenticator apps show it, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_totp(device: TOTPDevice) -> list[str]:
    """Confirm the enrolled device, drop other unconfirmed ones, issue fresh backup codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return issue_backup_codes(device.user)


def issue_backup_codes(user: Any) -> list[str]:
    """Replace the user's backup codes with ``BACKUP_CODE_COUNT`` new single-use ones."""
    static, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def verify(user: Any, token: str) -> tuple[Any, bool]:
    """The device that accepted ``token`` (or None), and whether throttling refused it.

    Six digits go to the authenticator; anything else to the backup codes (each works once).
    Both devices have django-otp's throttling: after n wrong codes the next try must wait
    2^(n-1) seconds, kept in the database across sessions."""
    if token.isdigit() and len(token) == 6:
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
    throttled = False
    for device in devices:
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        if device.verify_token(token):
            return device, False
    return None, throttled
