from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

SUBMISSIONS_PER_MINUTE = 10


def too_many_submissions(request: HttpRequest, bucket: str = "case-intake") -> bool:
    """Per-address limit on public submissions (a simple fixed one-minute window)."""
    key = f"guanwu:{bucket}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > SUBMISSIONS_PER_MINUTE
    except ValueError:
        return False
