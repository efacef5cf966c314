"""The oversight dashboard and the corrective actions (督办) in the Wagtail admin.

The dashboard (office and supervision office, seed 六.一–二) lists the engine's findings by
severity and check, each with a 督办 button, and charts of cases over time, on-time rates and
satisfaction per unit, drawn on the server (``charts``) with a table for each. Corrective
actions are listed for the overseers and, for their own units, for unit heads and liaisons.
Views load, check, call one service in ``actions``, render.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays
from guanwu.core.admin_menu import PermittedMenuItem
from guanwu.organization.enums import UnitKind
from guanwu.organization.models import Unit

from . import actions, charts
from .engine import run_checks
from .enums import ActionState, Severity
from .findings import CHECK_LABELS, Finding
from .models import CorrectiveAction

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A corrective action's default deadline, in working days.
DEFAULT_DEADLINE_WORKDAYS = 10
# The charts cover this many calendar months up to today.
CHART_MONTHS = 6
SEVERITY_ORDER = [Severity.VETO, Severity.SERIOUS, Severity.WARNING, Severity.INFO]


def unit_label(unit: Unit | None) -> str:
    if unit is None:
        return "—"
    if unit.kind == UnitKind.SECTION and unit.parent is not None:
        return f"{unit.parent.short_name or unit.parent.name} · {unit.name}"
    return unit.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj)


# --- forms ------------------------------------------------------------------------------------


class AssignForm(forms.Form):
    unit = UnitChoiceField(label=gettext_lazy("整改单位"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=gettext_lazy("整改期限"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=gettext_lazy("督办意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.live().select_related("parent")


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("整改情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("销号意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("重新督办理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(
        label=gettext_lazy("新的整改期限"),
        required=False,
        widget=DATE_WIDGET,
        help_text=gettext_lazy("留空则沿用原期限。"),
    )


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "answer": AnswerForm,
    "close": CloseForm,
    "reopen": ReopenForm,
}


# --- the dashboard ----------------------------------------------------------------------------


def _require_overseer(request: HttpRequest) -> None:
    if not actions.user_can_oversee(request.user):
        raise PermissionDenied(_("督办看板仅供办公室和监察室使用。"))


def _finding_groups(findings: list[Finding]) -> list[dict[str, Any]]:
    """Severity → check → findings, in the engine's order (most severe first)."""
    active = actions.active_actions_by_key([f.key for f in findings])
    by_severity: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for finding in findings:
        rows = by_severity[str(finding.severity)].setdefault(finding.check, [])
        rows.append(
            {
                "finding": finding,
                "unit": unit_label(finding.unit),
                "action": active.get(finding.key),
                "assign_url": reverse("oversight_assign") + "?" + urlencode({"key": finding.key}),
            }
        )
    groups = []
    for severity in SEVERITY_ORDER:
        checks = by_severity.get(severity.value, {})
        if not checks:
            continue
        groups.append(
            {
                "severity": severity,
                "label": severity.label,
                "count": sum(len(rows) for rows in checks.values()),
                "checks": [
                    {
                        "name": name,
                        "label": CHECK_LABELS.get(name, name),
                        "rows": rows,
                        "assigned": sum(1 for row in rows if row["action"]),
                    }
                    for name, rows in checks.items()
                ],
            }
        )
    return groups


def _division(unit: Unit | None) -> Unit | None:
    """The 处级 unit a figure rolls up to (a section's division; a division itself)."""
    if unit is None or unit.kind == UnitKind.DISTRICT:
        return None
    return unit.parent if unit.kind == UnitKind.SECTION else unit


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _unit_figures(start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """The case figures per division (处级, its sections included), in the unit tree's order."""
    from .stats import case_figures

    sums: dict[int, dict[str, Any]] = {}
    for row in case_figures(start, end)[1:]:
        division = _division(row.unit)
        if division is None:
            continue
        entry = sums.setdefault(
            division.pk,
            {
                "unit": division,
                "received": 0,
                "answered": 0,
                "on_time": 0,
                "rated": 0,
                "satisfied": 0,
            },
        )
        entry["received"] += row.received
        entry["answered"] += row.answered
        entry["on_time"] += row.answered_on_time
        entry["rated"] += row.rated
        entry["satisfied"] += row.satisfied
    rows = sorted(sums.values(), key=lambda e: (e["unit"].sort_order, e["unit"].code))
    for entry in rows:
        entry["name"] = entry["unit"].short_name or entry["unit"].name
        entry["on_time_rate"] = _ratio(entry["on_time"], entry["answered"])
        entry["satisfaction_rate"] = _ratio(entry["satisfied"], entry["rated"])
    return rows


def _charts(today: datetime.date) -> dict[str, Any]:
    from .stats import monthly_series

    months = monthly_series(CHART_MONTHS, today)
    labels = [_("%(month)s月") % {"month": int(m["month"][5:])} for m in months]
    units = _unit_figures(datetime.date.fromisoformat(months[0]["start"]), today)
    return {
        "months": months,
        "units": units,
        "start": months[0]["start"],
        "cases": charts.column_chart(
            labels,
            [
                charts.Series(_("受理"), [m["received"] for m in months]),
                charts.Series(_("已答复"), [m["answered"] for m in months]),
            ],
            title=_("每月受理和答复件数"),
        ),
        "rates": charts.line_chart(
            labels,
            [
                charts.Series(_("按时答复率"), [m["on_time_rate"] for m in months]),
                charts.Series(_("满意率"), [m["satisfaction_rate"] for m in months]),
            ],
            title=_("每月按时答复率和满意率"),
            max_value=1,
            fmt=charts.percent,
        ),
        "on_time": charts.bar_chart(
            [(u["name"], u["on_time_rate"]) for u in units],
            title=_("各单位按时答复率"),
            max_value=1,
            fmt=charts.percent,
        ),
        "satisfaction": charts.bar_chart(
            [(u["name"], u["satisfaction_rate"]) for u in units],
            title=_("各单位满意率"),
            max_value=1,
            fmt=charts.percent,
        ),
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    _require_overseer(request)
    today = timezone.localdate()
    findings = run_checks(today)
    counts = {s.value: 0 for s in Severity}
    for finding in findings:
        counts[str(finding.severity)] += 1
    return TemplateResponse(
        request,
        "oversight/admin/dashboard.html",
        {
            "today": today,
            "total": len(findings),
            "counts": [(s, s.label, counts[s.value]) for s in SEVERITY_ORDER],
            "groups": _finding_groups(findings),
            "open_check": request.GET.get("open", ""),
            "open_count": actions.open_actions().count(),
            "overdue": list(actions.overdue_actions(today).select_related("unit__parent")[:10]),
            "overdue_count": actions.overdue_actions(today).count(),
            "charts": _charts(today),
        },
    )


def _default_deadline(today: datetime.date) -> datetime.date:
    return add_workdays(today, DEFAULT_DEADLINE_WORKDAYS, load_calendar())


@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """督办 one finding: pick the unit (the finding's by default) and the deadline."""
    _require_overseer(request)
    key = request.POST.get("key") or request.GET.get("key", "")
    today = timezone.localdate()
    finding = next((f for f in run_checks(today) if f.key == key), None)
    if finding is None:
        messages.warning(request, _("该问题在最新检查中已不存在，可能已经整改。"))
        return redirect("oversight_dashboard")
    existing = actions.active_actions_by_key([key]).get(key)
    if existing is not None:
        messages.info(request, _("该问题已在督办中。"))
        return redirect("oversight_action", pk=existing.pk)
    if request.method == "POST":
        form = AssignForm(request.POST)
        if form.is_valid():
            try:
                action = actions.assign(
                    finding=finding,
                    unit=form.cleaned_data["unit"],
                    deadline=form.cleaned_data["deadline"],
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已督办%(unit)s，整改期限 %(deadline)s。")
                    % {"unit": unit_label(action.unit), "deadline": action.deadline.isoformat()},
                )
                url = reverse("oversight_dashboard")
                return redirect(f"{url}?open={finding.check}#check-{finding.check}")
    else:
        form = AssignForm(initial={"unit": finding.unit, "deadline": _default_deadline(today)})
    return TemplateResponse(
        request,
        "oversight/admin/actions_assign.html",
        {
            "finding": finding,
            "finding_unit": unit_label(finding.unit),
            "check_label": CHECK_LABELS.get(finding.check, finding.check),
            "severity_label": Severity(finding.severity).label,
            "form": form,
        },
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- corrective actions -----------------------------------------------------------------------


def action_list(request: HttpRequest) -> HttpResponse:
    if not actions.user_can_view_actions(request.user):
        raise PermissionDenied(_("您没有查看督办事项的权限。"))
    today = timezone.localdate()
    items = actions.actions_visible_to(request.user).select_related("unit__parent")
    state = request.GET.get("state", "")
    if state == "active":
        items = items.filter(state__in=actions.ACTIVE_STATES)
    elif state in ActionState.values:
        items = items.filter(state=state)
    if request.GET.get("overdue"):
        items = items.filter(state=ActionState.OPEN, deadline__lt=today)
    rows = [
        {"action": a, "unit": unit_label(a.unit)} for a in items.order_by("state", "deadline", "pk")
    ]
    return TemplateResponse(
        request,
        "oversight/admin/actions_list.html",
        {
            "rows": rows,
            "today": today,
            "state": state,
            "overdue": bool(request.GET.get("overdue")),
            "states": ActionState.choices,
            "can_oversee": actions.user_can_oversee(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = actions.actions_visible_to(request.user).filter(pk=pk).first()
    if action is None:
        raise Http404
    user = request.user
    allowed = {
        "answer": action.state == ActionState.OPEN and actions.user_can_answer_action(user, action),
        "close": action.state == ActionState.ANSWERED and actions.user_can_oversee(user),
        "reopen": action.state != ActionState.OPEN and actions.user_can_oversee(user),
    }
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in ACTION_FORMS:
            raise Http404
        form = ACTION_FORMS[name](request.POST, prefix=name)
        bound[name] = form
        if form.is_valid():
            try:
                _apply(name, action, user, form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("已%(verb)s。") % {"verb": actions.VERB_LABELS[name]})
                return redirect("oversight_action", pk=action.pk)
    forms_ = {
        name: bound.get(name) or form_class(prefix=name)
        for name, form_class in ACTION_FORMS.items()
        if allowed[name] or name in bound
    }
    events = [
        {"event": e, "label": actions.VERB_LABELS.get(e.verb, e.verb)}
        for e in action.events.select_related("actor__staff")
    ]
    return TemplateResponse(
        request,
        "oversight/admin/actions_detail.html",
        {
            "action": action,
            "unit": unit_label(action.unit),
            "check_label": CHECK_LABELS.get(action.check_name, action.check_name),
            "events": events,
            "forms": forms_,
            "today": timezone.localdate(),
        },
    )


def _apply(name: str, action: CorrectiveAction, user: Any, data: dict[str, Any]) -> None:
    if name == "answer":
        actions.answer(action=action, user=user, text=data["text"])
    elif name == "close":
        actions.close(action=action, user=user, note=data["note"])
    else:
        actions.reopen(
            action=action, user=user, reason=data["reason"], deadline=data.get("deadline")
        )


# --- hooks --------------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("oversight/", dashboard, name="oversight_dashboard"),
        path("oversight/assign/", assign, name="oversight_assign"),
        path("oversight/actions/", action_list, name="oversight_actions"),
        path("oversight/actions/<int:pk>/", action_detail, name="oversight_action"),
    ]


@hooks.register("register_oversight_menu_item")
def register_dashboard_menu_item() -> MenuItem:
    return PermittedMenuItem(
        gettext_lazy("督办看板"),
        reverse_lazy("oversight_dashboard"),
        icon_name="view",
        order=10,
        predicate=actions.user_can_oversee,
    )


@hooks.register("register_oversight_menu_item")
def register_actions_menu_item() -> MenuItem:
    return PermittedMenuItem(
        gettext_lazy("督办事项"),
        reverse_lazy("oversight_actions"),
        icon_name="tasks",
        order=20,
        predicate=actions.user_can_view_actions,
    )
