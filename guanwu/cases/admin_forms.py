from __future__ import annotations

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
    body = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}))
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
