from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """One code: six digits from the authenticator, or a backup code where allowed."""

    token = forms.CharField(
        label=_("动态验证码"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()
