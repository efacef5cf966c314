"""The year-end evaluation (年度考核, seed 五.(六)) and the annual report on government
information disclosure (年度报告, 国办公开办函〔2021〕30号) in the Wagtail admin.

Views load, check, call one service in ``evaluation`` or ``annual_report``, render. The
office and the supervision office set the weights, compute and read the evaluation; the
office writes and finalises the annual report, the supervision office reads it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from guanwu.core.admin_menu import PermittedMenuItem

from . import annual_report, evaluation
from .models import AnnualReport, EvaluationWeights

# The years offered: the platform has no data before this.
FIRST_YEAR = 2020


def _year(value: Any, default: int) -> int:
    """A year from the query string, within what makes sense, else ``default``."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if FIRST_YEAR <= year <= timezone.localdate().year else default


def _years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the year-end evaluation ---------------------------------------------------------------------


class WeightsForm(forms.ModelForm):
    """The six weights of a year, in whole percentages that must sum to 100."""

    class Meta:
        model = EvaluationWeights
        fields = list(evaluation.PART_KEYS)
        widgets = {
            key: forms.NumberInput(attrs={"min": 0, "max": 100, "class": "weight"})
            for key in evaluation.PART_KEYS
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            evaluation.validate_weights({k: cleaned.get(k) or 0 for k in evaluation.PART_KEYS})
        return cleaned


def _require_evaluation(request: HttpRequest) -> None:
    if not evaluation.user_can_manage_evaluation(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def evaluation_index(request: HttpRequest) -> HttpResponse:
    """The year's weights, the compute button and the ranked table with its figures."""
    _require_evaluation(request)
    year = _year(request.GET.get("year"), timezone.localdate().year)
    weights = evaluation.weights_for(year)
    form = WeightsForm(instance=weights)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "weights":
            form = WeightsForm(request.POST, instance=weights)
            if form.is_valid():
                try:
                    evaluation.evaluation_weights_save(
                        year=year,
                        values={k: form.cleaned_data[k] for k in evaluation.PART_KEYS},
                        user=request.user,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(
                        request,
                        _("%(year)s年度考核权重已保存。重新计算后生效。") % {"year": year},
                    )
                    return redirect(f"{reverse('oversight_evaluation')}?year={year}")
        elif action == "compute":
            try:
                rows = evaluation.evaluate(year)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("已完成%(year)s年度考核计算，共 %(count)s 个单位参加排名。")
                    % {"year": year, "count": len(rows)},
                )
            return redirect(f"{reverse('oversight_evaluation')}?year={year}")
    rows = evaluation.evaluation_rows(year)
    computed_weights = rows[0].evaluation.figures.get("weights") if rows else None
    return TemplateResponse(
        request,
        "oversight/admin/evaluation_index.html",
        {
            "year": year,
            "years": _years(),
            "form": form,
            "weights_saved": weights.pk is not None,
            "rows": rows,
            "parts": evaluation.PARTS,
            "computed_at": evaluation.last_computed(year),
            "as_of": rows[0].evaluation.figures.get("as_of") if rows else None,
            # The table shows the weights it was computed with; warn when they changed since.
            "weights_changed": computed_weights is not None
            and computed_weights != evaluation.weight_values(weights),
            "not_ranked": evaluation.units_without_score(year) if rows else [],
        },
    )


@require_GET
def evaluation_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    _require_evaluation(request)
    return _download(
        evaluation.export_xlsx(year),
        f"evaluation-{year}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
def evaluation_pdf(request: HttpRequest, year: int) -> HttpResponse:
    _require_evaluation(request)
    return _download(evaluation.render_pdf(year), f"evaluation-{year}.pdf", "application/pdf")


# --- the annual report -----------------------------------------------------------------------------


def _require_report_reader(request: HttpRequest) -> None:
    if not annual_report.user_can_view_annual_report(request.user):
        raise PermissionDenied


def _require_report_editor(request: HttpRequest) -> None:
    if not annual_report.user_can_edit_annual_report(request.user):
        raise PermissionDenied


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise PermissionDenied


@require_GET
def annual_report_index(request: HttpRequest) -> HttpResponse:
    _require_report_reader(request)
    year = _year(request.GET.get("year"), annual_report.default_report_year())
    return redirect("oversight_annual_report", year=year)


@require_GET
def annual_report_view(request: HttpRequest, year: int) -> HttpResponse:
    """The report as tables, with the due date and what still fails to add up."""
    _require_report_reader(request)
    _check_year(year)
    data = annual_report.build_report(year)
    stored = AnnualReport.objects.filter(year=year).select_related("updated_by").first()
    return TemplateResponse(
        request,
        "oversight/admin/evaluation_report.html",
        {
            "year": year,
            "years": _years(),
            "report": data,
            "stored": stored,
            "errors": annual_report.table_errors(data.requests, data.review),
            "can_edit": annual_report.user_can_edit_annual_report(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def annual_report_edit(request: HttpRequest, year: int) -> HttpResponse:
    """The office's entries: counts, amounts and the written parts."""
    _require_report_editor(request)
    _check_year(year)
    stored = AnnualReport.objects.filter(year=year).first()
    if stored is not None:
        initial = AnnualReportEntriesInitial.for_report(stored)
    else:
        initial = AnnualReportEntriesInitial.for_new(year)
    data = request.POST if request.method == "POST" else None
    form = annual_report.AnnualReportEntriesForm(data, year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            annual_report.annual_report_save_entries(
                year=year, entries=form.entries(), user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(year)s年度报告的填报内容已保存。") % {"year": year})
            return redirect("oversight_annual_report", year=year)
    return TemplateResponse(
        request,
        "oversight/admin/evaluation_report_form.html",
        {
            "year": year,
            "form": form,
            "report": annual_report.build_report(year),
            "columns": annual_report.REQUEST_COLUMNS,
            "organisation_columns": annual_report.ORGANISATION_COLUMNS,
            "review_results": annual_report.REVIEW_RESULTS,
            "carried_from_last_year": annual_report.previous_carried_out(year) is not None,
        },
    )


class AnnualReportEntriesInitial:
    """The form's starting values: the stored entries, or for a new report last year's
    carry-over as this year's 二、上年结转."""

    @staticmethod
    def for_report(report: AnnualReport) -> dict[str, Any]:
        return annual_report.AnnualReportEntriesForm.initial_from(report.entries)

    @staticmethod
    def for_new(year: int) -> dict[str, Any]:
        entries = annual_report.empty_entries()
        carried = annual_report.previous_carried_out(year)
        if carried is not None:
            entries["requests"]["carried_in"] = dict(carried)
        return annual_report.AnnualReportEntriesForm.initial_from(entries)


@require_GET
def annual_report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    """The finalised PDF when there is one, else the report as it stands."""
    _require_report_reader(request)
    _check_year(year)
    stored = AnnualReport.objects.filter(year=year).first()
    if stored is not None and stored.pdf and request.GET.get("draft") != "1":
        with stored.pdf.open("rb") as handle:
            content = handle.read()
    else:
        content = annual_report.render_report_pdf(year)
    return _download(content, f"annual-report-{year}.pdf", "application/pdf")


@require_POST
def annual_report_finalise(request: HttpRequest, year: int) -> HttpResponse:
    _require_report_editor(request)
    _check_year(year)
    try:
        annual_report.annual_report_finalise(year=year, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(year)s年度报告已定稿，PDF 已保存。") % {"year": year})
    return redirect("oversight_annual_report", year=year)


# --- hooks -----------------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_evaluation_urls() -> list[Any]:
    return [
        path("oversight/evaluation/", evaluation_index, name="oversight_evaluation"),
        path(
            "oversight/evaluation/<int:year>/xlsx/",
            evaluation_xlsx,
            name="oversight_evaluation_xlsx",
        ),
        path(
            "oversight/evaluation/<int:year>/pdf/", evaluation_pdf, name="oversight_evaluation_pdf"
        ),
        path("oversight/annual-report/", annual_report_index, name="oversight_annual_reports"),
        path(
            "oversight/annual-report/<int:year>/",
            annual_report_view,
            name="oversight_annual_report",
        ),
        path(
            "oversight/annual-report/<int:year>/edit/",
            annual_report_edit,
            name="oversight_annual_report_edit",
        ),
        path(
            "oversight/annual-report/<int:year>/pdf/",
            annual_report_pdf,
            name="oversight_annual_report_pdf",
        ),
        path(
            "oversight/annual-report/<int:year>/finalise/",
            annual_report_finalise,
            name="oversight_annual_report_finalise",
        ),
    ]


@hooks.register("register_oversight_menu_item")
def evaluation_menu_item() -> MenuItem:
    return PermittedMenuItem(
        gettext_lazy("年度考核"),
        reverse_lazy("oversight_evaluation"),
        icon_name="crosshairs",
        order=500,
        predicate=evaluation.user_can_manage_evaluation,
    )


@hooks.register("register_oversight_menu_item")
def annual_report_menu_item() -> MenuItem:
    return PermittedMenuItem(
        gettext_lazy("年度报告"),
        reverse_lazy("oversight_annual_reports"),
        icon_name="doc-full",
        order=510,
        predicate=annual_report.user_can_view_annual_report,
    )
