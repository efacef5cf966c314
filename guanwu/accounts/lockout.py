"""The response to a login refused by the lockout (django-axes, AXES_LOCKOUT_CALLABLE).

It is the same for every username, existing or not, and names neither the username nor how
many attempts were made: an attacker learns nothing about which accounts exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from guanwu.core.errors import API_PREFIX
from guanwu.core.request_id import request_id_for

LOCKOUT_STATUS = 429


def lockout_message() -> str:
    return _("登录失败次数过多，请 15 分钟后再试。")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    request_id = request_id_for(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": lockout_message(), "request_id": request_id}, status=LOCKOUT_STATUS
        )
    body = loader.render_to_string(
        "accounts/locked_out.html",
        {"message": lockout_message(), "request_id": request_id},
        request,
    )
    response = HttpResponse(body, status=LOCKOUT_STATUS)
    response["Retry-After"] = "900"
    return response


def forwarded_client_ip(request: HttpRequest) -> str:
    """The client's address behind the TLS proxy (production with GUANWU_BEHIND_PROXY): the
    last X-Forwarded-For entry, the one the trusted proxy appended; earlier entries are
    whatever the client sent. Without the header, REMOTE_ADDR."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR", "")
