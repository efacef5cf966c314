"""The audit event catalogue (issue 8, MLPS 2.0 level 3 security audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


# Fixed event codes; docs/security.md lists them with what each records.
EVENTS: dict[str, str] = {
    "auth.login": "staff login",
    "auth.login_failed": "failed login (username only as a keyed hash)",
    "auth.logout": "logout",
    "auth.locked_out": "login refused by the lockout (username only as a keyed hash)",
    "auth.otp_enrolled": "a TOTP authenticator was enrolled as second factor",
    "auth.otp_verified": "the second factor was passed",
    "auth.otp_failed": "a wrong second-factor code (signed_out after too many)",
    "auth.session_expired": "a staff session ended by the idle or absolute timeout",
    "case.identity_viewed": "a reporter's identity was shown",
    "export.cases": "cases exported",
    "role.changed": "a user's groups or roles changed",
    "audit.purged": "rows older than the retention period were removed",
    "account.changed": "an account was created, or its active/staff/superuser flags changed",
    "permission.denied": "a request was refused with 403 (method and path)",
    "audit.viewed": "the audit log was read in the admin (one page view)",
    "audit.verified": "the audit chain was verified from the admin",
    "export.audit": "audit log rows exported as CSV",
}
# Families whose suffix is the action of the source log: a CaseEvent action
# ("case.received", "case.closed") or a Wagtail log action ("content.wagtail.publish").
EVENT_PREFIXES = ("case.", "content.")


def is_known_event(code: str) -> bool:
    return code in EVENTS or (
        code.startswith(EVENT_PREFIXES) and len(code) > len(code.split(".", 1)[0]) + 1
    )
