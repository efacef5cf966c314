"""The staff workspace in the Wagtail admin: lists, one case with its timeline, quick intake."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .admin_forms import (
    ExtendForm,
    LogContactForm,
    NoteForm,
    ReasonForm,
    ReplyForm,
    RouteForm,
    TransferForm,
)
from .enums import CaseKind, Status
from .models import CaseEvent
from .permissions import (
    cases_visible_to,
    user_can_act_on_case,
    user_can_log_contacts,
    user_can_see_identity,
)
from .selectors import SCOPES, due_soon_limit, workspace_cases

ACTIONS = {
    "route": RouteForm,
    "transfer": TransferForm,
    "reply": ReplyForm,
    "pause": ReasonForm,
    "resume": NoteForm,
    "extend": ExtendForm,
    "close": NoteForm,
}


def case_list(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "all")
    scope = scope if scope in SCOPES else "all"
    filters = {k: request.GET.get(k, "") for k in ("status", "kind", "overdue", "due_soon")}
    paginator = Paginator(workspace_cases(request.user, scope=scope, filters=filters), 50)
    page = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "cases/admin/list.html",
        {
            "page_obj": page,
            "scope": scope,
            "filters": filters,
            "statuses": Status.choices,
            "kinds": CaseKind.choices,
            "today": timezone.localdate(),
            "due_soon": due_soon_limit(),
            "can_log": user_can_log_contacts(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = cases_visible_to(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404(_("没有这个事项，或者您无权查看。"))
    can_act = user_can_act_on_case(request.user, case)
    forms: dict[str, Any] = {name: form_class(prefix=name) for name, form_class in ACTIONS.items()}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS or not can_act:
            raise PermissionDenied
        form = ACTIONS[action](request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            try:
                _run(action, case, request.user, form.cleaned_data)
            except (services.CaseError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("已办理。"))
                return redirect("cases_admin_detail", pk=case.pk)
    show_identity = user_can_see_identity(request.user, case)
    if show_identity and case.kind == CaseKind.INTEGRITY_REPORT and case.has_contact:
        # Rule 8: every view of a reporter's identity is on the record.
        CaseEvent.objects.create(case=case, action="identity_viewed", actor=request.user)
    return TemplateResponse(
        request,
        "cases/admin/detail.html",
        {
            "case": case,
            "can_act": can_act,
            "forms": forms,
            "show_identity": show_identity,
            "events": case.events.select_related("actor"),
            "replies": case.replies.select_related("author"),
            "units": case.unit_links.select_related("unit"),
        },
    )


def _run(action: str, case: Any, user: Any, data: dict[str, Any]) -> None:
    if action == "route":
        services.case_route(case=case, user=user, units=list(data["units"]))
    elif action == "transfer":
        services.case_transfer(case=case, user=user, unit=data["unit"], reason=data["reason"])
    elif action == "reply":
        services.case_reply(case=case, user=user, body=data["body"], public=data["public"])
    elif action == "pause":
        services.case_pause(case=case, user=user, reason=data["reason"])
    elif action == "resume":
        services.case_resume(case=case, user=user)
    elif action == "extend":
        services.case_extend(case=case, user=user, days=data["days"], reason=data["reason"])
    elif action == "close":
        services.case_close(case=case, user=user, note=data["note"])


@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest) -> HttpResponse:
    """A hotline call or desk visit: register and route, or answer on the spot and close."""
    if not user_can_log_contacts(request.user):
        raise PermissionDenied
    form = LogContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        answer = data.pop("answer", "").strip()
        units = list(data.pop("units"))
        try:
            case = services.case_log_contact(
                user=request.user,
                units=units,
                **{k: v for k, v in data.items() if v not in (None, "")},
            )
            if answer:
                services.case_reply(case=case, user=request.user, body=answer)
                services.case_close(case=case, user=request.user, note=_("当场答复"))
        except services.CaseError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("已登记 %(code)s，答复期限 %(deadline)s。")
                % {"code": case.tracking_code, "deadline": case.deadline.isoformat()},
            )
            return redirect("cases_admin_new")
    return TemplateResponse(request, "cases/admin/new.html", {"form": form})
