"""The kiosk's intake form: what a visitor can type on a shared touch screen, nothing more."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class KioskCaseForm(forms.Form):
    """A consultation, complaint, letter or report typed at the hall's touch screen.

    No files (the halls' screens have none to offer) and no e-mail (long to type on a screen
    keyboard; a phone number reaches the asker just as well).
    """

    title = forms.CharField(label=_("标题（可不填）"), max_length=200, required=False)
    body = forms.CharField(
        label=_("具体内容"),
        max_length=10_000,
        help_text=_("必填。可用屏幕键盘或手写输入。"),
        error_messages={"required": _("请填写具体内容。")},
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    name = forms.CharField(label=_("姓名（可不填）"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("电话（可不填）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    # A field people never see; robots fill it in (honeypot).
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
    # One token per form shown: a double tap or a retry gives one case.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4().hex
        for name in ("title", "body", "name", "phone"):
            # A shared screen: the browser must not offer the previous visitor's words.
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")
