"""Every API error is ``{"detail": "<Chinese message>", "request_id": "..."}`` with a 4xx
status, never a 500 page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from guanwu.core.request_id import request_id_for


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        return _with_request_id(
            Response({"detail": _("未找到。")}, status=status.HTTP_404_NOT_FOUND), context
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        # Keep field errors, but always offer a top-level Chinese summary.
        data = response.data if isinstance(response.data, dict) else {"errors": response.data}
        data.setdefault("detail", _("提交的数据有误，请检查后重试。"))
        response.data = data
    return _with_request_id(response, context)


def _with_request_id(response: Response | None, context: dict[str, Any]) -> Response | None:
    """``request_id`` in every error body, as on the error pages (the schema's ``Error``)."""
    if response is not None and isinstance(response.data, dict):
        response.data.setdefault("request_id", request_id_for(context.get("request")))
    return response
