"""Version numbers kept in the shared cache, read by every process on every host.

A process keeps something (a rendered page, Wagtail's site) under the version it read, and
drops it once the shared version differs: a bump anywhere is seen everywhere. Used by the
public page cache (``guanwu.portal.cache``) and the site copy (``guanwu.core.sites``).
"""

from __future__ import annotations

import secrets
import time

from django.core.cache import cache


def new_version() -> int:
    # Time plus randomness, never an increment: a file cache's incr is a read and a write,
    # and two processes bumping at once could both write the same "next" value.
    return time.time_ns() // 1000 * 1000 + secrets.randbelow(1000)


def read_version(key: str) -> int:
    """The version under ``key``; a new one when there is none (first use, or culled: a new
    version makes every process start over, which is always safe)."""
    version = cache.get(key)
    if version is None:
        cache.add(key, new_version(), timeout=None)
        version = cache.get(key, 0)
    return int(version)


def bump_version(key: str) -> None:
    cache.set(key, new_version(), timeout=None)
