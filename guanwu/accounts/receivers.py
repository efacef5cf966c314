"""Signals: stamp the session at login; audit lockouts (username only as a keyed digest)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from axes.signals import user_locked_out

from guanwu.audit.enums import Outcome
from guanwu.audit.receivers import _record
from guanwu.audit.services import keyed_digest

from .sessions import OTP_FAILURES_KEY, stamp_login


@receiver(user_logged_in, dispatch_uid="guanwu_accounts_stamp_login")
def on_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        stamp_login(session)
        session.pop(OTP_FAILURES_KEY, None)


@receiver(user_locked_out, dispatch_uid="guanwu_accounts_locked_out")
def on_locked_out(
    sender: Any, request: Any = None, username: str | None = None, **kwargs: Any
) -> None:
    detail = {"username_digest": keyed_digest(username)} if username else {}
    _record("auth.locked_out", outcome=Outcome.DENIED, request=request, detail=detail)
