"""Chinese error pages with the request id; JSON under /api/ (issue 8: never a traceback).

Django calls these through ``handler400/403/404/500`` in ``guanwu/urls.py``. The Wagtail
admin keeps its own pages: it renders its 403/404 itself, and only the site-wide fallbacks
land here.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from .request_id import request_id_for

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Plain text for the last resort: used when even the 500 template cannot be rendered.
_LAST_RESORT = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
    "<title>服务暂时不可用</title></head><body><h1>服务暂时不可用</h1>"
    '<p>请稍后重试。请求编号：{request_id}</p><p><a href="/">返回首页</a></p></body></html>'
)


def _is_api(request: HttpRequest) -> bool:
    return (getattr(request, "path", "") or "").startswith(API_PREFIX)


def _render(request: HttpRequest, template: str, status: int, detail: str) -> HttpResponse:
    request_id = request_id_for(request)
    if _is_api(request):
        return JsonResponse({"detail": detail, "request_id": request_id}, status=status)
    body = loader.render_to_string(template, {"request_id": request_id}, request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "400.html", 400, _("请求无法处理，请检查输入后重试。"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "403.html", 403, _("您没有权限访问此页面。"))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "404.html", 404, _("未找到。"))


def server_error(request: HttpRequest) -> HttpResponse:
    """Never raises: the template gets no request (no context processors, no database)."""
    request_id = request_id_for(request)
    try:
        if _is_api(request):
            return JsonResponse(
                {"detail": _("服务器内部错误，请稍后重试。"), "request_id": request_id},
                status=500,
            )
        return HttpResponse(
            loader.render_to_string("500.html", {"request_id": request_id}), status=500
        )
    except Exception:  # the error page itself must not fail
        logger.exception("The 500 page could not be rendered")
        return HttpResponse(_LAST_RESORT.format(request_id=request_id), status=500)
