"""Files from the public: images and PDF only, checked by content; stored outside the web root
under generated names; downloaded only by staff who may see the case (rule 8 for reports)."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

import pytest
from PIL import Image

from guanwu.cases.attachment_views import content_disposition
from guanwu.cases.attachments import (
    MAX_BYTES,
    MAX_FILES,
    clean_name,
    store_attachments,
    validate_uploads,
)
from guanwu.cases.models import Case, CaseAttachment, CaseEvent
from guanwu.cases.services import case_submit_public
from guanwu.organization.enums import Role, UnitKind
from guanwu.organization.models import Staff, Unit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
FILES_ROOT = Path(settings.GUANWU_CASE_FILES_ROOT)


# --- real files -------------------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def padded_png(total: int) -> bytes:
    """A valid PNG of exactly ``total`` bytes: a private ancillary chunk before IEND."""
    png = image_bytes("PNG")
    iend = png.rindex(b"IEND") - 4
    length = total - len(png) - 12
    data = b"\0" * length
    chunk = struct.pack(">I", length) + b"prVt" + data
    chunk += struct.pack(">I", zlib.crc32(b"prVt" + data) & 0xFFFFFFFF)
    out = png[:iend] + chunk + png[iend:]
    assert len(out) == total
    return out


def _pdf(padding: int) -> bytes:
    content = b"BT /F1 12 Tf 20 100 Td (Guanwu) Tj ET\n" + b"%" + b" " * padding
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_bytes(total: int | None = None) -> bytes:
    """A small valid one-page PDF (correct cross-reference table), or one of ``total`` bytes."""
    if total is None:
        return _pdf(0)
    padding = total - len(_pdf(0))
    while len(_pdf(padding)) != total:
        padding += total - len(_pdf(padding))
    return _pdf(padding)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png(name: str = "现场照片.png") -> SimpleUploadedFile:
    return upload(name, image_bytes("PNG"), "image/png")


def pdf(name: str = "报关单.pdf") -> SimpleUploadedFile:
    return upload(name, pdf_bytes(), "application/pdf")


def messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


@pytest.fixture(autouse=True)
def _clean_files_and_limits():
    """Remove the files a test stored (the database rolls back, the disk does not)."""
    cache.clear()
    before = set(FILES_ROOT.rglob("*")) if FILES_ROOT.exists() else set()
    yield
    if FILES_ROOT.exists():
        for path in set(FILES_ROOT.rglob("*")) - before:
            if path.is_file():
                path.unlink()


# --- checking by content ----------------------------------------------------------------------


def test_real_images_and_pdf_are_accepted(db):
    files = [
        upload("a.jpg", image_bytes("JPEG"), "image/jpeg"),
        upload("b.png", image_bytes("PNG"), "image/png"),
        upload("c.gif", image_bytes("GIF"), "image/gif"),
        upload("d.webp", image_bytes("WEBP"), "image/webp"),
        pdf("e.pdf"),
    ]
    assert validate_uploads(files) == files


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils is not installed")
def test_the_test_pdfs_are_real_pdfs(tmp_path):
    for name, data in (("small.pdf", pdf_bytes()), ("big.pdf", pdf_bytes(MAX_BYTES))):
        path = tmp_path / name
        path.write_bytes(data)
        result = subprocess.run(  # noqa: S603
            ["pdfinfo", str(path)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        assert result.returncode == 0, result.stderr
        assert re.search(r"^Pages:\s+1$", result.stdout, re.MULTILINE), result.stdout


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", b"<html><body><script>alert(1)</script></body></html>"),
        ("letter.pdf", b"<!DOCTYPE html><html><body>not a pdf</body></html>"),
        ("notes.jpg", "这是一段文字，不是图片。".encode()),
        (
            "drawing.svg",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
            b"</script></svg>",
        ),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("setup.pdf", b"MZ\x90\x00" + b"\0" * 200),
    ],
)
def test_files_that_are_not_images_or_pdf_are_refused_whatever_their_name(name, data):
    with pytest.raises(ValidationError) as exc:
        validate_uploads([upload(name, data, "image/png")])
    assert "只接受 JPEG、PNG、GIF、WebP 图片和 PDF 文件" in messages(exc)
    assert name in messages(exc)


def test_corrupt_empty_and_incomplete_files_are_refused():
    broken = bytearray(image_bytes("PNG"))
    broken[50] ^= 0xFF  # a checksum no longer matches
    cases = [
        ("broken.png", bytes(broken), "已损坏"),
        ("cut.png", image_bytes("PNG")[:70], "已损坏"),
        ("cut.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 40, "已损坏"),
        ("cut.pdf", pdf_bytes()[:-200], "已损坏"),  # no %%EOF: not all of it arrived
        ("empty.png", b"", "空文件"),
        ("fake.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\0" * 20, "已损坏"),
    ]
    for name, data, words in cases:
        with pytest.raises(ValidationError) as exc:
            validate_uploads([upload(name, data)])
        assert words in messages(exc), name


def test_a_small_file_claiming_a_huge_picture_is_refused_before_decoding():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 7_000)).save(buffer, "PNG")  # 70 megapixels in a few kB
    assert len(buffer.getvalue()) < MB
    with pytest.raises(ValidationError) as exc:
        validate_uploads([upload("bomb.png", buffer.getvalue())])
    assert "尺寸过大" in messages(exc)


def test_a_pdf_that_runs_javascript_is_refused():
    data = pdf_bytes().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
    )
    with pytest.raises(ValidationError) as exc:
        validate_uploads([upload("form.pdf", data)])
    assert "脚本" in messages(exc)


def test_too_many_files_are_refused():
    with pytest.raises(ValidationError) as exc:
        validate_uploads([png(f"{i}.png") for i in range(MAX_FILES + 1)])
    assert "最多可以上传 5 个附件" in messages(exc)
    assert len(validate_uploads([png(f"{i}.png") for i in range(MAX_FILES)])) == MAX_FILES


def test_size_limit_is_10_mb_exactly():
    assert validate_uploads([upload("scan.png", padded_png(MAX_BYTES))])
    assert validate_uploads([upload("scan.pdf", pdf_bytes(MAX_BYTES))])
    with pytest.raises(ValidationError) as exc:
        validate_uploads([upload("huge.png", padded_png(11 * MB))])
    assert "超过 10 MB" in messages(exc)
    with pytest.raises(ValidationError):
        validate_uploads([upload("over.pdf", pdf_bytes(MAX_BYTES + 1))])


def test_every_refused_file_is_named():
    with pytest.raises(ValidationError) as exc:
        validate_uploads([png("好.png"), upload("坏1.png", b"text"), upload("坏2.pdf", b"")])
    assert len(exc.value.messages) == 2
    assert "坏1.png" in exc.value.messages[0] and "坏2.pdf" in exc.value.messages[1]


def test_names_are_cleaned():
    assert clean_name("C:\\Users\\李\\Desktop\\照片.png") == "照片.png"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("a\u202egnp.exe\x00\n") == "agnp.exe"
    assert clean_name('<img src=x onerror="1">.png') == "_img src=x onerror=_1__.png"
    long = clean_name("长" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")
    assert clean_name("") == clean_name("...") == "附件"


# --- storing ----------------------------------------------------------------------------------


def new_case(kind: str = "consultation", **fields) -> Case:
    section = Unit.objects.get(code="HH-XG-ZHYW")
    return case_submit_public(kind=kind, body="请看附件中的单据。", units=[section], **fields).case


def test_stored_under_a_generated_name_outside_the_web_root(demo):
    case = new_case()
    data = image_bytes("JPEG")
    # Declared as a PDF, named .pdf: the content decides (a JPEG).
    rows = store_attachments(case, [upload("../单据.pdf", data, "application/pdf"), pdf()])
    assert [a.pk for a in case.attachments.all()] == [a.pk for a in rows]
    photo, document = rows
    today = photo.uploaded_at
    assert re.fullmatch(rf"{today:%Y}/{today:%m}/[0-9a-f]{{32}}\.jpg", photo.file.name)
    assert document.file.name.endswith(".pdf")
    assert (photo.original_name, photo.content_type, photo.size) == (
        "单据.pdf",
        "image/jpeg",
        len(data),
    )
    import hashlib

    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    path = Path(photo.file.path).resolve()
    assert path.read_bytes() == data
    assert path.is_relative_to(FILES_ROOT.resolve())
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not path.is_relative_to(Path(public).resolve())


def test_storing_checks_again_and_leaves_nothing_behind(demo):
    case = new_case()
    before = set(FILES_ROOT.rglob("*.*")) if FILES_ROOT.exists() else set()
    with pytest.raises(ValidationError):
        store_attachments(case, [png(), upload("x.png", b"<html>")])
    assert not case.attachments.exists()
    after = set(FILES_ROOT.rglob("*.*")) if FILES_ROOT.exists() else set()
    assert after == before


def test_a_retried_submission_stores_its_attachments_once(demo):
    first = case_submit_public(
        kind="suggestion", body="建议", idempotency_key="retry-1", attachments=[png(), pdf()]
    )
    again = case_submit_public(
        kind="suggestion", body="建议", idempotency_key="retry-1", attachments=[png(), pdf()]
    )
    assert first.created and not again.created and first.case.pk == again.case.pk
    assert CaseAttachment.objects.filter(case=first.case).count() == 2


# --- the website's form -----------------------------------------------------------------------


def form_token(client, kind: str = "consultation") -> str:
    html = client.get(f"/cases/new/{kind}/").content.decode()
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def post_form(client, files, token=None, kind="consultation", **fields):
    data = {"body": "请看附件。", "token": token or form_token(client, kind), **fields}
    data["attachments"] = files
    return client.post(f"/cases/new/{kind}/", data)


def test_the_web_form_takes_files(demo, client):
    html = client.get("/cases/new/consultation/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input type="file" name="attachments"[^>]* multiple', html)
    assert "图片或 PDF，每个不超过 10 MB，最多 5 个" in html
    response = post_form(client, [png("现场.png"), pdf("单据.pdf")])
    assert response.status_code == 200
    body = response.content.decode()
    code = re.findall(r'<dd class="code">([^<]+)</dd>', body)[0]
    case = Case.objects.get(tracking_code=code)
    assert sorted(case.attachments.values_list("original_name", flat=True)) == [
        "单据.pdf",
        "现场.png",
    ]
    assert "现场.png" in body and "单据.pdf" in body


def test_the_web_form_refuses_bad_files_and_stores_nothing(demo, client):
    response = post_form(client, [png(), upload("page.png", b"<html></html>", "image/png")])
    assert response.status_code == 400
    html = response.content.decode()
    assert "page.png" in html and "只接受" in html and "请重新选择附件" in html
    assert not Case.objects.filter(body="请看附件。").exists()
    too_many = post_form(client, [png(f"{i}.png") for i in range(6)])
    assert too_many.status_code == 400 and "最多可以上传 5 个附件" in too_many.content.decode()
    huge = post_form(client, [upload("huge.png", padded_png(11 * MB), "image/png")])
    assert huge.status_code == 400 and "超过 10 MB" in huge.content.decode()
    assert not Case.objects.filter(body="请看附件。").exists()


def test_the_web_form_accepts_a_file_of_exactly_10_mb(demo, client):
    response = post_form(client, [upload("scan.pdf", pdf_bytes(MAX_BYTES), "application/pdf")])
    assert response.status_code == 200
    attachment = CaseAttachment.objects.get(original_name="scan.pdf")
    assert attachment.size == MAX_BYTES and attachment.content_type == "application/pdf"


def test_a_double_click_stores_the_files_once(demo, client):
    token = form_token(client)
    first = post_form(client, [png(), pdf()], token=token)
    second = post_form(client, [png(), pdf()], token=token)
    assert first.status_code == second.status_code == 200
    case = Case.objects.get(idempotency_key=f"web:{token}")
    assert case.attachments.count() == 2


# --- the API ----------------------------------------------------------------------------------


def test_api_takes_multipart_with_attachments(demo, client):
    response = client.post(
        "/api/v1/cases/",
        {
            "kind": "complaint_efficiency",
            "body": "审单太慢，附截图。",
            "units": ["HH-XG-ZHYW"],
            "attachments": [png("截图.png"), pdf()],
        },
    )
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert set(receipt) == {"tracking_code", "password", "status", "deadline"}
    case = Case.objects.get(tracking_code=receipt["tracking_code"])
    assert case.responsible_unit.code == "HH-XG-ZHYW"
    assert sorted(case.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]


def test_api_accepts_five_files_of_10_mb(demo, client):
    files = [upload(f"{i}.png", padded_png(MAX_BYTES), "image/png") for i in range(MAX_FILES)]
    response = client.post(
        "/api/v1/cases/", {"kind": "suggestion", "body": "五个大附件", "attachments": files}
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(tracking_code=response.json()["tracking_code"])
    assert list(case.attachments.values_list("size", flat=True)) == [MAX_BYTES] * MAX_FILES


def test_api_refuses_bad_files_with_a_chinese_detail(demo, client):
    cases = [
        ([upload("x.pdf", b"<html>hi</html>", "application/pdf")], "只接受"),
        ([png(f"{i}.png") for i in range(6)], "最多可以上传 5 个附件"),
        ([upload("big.png", padded_png(11 * MB), "image/png")], "超过 10 MB"),
    ]
    for files, words in cases:
        response = client.post(
            "/api/v1/cases/", {"kind": "suggestion", "body": "带附件", "attachments": files}
        )
        assert response.status_code == 400
        assert words in response.json()["detail"]
    assert not Case.objects.filter(body="带附件").exists()


def test_api_retry_with_the_same_key_stores_files_once(demo, client):
    payload = {"kind": "mailbox", "body": "关长您好", "attachments": [png()]}
    first = client.post("/api/v1/cases/", payload, HTTP_IDEMPOTENCY_KEY="files-1")
    payload["attachments"] = [png()]
    second = client.post("/api/v1/cases/", payload, HTTP_IDEMPOTENCY_KEY="files-1")
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert CaseAttachment.objects.filter(case__idempotency_key="files-1").count() == 1


def test_api_schema_documents_multipart(db, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    intake = schema.json()["paths"]["/api/v1/cases/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(intake)


# --- serving to staff -------------------------------------------------------------------------


def attachment_url(attachment: CaseAttachment) -> str:
    return reverse("cases_admin_attachment", args=[attachment.pk])


def staff_of_another_unit():
    """A section chief and case handler of a section other than the case's."""
    staff = Staff.objects.filter(unit__kind=UnitKind.SECTION, user__isnull=True).exclude(
        unit__code__startswith="HH-XG"
    )[0]
    user = UserFactory(username="other-unit-chief")
    user.save()  # the factory sets the password without saving it; the session checks it
    Staff.objects.filter(pk=staff.pk).update(user=user)
    for role in (Role.SECTION_CHIEF, Role.CASE_HANDLER):
        user.groups.add(Group.objects.get(name=role.group_name))
    return user


def download(client, attachment):
    response = client.get(attachment_url(attachment))
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_serving_only_to_staff_who_may_see_the_case(demo, client, demo_users):
    data = image_bytes("PNG")
    case = new_case(attachments=[upload("现场 照片.png", data, "image/png")])
    attachment = case.attachments.get()
    url = attachment_url(attachment)

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]

    client.force_login(staff_of_another_unit())
    assert client.get(url).status_code == 404

    client.force_login(demo_users["chief"])
    response, body = download(client, attachment)
    assert response.status_code == 200
    assert body == data
    assert response["Content-Type"] == "image/png"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87.png" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    # Wagtail's admin adds its own never-cache directives to ours.
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    # An ordinary case's downloads are not put on its timeline.
    assert not CaseEvent.objects.filter(case=case, action="attachment_viewed").exists()
    assert client.get(reverse("cases_admin_attachment", args=[999_999])).status_code == 404


def test_integrity_report_attachments_are_for_the_supervision_office_only(demo, client, demo_users):
    case = new_case("integrity_report", attachments=[pdf("证据.pdf")])
    attachment = case.attachments.get()
    for username in ("admin", "chief", "centre", "office", "division", "liaison"):
        client.force_login(demo_users[username])
        assert client.get(attachment_url(attachment)).status_code == 404, username
    assert not CaseEvent.objects.filter(case=case, action="attachment_viewed").exists()

    client.force_login(demo_users["supervision"])
    response, body = download(client, attachment)
    assert response.status_code == 200 and body == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    event = CaseEvent.objects.get(case=case, action="attachment_viewed")
    assert event.actor == demo_users["supervision"]
    assert event.data["attachment"] == attachment.pk
    download(client, attachment)
    assert CaseEvent.objects.filter(case=case, action="attachment_viewed").count() == 2


def test_download_name_keeps_the_detected_type():
    # A PNG sent as "scan.pdf" opens as a picture, not in a PDF reader.
    attachment = CaseAttachment(original_name="scan.pdf", content_type="image/png")
    from guanwu.cases.attachments import download_name

    assert download_name(attachment) == "scan.pdf.png"
    attachment.original_name = "photo.JPEG"
    attachment.content_type = "image/jpeg"
    assert download_name(attachment) == "photo.JPEG"
    assert content_disposition("报告.pdf") == (
        "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"
    )
    assert content_disposition('a"b;c\\.pdf') == (
        "attachment; filename=\"a_b_c_.pdf\"; filename*=UTF-8''a%22b%3Bc%5C.pdf"
    )
    assert content_disposition("scan 1.pdf") == (
        "attachment; filename=\"scan 1.pdf\"; filename*=UTF-8''scan%201.pdf"
    )


def test_the_admin_partial_lists_the_files(demo, demo_users):
    case = new_case(attachments=[png("现场.png"), upload("大.pdf", pdf_bytes(2 * MB))])
    html = render_to_string("cases/admin/_attachments.html", {"case": case})
    assert "附件" in html and "现场.png" in html and "大.pdf" in html
    for attachment in case.attachments.all():
        assert attachment_url(attachment) in html
    assert "2.0\xa0MB" in html and "PNG" in html
    empty = render_to_string("cases/admin/_attachments.html", {"case": new_case()})
    assert "来件人没有上传附件" in empty
    report = new_case("integrity_report", attachments=[png()])
    hidden = render_to_string("cases/admin/_attachments.html", {"case": report})
    assert "仅监察室可见" in hidden and "/admin/cases/attachments/" not in hidden
    shown = render_to_string(
        "cases/admin/_attachments.html", {"case": report, "show_identity": True}
    )
    assert attachment_url(report.attachments.get()) in shown


def test_the_case_page_links_the_files_for_those_who_may_download_them(demo, client, demo_users):
    case = new_case(attachments=[png("现场.png")])
    client.force_login(demo_users["chief"])
    html = client.get(reverse("cases_admin_detail", args=[case.pk])).content.decode()
    assert attachment_url(case.attachments.get()) in html
    report = new_case("integrity_report", attachments=[pdf("证据.pdf")])
    client.force_login(demo_users["supervision"])
    html = client.get(reverse("cases_admin_detail", args=[report.pk])).content.decode()
    assert attachment_url(report.attachments.get()) in html
