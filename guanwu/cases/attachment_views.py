"""Staff download of a case's attachments, in the Wagtail admin (login required there).

Files from the public are never shown inline: whatever is inside, the browser saves it under
its original name, with the type detected on upload and without guessing another one.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .attachments import download_name
from .models import CaseAttachment
from .permissions import CONFIDENTIAL_KINDS, user_can_see_case, user_can_see_identity
from .services import log_event


def _ascii(text: str) -> str:
    return "".join(ch if " " <= ch <= "~" and ch not in '"\\;%' else "_" for ch in text)


def content_disposition(name: str) -> str:
    """``attachment`` with the real name as RFC 5987 ``filename*`` and an ASCII fallback
    for old clients (``attachment.pdf`` when the name is all Chinese)."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    fallback = _ascii(stem)
    if not fallback.strip("_. "):
        fallback = "attachment"
    if extension:
        fallback += "." + _ascii(extension)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
def serve_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = CaseAttachment.objects.select_related("case").filter(pk=pk).first()
    case = attachment.case if attachment is not None else None
    # Rule 8: what an integrity reporter sent may name them, so it is for the supervision
    # office only, like the reporter's identity. Everyone else learns nothing (404).
    if (
        case is None
        or not user_can_see_case(request.user, case)
        or (case.kind in CONFIDENTIAL_KINDS and not user_can_see_identity(request.user, case))
    ):
        raise Http404(_("没有这个附件，或者您无权查看。"))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("附件文件已不存在。")) from exc
    if case.kind in CONFIDENTIAL_KINDS:
        log_event(
            case,
            "attachment_viewed",
            request.user,
            attachment=attachment.pk,
            name=attachment.original_name,
            sha256=attachment.sha256,
        )
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(download_name(attachment))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should the file be opened in the browser after all, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
