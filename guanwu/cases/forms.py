from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from guanwu.organization.models import Unit

from .attachments import ACCEPT, validate_uploads
from .enums import Rating


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files (Django docs, "Uploading multiple files")."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files as a list; the checks of their content are ``validate_uploads``'s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return validate_uploads(files)


class PublicCaseForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    body = forms.CharField(
        label=_("具体内容"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    unit = forms.ModelChoiceField(
        label=_("涉及单位（可不选）"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("不清楚，由咨询服务中心分派"),
    )
    name = forms.CharField(label=_("姓名（可不填）"), max_length=100, required=False)
    phone = forms.CharField(label=_("电话（可不填）"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱（可不填）"), required=False)
    attachments = MultipleFileField(
        label=_("附件（可不选）"),
        required=False,
        help_text=_("图片或 PDF，每个不超过 10 MB，最多 5 个。"),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    # A field people never see; robots fill it in (honeypot).
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
    # One token per form shown: a double click or a retry gives one case (Idempotency-Key).
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.live().order_by("sort_order", "code")
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4().hex


class TrackForm(forms.Form):
    tracking_code = forms.CharField(label=_("查询码"), max_length=16)
    password = forms.CharField(
        label=_("查询密码"), max_length=32, widget=forms.PasswordInput(render_value=True)
    )


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("补充内容"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评价"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("意见（可不填）"), max_length=1_000, required=False)
