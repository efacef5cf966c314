"""Issue 9: the deployment files in ``deploy/`` hold commands this code base accepts.

No Docker daemon and no running systemd here, so the compose file and the units cannot be
started (docs/deploy.md says so). What can be checked is what they would run: every
``manage.py`` command line in the systemd units and in the compose file names a command that
exists and passes its own argument parser, every gunicorn line passes gunicorn's, and
``systemd-analyze verify`` accepts the units (with ``/srv/guanwu`` pointing at this checkout).
A renamed command or option then fails here instead of on a district's server.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from gunicorn.config import Config

from tests.core.test_deploy_check import run_in_production

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted(
    (DEPLOY / "systemd").glob("*.timer")
)
# What systemd and the env file would put in for the specifiers and variables.
SUBSTITUTIONS = {"%H-%i": "host-1", "${GUNICORN_WORKERS}": "2"}


def _substituted(line: str) -> str:
    for name, value in SUBSTITUTIONS.items():
        line = line.replace(name, value)
    return line


def _unit_command_lines() -> list[tuple[str, list[str]]]:
    """(unit, argv) for every ExecStart/ExecStartPre, backslash continuations joined."""
    found = []
    for unit in UNITS:
        text = unit.read_text().replace("\\\n", " ")
        for match in re.finditer(r"^Exec(?:Start|StartPre)=(.+)$", text, re.MULTILINE):
            found.append((unit.name, shlex.split(_substituted(match.group(1)))))
    return found


def _compose_command_lines() -> list[tuple[str, list[str]]]:
    """(service, argv) for every command of the compose file, ``bash -c '… && …'`` split."""
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    found = []
    for name, service in services.items():
        command = service.get("command")
        if not command or not isinstance(command, str):
            continue
        argv = shlex.split(command)
        scripts = [argv[2]] if argv[:2] == ["bash", "-c"] else [command]
        for script in scripts:
            for part in re.split(r"&&|;", script):
                words = shlex.split(part)
                if words and words[0] == "exec":
                    words = words[1:]
                if words:
                    found.append((name, words))
    return found


def _manage_lines(lines: list[tuple[str, list[str]]]) -> list[tuple[str, str, list[str]]]:
    out = []
    for where, argv in lines:
        if "manage.py" in argv:
            at = argv.index("manage.py")
            out.append((where, argv[at + 1], argv[at + 2 :]))
    return out


def _gunicorn_lines(lines: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    return [(where, argv[1:]) for where, argv in lines if Path(argv[0]).name == "gunicorn"]


ALL_LINES = _unit_command_lines() + _compose_command_lines()


def test_the_files_name_the_commands_expected():
    """The parsing above finds what the units and compose file run (so the checks below
    cannot pass by finding nothing)."""
    commands = {command for _where, command, _args in _manage_lines(ALL_LINES)}
    assert {
        "db_worker",
        "requeue_interrupted_tasks",
        "case_reminders",
        "oversight",
        "audit_verify",
        "publish_scheduled",
        "migrate",
        "collectstatic",
    } <= commands
    assert {where for where, _args in _gunicorn_lines(ALL_LINES)} >= {
        "guanwu-web.service",
        "web1",
    }


# Run under the production settings, as the units and containers do: the test settings
# replace the task backends, for one, and ``db_worker --backend background`` checks that
# the backend it is given is a database one.
CHECK_COMMANDS = """
from django.core.management import CommandError, get_commands, load_command_class
commands = get_commands()
for where, command, args in LINES:
    if command not in commands:
        print(f"{where}: manage.py {command} does not exist")
        continue
    parser = load_command_class(commands[command], command).create_parser("manage.py", command)
    try:
        parser.parse_args(args)
    except CommandError as error:  # what a command's parser raises outside a terminal
        print(f"{where}: manage.py {command} {' '.join(args)}: {error}")
print("checked", len(LINES))
"""


def test_manage_commands_exist_and_accept_their_arguments(tmp_path):
    lines = _manage_lines(ALL_LINES)
    result = run_in_production(
        tmp_path, f"import json; LINES = json.loads({json.dumps(lines)!r})\n{CHECK_COMMANDS}"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"checked {len(lines)}", result.stdout


@pytest.mark.parametrize(("where", "args"), _gunicorn_lines(ALL_LINES))
def test_gunicorn_lines_pass_gunicorn_parser(where, args):
    parsed = Config().parser().parse_args(args)
    assert parsed.args == ["guanwu.wsgi:application"], where
    assert int(parsed.workers) >= 2, where
    assert int(parsed.max_requests) > 0, where


def test_env_example_sets_what_the_units_read():
    env = (DEPLOY / "env.example").read_text()
    assert re.search(r"^GUNICORN_WORKERS=\d+", env, re.MULTILINE)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verifies_the_units(tmp_path):
    """``systemd-analyze verify`` parses every unit and its timer's service; only the
    install path is changed, to this checkout, so that the executables it checks exist."""
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/guanwu", str(ROOT)))
    names = [
        "guanwu-worker@1.service" if unit.name == "guanwu-worker@.service" else unit.name
        for unit in UNITS
    ]
    result = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", "--man=no", *names],  # noqa: S607
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    complaints = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 0 and not complaints, result.stderr
