from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# The default; ``GUANWU_INTAKE_PER_MINUTE`` (environment) overrides it, e.g. for a load test.
SUBMISSIONS_PER_MINUTE = 10


def too_many_submissions(request: HttpRequest, bucket: str = "case-intake") -> bool:
    """Per-address limit on public submissions (a simple fixed one-minute window)."""
    limit = getattr(settings, "GUANWU_INTAKE_PER_MINUTE", None) or SUBMISSIONS_PER_MINUTE
    key = f"guanwu:{bucket}:{request.META.get('REMOTE_ADDR', '')}"
    # Counting first: one locked read and write while the window is open (the common case);
    # the window opens with an add, and a racing add from another worker is counted on.
    try:
        return cache.incr(key) > limit
    except ValueError:
        if cache.add(key, 1, timeout=60):
            return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:
        return False
