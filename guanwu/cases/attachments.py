"""Files from the public with a case: images (JPEG, PNG, GIF, WebP) and PDF documents.

A file's type is decided by its content, never by its name or the type the browser declares:
a renamed web page or script is refused whatever it calls itself. Images are opened with
Pillow, which rejects corrupt files and files that only start like an image. Accepted files
are stored outside the web root under a generated name and served to staff only through a
permission-checked view (``attachment_views``) as downloads.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Case, CaseAttachment

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# Larger than any phone or scanner picture (a 48-megapixel photo is 8000×6000); bigger images
# are refused before anything is decoded (a small file can claim a huge picture).
MAX_PIXELS = 60_000_000
NAME_LIMIT = 200
# Where "%%EOF" must appear: PDF writers may add a line end or a few bytes after it.
PDF_TAIL = 1024
# Names that make a PDF run something when it is opened; no complaint needs them. (Not the
# short "/JS": three bytes turn up by chance in megabytes of compressed data.)
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|Launch)(?![A-Za-z0-9])")


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    pillow_format: str = ""  # the Pillow plugin that must open it; empty for PDF

    @property
    def extensions(self) -> frozenset[str]:
        """Extensions a download name may keep for this type."""
        return frozenset({self.extension, *(("jpeg", "jpe") if self.extension == "jpg" else ())})


JPEG = FileType("image/jpeg", "jpg", "JPEG")
PNG = FileType("image/png", "png", "PNG")
GIF = FileType("image/gif", "gif", "GIF")
WEBP = FileType("image/webp", "webp", "WEBP")
PDF = FileType("application/pdf", "pdf")
TYPES = {t.content_type: t for t in (JPEG, PNG, GIF, WEBP, PDF)}
ACCEPT = ",".join(TYPES)  # for <input accept>: only a hint to the browser's file picker


def _sniff(head: bytes) -> FileType | None:
    """The type announced by the first bytes (the "magic number")."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def _read(fp: IO[bytes], size: int = -1, offset: int = 0) -> bytes:
    fp.seek(offset)
    return fp.read(size)


def _check_image(fp: IO[bytes], kind: FileType) -> str | None:
    """None when Pillow opens and verifies the file as ``kind``, else what is wrong."""
    from PIL import Image

    try:
        fp.seek(0)
        with Image.open(fp, formats=[kind.pillow_format]) as image:
            if image.format != kind.pillow_format:
                return "corrupt"
            width, height = image.size
            if width * height > MAX_PIXELS:
                return "pixels"
            # verify() reads the structure (for PNG every chunk's checksum) without decoding.
            image.verify()
    except Image.DecompressionBombError:
        return "pixels"
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError …).
        return "corrupt"
    finally:
        fp.seek(0)
    return None


def _check_pdf(fp: IO[bytes], size: int) -> str | None:
    """None for a file that is a complete PDF without active content, else what is wrong."""
    tail = _read(fp, PDF_TAIL, max(0, size - PDF_TAIL))
    if b"%%EOF" not in tail:
        return "corrupt"
    fp.seek(0)
    previous = b""
    for chunk in iter(lambda: fp.read(1024 * 1024), b""):
        # Overlap the chunks so a token cut in two is still seen.
        if _PDF_ACTIVE.search(previous[-16:] + chunk):
            fp.seek(0)
            return "active"
        previous = chunk
    fp.seek(0)
    return None


def detect(upload: UploadedFile) -> FileType:
    """The file's real type, or a ValidationError that says, in Chinese, what is wrong."""
    name = clean_name(upload.name or "")
    size = upload.size or 0
    if size <= 0:
        raise ValidationError(_("“%(name)s”是空文件，请重新选择。") % {"name": name})
    if size > MAX_BYTES:
        raise ValidationError(_("“%(name)s”超过 10 MB，请压缩或分拆后再上传。") % {"name": name})
    fp = upload.file if hasattr(upload, "file") else upload
    kind = _sniff(_read(fp, 16))
    fp.seek(0)
    if kind is None:
        raise ValidationError(
            _("“%(name)s”不是可以接收的文件类型：只接受 JPEG、PNG、GIF、WebP 图片和 PDF 文件。")
            % {"name": name}
        )
    problem = _check_pdf(fp, size) if kind is PDF else _check_image(fp, kind)
    if problem == "pixels":
        raise ValidationError(_("“%(name)s”的图片尺寸过大，请缩小后再上传。") % {"name": name})
    if problem == "active":
        raise ValidationError(
            _(
                "“%(name)s”含有脚本或自动运行的内容，出于安全考虑不能接收，请另存为普通 PDF 后再上传。"
            )
            % {"name": name}
        )
    if problem:
        raise ValidationError(
            _("“%(name)s”无法识别，文件可能已损坏或不完整，请重新选择。") % {"name": name}
        )
    return kind


def validate_uploads(files: Sequence[UploadedFile]) -> list[UploadedFile]:
    """Check the files from the asker; every problem is reported, each in one sentence."""
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("最多可以上传 %(limit)s 个附件，您选择了 %(count)s 个。")
            % {"limit": MAX_FILES, "count": len(files)}
        )
    errors: list[ValidationError] = []
    for upload in files:
        try:
            detect(upload)
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return files


def clean_name(name: str) -> str:
    """The file name as the asker chose it, safe to show and to offer as a download name:
    no folders, no control or layout characters, at most NAME_LIMIT characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if unicodedata.category(ch) in ("Zs", "Zl", "Zp") else ch
        for ch in name
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return _("附件")
    if len(name) <= NAME_LIMIT:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) <= 10:
        return stem[: NAME_LIMIT - len(extension) - 1].rstrip() + "." + extension
    return name[:NAME_LIMIT]


def download_name(attachment: CaseAttachment) -> str:
    """The original name, with the extension of the detected type if it had another one
    (a PNG sent as "scan.pdf" downloads as "scan.pdf.png" and opens in the right program)."""
    name = attachment.original_name or _("附件")
    kind = TYPES.get(attachment.content_type)
    if kind is None:
        return name
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension in kind.extensions:
        return name
    return f"{name[: NAME_LIMIT - len(kind.extension) - 1]}.{kind.extension}"


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def store_attachments(case: Case, files: Sequence[UploadedFile]) -> list[CaseAttachment]:
    """Check ``files`` again (whoever called us may not have) and store them with ``case``
    under generated names (``<yyyy>/<mm>/<uuid>.<extension of the detected type>``).

    Called inside the submission's transaction. The stored files of a batch that fails half
    way are removed again, so a refused submission leaves nothing on disk.
    """
    files = validate_uploads(files)
    today = timezone.localdate()
    created: list[CaseAttachment] = []
    try:
        for upload in files:
            kind = detect(upload)
            attachment = CaseAttachment(
                case=case,
                original_name=clean_name(upload.name or ""),
                content_type=kind.content_type,
                size=upload.size,
                sha256=_sha256(upload),
            )
            upload.seek(0)
            generated = f"{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{kind.extension}"
            attachment.file.save(generated, upload, save=False)
            created.append(attachment)
            attachment.save()
    except BaseException:
        for attachment in created:
            attachment.file.delete(save=False)
        raise
    return created
