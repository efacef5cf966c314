"""The staff workspace in the Wagtail admin: lists, one case with its timeline, quick intake."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .admin_forms import (
    ApproveReplyForm,
    AssignForm,
    BulkAssignForm,
    CohandlerForm,
    ExtendForm,
    LogContactForm,
    MergeForm,
    NoteForm,
    OpinionForm,
    ReasonForm,
    RejectReplyForm,
    ReplyForm,
    RouteForm,
    TransferForm,
)
from .enums import OPEN_STATUSES, CaseKind, Status
from .exports import export_cases
from .models import Case, CaseNotification, ReplyTemplate
from .notify import action_label
from .permissions import (
    assignable_handlers,
    cases_visible_to,
    user_can_act_on_case,
    user_can_approve_reply,
    user_can_log_contacts,
    user_can_see_identity,
    user_is_cohandler,
)
from .selectors import (
    SCOPES,
    capped_count,
    due_soon_limit,
    same_contact_cases,
    workspace_cases,
)

ACTIONS = {
    "route": RouteForm,
    "transfer": TransferForm,
    "reply": ReplyForm,
    "pause": ReasonForm,
    "resume": NoteForm,
    "extend": ExtendForm,
    "close": NoteForm,
    "merge": MergeForm,
    "cohandler": CohandlerForm,
    "uncohandler": CohandlerForm,
    "assign": AssignForm,
}
# Actions with their own permission check in the service (a head approves; a co-handling
# unit gives its opinion without being able to act on the case).
OWN_CHECK_ACTIONS = {
    "approve": ApproveReplyForm,
    "reject": RejectReplyForm,
    "opinion": OpinionForm,
}


class CappedPaginator(Paginator):
    """The list's paginator: an exact count up to ``EXACT_COUNT_LIMIT`` rows, PostgreSQL's
    estimate above (``selectors.capped_count``), instead of a COUNT(*) of every visible
    case on each page view."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return capped_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_exact(self) -> bool:
        return self._counted[1]


def case_list(request: HttpRequest) -> HttpResponse:
    scope = request.GET.get("scope", "all")
    scope = scope if scope in SCOPES else "all"
    filters = {
        k: request.GET.get(k, "") for k in ("status", "kind", "overdue", "due_soon", "escalated")
    }
    cases = workspace_cases(request.user, scope=scope, filters=filters).select_related(
        "handler", "merged_into"
    )
    if request.GET.get("export") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(
            export_cases(
                cases, user=request.user, request=request, filters={"scope": scope, **filters}
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response
    paginator = CappedPaginator(cases, 50)
    page = paginator.get_page(request.GET.get("page"))
    own_unit = getattr(getattr(request.user, "staff", None), "unit", None)
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
            "bulk_form": BulkAssignForm(
                cases=Case.objects.none(), handlers=assignable_handlers(own_unit)
            ),
        },
    )


def _action_form(name: str, data: Any, case: Case) -> Any:
    form_class = ACTIONS.get(name) or OWN_CHECK_ACTIONS[name]
    kwargs: dict[str, Any] = {"prefix": name}
    if form_class is AssignForm:
        kwargs["handlers"] = assignable_handlers(case.responsible_unit)
    return form_class(data, **kwargs) if data is not None else form_class(**kwargs)


@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = cases_visible_to(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404(_("没有这个事项，或者您无权查看。"))
    can_act = user_can_act_on_case(request.user, case)
    forms: dict[str, Any] = {
        name: _action_form(name, None, case) for name in [*ACTIONS, *OWN_CHECK_ACTIONS]
    }
    template = _chosen_template(request, case)
    if template is not None:
        forms["reply"] = ReplyForm(
            prefix="reply", initial={"body": services.render_template(template, case)}
        )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in OWN_CHECK_ACTIONS:
            pass  # the service checks who may approve, reject or give an opinion
        elif action not in ACTIONS or not can_act:
            raise PermissionDenied
        form = _action_form(action, request.POST, case)
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
    if show_identity:
        # Rule 8: every view of a reporter's identity is on the record (reports only).
        services.case_identity_viewed(case=case, user=request.user, surface="admin")
    replies = list(case.replies.select_related("author", "approved_by"))
    events = list(case.events.select_related("actor"))
    for event in events:
        event.label = action_label(event.action)
    return TemplateResponse(
        request,
        "cases/admin/detail.html",
        {
            "case": case,
            "can_act": can_act,
            "can_approve": user_can_approve_reply(request.user, case),
            "is_cohandler": user_is_cohandler(request.user, case),
            "forms": forms,
            "show_identity": show_identity,
            "events": events,
            "replies": replies,
            "pending_replies": [r for r in replies if r.pending],
            "units": case.unit_links.select_related("unit"),
            "templates": ReplyTemplate.objects.filter(active=True)
            .filter(Q(kind=case.kind) | Q(kind=""))
            .order_by("sort_order", "pk"),
            "merged_cases": case.merged_cases.all(),
            "same_contact": same_contact_cases(request.user, case) if show_identity else [],
        },
    )


def _chosen_template(request: HttpRequest, case: Case) -> ReplyTemplate | None:
    """``?template=<id>`` fills the reply form from a template of the case's kind."""
    raw = request.GET.get("template", "")
    if not raw.isdigit():
        return None
    return (
        ReplyTemplate.objects.filter(pk=int(raw), active=True)
        .filter(Q(kind=case.kind) | Q(kind=""))
        .first()
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
    elif action == "merge":
        duplicates = list(cases_visible_to(user).filter(tracking_code__in=data["codes"]))
        missing = set(data["codes"]) - {c.tracking_code for c in duplicates}
        if missing:
            raise services.CaseError(
                _("找不到这些查询码，或您无权办理：%(codes)s")
                % {"codes": "、".join(sorted(missing))}
            )
        if not all(user_can_act_on_case(user, c) for c in duplicates):
            raise PermissionDenied(_("您无权办理其中的部分事项。"))
        services.case_merge(primary=case, duplicates=duplicates, user=user, reason=data["reason"])
    elif action == "cohandler":
        services.case_add_cohandler(case=case, user=user, unit=data["unit"])
    elif action == "uncohandler":
        services.case_remove_cohandler(case=case, user=user, unit=data["unit"])
    elif action == "assign":
        services.case_assign(case=case, user=user, handler=data["handler"], reason=data["reason"])
    elif action in ("approve", "reject"):
        reply = case.replies.filter(pk=data["reply"]).first()
        if reply is None:
            raise services.CaseError(_("没有这份答复。"))
        if action == "approve":
            services.case_approve_reply(reply=reply, user=user)
        else:
            services.case_reject_reply(reply=reply, user=user, note=data["note"])
    elif action == "opinion":
        services.case_cohandler_opinion(case=case, user=user, text=data["text"])


@require_http_methods(["POST"])
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the ticked cases of the list to a unit and/or a handler, each case on its own."""
    own_unit = getattr(getattr(request.user, "staff", None), "unit", None)
    visible = cases_visible_to(request.user).filter(status__in=OPEN_STATUSES)
    form = BulkAssignForm(
        request.POST,
        cases=visible,
        handlers=assignable_handlers(own_unit)
        | assignable_handlers(_unit_or_none(request.POST.get("unit"))),
    )
    next_url = request.POST.get("next", "")
    if not next_url.startswith("/admin/cases/"):
        next_url = ""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(next_url or "cases_admin_list")
    data = form.cleaned_data
    done, refused = services.cases_bulk_assign(
        cases=data["cases"],
        user=request.user,
        unit=data["unit"],
        handler=data["handler"],
        reason=data["reason"],
    )
    if done:
        messages.success(request, _("已分派 %(n)d 件。") % {"n": len(done)})
    for code, why in refused.items():
        messages.error(request, f"{code}：{why}")
    return redirect(next_url or "cases_admin_list")


def _unit_or_none(raw: str | None) -> Any:
    from guanwu.organization.models import Unit

    return Unit.objects.filter(pk=int(raw)).first() if raw and raw.isdigit() else None


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
            reply = (
                services.case_reply(case=case, user=request.user, body=answer) if answer else None
            )
            if reply is not None and reply.pending:
                messages.info(
                    request, _("投诉和举报的当场答复须经主办单位负责人审核，审核后送达。")
                )
            elif reply is not None:
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


def my_notifications(request: HttpRequest) -> HttpResponse:
    """The staff member's case messages (站内提醒): newest first; the page shown marks them read."""
    notes = (
        CaseNotification.objects.filter(
            recipient=request.user, medium=CaseNotification.Medium.STAFF
        )
        .select_related("case")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(notes, 50).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    response = TemplateResponse(
        request, "cases/admin/notifications.html", {"page_obj": page, "unread": set(unread)}
    )
    if unread:
        CaseNotification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response
