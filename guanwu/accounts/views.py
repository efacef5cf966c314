"""The second step of signing in: enrol an authenticator, or enter its code (issue 8)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from django_otp import login as otp_login

from guanwu.audit.enums import Outcome
from guanwu.audit.services import record
from guanwu.core.qr import qr_svg

from . import services
from .forms import TokenForm
from .sessions import OTP_FAILURES_KEY


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` when it stays on this site, else the admin dashboard."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wagtailadmin_home")


def _login_url(request: HttpRequest) -> str:
    return f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.get_full_path()})}"


def _passed(request: HttpRequest, device: Any, event: str) -> None:
    otp_login(request, device)
    # A new session id once the second factor is passed (issue 8: rotation at sign-in).
    request.session.cycle_key()
    request.session.pop(OTP_FAILURES_KEY, None)
    record(
        event,
        actor=request.user,
        obj=request.user,
        request=request,
        detail={"device": type(device).__name__},
    )


def _failed(request: HttpRequest, throttled: bool) -> HttpResponse | None:
    """Count a wrong code; after too many in a row the half-signed-in session ends."""
    failures = int(request.session.get(OTP_FAILURES_KEY, 0)) + 1
    limit = int(getattr(settings, "GUANWU_OTP_MAX_FAILURES", 5))
    signed_out = failures >= limit
    record(
        "auth.otp_failed",
        actor=request.user,
        obj=request.user,
        outcome=Outcome.FAILURE,
        request=request,
        detail={"failures": failures, "throttled": throttled, "signed_out": signed_out},
    )
    if signed_out:
        logout(request)
        messages.error(request, _("动态验证码连续输错次数过多，已退出登录，请重新登录。"))
        return HttpResponseRedirect(reverse("wagtailadmin_login"))
    request.session[OTP_FAILURES_KEY] = failures
    return None


def _error_text(throttled: bool) -> str:
    if throttled:
        return _("尝试过于频繁，请稍等几秒后输入新的验证码。")
    return _("验证码不正确或已过期，请输入身份验证器上当前显示的验证码。")


@never_cache
@sensitive_post_parameters("token")
def second_factor(request: HttpRequest) -> HttpResponse:
    """/account/otp/: enrolment when the user has no confirmed authenticator, else the code."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(_login_url(request))
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_verified():
        return HttpResponseRedirect(next_url)
    if services.confirmed_totp(request.user) is None:
        return _enrol(request, next_url)
    return _verify(request, next_url)


def _verify(request: HttpRequest, next_url: str) -> HttpResponse:
    form = TokenForm(request.POST or None, initial={"next": next_url})
    status = 200
    if request.method == "POST" and form.is_valid():
        device, throttled = services.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            _passed(request, device, "auth.otp_verified")
            return HttpResponseRedirect(next_url)
        ended = _failed(request, throttled)
        if ended is not None:
            return ended
        form.add_error("token", _error_text(throttled))
        status = 400
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=status
    )


def _enrol(request: HttpRequest, next_url: str) -> HttpResponse:
    device = services.pending_totp(request.user)
    form = TokenForm(request.POST or None, initial={"next": next_url})
    status = 200
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        token = form.cleaned_data["token"]
        if allowed and device.verify_token(token):
            codes = services.confirm_totp(device)
            _passed(request, device, "auth.otp_enrolled")
            return render(
                request, "accounts/otp_backup_codes.html", {"codes": codes, "next": next_url}
            )
        ended = _failed(request, not allowed)
        if ended is not None:
            return ended
        form.add_error("token", _error_text(not allowed))
        status = 400
    context = {
        "form": form,
        "next": next_url,
        "qr": qr_svg(device.config_url, _("用身份验证器扫描此二维码"), css_class="guanwu-otp-qr"),
        "secret": services.base32_secret(device),
        "issuer": settings.OTP_TOTP_ISSUER,
        "username": request.user.get_username(),
    }
    return render(request, "accounts/otp_enrol.html", context, status=status)
