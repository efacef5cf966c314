"""Text messages to askers. A backend is any class with ``send(number, text) -> str`` (the
gateway's message id); ``settings.GUANWU_SMS_BACKEND`` names it. The default logs only the
masked number and the length: the message itself can carry personal data."""

from __future__ import annotations

import logging
import uuid
from collections import deque
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("guanwu.sms")


class SMSBackend(Protocol):
    def send(self, number: str, text: str) -> str: ...


def mask_number(number: str) -> str:
    """13812345678 -> 138****5678; short numbers keep only their last two digits."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) >= 7:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def is_mobile(number: str) -> bool:
    """A mainland mobile number (11 digits starting with 1), with or without +86."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return len(digits) == 11 and digits.startswith("1")


class LoggingSMSBackend:
    """Sends nothing: writes one log line per message, with the number masked."""

    # The last messages, for tests and the demo to read; bounded so a long run does not grow.
    sent: deque[tuple[str, str]] = deque(maxlen=200)

    def send(self, number: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        type(self).sent.append((number, text))
        logger.info("sms %s to %s, %d characters", message_id, mask_number(number), len(text))
        return message_id


def get_backend() -> SMSBackend:
    return import_string(settings.GUANWU_SMS_BACKEND)()


def send_sms(number: str, text: str) -> str:
    return get_backend().send(number, text)
