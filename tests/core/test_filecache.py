"""The single-host shared cache (guanwu.core.filecache.HostFileCache)."""

from __future__ import annotations

import multiprocessing
import pickle
import time

import pytest

from guanwu.core.filecache import HostFileCache


def make_cache(path, **options) -> HostFileCache:
    return HostFileCache(str(path), {"OPTIONS": {"MAX_ENTRIES": 10, **options}})


def count_up(path, key: str, times: int) -> None:
    cache = make_cache(path)
    for _ in range(times):
        cache.incr(key)


def test_incr_from_several_processes_loses_no_count(tmp_path):
    cache = make_cache(tmp_path)
    cache.add("hits", 0, timeout=60)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=count_up, args=(tmp_path, "hits", 150)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert cache.get("hits") == 600


def test_incr_keeps_the_expiry_and_refuses_missing_or_expired_keys(tmp_path):
    cache = make_cache(tmp_path)
    cache.add("window", 0, timeout=60)
    with open(cache._key_to_file("window"), "rb") as f:
        expiry = pickle.load(f)  # noqa: S301  # the test's own cache file
    assert cache.incr("window", 5) == 5
    with open(cache._key_to_file("window"), "rb") as f:
        assert abs(pickle.load(f) - expiry) < 1  # noqa: S301  # not reset to the 300 s default
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.add("short", 1, timeout=0.05)
    time.sleep(0.1)
    with pytest.raises(ValueError):
        cache.incr("short")


def test_add_only_stores_a_missing_key(tmp_path):
    cache = make_cache(tmp_path)
    assert cache.add("k", "first", timeout=60)
    assert not cache.add("k", "second", timeout=60)
    assert cache.get("k") == "first"


def test_the_directory_is_listed_for_culling_once_an_interval(tmp_path, monkeypatch):
    cache = make_cache(tmp_path, CULL_INTERVAL=3600)
    listings = []
    original = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or original())
    for number in range(30):
        cache.set(f"page-{number}", "x")
    assert len(listings) == 1  # not once a set

    cache.cull_interval = 0
    cache._next_cull = 0
    cache.set("one-more", "x")
    assert len(listings) == 2
    assert len(original()) < 30  # over MAX_ENTRIES, so it culled


def test_values_are_stored_uncompressed_in_djangos_format(tmp_path):
    from django.core.cache.backends.filebased import FileBasedCache

    page = "<p>海关公开目录</p>" * 500
    cache = make_cache(tmp_path)
    cache.set("page", page, 60)
    (stored,) = tmp_path.glob("*.djcache")
    assert stored.stat().st_size > len(page.encode())  # level 0: not deflated
    assert cache.get("page") == page
    # Django's own backend reads the files, and this one reads Django's (deflated) files.
    django_cache = FileBasedCache(str(tmp_path), {})
    assert django_cache.get("page") == page
    django_cache.set("old", page, 60)
    assert cache.get("old") == page
