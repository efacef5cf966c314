"""The English catalogue is complete and current: every msgid in the code is translated."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_english_catalogue_covers_every_string(tmp_path):
    shutil.copytree(
        ROOT / "guanwu", tmp_path / "guanwu", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    (tmp_path / "i18n_settings.py").write_text(
        "from guanwu.settings.test import *  # noqa\n"
        f"LOCALE_PATHS = [{str(tmp_path / 'locale')!r}]\n"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path), DJANGO_SETTINGS_MODULE="i18n_settings")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    po = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(  # noqa: S603
            ["msgattrib", flag, "--no-obsolete", str(po)],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        entries = [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
        # msgattrib keeps the header entry (msgid "") when anything else is printed.
        missing = [line for line in entries if line != 'msgid ""']
        assert not missing, f"{flag}: run `make messages` and translate:\n" + "\n".join(
            missing[:30]
        )
