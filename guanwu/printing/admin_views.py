"""Editions in the Wagtail admin: the list, a request form, one edition with its progress,
its PDF, what changed and its filing (备案). Views load, check, call one service, render;
the builds themselves run in the background (``tasks.build_edition_task``)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanwu.disclosure.enums import Category

from . import services
from .admin_forms import EditionRequestForm
from .enums import BuildState, EditionKind
from .models import Edition
from .permissions import (
    editions_visible_to,
    user_can_build_editions,
    user_can_file_edition,
    user_can_request_edition,
    user_can_see_editions,
)
from .tasks import schedule_build

logger = logging.getLogger(__name__)

PER_PAGE = 30
FINISHED = (BuildState.DONE, BuildState.FAILED)


def _visible_edition(request: HttpRequest, pk: int) -> Edition:
    """The edition, or 404 for one that does not exist or is someone else's."""
    edition = (
        editions_visible_to(request.user)
        .select_related("unit", "hall", "built_by", "filed_by")
        .filter(pk=pk)
        .first()
    )
    if edition is None:
        raise Http404(_("没有这个版次，或者您无权查看。"))
    return edition


def _with_latest_done(editions: QuerySet[Edition]) -> QuerySet[Edition]:
    """Annotate each edition with the id of its scope's latest built edition."""
    latest = (
        Edition.objects.filter(
            kind=OuterRef("kind"), scope=OuterRef("scope"), state=BuildState.DONE
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    return editions.annotate(latest_done_id=Subquery(latest))


def _out_of_date(edition: Edition) -> bool | None:
    """Has live content changed since ``edition`` was built? ``None`` when it cannot be told
    (the content builder failed): the screen shows nothing rather than a wrong answer."""
    try:
        return services.is_out_of_date(edition)
    except Exception:
        logger.exception("Could not compare edition %s with the live content", edition.pk)
        return None


@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    if not user_can_see_editions(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    editions = editions_visible_to(request.user).select_related(
        "unit", "hall", "built_by", "filed_by"
    )
    if kind in EditionKind.values:
        editions = editions.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(_with_latest_done(editions), PER_PAGE).get_page(request.GET.get("page"))
    for edition in page:
        # Only the latest built edition of a scope is what hangs on the board or lies on the
        # desk; older ones are superseded anyway. Computed per request, never stored: content
        # changes at any time and a kept answer would soon be wrong.
        edition.is_latest_done = edition.pk == edition.latest_done_id
        edition.out_of_date = _out_of_date(edition) if edition.is_latest_done else None
    return TemplateResponse(
        request,
        "printing/admin/list.html",
        {
            "page_obj": page,
            "kind": kind,
            "kinds": EditionKind.choices,
            "can_build": user_can_build_editions(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def edition_new(request: HttpRequest) -> HttpResponse:
    if not user_can_build_editions(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = EditionRequestForm(request.POST, user=request.user)
    else:
        # Prefilled from "生成新版次" links on an edition's page.
        initial = {k: request.GET[k] for k in ("kind", "unit", "hall", "size") if k in request.GET}
        form = EditionRequestForm(user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit, hall = data["unit"], data["hall"]
        # The form offers only permitted scopes; checked again here so no form change can
        # open another unit's editions.
        if not user_can_request_edition(request.user, kind=data["kind"], unit=unit, hall=hall):
            raise PermissionDenied
        try:
            with transaction.atomic():
                edition = services.request_edition(
                    kind=data["kind"],
                    unit=unit,
                    hall=hall,
                    size=data["size"] or None,
                    user=request.user,
                )
                schedule_build(edition)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("第 %(number)d 版已提交生成。") % {"number": edition.number}
            )
            return redirect("printing_admin_edition", pk=edition.pk)
    return TemplateResponse(request, "printing/admin/new.html", {"form": form})


def _newer_edition(edition: Edition) -> Edition | None:
    return (
        Edition.objects.filter(
            kind=edition.kind,
            scope=edition.scope,
            state=BuildState.DONE,
            number__gt=edition.number,
        )
        .order_by("-number")
        .first()
    )


def _rebuild_query(edition: Edition) -> str:
    params = {"kind": edition.kind, "size": edition.size}
    if edition.hall_id:
        params["hall"] = edition.hall_id
    elif edition.unit_id:
        params["unit"] = edition.unit_id
    return urlencode(params)


def _entries(edition: Edition) -> list[Any]:
    entries = list(edition.entries.select_related("content_type"))
    for entry in entries:
        entry.category_label = (
            Category(entry.category).label if entry.category in Category.values else ""
        )
    return entries


@require_GET
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _visible_edition(request, pk)
    context: dict[str, Any] = {
        "edition": edition,
        "finished": edition.state in FINISHED,
        "can_build": user_can_request_edition(
            request.user, kind=edition.kind, unit=edition.unit, hall=edition.hall
        ),
        "can_file": user_can_file_edition(request.user),
        "rebuild_query": _rebuild_query(edition),
    }
    if edition.state == BuildState.DONE:
        since_built: services.Changes | None
        try:
            since_built = services.changes_since_built(edition)
        except Exception:
            logger.exception("Could not compare edition %s with the live content", edition.pk)
            since_built = None
        context.update(
            previous=services.previous_edition(edition),
            since_previous=services.changes_since_previous(edition),
            since_built=since_built,
            newer=_newer_edition(edition),
            entries=_entries(edition),
        )
    return TemplateResponse(request, "printing/admin/detail.html", context)


@require_GET
def edition_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the edition page polls while the edition is being built."""
    edition = _visible_edition(request, pk)
    response = JsonResponse(
        {
            "id": edition.pk,
            "state": edition.state,
            "state_label": edition.get_state_display(),
            "progress": edition.progress,
            "message": edition.message,
            "finished": edition.state in FINISHED,
            "page_count": edition.page_count,
            "url": reverse("printing_admin_edition", args=[edition.pk]),
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def edition_download(request: HttpRequest, pk: int) -> FileResponse:
    edition = _visible_edition(request, pk)
    if edition.state != BuildState.DONE or not edition.pdf:
        raise Http404(_("该版次还没有生成 PDF 文件。"))
    try:
        handle = edition.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("PDF 文件已不存在。")) from exc
    filename = _("%(title)s（第%(number)d版）.pdf") % {
        "title": edition.title,
        "number": edition.number,
    }
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def edition_file(request: HttpRequest, pk: int) -> HttpResponse:
    """备案: record that the edition was filed with the consulting service centre."""
    edition = _visible_edition(request, pk)
    if not user_can_file_edition(request.user):
        raise PermissionDenied
    try:
        services.file_edition(edition=edition, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已备案。"))
    return redirect("printing_admin_edition", pk=edition.pk)
