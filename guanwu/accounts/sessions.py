"""The staff session's clock: when the password step passed, and when it was last used."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

AUTH_AT_KEY = "guanwu_auth_at"
SEEN_AT_KEY = "guanwu_seen_at"
OTP_FAILURES_KEY = "guanwu_otp_failures"
# Last-activity is written at most this often (seconds), not on every request.
TOUCH_EVERY = 60


def now() -> float:
    return time.time()


def stamp_login(session: Any) -> None:
    moment = int(now())
    session[AUTH_AT_KEY] = moment
    session[SEEN_AT_KEY] = moment


def expiry_reason(session: Any) -> str:
    """``"idle"``, ``"absolute"`` or ``""`` for a session that is still good.

    A session without stamps (signed in before this code was deployed) is stamped now."""
    auth_at = session.get(AUTH_AT_KEY)
    seen_at = session.get(SEEN_AT_KEY)
    if auth_at is None or seen_at is None:
        stamp_login(session)
        return ""
    moment = now()
    if moment - float(auth_at) > settings.GUANWU_SESSION_MAX_SECONDS:
        return "absolute"
    if moment - float(seen_at) > settings.GUANWU_SESSION_IDLE_SECONDS:
        return "idle"
    if moment - float(seen_at) >= TOUCH_EVERY:
        session[SEEN_AT_KEY] = int(moment)
    return ""
