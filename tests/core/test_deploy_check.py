"""Issue 8: production settings pass ``check --deploy --fail-level WARNING``."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# What the test process may carry that a deployment does not: the browser tests set
# DJANGO_ALLOW_ASYNC_UNSAFE for Playwright in this same process (xdist worker).
DROPPED = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "GUANWU_BEHIND_PROXY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_in_production(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` after ``django.setup()`` under production settings, in a clean process."""
    clean = {k: v for k, v in os.environ.items() if k not in DROPPED}
    clean.update(
        DJANGO_SETTINGS_MODULE="guanwu.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        GUANWU_VAR_DIR=str(tmp_path),
        # Field encryption (issue 8): production refuses to start without it.
        GUANWU_FIELD_KEYS="dGVzdC1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0ISE=",
        **env,
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_in_production(
        tmp_path,
        "from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
    )
    assert result.returncode == 0, result.stderr


def test_production_security_values(tmp_path):
    result = run_in_production(
        tmp_path,
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.X_FRAME_OPTIONS, "
        "s.SECURE_REFERRER_POLICY, s.SECURE_PROXY_SSL_HEADER)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        *["True"] * 5,
        "DENY",
        "same-origin",
        "None",
    ]


def test_the_proxy_header_is_trusted_only_when_asked(tmp_path):
    result = run_in_production(
        tmp_path,
        "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)",
        GUANWU_BEHIND_PROXY="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
