"""Backup and restore of the database, the media files and the case attachments (issue 8).

One ``.tar.gz`` archive holds ``manifest.json``, the database (``database/db.sqlite3`` made
with SQLite's online backup API, or ``database/db.dump`` from ``pg_dump -Fc``), ``media/``
and ``case-files/``. The manifest records the SHA-256 of every other member, the migration
state and the row count of every table, so a restore can prove it got back what was saved.

The functions take explicit database settings and directories, so the restore drill
(tests/core/test_backup_restore.py) restores into a scratch database beside the live one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # fixed argument lists, never a shell
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/db.sqlite3"
POSTGRES_MEMBER = "database/db.dump"
MEDIA_PREFIX = "media"
CASE_FILES_PREFIX = "case-files"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    counts: dict[str, int]
    files: int
    # Tables whose row count differs from the manifest: name -> (expected, found).
    mismatches: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.mismatches


# --- databases ----------------------------------------------------------------------------


def database_vendor(database: Mapping[str, Any]) -> str:
    engine = database.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(_("不支持的数据库引擎：%(engine)s。") % {"engine": engine})


def _pg_args(database: Mapping[str, Any]) -> list[str]:
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args.append(f"{option}={database[key]}")
    return args


def _pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    # The password goes through the environment: on the command line, `ps` would show it.
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_connect(database: Mapping[str, Any], **kwargs: Any) -> Any:
    import psycopg

    params = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **kwargs)


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(
            _("找不到 %(tool)s：请安装 postgresql-client（版本不低于数据库服务器）。")
            % {"tool": tool}
        )
    # A fixed argument list, no shell; the database name comes from settings.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s 失败（退出码 %(code)s）：%(error)s")
            % {"tool": tool, "code": result.returncode, "error": result.stderr.strip()[-2000:]}
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
            "ORDER BY table_name"
        )
    return [row[0] for row in cursor.fetchall()]


def _describe(cursor: Any, vendor: str) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts of every table and the latest applied migration of every app."""
    counts = {}
    for table in _tables(cursor, vendor):
        # Table names come from the catalogue, quoted; nothing from outside reaches the SQL.
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608  # nosec B608
        counts[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in counts:
        cursor.execute(
            "SELECT app, name FROM django_migrations WHERE id IN "
            "(SELECT MAX(id) FROM django_migrations GROUP BY app) ORDER BY app"
        )
        migrations = dict(cursor.fetchall())
    return counts, migrations


def _sqlite_connect(name: str | Path) -> sqlite3.Connection:
    name = str(name)
    if name == ":memory:":
        raise BackupError(_("不能备份或恢复私有的内存数据库。"))
    # A URI is Django's shared in-memory test database: reachable from this process.
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _sqlite_exists(name: str | Path) -> bool:
    return str(name).startswith("file:") or Path(name).exists()


def describe_database(database: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts and migration state of the database ``database`` (Django settings)."""
    vendor = database_vendor(database)
    if vendor == "sqlite":
        if not _sqlite_exists(database["NAME"]):
            return {}, {}
        with closing(_sqlite_connect(database["NAME"])) as conn:
            return _describe(conn.cursor(), vendor)
    with _pg_connect(database) as conn, conn.cursor() as cursor:
        return _describe(cursor, vendor)


# --- archives -----------------------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """Hashes what tarfile reads, so a file is read once for the archive and its checksum."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.hash.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str, checksums: dict[str, str]) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        tar.addfile(info, reader)
    checksums[name] = reader.hash.hexdigest()


def _add_tree(
    tar: tarfile.TarFile, root: Path | None, prefix: str, checksums: dict[str, str]
) -> None:
    if root is None or not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        # Regular files only: a symlink could point anywhere on the server.
        if path.is_file() and not path.is_symlink():
            _add_file(tar, path, f"{prefix}/{path.relative_to(root).as_posix()}", checksums)


def _dump_database(using: str, directory: Path) -> tuple[Path, str, dict[str, int], dict]:
    """Write a consistent copy of the database to ``directory``; counts from the same moment."""
    connection = connections[using]
    database = connection.settings_dict
    vendor = database_vendor(database)
    if vendor == "sqlite":
        target = directory / "db.sqlite3"
        connection.ensure_connection()
        # The online backup API copies a consistent snapshot while the site keeps writing.
        with closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)
        with closing(sqlite3.connect(target)) as copy:
            counts, migrations = _describe(copy.cursor(), vendor)
        return target, SQLITE_MEMBER, counts, migrations
    target = directory / "db.dump"
    # Count inside a repeatable-read transaction and make pg_dump read the same snapshot, so
    # the manifest describes exactly what the dump holds.
    with _pg_connect(database) as conn:
        conn.isolation_level = 3  # psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            command = ["pg_dump", "--format=custom", f"--snapshot={snapshot}"]
            command += [*_pg_args(database), f"--file={target}", database["NAME"]]
            _run(command, _pg_env(database))
            counts, migrations = _describe(cursor, vendor)
    return target, POSTGRES_MEMBER, counts, migrations


def default_archive_path(directory: Path) -> Path:
    return directory / f"guanwu-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def backup_create(
    *, output: Path, media_root: Path | None, case_files_root: Path | None, using: str = "default"
) -> dict[str, Any]:
    """Write one archive to ``output`` and return its manifest.

    Safe while the site runs: the database copy is a snapshot; files are read as they are.
    """
    output = Path(output)
    if output.exists():
        raise BackupError(_("文件已存在，不会覆盖：%(path)s") % {"path": output})
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    database = connections[using].settings_dict
    checksums: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="guanwu-backup-") as scratch:
            dump, member, counts, migrations = _dump_database(using, Path(scratch))
            with tarfile.open(partial, "w:gz") as tar:
                _add_file(tar, dump, member, checksums)
                _add_tree(tar, media_root and Path(media_root), MEDIA_PREFIX, checksums)
                _add_tree(
                    tar, case_files_root and Path(case_files_root), CASE_FILES_PREFIX, checksums
                )
                manifest = {
                    "format": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(),
                    "vendor": database_vendor(database),
                    "database": member,
                    "migrations": migrations,
                    "row_counts": counts,
                    "files": checksums,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
        partial.rename(output)
    except OSError as error:
        raise BackupError(_("备份失败：%(error)s") % {"error": error}) from error
    finally:
        partial.unlink(missing_ok=True)
    return manifest


@contextmanager
def _open_archive(archive: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            yield tar
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(
            _("无法读取备份文件 %(path)s：%(error)s") % {"path": archive, "error": error}
        ) from error


def backup_verify(archive: Path) -> dict[str, Any]:
    """Check the manifest and the SHA-256 of every member; return the manifest."""
    with _open_archive(Path(archive)) as tar:
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except (KeyError, TypeError, ValueError) as error:
            raise BackupError(_("备份文件缺少有效的 manifest.json。")) from error
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(
                _("不支持的备份格式版本：%(version)s。") % {"version": manifest.get("format")}
            )
        expected = dict(manifest.get("files", {}))
        for info in tar:
            if info.name == MANIFEST:
                continue
            if not info.isfile() or info.name not in expected:
                raise BackupError(_("备份文件中有清单之外的成员：%(name)s") % {"name": info.name})
            digest = hashlib.sha256()
            stream = tar.extractfile(info)
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != expected.pop(info.name):
                raise BackupError(
                    _("校验失败：%(name)s 的 SHA-256 与清单不符，备份文件已损坏或被改动。")
                    % {"name": info.name}
                )
        if expected:
            raise BackupError(
                _("备份文件缺少成员：%(names)s") % {"names": "、".join(sorted(expected))}
            )
        if manifest.get("database") not in manifest["files"]:
            raise BackupError(_("备份文件中没有数据库。"))
    return manifest


def _restore_tree(source: Path, target: Path | None) -> int:
    if target is None or not source.is_dir():
        return 0
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            count += 1
    return count


def backup_restore(
    *,
    archive: Path,
    database: Mapping[str, Any],
    media_root: Path | None,
    case_files_root: Path | None,
    force: bool = False,
) -> RestoreReport:
    """Restore ``archive`` into ``database`` (Django settings) and the two directories.

    Checks the archive first, refuses another database vendor and, without ``force``, a
    target database that already has tables. The site must be stopped: requests running
    during the restore would see a half-restored database. Files are written over existing
    ones of the same name; other files in the directories are left alone.
    """
    manifest = backup_verify(archive)
    vendor = database_vendor(database)
    if manifest["vendor"] != vendor:
        raise BackupError(
            _("备份来自 %(source)s 数据库，不能恢复到 %(target)s 数据库。")
            % {"source": manifest["vendor"], "target": vendor}
        )
    existing, _migrations = describe_database(database)
    if existing and not force:
        raise BackupError(
            _("目标数据库不是空的（已有 %(count)s 张表）；确认要覆盖时加 --force。")
            % {"count": len(existing)}
        )
    with tempfile.TemporaryDirectory(prefix="guanwu-restore-") as scratch:
        root = Path(scratch)
        with _open_archive(Path(archive)) as tar:
            # The "data" filter refuses absolute paths, "..", links and device files.
            tar.extractall(root, filter="data")
        dump = root / manifest["database"]
        try:
            if vendor == "sqlite":
                target = Path(database["NAME"])
                target.parent.mkdir(parents=True, exist_ok=True)
                # The backup API replaces every page of the target in one step.
                with (
                    closing(sqlite3.connect(dump)) as source,
                    closing(sqlite3.connect(target)) as destination,
                ):
                    source.backup(destination)
            else:
                command = ["pg_restore", "--clean", "--if-exists", "--no-owner"]
                command += ["--single-transaction", "--exit-on-error", *_pg_args(database)]
                command += [f"--dbname={database['NAME']}", str(dump)]
                _run(command, _pg_env(database))
        except sqlite3.Error as error:
            raise BackupError(_("恢复数据库失败：%(error)s") % {"error": error}) from error
        files = _restore_tree(root / MEDIA_PREFIX, media_root and Path(media_root))
        files += _restore_tree(root / CASE_FILES_PREFIX, case_files_root and Path(case_files_root))
    counts, _migrations = describe_database(database)
    expected = manifest["row_counts"]
    mismatches = {
        table: (expected.get(table), counts.get(table))
        for table in sorted(set(expected) | set(counts))
        if expected.get(table) != counts.get(table)
    }
    return RestoreReport(manifest=manifest, counts=counts, files=files, mismatches=mismatches)
