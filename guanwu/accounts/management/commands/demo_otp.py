"""Print the current second-factor code of a demo login (issue 8; demo only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from guanwu.demo.otp_loader import DEMO_OTP_KEY


class Command(BaseCommand):
    help = (
        "Print the current 6-digit code of a demo login's demo authenticator (not in production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "GUANWU_ENVIRONMENT", "") == "production":
            raise CommandError("demo_otp refuses to run under production settings.")
        device = (
            TOTPDevice.objects.filter(user__username=options["username"], confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError("This login has no authenticator (run load_demo first).")
        if device.key.lower() != DEMO_OTP_KEY:
            raise CommandError("This login's authenticator is not the demo one; refusing.")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
