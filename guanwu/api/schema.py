"""OpenAPI schema pieces shared by the API views (drf-spectacular).

The schema at ``/api/v1/schema/`` is the contract that ``tests/api/test_schemathesis.py``
checks every response against, and ``docs/openapi.yaml`` is its committed copy: a response
shape that is not declared here is a failing test, not a silent drift.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

API_PREFIX = "/api/v1/"


def only_api_v1(endpoints: list[tuple[str, str, str, Any]]) -> list[tuple[str, str, str, Any]]:
    """PREPROCESSING_HOOKS: the public contract is /api/v1/ only.

    Wagtail's admin API (``/admin/api/main/…``, session-authenticated, for the page explorer)
    is DRF too and would otherwise be described — badly: its viewsets cannot be introspected
    without a live request — in the schema that clients and schemathesis read.
    """
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]


class ErrorSerializer(serializers.Serializer):
    """Every 4xx/5xx body: a Chinese ``detail``; field errors ride along under their names."""

    detail = serializers.CharField(help_text="中文说明")
    request_id = serializers.CharField(
        required=False, help_text="The X-Request-ID of the request, to quote when reporting."
    )

    class Meta:
        ref_name = "Error"


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# The errors any endpoint may answer with, keyed by status.
BAD_REQUEST = {400: error("参数或提交的数据有误")}
# Operations taking a body: a body in a format the endpoint does not read (or a multipart
# body too malformed to show its type) is refused with 415.
BAD_BODY = {**BAD_REQUEST, 415: error("不支持的请求格式")}
NOT_FOUND = {404: error("未找到")}
THROTTLED = {429: error("请求过于频繁")}
STAFF_ERRORS = {
    401: error("未提供或无效的令牌（Authorization: Token <key>）"),
    403: error("无权访问或办理"),
}


def page_of(item: type[serializers.Serializer], name: str, **extra: serializers.Field) -> type:
    """A ``{count, next, previous, results}`` wrapper for views that build their page by hand.

    (DRF's paginated views get theirs from the paginator; ``name`` becomes the component.)
    """
    fields: dict[str, Any] = {
        "count": serializers.IntegerField(),
        "next": serializers.CharField(allow_null=True, help_text="The next page's URL."),
        "previous": serializers.CharField(allow_null=True, help_text="The previous page's URL."),
        "results": item(many=True),
        **extra,
    }
    return type(f"{name}Serializer", (serializers.Serializer,), fields)
