"""Issue 9: public reads may go to a read replica; staff work and every write stay on the
primary (guanwu/core/db_router.py)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

import pytest

from guanwu.core.db_router import PrimaryReplicaRouter, PublicReadMiddleware, reads_from_replica
from guanwu.organization.models import Unit

REPLICA_DATABASES = {"default": {}, "replica": {}}


def _request(path: str, method: str = "get", user=None):
    request = getattr(RequestFactory(), method)(path)
    request.user = user or AnonymousUser()
    return request


def _routed_read(request) -> str | None:
    """The alias the router picks for a read made while ``request`` is being served."""
    seen: list[str | None] = []

    def view(req):
        seen.append(PrimaryReplicaRouter().db_for_read(Unit))
        return HttpResponse()

    PublicReadMiddleware(view)(request)
    return seen[0]


@pytest.mark.parametrize(
    ("path", "method", "expected"),
    [
        ("/", "get", True),
        ("/directory/", "head", True),
        ("/api/v1/items/", "get", True),
        ("/search/?q=关税", "get", True),
        ("/", "post", False),
        ("/admin/", "get", False),
        ("/account/otp/", "get", False),
        ("/api/v1/staff/cases/", "get", False),
        ("/api/v1/cases/ABC/", "get", False),
        ("/cases/track/", "get", False),
    ],
)
def test_only_anonymous_public_reads_may_use_the_replica(path, method, expected):
    assert reads_from_replica(_request(path, method)) is expected


def test_a_signed_in_user_always_reads_from_the_primary():
    class Staff:
        is_authenticated = True

    assert not reads_from_replica(_request("/", user=Staff()))


@override_settings(DATABASES=REPLICA_DATABASES)
def test_with_a_replica_public_reads_go_there_and_writes_and_staff_reads_do_not():
    router = PrimaryReplicaRouter()
    assert _routed_read(_request("/directory/")) == "replica"
    assert _routed_read(_request("/admin/")) == "default"
    assert _routed_read(_request("/directory/", "post")) == "default"
    # Outside a request (commands, tasks) and for every write: the primary.
    assert router.db_for_read(Unit) == "default"
    assert router.db_for_write(Unit) == "default"
    assert router.allow_migrate("replica", "organization") is False
    assert router.allow_migrate("default", "organization") is True


@override_settings(DATABASES={"default": {}})
def test_without_a_replica_everything_reads_from_the_primary():
    assert _routed_read(_request("/directory/")) == "default"
