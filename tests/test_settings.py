"""Configuration from the environment; SQLite in WAL mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

import pytest

ROOT = Path(__file__).resolve().parent.parent
DROPPED = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}


def settings_value(module: str, expression: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Start Django with ``module`` in a clean environment and print ``expression``."""
    clean = {k: v for k, v in os.environ.items() if k not in DROPPED}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    code = (
        f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_requires_a_secret_key(tmp_path):
    result = settings_value("guanwu.settings.production", "s.DEBUG", GUANWU_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_its_environment(tmp_path):
    result = settings_value(
        "guanwu.settings.production",
        "s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE",
        GUANWU_VAR_DIR=str(tmp_path),
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="guanwu.example",
        GUANWU_FIELD_KEYS="dGVzdC1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0ISE=",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['guanwu.example'] True"


def test_dev_generates_a_secret_key_into_var_once(tmp_path):
    first = settings_value("guanwu.settings.dev", "s.SECRET_KEY", GUANWU_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert first.stdout.strip() == key
    again = settings_value("guanwu.settings.dev", "s.SECRET_KEY", GUANWU_VAR_DIR=str(tmp_path))
    assert again.stdout.strip() == key


def test_default_database_is_sqlite_under_var(tmp_path):
    result = settings_value(
        "guanwu.settings.dev", "s.DATABASES['default']['NAME']", GUANWU_VAR_DIR=str(tmp_path)
    )
    assert result.stdout.strip() == str(tmp_path / "guanwu.sqlite3")


def test_database_url_selects_postgresql(tmp_path):
    result = settings_value(
        "guanwu.settings.dev",
        "s.DATABASES['default']['ENGINE']",
        GUANWU_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://guanwu@db.internal:5432/guanwu",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_redis_url_turns_on_the_shared_cache(tmp_path):
    without = settings_value(
        "guanwu.settings.dev", "s.CACHES['default']['BACKEND']", GUANWU_VAR_DIR=str(tmp_path)
    )
    assert without.stdout.strip().endswith("HostFileCache")
    with_redis = settings_value(
        "guanwu.settings.dev",
        "s.CACHES['default']['BACKEND']",
        GUANWU_VAR_DIR=str(tmp_path),
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert with_redis.stdout.strip().endswith("RedisCache")


def test_malformed_boolean_stops_start_up(tmp_path):
    result = settings_value(
        "guanwu.settings.dev",
        "s.EMAIL_USE_TLS",
        GUANWU_VAR_DIR=str(tmp_path),
        EMAIL_USE_TLS="maybe",
    )
    assert result.returncode != 0
    assert "EMAIL_USE_TLS" in result.stderr


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    # The test database lives in memory, where WAL does not apply: open a file database with
    # the connection options the settings give.
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper(dict(connection.settings_dict, NAME=str(tmp_path / "wal.sqlite3")))
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        wrapper.close()
