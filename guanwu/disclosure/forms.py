from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import FilingDecision


class CheckedForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class FilingForm(forms.Form):
    authority = forms.CharField(label=_("上级主管机关"), max_length=100, initial="海关总署")
    reference = forms.CharField(label=_("备案文号"), max_length=100)
    reason = forms.CharField(label=_("暂不公开理由"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("裁定结果"),
        choices=[(v, label) for v, label in FilingDecision.choices if v != FilingDecision.PENDING],
    )
    decided_on = forms.DateField(
        label=_("裁定日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.CharField(label=_("裁定文书"), max_length=200)
    note = forms.CharField(
        label=_("裁定说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
