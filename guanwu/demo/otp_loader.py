"""Demo second factor (issue 8): every demo login that needs it gets one authenticator with a
single, published demo secret, so a reviewer can sign in after `make run`.

The secret is public on purpose (README, docs/security.md): never use it outside the demo.
``manage.py demo_otp <username>`` prints the current code, and refuses under production
settings or for any device whose key is not this one. load_demo itself refuses production.
"""

from __future__ import annotations

from typing import Any

# 20 bytes, hex (django-otp's key format): b"guanwu-demo-totp-key".
DEMO_OTP_KEY = "6775616e77752d64656d6f2d746f74702d6b6579"
# The same key as authenticator apps take it (base32).
DEMO_OTP_SECRET_BASE32 = "M52WC3TXOUWWIZLNN4WXI33UOAWWWZLZ"  # noqa: S105 (public demo value)
DEMO_DEVICE_NAME = "demo authenticator"


def load_demo_otp(users: dict[str, Any], report: Any) -> None:
    """Give each demo login that requires the second factor a confirmed demo authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from guanwu.accounts.policy import requires_second_factor

    for user in users.values():
        if not requires_second_factor(user):
            continue
        device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first()
        if device is None:
            TOTPDevice.objects.create(
                user=user, name=DEMO_DEVICE_NAME, key=DEMO_OTP_KEY, confirmed=True
            )
            report.count("TOTPDevice", created=True)
        elif device.key != DEMO_OTP_KEY or not device.confirmed:
            device.key, device.confirmed = DEMO_OTP_KEY, True
            device.save(update_fields=["key", "confirmed"])
            report.count("TOTPDevice", created=False)
