"""Media on S3-compatible object storage (issue 9): with GUANWU_S3_BUCKET set, Wagtail documents
and images and printed editions are written to the bucket through the app's own code paths and
read back through the URLs and views the public and staff use. The server is moto's, a real
S3-compatible HTTP server started here as a subprocess; objects are private (no public grant),
case attachments stay on their own disk storage."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import storages
from django.urls import reverse

import pytest
from PIL import Image

from tests.test_settings import settings_value

pytestmark = pytest.mark.django_db

BUCKET = "guanwu-media-test"
KEY_ID = "testing-key-id"  # moto accepts any credentials: NOT A SECRET
SECRET = "testing-secret-key"
REGION = "us-east-1"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free port, with an empty bucket."""
    import boto3

    port = _free_port()
    moto = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(  # noqa: S603
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # readiness, not a timing assertion
            try:
                urllib.request.urlopen(endpoint + "/", timeout=1)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if process.poll() is not None:
                    pytest.fail("moto_server exited")
                time.sleep(0.1)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
            region_name=REGION,
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def _s3_env(endpoint: str) -> dict[str, str]:
    return {
        "GUANWU_S3_BUCKET": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }


@pytest.fixture(scope="module")
def s3_storage_setting(s3_endpoint) -> dict:
    """STORAGES["default"] exactly as guanwu/settings/base.py builds it from the environment."""
    result = settings_value(
        "guanwu.settings.base",
        "__import__('json').dumps(s.STORAGES['default'])",
        SECRET_KEY="x",
        **_s3_env(s3_endpoint),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def s3_media(settings, s3_storage_setting, s3_endpoint):
    # Django's setting_changed handler drops the storages built so far (default_storage too).
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_setting}
    return _bucket_client(s3_endpoint)


def _bucket_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        region_name=REGION,
    )


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _assert_private(client, key: str) -> None:
    acl = client.get_object_acl(Bucket=BUCKET, Key=key)
    grantees = {grant["Grantee"].get("URI") for grant in acl["Grants"]}
    assert ALL_USERS not in grantees, acl


def test_without_a_bucket_media_stay_on_the_file_system():
    result = settings_value(
        "guanwu.settings.base", "s.STORAGES['default']['BACKEND']", SECRET_KEY="x"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage"


def test_the_settings_point_the_default_storage_at_the_bucket(s3_storage_setting, s3_endpoint):
    assert s3_storage_setting["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3_storage_setting["OPTIONS"]
    assert options["bucket_name"] == BUCKET and options["endpoint_url"] == s3_endpoint
    assert options["querystring_auth"] is True and options["default_acl"] is None
    assert options["file_overwrite"] is False


def test_a_document_uploaded_in_the_admin_is_served_from_the_bucket(client, demo_users, s3_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    client.force_login(demo_users["admin"])
    body = b"%PDF-1.4\n% guanwu s3 test document\n"
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "报关须知",
            "file": SimpleUploadedFile("notice.pdf", body, content_type="application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get(title="报关须知")
    key = f"media/{document.file.name}"
    stored = s3_media.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored == body
    _assert_private(s3_media, key)
    # The public document link leads to a signed, expiring URL of the private object.
    client.logout()
    served = client.get(document.url)
    assert served.status_code == 302, served.status_code
    location = served["Location"]
    assert location.startswith(s3_media.meta.endpoint_url) and "Signature=" in location
    status, content = _get(location)
    assert status == 200 and content == body


def test_an_image_uploaded_in_the_admin_and_its_rendition_live_in_the_bucket(
    client, demo_users, s3_media
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wagtail.images import get_image_model
    from wagtail.models import Collection

    picture = io.BytesIO()
    Image.new("RGB", (300, 200), (11, 74, 139)).save(picture, "PNG")
    client.force_login(demo_users["admin"])
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "报关大厅",
            "file": SimpleUploadedFile("hall.png", picture.getvalue(), content_type="image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="报关大厅")
    assert (image.width, image.height) == (300, 200)
    _assert_private(s3_media, f"media/{image.file.name}")

    rendition = image.get_rendition("width-120")
    assert rendition.url.startswith(s3_media.meta.endpoint_url) and "Signature=" in rendition.url
    status, content = _get(rendition.url)
    assert status == 200
    assert Image.open(io.BytesIO(content)).size == (120, 80)
    _assert_private(s3_media, f"media/{rendition.file.name}")


def test_a_printed_edition_is_stored_in_the_bucket_and_downloaded_by_staff(
    client, demo_users, s3_media, settings, monkeypatch
):
    from guanwu.organization.models import Unit
    from guanwu.printing import services
    from guanwu.printing.content import printed
    from guanwu.printing.enums import BuildState
    from tests.printing.test_editions_admin import TEMPLATES, TinyBuilder

    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES]}]
    tiny = TinyBuilder()
    tiny.objects = [printed(unit, category=1) for unit in Unit.objects.live()[:2]]
    monkeypatch.setattr(services, "builder_for", lambda kind: tiny)
    section = Unit.objects.get(code="HH-XG-ZHYW")

    edition = services.build_edition(kind="bulletin", unit=section, hall=None, size="A2")
    edition.refresh_from_db()
    assert edition.state == BuildState.DONE
    key = f"media/{edition.pdf.name}"
    stored = s3_media.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored.startswith(b"%PDF")
    _assert_private(s3_media, key)

    client.force_login(demo_users["office"])
    download = client.get(reverse("printing_admin_pdf", args=[edition.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == stored


def test_case_attachments_never_go_to_the_bucket(s3_media, settings):
    from guanwu.cases.models import CaseAttachment

    storage = CaseAttachment._meta.get_field("file").storage
    assert type(storage).__name__ == "FileSystemStorage"
    assert Path(storage.location) == Path(settings.GUANWU_CASE_FILES_ROOT)
    assert type(storages["default"]).__name__ == "S3Storage"
