"""Cache of public pages, purged whenever public content changes.

Rendering a Wagtail page costs 20–40 ms of CPU here (FACTS.md), so anonymous GETs of public
pages and the public API are served from the cache: Redis when ``REDIS_URL`` is set, so
every host shares it, otherwise files under ``var/cache`` that every process of the host
shares (gunicorn workers, task workers and the daily commands publish and withdraw too, and
their change must purge the pages the web workers serve). Instead of finding every URL a
change touches, a change bumps one *content version* that every entry is stored with:
publish, withdrawal, expiry (Wagtail's unpublish), deletion, moves, unit-tree snippets and
search synonyms. An entry of an older version is a miss and is replaced. Time-dependent views
(a notice reaching its end) are bounded by the entries' lifetime.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from guanwu.core.db_router import remember_content_position, replica_behind_content
from guanwu.core.middleware import chosen_language
from guanwu.core.versions import bump_version, read_version

VERSION_KEY = "guanwu:content-version"
CACHED_PREFIXES_EXCLUDED = ("/admin/", "/documents/", "/api/v1/staff/", "/api/v1/cases/", "/i18n/")


def content_version() -> int:
    return read_version(VERSION_KEY)


def _bump() -> None:
    bump_version(VERSION_KEY)


def bump_content_version(**kwargs: Any) -> None:
    """Make every cached public page stale at once.

    Bumped now and again when the transaction commits: a page rendered by another process
    between the signal and the commit still shows the old content, and must not be kept
    under the new version.
    """
    _bump()
    transaction.on_commit(_after_commit)


def _after_commit() -> None:
    # With a read replica: first where the primary's WAL stands after this change, so pages
    # a lagging replica renders from now on are not cached (guanwu/core/db_router.py).
    remember_content_position()
    _bump()


def _key(request: HttpRequest) -> str:
    # get_host() validates the Host header against ALLOWED_HOSTS (a disallowed one is a 400,
    # as CommonMiddleware would give) and keeps the copies of two sites' pages apart.
    where = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()
    # The cache runs before ChosenLanguageMiddleware: the same choice, made from the cookie.
    language = chosen_language(request)
    return f"guanwu:page:{language}:{request.method}:{digest}"


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(CACHED_PREFIXES_EXCLUDED):
        return False
    if request.path.startswith(settings.STATIC_URL):
        return False  # WhiteNoise answers inside the cache, from memory
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # someone logged in (or with a session): personalised, never shared
    return len(request.get_full_path()) <= 2000


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and not any(word in control for word in ("private", "no-store", "no-cache"))
        # A page with a form carries a CSRF token tied to this visitor's cookie: never shared.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache, store what the stack inside made.

    It sits near the top of ``MIDDLEWARE`` (after the request id and the security middleware's
    HTTPS redirect): a hit skips everything inside it, and a stored response already carries
    what those middlewares added (Content-Security-Policy, ``Vary``, ``Content-Language``,
    X-Frame-Options), so a hit answers with the same headers.
    Anything that sets a cookie on the way out (a session, the CSRF cookie) makes the response
    uncacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = int(getattr(settings, "GUANWU_PAGE_CACHE_SECONDS", 300))
        if timeout <= 0 or not _cacheable_request(request):
            return self.get_response(request)
        # The entry holds the content version it was rendered under; one round trip fetches
        # it with the current version (an MGET on Redis), and a mismatch is a miss.
        key = _key(request)
        found = cache.get_many([key, VERSION_KEY])
        version = found.get(VERSION_KEY)
        if version is None:
            version = content_version()
        entry = found.get(key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
            cached = entry[1]
            cached["X-Cache"] = "hit"
            return cached
        # Asked before the page reads anything: a replica that has not yet replayed the latest
        # change renders the old content, which is served but must not be kept.
        behind = replica_behind_content(request)
        response = self.get_response(request)
        if not behind and _cacheable_response(request, response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            response["X-Cache"] = "miss"
            cache.set(key, (version, response), timeout)
        return response


def connect_signals() -> None:
    """Every change of public content bumps the version."""
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
        published,
        unpublished,
    )

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(bump_content_version, dispatch_uid=f"guanwu_cache_{id(signal)}")
    # Snippets of the unit tree (DraftStateMixin) send published/unpublished.
    published.connect(bump_content_version, dispatch_uid="guanwu_cache_snippet_published")
    unpublished.connect(bump_content_version, dispatch_uid="guanwu_cache_snippet_unpublished")

    from wagtail.models import Page

    from .models import SearchSynonym

    post_delete.connect(bump_content_version, sender=Page, dispatch_uid="guanwu_cache_page_deleted")
    for model in (SearchSynonym,):
        post_save.connect(
            bump_content_version, sender=model, dispatch_uid=f"guanwu_cache_{model.__name__}_saved"
        )
        post_delete.connect(
            bump_content_version,
            sender=model,
            dispatch_uid=f"guanwu_cache_{model.__name__}_deleted",
        )
