from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanwu.organization.enums import ContactLineKind
from guanwu.organization.models import Hall, Unit

from .enums import CaseKind, Channel


def _units() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("涉及单位"),
        queryset=Unit.objects.order_by("sort_order", "code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class LogContactForm(forms.Form):
    """Hotline call or desk visit on one screen, keyboard first (seed 四.三, 四.五)."""

    channel = forms.ChoiceField(
        label=_("渠道"),
        choices=[
            (Channel.HOTLINE, Channel.HOTLINE.label),
            (Channel.DESK, Channel.DESK.label),
            (Channel.VISIT, Channel.VISIT.label),
            (Channel.LETTER, Channel.LETTER.label),
        ],
    )
    line = forms.ChoiceField(
        label=_("热线"), choices=[("", "—"), *ContactLineKind.choices], required=False
    )
    hall = forms.ModelChoiceField(label=_("报关大厅"), queryset=Hall.objects.all(), required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=CaseKind.choices)
    caller_number = forms.CharField(label=_("来电号码"), max_length=30, required=False)
    name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    body = forms.CharField(
        label=_("来电来访内容"), widget=forms.Textarea(attrs={"rows": 4, "autofocus": True})
    )
    units = _units()
    answer = forms.CharField(
        label=_("当场答复（填写后即答复并办结）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RouteForm(forms.Form):
    units = _units()


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("转办单位"), queryset=Unit.objects.order_by("sort_order", "code")
    )
    reason = forms.CharField(label=_("转办理由"), max_length=500)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))
    public = forms.BooleanField(
        label=_("送达来件人（不勾选则为内部记录）"), required=False, initial=True
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("延期理由（将告知来件人）"), max_length=500)


class RejectReplyForm(forms.Form):
    reply = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("退回修改意见"), max_length=500)


class ApproveReplyForm(forms.Form):
    reply = forms.IntegerField(widget=forms.HiddenInput)


class MergeForm(forms.Form):
    codes = forms.CharField(
        label=_("并入的重复事项查询码"),
        max_length=500,
        help_text=_("多个查询码用空格或逗号分隔；它们的来件人都将收到本事项的答复。"),
    )
    reason = forms.CharField(label=_("并单理由"), max_length=500)

    def clean_codes(self) -> list[str]:
        raw = self.cleaned_data["codes"].replace("，", ",").replace(",", " ")
        codes = [code.strip().upper() for code in raw.split() if code.strip()]
        if not codes:
            raise forms.ValidationError(_("请填写查询码。"))
        return codes


class CohandlerForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("协办单位"), queryset=Unit.objects.order_by("sort_order", "code")
    )


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("协办意见"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    """Name the handler (承办人) within the responsible unit."""

    handler = forms.ModelChoiceField(label=_("承办人"), queryset=None)
    reason = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, handlers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers if handlers is not None else _no_users()
        self.fields["handler"].label_from_instance = _staff_label


class BulkAssignForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    unit = forms.ModelChoiceField(
        label=_("分派到单位"),
        queryset=Unit.objects.order_by("sort_order", "code"),
        required=False,
    )
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=None, required=False)
    reason = forms.CharField(label=_("理由（转到其他单位时必填）"), max_length=500, required=False)

    def __init__(self, *args: Any, cases: Any, handlers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["handler"].queryset = handlers
        self.fields["handler"].label_from_instance = _staff_label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("unit") and not data.get("handler"):
            raise forms.ValidationError(_("请选择分派单位或承办人。"))
        return data


def _no_users() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.none()


def _staff_label(user: Any) -> str:
    staff = getattr(user, "staff", None)
    unit = f"（{staff.unit.name}）" if staff is not None else ""
    return f"{user.get_full_name() or user.get_username()}{unit}"
