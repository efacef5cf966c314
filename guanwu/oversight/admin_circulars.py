"""Circulars (通报) in the Wagtail admin: the list, a build form, one circular with its
figures, PDF and the legal review of its public summary. Only the office and the supervision
office see them (seed 六.一–二); views load, check, call one service, render (STYLE rule 6)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from guanwu.core.admin_menu import PermittedMenuItem

from . import circulars
from .models import Circular

PER_PAGE = 30


class CircularRequestForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("期间"),
        max_length=10,
        help_text=gettext_lazy(
            "月度写作 2026-11，季度写作 2026-Q4。已生成的期间将重新生成并替换。"
        ),
    )

    def clean_period(self) -> str:
        value = self.cleaned_data["period"]
        circulars.parse_period(value)  # raises the Chinese message as a field error
        return circulars.normalise_period(value)


def _require_viewer(request: HttpRequest) -> None:
    # Everyone else is told nothing exists (404), like for editions they may not see.
    if not circulars.user_can_see_circulars(request.user):
        raise Http404


def _circular(pk: int) -> Circular:
    circular = Circular.objects.select_related("built_by").filter(pk=pk).first()
    if circular is None:
        raise Http404(_("没有这期通报。"))
    return circular


def _last_period() -> str:
    """The month before this one: what is usually circulated."""
    first = timezone.localdate().replace(day=1)
    previous = first - datetime.timedelta(days=1)
    return f"{previous:%Y-%m}"


@require_GET
def circular_list(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    page = Paginator(Circular.objects.select_related("built_by"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(circular, circulars.summary_state(circular)) for circular in page]
    return TemplateResponse(
        request,
        "oversight/admin/circular_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "can_build": circulars.user_can_build_circulars(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def circular_new(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    if not circulars.user_can_build_circulars(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = CircularRequestForm(request.POST)
        if form.is_valid():
            try:
                circular = circulars.request_circular(
                    form.cleaned_data["period"], user=request.user
                )
            except ValidationError as exc:
                form.add_error("period", exc)
            else:
                messages.success(request, _("通报已提交后台生成，请稍后刷新本页。"))
                return redirect("oversight_circular", pk=circular.pk)
    else:
        form = CircularRequestForm(initial={"period": request.GET.get("period") or _last_period()})
    return TemplateResponse(request, "oversight/admin/circular_new.html", {"form": form})


@require_GET
def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_viewer(request)
    circular = _circular(pk)
    if not circular.figures:  # the first build has not finished yet
        return TemplateResponse(
            request, "oversight/admin/circular_pending.html", {"circular": circular}
        )
    context = circulars.circular_context(circular)
    context.update(
        state=circulars.summary_state(circular),
        can_build=circulars.user_can_build_circulars(request.user),
        can_publish=circulars.user_can_publish_circular_summary(request.user),
    )
    return TemplateResponse(request, "oversight/admin/circular_detail.html", context)


@require_GET
def circular_pdf(request: HttpRequest, pk: int) -> FileResponse:
    _require_viewer(request)
    circular = _circular(pk)
    if not circular.pdf:
        raise Http404(_("这期通报还没有 PDF 文件。"))
    try:
        handle = circular.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("PDF 文件已不存在。")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_("通报-%(period)s.pdf") % {"period": circular.period},
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def circular_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """提交法规处审核: the public summary goes into the review workflow, never live here."""
    _require_viewer(request)
    circular = _circular(pk)
    if not circulars.user_can_publish_circular_summary(request.user):
        raise PermissionDenied
    if not circular.figures:
        raise Http404(_("这期通报还没有生成。"))
    try:
        circulars.publish_summary(circular, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("公开摘要已提交审核，法规处审核通过后才会公开。"))
    return redirect("oversight_circular", pk=circular.pk)


@hooks.register("register_admin_urls")
def register_circular_urls() -> list[Any]:
    return [
        path("oversight/circulars/", circular_list, name="oversight_circulars"),
        path("oversight/circulars/new/", circular_new, name="oversight_circular_new"),
        path("oversight/circulars/<int:pk>/", circular_detail, name="oversight_circular"),
        path("oversight/circulars/<int:pk>/pdf/", circular_pdf, name="oversight_circular_pdf"),
        path(
            "oversight/circulars/<int:pk>/publish/",
            circular_publish,
            name="oversight_circular_publish",
        ),
    ]


@hooks.register("register_oversight_menu_item")
def register_circulars_menu_item() -> MenuItem:
    return PermittedMenuItem(
        gettext_lazy("通报"),
        reverse_lazy("oversight_circulars"),
        icon_name="doc-full",
        order=300,
        predicate=circulars.user_can_see_circulars,
    )
