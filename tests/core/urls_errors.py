"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from guanwu.core.request_id import current_request_id
from guanwu.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure for the 500 page test")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("deliberate bad request")


def echo_post(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(len(request.POST)))


def echo_request_id(request: HttpRequest) -> HttpResponse:
    return HttpResponse(current_request_id())


urlpatterns = [
    path("test-errors/boom/", boom),
    path("api/test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/echo-post/", echo_post),
    path("test-errors/request-id/", echo_request_id),
    *urlpatterns,
]
