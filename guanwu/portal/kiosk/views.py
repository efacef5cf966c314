"""The kiosk's screens: home, a category, an item, search, and intake (咨询投诉: pick the
kind, fill in the form, the receipt with the tracking code and query password)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wagtail.models import Site

from guanwu.cases import services as case_services
from guanwu.cases.enums import CaseKind, Channel
from guanwu.cases.intake import submit_public_form
from guanwu.cases.views import KIND_HELP
from guanwu.core.qr import qr_svg
from guanwu.disclosure import selectors
from guanwu.disclosure.models import CategoryPage, SubItem
from guanwu.organization.selectors import public_contact_lines
from guanwu.portal.models import KioskSettings
from guanwu.portal.search import QueryError, search

from . import pinyin
from .content import kiosk_html
from .forms import KioskCaseForm

ITEMS_PER_SCREEN = 8
LATEST_ON_HOME = 4
RESULTS_PER_SCREEN = 8
INITIALS_SHOWN = 20
MAX_PAGE = 1000
PAD_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Typing on a screen keyboard takes a while: the form waits at least this long for a touch.
FORM_IDLE_SECONDS = 180
# Time to write down or photograph the code and password; then the next visitor must not
# find them on the screen.
RECEIPT_IDLE_SECONDS = 120
# Where "返回" may lead: a kiosk screen, never another site (no scheme, no host, no "//").
_KIOSK_PATH = re.compile(r"^/kiosk/[^\s\\]*$")


def home(request: HttpRequest) -> HttpResponse:
    settings = KioskSettings.load(request_or_site=request)
    context = {
        "is_home": True,
        "categories": selectors.categories_with_counts(),
        "notices": list(selectors.notices_in_force()[:5]),
        "latest": list(selectors.latest_changes(LATEST_ON_HOME)),
        "hot_words": settings.hot_word_list(),
        "contact_lines": list(
            public_contact_lines().filter(Q(unit__kind="district") | Q(unit__function="centre"))
        ),
    }
    return _render(request, "portal/kiosk/home.html", context, settings=settings)


def category(request: HttpRequest, number: int) -> HttpResponse:
    page = CategoryPage.objects.live().filter(number=number).first()
    if page is None:
        return _not_found(request, _("没有这个类别。"))
    subitems = list(SubItem.objects.for_category(number))
    subitem = request.GET.get("subitem", "")[:8]
    if subitem not in {s.code for s in subitems}:
        subitem = ""
    items = selectors.filter_items(selectors.live_items(), category=number, subitem=subitem)
    paginator = Paginator(selectors.in_force_first(items), ITEMS_PER_SCREEN)
    screen = paginator.get_page(_page_number(request))
    prefix = urlencode({"subitem": subitem}) + "&" if subitem else ""
    context = {
        "category": page,
        "subitems": subitems,
        "current_subitem": subitem,
        "items": screen,
        "query_prefix": prefix,
        "back_url": reverse("kiosk:home"),
        "here": request.get_full_path(),
    }
    return _render(request, "portal/kiosk/category.html", context)


def item(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.live_items().filter(pk=pk).first()
    if page is None:
        return _not_found(request, _("没有这条公开内容，或它已经撤下。"))
    specific = page.specific
    template = getattr(specific, "detail_template", "") or "disclosure/types/general.html"
    content = kiosk_html(render_to_string(template, {"page": specific}, request=request), request)
    public_url = specific.get_full_url(request)
    context = {
        "page": specific,
        "content": content,
        "attachments": list(specific.attachments.all()),
        "public_url": public_url,
        "qr_svg": qr_svg(public_url),
        "back_url": _back_url(request, reverse("kiosk:category", args=[page.category])),
        "here": request.get_full_path(),
    }
    return _render(request, "portal/kiosk/item.html", context)


def search_screen(request: HttpRequest) -> HttpResponse:
    """Words through the column's search engine, or pinyin initials tapped on the A–Z pad."""
    settings = KioskSettings.load(request_or_site=request)
    query = request.GET.get("q", "")[:1000]
    typed_raw = request.GET.get("py", "")[:200]
    typed = pinyin.clean(typed_raw)
    page = _page_number(request)
    error, status = "", 200
    results, matches = None, None
    if len(typed) > pinyin.MAX_INITIALS:
        error, status = (
            _("拼音首字母最多 %(limit)s 个，请删去几个再试。") % {"limit": pinyin.MAX_INITIALS},
            400,
        )
        typed = ""
    elif query.strip():
        try:
            results = search(query, page=page, page_size=RESULTS_PER_SCREEN)
        except QueryError as exc:
            error, status, query = str(exc), 400, ""
    entries = pinyin.entries()
    if typed and not query.strip():
        matches = pinyin.find(typed, entries)
    context = {
        "query": query,
        "results": results,
        "typed": typed,
        "matches": matches[:INITIALS_SHOWN] if matches is not None else None,
        "more_matches": max(0, len(matches) - INITIALS_SHOWN) if matches else 0,
        "pad": _pad(typed, entries),
        "erase": typed[:-1],
        "hot_words": settings.hot_word_list(),
        "error": error,
        "back_url": reverse("kiosk:home"),
        "here": request.get_full_path(),
        "query_prefix": urlencode({"q": query}) + "&" if query else "",
    }
    return _render(request, "portal/kiosk/search.html", context, settings=settings, status=status)


def case_kinds(request: HttpRequest) -> HttpResponse:
    """我要咨询/投诉: the kinds, each with what it is for."""
    kinds = [(kind.value, kind.label, KIND_HELP[kind]) for kind in CaseKind]
    context = {"kinds": kinds, "back_url": reverse("kiosk:home")}
    return _render(request, "portal/kiosk/case_kinds.html", context)


@require_http_methods(["GET", "POST"])
def case_form(request: HttpRequest, kind: str) -> HttpResponse:
    """The form of one kind; a valid submission is stored, then its receipt is shown."""
    if kind not in CaseKind.values:
        return _not_found(request, _("没有这类事项。"))
    kind = CaseKind(kind)
    settings = KioskSettings.load(request_or_site=request)
    form = KioskCaseForm(request.POST or None)
    context = {
        "form": form,
        "kind": kind.value,
        "kind_label": kind.label,
        "help": KIND_HELP[kind],
        "back_url": reverse("kiosk:cases"),
        "idle_seconds": max(settings.idle_seconds, FORM_IDLE_SECONDS),
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            submission, status = submit_public_form(request, form, kind=kind, channel=Channel.KIOSK)
            if submission is not None:
                return _case_receipt(request, submission, settings)
    return _render(
        request, "portal/kiosk/case_form.html", context, settings=settings, status=status
    )


def _case_receipt(
    request: HttpRequest, submission: case_services.Submission, settings: KioskSettings
) -> HttpResponse:
    # The code leads to the website's tracking page; the password is never in it.
    track_url = _site_url(request, reverse("cases:track"))
    context = {
        "case": submission.case,
        "password": submission.password,
        "track_url": track_url,
        "qr_svg": qr_svg(track_url, title=_("手机扫码打开查询页面")),
        "idle_seconds": RECEIPT_IDLE_SECONDS,
        "idle_minutes": RECEIPT_IDLE_SECONDS // 60,
    }
    return _render(request, "portal/kiosk/case_receipt.html", context, settings=settings)


# --- working offline (issue 9) ----------------------------------------------------------------

# Static files every kiosk screen uses (kiosk.css has no fonts or images of its own).
SHELL_STATIC = ["css/kiosk.css", "css/kiosk-cases.css", "js/kiosk.js", "js/kiosk-offline.js"]
# Bump when the layout of the saved pages changes: that cache survives new deployments (it
# holds what visitors have seen), the shell cache is replaced by each new worker version.
PAGES_CACHE_VERSION = 1
# Saved kiosk pages kept at most; the oldest are dropped first.
PAGES_KEPT = 300
OFFLINE_REASONS = {"page", "submit"}


@require_http_methods(["GET", "HEAD"])
def service_worker(request: HttpRequest) -> HttpResponse:
    """The kiosk's service worker, served at /kiosk/sw.js so that its scope is /kiosk/.

    A template, not a static file: it lists the hashed static URLs and the category screens
    to save at install, and its cache name is a hash of that list and of its own source, so
    each deployment installs a new worker that drops the previous shell cache.
    """
    home = reverse("kiosk:home")
    config: dict[str, Any] = {
        "scope": home,
        "staticUrl": static(""),
        "shell": [
            home,
            reverse("kiosk:cases"),
            reverse("kiosk:offline"),
            reverse("kiosk:offline") + "?reason=submit",
            *[static(name) for name in SHELL_STATIC],
        ],
        "pages": [
            reverse("kiosk:category", args=[number])
            for number in CategoryPage.objects.live()
            .order_by("number")
            .values_list("number", flat=True)
        ],
        "offline": {
            "page": reverse("kiosk:offline"),
            "submit": reverse("kiosk:offline") + "?reason=submit",
        },
        "noSave": [reverse("kiosk:sw")],
        "formPrefix": reverse("kiosk:cases"),
        "pagesVersion": PAGES_CACHE_VERSION,
        "pagesKept": PAGES_KEPT,
    }
    template = get_template("portal/kiosk/sw.js")
    source = getattr(getattr(template, "template", None), "source", "")
    fingerprint = json.dumps(config, sort_keys=True) + source
    config["version"] = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    # JSON inside a script: no "</" sequence can end anything, and no template tag is parsed.
    config_js = json.dumps(config, ensure_ascii=True).replace("</", "<\\/")
    response = HttpResponse(
        template.render({"config": config_js}, request),
        content_type="application/javascript; charset=utf-8",
    )
    # The browser checks for a new worker on every navigation; never a stale copy (this also
    # keeps it out of the public page cache, which skips "no-cache" responses).
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = home
    return response


def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a screen it has not saved, or a failed submission.

    Saved at install; the worker only ever serves it from its cache, when the network is down.
    """
    reason = request.GET.get("reason", "page")
    context = {
        "reason": reason if reason in OFFLINE_REASONS else "page",
        "back_url": reverse("kiosk:home"),
        "contact_lines": list(
            public_contact_lines().filter(Q(unit__kind="district") | Q(unit__function="centre"))
        ),
    }
    return _render(request, "portal/kiosk/offline.html", context)


# --- helpers ----------------------------------------------------------------------------------


def _site_url(request: HttpRequest, path: str) -> str:
    """``path`` on the public website (the kiosk may be reached under another host name)."""
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return request.build_absolute_uri(path)
    return site.root_url.rstrip("/") + path


def _pad(typed: str, entries: list[pinyin.Entry]) -> list[dict[str, Any]]:
    possible = pinyin.next_letters(typed, entries)
    return [
        {"letter": letter, "value": typed + letter.lower(), "enabled": letter.lower() in possible}
        for letter in PAD_LETTERS
    ]


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1")[:6])
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def _back_url(request: HttpRequest, default: str) -> str:
    """The kiosk screen the visitor came from (``?from=``), if it is one; else ``default``."""
    back = request.GET.get("from", "")
    if len(back) <= 500 and _KIOSK_PATH.match(back) and "//" not in back:
        return back
    return default


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    """A kiosk screen, not the website's 404 page: the visitor stays inside the kiosk."""
    context = {"message": message, "back_url": reverse("kiosk:home")}
    return _render(request, "portal/kiosk/not_found.html", context, status=404)


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    settings: KioskSettings | None = None,
    status: int = 200,
) -> HttpResponse:
    context["kiosk"] = settings or KioskSettings.load(request_or_site=request)
    response = render(request, template, context, status=status)
    # A shared screen: what one visitor looked at is never served from cache to the next.
    response.headers["Cache-Control"] = "no-store"
    return response
