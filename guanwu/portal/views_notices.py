"""The notices pages: immediate-mode notices in force (/notices/) and the ended ones (/notices/archive/).

Both read through ``guanwu.disclosure.selectors``, so only legally reviewed content appears:
the page rows hold the live revision, never a pending draft.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanwu.disclosure import selectors

ARCHIVE_PAGE_SIZE = 20


def notices(request: HttpRequest) -> HttpResponse:
    """Notices in force now, the newest first (by start, or publication when no start is set)."""
    items = selectors.notices_in_force().order_by(
        Coalesce(F("starts_at"), F("first_published_at")).desc(),
        F("last_published_at").desc(),
        "pk",
    )
    return render(request, "portal/notices.html", {"notices": list(items), "archive": False})


def notice_archive(request: HttpRequest) -> HttpResponse:
    """Notices whose time is over, kept public as a record, 20 a page, latest end first."""
    paginator = Paginator(selectors.notice_archive().order_by("-ends_at", "-pk"), ARCHIVE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "portal/notices.html", {"notices": page, "archive": True})
