"""The public form's last step, shared by the website and the kiosk: the honeypot, the
per-address limit, then the submission under the form's one-time token (Idempotency-Key)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import services
from .throttle import too_many_submissions


def submit_public_form(
    request: HttpRequest, form: forms.Form, *, kind: str, channel: str, **fields: Any
) -> tuple[services.Submission | None, int]:
    """Submit a valid form's case. Returns the submission and 200, or None and the HTTP status
    with the reason added to the form as a Chinese error (400 refused, 429 too frequent)."""
    data = form.cleaned_data
    if data["website"]:  # a field people never see: a robot filled it in
        form.add_error(None, _("提交未被接受。"))
        return None, 400
    if too_many_submissions(request, bucket=f"{channel}-intake"):
        form.add_error(None, _("提交过于频繁，请一分钟后再试。"))
        return None, 429
    try:
        submission = services.case_submit_public(
            kind=kind,
            title=data["title"],
            body=data["body"],
            name=data["name"],
            phone=data["phone"],
            channel=channel,
            idempotency_key=f"{channel}:{data['token']}",
            **fields,
        )
    except ValidationError as exc:  # a CaseError, or an attachment refused again
        form.add_error(None, " ".join(exc.messages))
        return None, 400
    return submission, 200
