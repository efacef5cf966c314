"""Wagtail's site for a request, kept in each process and checked against a shared version.

For every request Wagtail finds the site by the host (a query with a ``CASE`` annotation
over the sites, with the root page) and the router then reads the root page's specific row:
two queries and about 15 % of an uncached public page's CPU. The sites and their root pages
change rarely, so each process keeps what it found per host and port, with the *site
version* it was read under. The version lives in the shared cache (Redis or the host's file
cache, as the page cache's content version does), so a change made in any process or on any
host is seen by all: saving or deleting a site or any page, moving a page, bumps it — at once
and again when the transaction commits (a process that read the old rows in between must not
keep them under the new version). A request then costs one cache read instead of the two
queries.

Each request gets its own copies of the site and of the root page (routing marks the page it
returns, e.g. ``_no_view_restrictions``), so nothing set during one request is seen by the
next. The site root paths (``Site.get_site_root_paths``, another cache read per request) are
kept with them: Wagtail clears its copy when a site or a root page is saved, which bumps the
site version too.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.http.request import split_domain_port

from wagtail.models import Page, Site

from .versions import bump_version, read_version

SITE_VERSION_KEY = "guanwu:site-version"
# More hosts than this in one process (ALLOWED_HOSTS limits them anyway): start over.
_MAX_ENTRIES = 64

# (hostname, port) -> (version, site or None, the root page's specific object, root paths)
_entries: dict[tuple[str, int | str], tuple[int, Site | None, Page | None, list[Any]]] = {}


def site_version() -> int:
    return read_version(SITE_VERSION_KEY)


def _bump() -> None:
    bump_version(SITE_VERSION_KEY)


def bump_site_version(**kwargs: Any) -> None:
    """Make every process read the sites and root pages again (now and after the commit).

    Once after the commit however many pages the transaction saved (a demo load saves
    hundreds); a rolled-back savepoint drops its callback, and the next bump adds it again.
    """
    _bump()
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not any(
        func is _bump for _sids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_bump)


def _page_changed(sender: type, instance: Any = None, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        bump_site_version()


def forget() -> None:
    """Drop what this process keeps (tests: a rolled-back transaction sends no signal)."""
    _entries.clear()


def _read(hostname: str, port: int | str) -> tuple[Site | None, Page | None, list[Any]]:
    from wagtail.models.sites import get_site_for_hostname

    from .db_router import reads_on_primary

    # From the primary: kept under the version read before, which a replica lagging behind
    # the bumping commit would otherwise pair with the old rows until the next bump.
    with reads_on_primary():
        root_paths = list(Site.get_site_root_paths())
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            return None, None, root_paths
        # With Wagtail's i18n the root depends on the active language: routing finds it.
        root = None if _is_i18n() else site.root_page.specific
    return site, root, root_paths


def find_for_request(request: HttpRequest) -> Site | None:
    """What ``Site._find_for_request`` returns, from this process's copy when still current."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    version = site_version()
    entry = _entries.get((hostname, port))
    if entry is None or entry[0] != version:
        if len(_entries) >= _MAX_ENTRIES:
            _entries.clear()
        entry = (version, *_read(hostname, port))
        _entries[(hostname, port)] = entry
    _version, site, root, root_paths = entry
    if not hasattr(request, "_wagtail_cached_site_root_paths"):
        request._wagtail_cached_site_root_paths = list(root_paths)
    if site is None:
        return None
    # Copies (Django models copy their state and related-object cache): routing and views
    # may set attributes on the site or the page, which must not outlive this request.
    site = copy.copy(site)
    if root is not None:
        site.root_page = copy.copy(root)
    return site


def _is_i18n() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "WAGTAIL_I18N_ENABLED", False))


def install() -> None:
    """Route Wagtail's site lookup through ``find_for_request`` and connect the bumps."""
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import post_page_move

    Site._find_for_request = staticmethod(find_for_request)
    post_save.connect(bump_site_version, sender=Site, dispatch_uid="guanwu_site_saved")
    post_delete.connect(bump_site_version, sender=Site, dispatch_uid="guanwu_site_deleted")
    post_save.connect(_page_changed, dispatch_uid="guanwu_site_page_saved")
    post_delete.connect(_page_changed, dispatch_uid="guanwu_site_page_deleted")
    post_page_move.connect(bump_site_version, dispatch_uid="guanwu_site_page_moved")
