"""The Redis cache backend used with ``REDIS_URL`` (guanwu.core.rediscache)."""

from __future__ import annotations

import socket
import uuid

import pytest

from guanwu.core.rediscache import SharedRedisCache


def redis_runs() -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


pytestmark = pytest.mark.skipif(not redis_runs(), reason="needs Redis on 127.0.0.1:6379")


@pytest.fixture
def cache():
    # Its own database number and key prefix; only its own keys are removed afterwards.
    backend = SharedRedisCache(
        "redis://127.0.0.1:6379/14", {"KEY_PREFIX": f"guanwu-test-{uuid.uuid4().hex}"}
    )
    keys = ["page", "version", "count", "gone", "once"]
    yield backend
    backend.delete_many(keys)


def test_it_is_a_working_django_cache(cache):
    page = ("<p>关务公开</p>" * 200, 7)
    cache.set("page", page, 60)
    cache.set("version", 7, 60)
    assert cache.get("page") == page
    assert cache.get_many(["page", "version", "missing"]) == {"page": page, "version": 7}
    assert cache.add("once", 1, 60) is True and cache.add("once", 2, 60) is False
    cache.set("count", 1, 60)
    assert cache.incr("count", 2) == 3
    cache.set("gone", 1, 60)
    cache.delete("gone")
    assert cache.get("gone", "absent") == "absent"


def test_one_client_serves_every_call_of_the_process(cache):
    cache.set("page", 1, 60)
    client = cache._cache.get_client("page")
    cache.get("page")
    assert cache._cache.get_client("page", write=True) is client
    assert cache._cache.get_client("version") is client
