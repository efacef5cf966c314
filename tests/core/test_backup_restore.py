"""The restore drill (issue 8): back up the demo district with a case, an attachment and a media
file, restore into a separate database, and compare every table, sample records and bytes."""

from __future__ import annotations

import io
import sqlite3
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

import pytest
from PIL import Image

from guanwu.cases.models import CaseAttachment
from guanwu.cases.services import case_submit_public
from guanwu.core.backup import (
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
    describe_database,
)
from guanwu.organization.models import Unit

MEDIA_NAME = "images/banner.png"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def demo(transactional_db):
    """The demo district committed, so the backup (another connection) sees it."""
    from tests.conftest import fresh_demo_database

    fresh_demo_database()


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Settings of an empty database of the test's vendor, beside the test database."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {"ENGINE": source["ENGINE"], "NAME": str(tmp_path / "restored.sqlite3")}
        return
    if connection.vendor != "postgresql":
        pytest.skip(f"no restore drill for {connection.vendor}")
    import psycopg
    from psycopg import sql

    target = {**source, "NAME": f"guanwu_drill_{uuid.uuid4().hex[:12]}"}
    params = {
        "dbname": "postgres",
        "user": source.get("USER") or None,
        "password": source.get("PASSWORD") or None,
        "host": source.get("HOST") or None,
        "port": source.get("PORT") or None,
    }
    params = {key: value for key, value in params.items() if value}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target["NAME"])))
    try:
        yield target
    finally:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(target["NAME"])
                )
            )


def fetch_one(database: dict[str, Any], query: str, *params: Any) -> Any:
    """One value from the restored database, outside Django's connection handling."""
    if database["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(database["NAME"])) as conn:
            row = conn.execute(query, params).fetchone()
    else:
        from guanwu.core.backup import _pg_connect

        with _pg_connect(database) as conn:
            row = conn.execute(query.replace("?", "%s"), params).fetchone()
    return row[0] if row else None


@pytest.fixture
def drill(demo, tmp_path: Path) -> dict[str, Any]:
    """A case with an attachment, a media file, and a backup of all of it."""
    unit = Unit.objects.get(code="HH-XG-ZHYW")
    attachment = SimpleUploadedFile("单据.png", png_bytes(), content_type="image/png")
    case = case_submit_public(
        kind="consultation", body="演练：请看附件。", units=[unit], attachments=[attachment]
    ).case
    media = tmp_path / "media"
    (media / MEDIA_NAME).parent.mkdir(parents=True)
    (media / MEDIA_NAME).write_bytes(png_bytes())
    archive = tmp_path / "backup.tar.gz"
    manifest = backup_create(
        output=archive, media_root=media, case_files_root=Path(settings.GUANWU_CASE_FILES_ROOT)
    )
    return {"case": case, "unit": unit, "archive": archive, "manifest": manifest}


def test_restore_drill_gives_back_every_row_record_and_file(drill, scratch_database, tmp_path):
    case, archive, manifest = drill["case"], drill["archive"], drill["manifest"]
    assert manifest["vendor"] == connection.vendor
    assert manifest["migrations"]["cases"].startswith("0")
    assert manifest["row_counts"]["cases_case"] >= 1
    assert f"media/{MEDIA_NAME}" in manifest["files"]

    media, case_files = tmp_path / "restored-media", tmp_path / "restored-case-files"
    report = backup_restore(
        archive=archive, database=scratch_database, media_root=media, case_files_root=case_files
    )

    assert report.ok, report.mismatches
    # Every table of the live database, counted again now, equals the restored one.
    live, live_migrations = describe_database(connection.settings_dict)
    restored, restored_migrations = describe_database(scratch_database)
    assert restored == live == manifest["row_counts"]
    assert restored_migrations == live_migrations
    # A sample of records: the case, a unit, a page title.
    assert (
        fetch_one(scratch_database, "SELECT tracking_code FROM cases_case WHERE id = ?", case.pk)
        == case.tracking_code
    )
    unit = drill["unit"]
    assert (
        fetch_one(scratch_database, "SELECT name FROM organization_unit WHERE code = ?", unit.code)
        == unit.name
    )
    from wagtail.models import Page

    page = Page.objects.filter(depth__gt=1).order_by("path").first()
    assert (
        fetch_one(scratch_database, "SELECT title FROM wagtailcore_page WHERE id = ?", page.pk)
        == page.title
    )
    # The attachment and the media file, byte for byte.
    stored = CaseAttachment.objects.get(case=case)
    assert (case_files / stored.file.name).read_bytes() == Path(stored.file.path).read_bytes()
    assert (media / MEDIA_NAME).read_bytes() == png_bytes()


def test_a_tampered_archive_is_refused(drill, scratch_database, tmp_path):
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(drill["archive"], "r:gz") as source, tarfile.open(tampered, "w:gz") as out:
        for info in source:
            data = source.extractfile(info).read()
            if info.name == f"media/{MEDIA_NAME}":
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            out.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="SHA-256"):
        backup_verify(tampered)
    with pytest.raises(BackupError, match="SHA-256"):
        backup_restore(
            archive=tampered,
            database=scratch_database,
            media_root=tmp_path / "m",
            case_files_root=tmp_path / "c",
        )
    assert describe_database(scratch_database) == ({}, {})
    # The command says it in Chinese, before touching anything.
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore", str(tampered))


def test_a_database_with_tables_is_kept_unless_forced(drill, scratch_database, tmp_path):
    dirs = {"media_root": tmp_path / "m", "case_files_root": tmp_path / "c"}
    backup_restore(archive=drill["archive"], database=scratch_database, **dirs)
    with pytest.raises(BackupError, match="--force"):
        backup_restore(archive=drill["archive"], database=scratch_database, **dirs)
    assert backup_restore(
        archive=drill["archive"], database=scratch_database, force=True, **dirs
    ).ok
    # The live database is not empty either: the command refuses it without --force.
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(drill["archive"]))


def test_the_backup_command_writes_an_archive(demo, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive = tmp_path / "out" / "site.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "已备份到" in out.getvalue()
    assert backup_verify(archive)["vendor"] == connection.vendor
    # An existing archive is never overwritten.
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", output=str(archive))
