"""Staff sessions (issue 8): the second factor before any staff page, and session limits.

Runs after AuthenticationMiddleware, OTPMiddleware (``request.user.is_verified()``) and
MessageMiddleware. For a signed-in staff account, in this order:

1. the session ends after 30 minutes without a request or 12 hours after the password step
   (``guanwu.accounts.sessions``): it is flushed, and a staff page redirects to the login page
   with a Chinese message (JSON 401 under /api/);
2. an account that needs the second factor (``policy.requires_second_factor``) and has not
   passed it in this session reaches only the second-factor pages, logout, static files, the
   language switch and the public site: /admin/ redirects to /account/otp/?next=…, session
   requests to /api/ get 403 JSON, and public pages are served to it as to an anonymous
   visitor (no login-restricted pages, no admin toolbar).

API requests authenticated by token never carry a session user: this middleware sees an
anonymous user and leaves them to DRF (tokens are for system integrations only).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from guanwu.audit.services import record
from guanwu.core.errors import API_PREFIX
from guanwu.core.request_id import request_id_for

from .policy import is_staff_account, requires_second_factor
from .sessions import expiry_reason

ADMIN_PREFIX = "/admin/"
# Reachable before the second factor: its own pages, signing in and out, static files, the
# language switch. Everything else outside /admin/ and /api/ is the public site.
OPEN_PREFIXES = (
    "/account/",
    "/admin/login/",
    "/admin/logout/",
    "/admin/password_reset/",
    # What the Wagtail login layout of the second-factor pages loads: icons, translations.
    "/admin/sprite/",
    "/admin/jsi18n/",
    "/static/",
    "/media/",
    "/language/",
    "/i18n/",
    "/jsi18n/",
)


def _with_next(url: str, request: HttpRequest) -> str:
    if request.method in ("GET", "HEAD"):
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


def _anonymous(request: HttpRequest) -> None:
    """Serve the rest of this request as to a visitor who is not signed in."""
    user = AnonymousUser()
    user.otp_device = None  # type: ignore[attr-defined]
    user.is_verified = lambda: False  # type: ignore[attr-defined]
    request.user = user

    async def auser() -> AnonymousUser:
        return user

    request.auser = auser  # type: ignore[attr-defined]


def _is_verified(user: object) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._check(request)
        return refused if refused is not None else self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path_info
        if is_staff_account(user):
            reason = expiry_reason(request.session)
            if reason:
                return self._expire(request, user, reason, path)
        if not getattr(settings, "GUANWU_OTP_REQUIRED", True):
            return None
        if path.startswith(OPEN_PREFIXES) or _is_verified(user):
            return None
        if not requires_second_factor(user):
            return None
        if path.startswith(API_PREFIX):
            return JsonResponse(
                {
                    "detail": _("请先完成登录的第二步（动态验证码）。"),
                    "request_id": request_id_for(request),
                },
                status=403,
            )
        if path.startswith(ADMIN_PREFIX):
            return HttpResponseRedirect(_with_next(reverse("accounts:otp"), request))
        _anonymous(request)
        return None

    def _expire(
        self, request: HttpRequest, user: object, reason: str, path: str
    ) -> HttpResponse | None:
        record(
            "auth.session_expired", actor=user, obj=user, request=request, detail={"reason": reason}
        )
        logout(request)
        message = (
            _("您已超过 30 分钟未操作，为保护账号安全已自动退出，请重新登录。")
            if reason == "idle"
            else _("本次登录已超过 12 小时，为保护账号安全已自动退出，请重新登录。")
        )
        if path.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": message, "request_id": request_id_for(request)}, status=401
            )
        if path.startswith((ADMIN_PREFIX, "/account/")):
            messages.warning(request, message)
        if path.startswith(ADMIN_PREFIX) and not path.startswith(OPEN_PREFIXES):
            return HttpResponseRedirect(_with_next(reverse("wagtailadmin_login"), request))
        # The public site goes on, as for any visitor.
        return None
