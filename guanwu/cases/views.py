"""Public intake and tracking on the website: a form per kind, the receipt, the status page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import services
from .enums import CaseKind, Channel
from .forms import AddInformationForm, PublicCaseForm, RatingForm, TrackForm
from .intake import submit_public_form
from .models import Case

# Lazy: the module is imported once, the help is shown in each visitor's language (the
# kiosk uses it too).
KIND_HELP = {
    CaseKind.CONSULTATION: gettext_lazy("关于海关业务的咨询，5 个工作日内答复。"),
    CaseKind.COMPLAINT_EFFICIENCY: gettext_lazy("对办事效率、办理时限的投诉。"),
    CaseKind.COMPLAINT_ATTITUDE: gettext_lazy("对工作人员态度作风的投诉，由监察室办理。"),
    CaseKind.INTEGRITY_REPORT: gettext_lazy(
        "对海关工作人员违纪违法行为的举报，可以匿名；举报人信息严格保密，只有监察室可见。"
    ),
    CaseKind.MAILBOX: gettext_lazy("写给关长的信。"),
    CaseKind.SUGGESTION: gettext_lazy("对海关工作的意见和建议。"),
}


def new_case(request: HttpRequest) -> HttpResponse:
    kinds = [(kind, kind.label, KIND_HELP[kind]) for kind in CaseKind]
    return render(request, "cases/new.html", {"kinds": kinds})


@require_http_methods(["GET", "POST"])
def new_case_kind(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in CaseKind.values:
        raise Http404(_("没有这类事项。"))
    kind_label = CaseKind(kind).label
    form = PublicCaseForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": kind_label,
        "help": KIND_HELP[CaseKind(kind)],
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submission, status = submit_public_form(
            request,
            form,
            kind=kind,
            channel=Channel.WEB,
            email=data["email"],
            units=[data["unit"]] if data["unit"] else [],
            attachments=data["attachments"],
        )
        if submission is not None:
            return render(
                request,
                "cases/receipt.html",
                {
                    "case": submission.case,
                    "password": submission.password,
                    "attachments": list(submission.case.attachments.all()),
                },
            )
        if status == 429:
            context["files_dropped"] = bool(request.FILES)
            return render(request, "cases/form.html", context, status=429)
    # A browser never sends chosen files again with a form shown a second time.
    context["files_dropped"] = bool(form.errors and request.FILES)
    return render(request, "cases/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Status, deadline and public replies for whoever holds the code and the password."""
    form = TrackForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "cases/track.html", {"form": form})
    code = form.cleaned_data["tracking_code"].strip().upper()
    case = Case.objects.filter(tracking_code=code).first()
    if case is None or not services.check_case_password(case, form.cleaned_data["password"]):
        form.add_error(None, _("查询码或查询密码不正确。"))
        return render(request, "cases/track.html", {"form": form}, status=404)
    message, add_form, rating_form = "", AddInformationForm(), RatingForm()
    action = request.POST.get("action", "")
    try:
        if action == "add":
            add_form = AddInformationForm(request.POST)
            if add_form.is_valid():
                services.case_add_information(case=case, text=add_form.cleaned_data["text"])
                message, add_form = _("补充内容已收到。"), AddInformationForm()
        elif action == "rate":
            rating_form = RatingForm(request.POST)
            if rating_form.is_valid():
                services.case_rate(case=case, **rating_form.cleaned_data)
                message = _("感谢您的评价。")
    except services.CaseError as exc:
        message = " ".join(exc.messages)
    case.refresh_from_db()
    return render(
        request,
        "cases/status.html",
        {
            "form": form,
            "case": case,
            "replies": case.replies.filter(public=True, sent_at__isnull=False),
            "extensions": case.events.filter(action="extend"),
            "add_form": add_form,
            "rating_form": rating_form,
            "message": message,
            "password": form.cleaned_data["password"],
        },
    )
