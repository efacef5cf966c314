"""Durability of public intake under load and faults (issue 8).

N public submissions (POST /api/v1/cases/, each with its own Idempotency-Key) from C concurrent
clients against gunicorn on a private, throwaway PostgreSQL cluster. A third of the way through
one gunicorn worker is killed with SIGKILL; two thirds of the way through PostgreSQL is
restarted in ``immediate`` mode (a crash: no checkpoint, WAL replay on start). Afterwards:

- every acknowledged tracking code (a 201) is in the database exactly once, under its key;
- every stored case is whole (its "received" event, a responsible unit): no half submissions;
- every key is sent once more, as a client without an acknowledgement would retry: an
  acknowledged key gets the same tracking code back (``Idempotent-Replayed: true``), a stored
  but unacknowledged key gets its stored case, and the number of cases ends at exactly one per
  key, unchanged by a second replay;
- a sample of receipts still opens the case status with its query password;
- the audit log's hash chain (``manage.py audit_verify``) is intact.

Clients retry connection errors, timeouts and 5xx with the same key and backoff. A fifth of
them are impatient and do not retry during the run, so some submissions end it without an
acknowledgement and are retried only afterwards; one in twenty hangs up right after sending its
first request, as when the answer is lost on the way back, so some stored submissions were
never acknowledged: their retry must get the stored case, not a second one.

Run (as root, or as a user who may run initdb; PostgreSQL's server binaries must be installed):

    .venv/bin/python bench/durability.py                       # 2,000 submissions, 50 clients
    .venv/bin/python bench/durability.py --submissions 100 --clients 10   # smoke run

The private cluster lives in a temporary directory on a free port and is stopped and removed
at the end (also on Ctrl-C); the shared PostgreSQL on 5432 is never touched. The summary goes
to stdout and to bench/results/durability.json; the exit status is 0 only if every check holds.
Uses the standard library, plus psycopg from the project's dependencies for the checks.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import glob
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib import child_pids, free_port, spawn_gunicorn

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KINDS = [
    "consultation",
    "complaint_efficiency",
    "complaint_attitude",
    "integrity_report",
    "mailbox",
    "suggestion",
]
# The Django settings of the run: production's, over plain HTTP on loopback, with static files
# served without collectstatic's manifest (error pages render without it). Written into the
# run's temporary directory, so nothing of it is left in the tree.
SETTINGS_MODULE = "guanwu_durability_settings"
SETTINGS_TEXT = '''"""Settings of bench/durability.py only: production over plain HTTP on loopback."""
import os

from guanwu.settings.production import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("DURABILITY_CONN_HEALTH_CHECKS") == "1":  # --conn-health-checks
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
'''
SEED = """
from guanwu.organization.enums import UnitFunction, UnitKind
from guanwu.organization.models import Unit
# Drafts: publishing a unit needs legal review, and routing needs only the two bodies.
district = Unit.objects.create(code="DUR", name="耐久测试关区", kind=UnitKind.DISTRICT, live=False)
for code, function in (("DUR-ZX", UnitFunction.CENTRE), ("DUR-JC", UnitFunction.SUPERVISION)):
    Unit.objects.create(
        code=code, name=code, kind=UnitKind.DIVISION, parent=district, function=function,
        live=False,
    )
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({"conn_max_age": db["CONN_MAX_AGE"], "conn_health_checks": db["CONN_HEALTH_CHECKS"]}))
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_bindir() -> Path:
    """PostgreSQL's server binaries: $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if not candidates:
        sys.exit("No PostgreSQL server binaries found (set PG_BINDIR).")
    return Path(candidates[-1]).parent


# --- the private PostgreSQL cluster -----------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL cluster: initdb in a temporary directory, its own port."""

    def __init__(self, base: Path, bindir: Path) -> None:
        self.bindir = bindir
        self.base = base
        self.data = base / "data"
        self.logfile = base / "postgres.log"
        self.port = free_port()
        self.started = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        # initdb and the server refuse to run as root: run them as the postgres user then.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(  # noqa: S603 (our own fixed commands)
            [*prefix, *args], check=check, capture_output=True, text=True, timeout=120
        )

    def init(self) -> None:
        self.base.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        # Durable commits as in production (these are the defaults, said out loud).
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\n# bench/durability.py\nfsync = on\nsynchronous_commit = on\n"
                "listen_addresses = '127.0.0.1'\nmax_connections = 100\n"
            )

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.base}"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            *args,
        )

    def start(self) -> None:
        self._ctl("start")
        self.started = True

    def restart(self, mode: str) -> None:
        self._ctl("restart", "-m", mode)

    def stop(self) -> None:
        if not self.started:
            return
        pg_ctl = str(self.bindir / "pg_ctl")
        result = self._run(pg_ctl, "-D", str(self.data), "stop", "-m", "immediate", check=False)
        if result.returncode != 0:  # last resort: the postmaster's pid from its lock file
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)
        self.started = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/guanwu"

    def connect(self, dbname: str = "guanwu") -> Any:
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True
        )


# --- gunicorn ------------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict[str, str], workers: int, logfile: Path) -> None:
        self.env = env
        self.workers = workers
        self.logfile = logfile
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = spawn_gunicorn(
            self.port,
            self.workers,
            self.env,
            self.logfile,
            ["--timeout", "30", "--graceful-timeout", "5", "--backlog", "256"],
            self._answers,
        )

    def _answers(self) -> bool:
        try:
            status, _headers, _body = http_request(
                self.port, "GET", "/api/v1/cases/GW0/", timeout=5
            )
        except (OSError, http.client.HTTPException):
            return False
        return status < 500

    def worker_pids(self) -> list[int]:
        """The master's children (a worker is a direct child of the master)."""
        return child_pids(self.process.pid) if self.process is not None else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):  # gunicorn's quick shutdown
            os.killpg(self.process.pid, signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def http_request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
    drop: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection (gunicorn's sync workers close it anyway).
    ``drop``: hang up once the request is sent, as when the network fails on the way back."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        if drop:
            raise Dropped
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()


# --- the clients -----------------------------------------------------------------------------


class Dropped(ConnectionError):
    """The client hung up before the answer came: the request may well have been stored."""


@dataclass(frozen=True)
class Plan:
    """How one client behaves: retries during the run, and whether its first answer is lost."""

    retries: int
    drop_first: bool = False


@dataclass
class Outcome:
    """What one client saw for one submission."""

    key: str
    attempts: int = 0
    failures: list[str] = field(default_factory=list)
    status: int | None = None
    tracking_code: str | None = None
    password: str | None = None
    replayed: bool = False
    latency_ms: float | None = None


def clean_error(body: bytes) -> bool:
    """The API's error: JSON with a message and the request id, nothing else."""
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and set(data) == {"detail", "request_id"}


class Load:
    def __init__(self, port: int, run_id: str, total: int, stop: threading.Event) -> None:
        self.port = port
        self.run_id = run_id
        self.total = total
        self.stop = stop
        self.done = 0
        # When each 5xx answer's request was sent (time.monotonic()).
        self.server_errors_sent_at: list[float] = []
        # 5xx bodies that were not the API's JSON error with a request id (a traceback?).
        self.unclean_errors: list[str] = []
        self.lock = threading.Lock()

    def key(self, index: int) -> str:
        return f"durability-{self.run_id}-{index:05d}"

    def payload(self, index: int) -> bytes:
        data: dict[str, Any] = {
            "kind": KINDS[index % len(KINDS)],
            "title": f"耐久测试第 {index} 件",
            "body": f"在负载和故障下提交的第 {index} 件事项（{self.key(index)}）。",
        }
        if index % 3 == 0:  # some with the reporter's identity, which is kept encrypted
            data.update(name=f"测试人{index}", phone=f"1380000{index % 10000:04d}")
        return json.dumps(data, ensure_ascii=False).encode()

    def submit(self, index: int, plan: Plan) -> Outcome:
        """Send submission ``index``; retry connection errors, timeouts and 5xx with the same
        key (exponential backoff with jitter) up to ``plan.retries`` times."""
        outcome = Outcome(key=self.key(index))
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": outcome.key,
        }
        body = self.payload(index)
        for attempt in range(plan.retries + 1):
            if self.stop.is_set():
                break
            if attempt:
                time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.5))
            outcome.attempts += 1
            started, sent_at = time.perf_counter(), time.monotonic()
            try:
                status, response_headers, data = http_request(
                    self.port,
                    "POST",
                    "/api/v1/cases/",
                    body,
                    headers,
                    drop=plan.drop_first and attempt == 0,
                )
            except (OSError, http.client.HTTPException) as exc:
                outcome.failures.append(type(exc).__name__)
                continue
            outcome.status = status
            if status == 201:
                receipt = json.loads(data)
                outcome.tracking_code = receipt["tracking_code"]
                outcome.password = receipt["password"]
                outcome.replayed = response_headers.get("idempotent-replayed") == "true"
                outcome.latency_ms = (time.perf_counter() - started) * 1000
                break
            outcome.failures.append(f"HTTP {status}")
            if status >= 500:
                with self.lock:
                    self.server_errors_sent_at.append(sent_at)
                    if not clean_error(data):
                        self.unclean_errors.append(data[:300].decode(errors="replace"))
            if status < 500 and status != 429:
                break  # refused for good: retrying the same request cannot help
        with self.lock:
            self.done += 1
        return outcome

    def run(self, indexes: list[int], clients: int, plan: Any) -> list[Outcome]:
        with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="client") as pool:
            futures = [pool.submit(self.submit, i, plan(i)) for i in indexes]
            try:
                return [future.result() for future in futures]
            except BaseException:
                self.stop.set()
                pool.shutdown(wait=False, cancel_futures=True)
                raise


# --- faults ----------------------------------------------------------------------------------


class Faults(threading.Thread):
    """Kill a worker at a third of the submissions and crash-restart PostgreSQL at two thirds."""

    def __init__(self, load: Load, server: Server, cluster: Cluster, pg_mode: str) -> None:
        super().__init__(name="faults", daemon=True)
        self.load, self.server, self.cluster, self.pg_mode = load, server, cluster, pg_mode
        self.report: dict[str, Any] = {}
        self.back_at: float | None = None  # when PostgreSQL accepted connections again
        self.error: BaseException | None = None

    def _wait_for(self, count: int) -> bool:
        while self.load.done < count:
            if self.load.stop.is_set():
                return False
            time.sleep(0.02)
        return True

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # reported by the main thread
            self.error = exc

    def _run(self) -> None:
        total = self.load.total
        if not self._wait_for(total // 3):
            return
        before = self.server.worker_pids()
        victim = random.choice(before)
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        log(f"SIGKILL gunicorn worker {victim} after {self.load.done} submissions")
        replacement = None
        while time.monotonic() - killed_at < 60:
            now = self.server.worker_pids()
            new = sorted(set(now) - set(before))
            if victim not in now and new and len(now) == len(before):
                replacement = new[0]
                break
            time.sleep(0.05)
        self.report["worker_kill"] = {
            "after_submissions": self.load.done,
            "killed_pid": victim,
            "replacement_pid": replacement,
            "replaced_after_s": round(time.monotonic() - killed_at, 2) if replacement else None,
        }
        log(f"gunicorn replaced the worker with {replacement}")

        if not self._wait_for(2 * total // 3):
            return
        after = self.load.done
        log(f"PostgreSQL restart -m {self.pg_mode} after {after} submissions")
        started = time.monotonic()
        self.cluster.restart(self.pg_mode)
        self.back_at = time.monotonic()
        self.report["postgres_restart"] = {
            "after_submissions": after,
            "mode": self.pg_mode,
            "down_for_s": round(self.back_at - started, 2),
        }
        log(f"PostgreSQL back after {self.report['postgres_restart']['down_for_s']} s")


# --- checks ----------------------------------------------------------------------------------


def stored_cases(cluster: Cluster, prefix: str) -> dict[str, Any]:
    """The cases of this run as the database holds them, and their wholeness."""
    with cluster.connect() as conn:
        rows = conn.execute(
            "SELECT idempotency_key, tracking_code FROM cases_case WHERE idempotency_key LIKE %s",
            [prefix + "%"],
        ).fetchall()
        total = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
        code_dupes = conn.execute(
            "SELECT tracking_code FROM cases_case GROUP BY tracking_code HAVING count(*) > 1"
        ).fetchall()
        # Whole submissions: each case has exactly one "received" event and a responsible unit.
        not_whole = conn.execute(
            """SELECT c.tracking_code FROM cases_case c
               LEFT JOIN cases_caseevent e ON e.case_id = c.id AND e.action = 'received'
               GROUP BY c.id HAVING count(e.id) <> 1 OR min(c.responsible_unit_id) IS NULL"""
        ).fetchall()
    return {
        "by_key": dict(rows),
        "total": total,
        "duplicate_codes": [r[0] for r in code_dupes],
        "not_whole": [r[0] for r in not_whole],
    }


def settle(cluster: Cluster, quiet_s: float = 1.5, limit_s: float = 30) -> None:
    """Wait until the requests still queued in gunicorn (those whose clients hung up) are
    done: the number of cases stays the same for ``quiet_s``."""
    last, since, deadline = -1, time.monotonic(), time.monotonic() + limit_s
    while time.monotonic() < deadline:
        with cluster.connect() as conn:
            count = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.25)


def check_receipts(port: int, outcomes: list[Outcome], sample: int) -> list[str]:
    """A sample of receipts still opens the case status page with the query password."""
    acked = [o for o in outcomes if o.tracking_code]
    problems = []
    for outcome in random.sample(acked, min(sample, len(acked))):
        status, _headers, _data = http_request(
            port,
            "GET",
            f"/api/v1/cases/{outcome.tracking_code}/",
            headers={"X-Case-Password": outcome.password or "", "Accept": "application/json"},
        )
        if status != 200:
            problems.append(f"{outcome.tracking_code}: HTTP {status}")
    return problems


# --- the run ---------------------------------------------------------------------------------


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``manage.py`` with the run's settings and database."""
    result = subprocess.run(  # noqa: S603 (our own fixed commands)
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
    return result


class Resources:
    """What the run starts, stopped and removed by ``cleanup`` whatever happens."""

    def __init__(self, keep: bool) -> None:
        self.keep = keep
        bindir = pg_bindir()
        self.work = Path(tempfile.mkdtemp(prefix="guanwu-durability-"))
        # The cluster's directory belongs to the postgres user, so it is a sibling of ours.
        self.cluster = Cluster(Path(tempfile.mkdtemp(prefix="guanwu-durability-pg-")), bindir)
        self.server: Server | None = None
        self.stop = threading.Event()
        self.cleaned = False

    def cleanup(self) -> None:
        if self.cleaned:
            return
        self.cleaned = True
        self.stop.set()
        log("stopping gunicorn and the private PostgreSQL cluster")
        if self.server is not None:
            self.server.stop()
        self.cluster.stop()
        if self.keep:
            log(f"kept {self.work} and {self.cluster.base}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)
            shutil.rmtree(self.cluster.base, ignore_errors=True)


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--retries", type=int, default=8, help="retries per patient client")
    parser.add_argument(
        "--impatient",
        type=float,
        default=0.2,
        help="share of clients that do not retry during the run, only after it",
    )
    parser.add_argument(
        "--drop",
        type=float,
        default=0.05,
        help="share of clients that hang up before their first answer arrives",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DB_CONN_MAX_AGE for gunicorn: persistent connections are the harder case",
    )
    parser.add_argument(
        "--conn-health-checks",
        action="store_true",
        help="switch Django's CONN_HEALTH_CHECKS on for this run (compare the 5xx after recovery)",
    )
    parser.add_argument("--pg-restart-mode", choices=["immediate", "fast"], default="immediate")
    parser.add_argument("--output", type=Path, default=ROOT / "bench/results/durability.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    args = parser.parse_args(argv)

    resources = Resources(args.keep)
    atexit.register(resources.cleanup)
    # SIGTERM (CI cancelling the job) unwinds like Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run(args, resources)
    finally:
        resources.cleanup()
        atexit.unregister(resources.cleanup)


def run(args: argparse.Namespace, resources: Resources) -> int:
    started = time.monotonic()
    work, cluster, stop = resources.work, resources.cluster, resources.stop
    log(f"initdb in {cluster.base} (PostgreSQL binaries {cluster.bindir})")
    cluster.init()
    cluster.start()
    with cluster.connect("postgres") as conn:
        conn.execute("CREATE DATABASE guanwu")
    (work / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_TEXT, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(work), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "DATABASE_URL": cluster.url,
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        "DURABILITY_CONN_HEALTH_CHECKS": "1" if args.conn_health_checks else "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # The key that encrypts reporters' identities (a Fernet key: 32 bytes, url-safe base64).
        "GUANWU_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        # 2,000 submissions from one address: the per-address limit would refuse them.
        "GUANWU_INTAKE_PER_MINUTE": "1000000",
        "GUANWU_VAR_DIR": str(work / "var"),
        "GUANWU_CASE_FILES_ROOT": str(work / "var/case-files"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)

    log(f"migrate a fresh database on port {cluster.port}")
    manage(env, "migrate", "--noinput", "-v", "0")
    database_settings = json.loads(manage(env, "shell", "-c", SEED).stdout.strip().splitlines()[-1])
    (work / "var/static").mkdir(parents=True, exist_ok=True)
    # Start from a checkpoint, as a server in service would have: otherwise the crash below
    # replays the whole migration's WAL, which says nothing about the application.
    with cluster.connect() as conn:
        conn.execute("CHECKPOINT")
    setup_s = time.monotonic() - started

    server = resources.server = Server(env, args.workers, work / "gunicorn.log")
    server.start()
    log(f"gunicorn with {args.workers} workers on port {server.port}: {server.worker_pids()}")

    run_id = secrets.token_hex(4)
    load = Load(server.port, run_id, args.submissions, stop)
    faults = Faults(load, server, cluster, args.pg_restart_mode)
    faults.start()

    def plan(index: int) -> Plan:
        """Each client's part, drawn from its index (the same clients on every run)."""
        draw = random.Random(index)
        impatient = draw.random() < args.impatient
        return Plan(0 if impatient else args.retries, drop_first=draw.random() < args.drop)

    plans = [plan(i) for i in range(args.submissions)]

    log(f"{args.submissions} submissions from {args.clients} clients (run {run_id})")
    load_started = time.monotonic()
    outcomes = load.run(list(range(args.submissions)), args.clients, plans.__getitem__)
    load_s = time.monotonic() - load_started
    run_errors_sent_at = list(load.server_errors_sent_at)
    faults.join(timeout=120)
    if faults.error is not None:
        raise faults.error

    prefix = f"durability-{run_id}-"
    acked = {o.key: o for o in outcomes if o.tracking_code}
    unacked = [o.key for o in outcomes if not o.tracking_code]
    settle(cluster)
    after_run = stored_cases(cluster, prefix)
    by_key = after_run["by_key"]
    lost = sorted(k for k, o in acked.items() if by_key.get(k) != o.tracking_code)
    ack_lost = sorted(set(by_key) - set(acked))  # stored, but the client never heard
    log(
        f"run: {len(acked)} acknowledged, {len(unacked)} not; {len(by_key)} stored "
        f"({len(ack_lost)} stored without acknowledgement); lost {len(lost)}"
    )

    # Every key once more, as a client without an acknowledgement would (everyone patient).
    log("replaying every key with its idempotency key")
    patient = Plan(args.retries)
    replay = load.run(list(range(args.submissions)), args.clients, lambda _i: patient)
    replay_errors = []
    for first, again in zip(outcomes, replay, strict=True):
        if not again.tracking_code:
            replay_errors.append(f"{again.key}: no receipt on replay ({again.failures})")
        elif first.key in by_key or first.key in acked:
            # Stored before: the same case and the same receipt, said to be a replay.
            expected = by_key.get(first.key)
            if again.tracking_code != expected or not again.replayed:
                replay_errors.append(
                    f"{again.key}: replay gave {again.tracking_code}, not {expected}"
                )
            elif first.password and first.password != again.password:
                replay_errors.append(f"{again.key}: the query password changed")
    # Never stored before: the retry is the submission's first success.
    created_on_replay = sum(bool(again.tracking_code) and not again.replayed for again in replay)
    after_replay = stored_cases(cluster, prefix)
    # A second replay of the keys that had no acknowledgement: nothing more may appear.
    second = load.run([int(k.rsplit("-", 1)[1]) for k in unacked], args.clients, lambda _i: patient)
    second_wrong = [
        o.key
        for o in second
        if not o.replayed or o.tracking_code != after_replay["by_key"].get(o.key)
    ]
    after_second = stored_cases(cluster, prefix)
    receipt_problems = check_receipts(server.port, outcomes, sample=min(200, len(acked)))

    audit = manage(env, "audit_verify", check=False)
    server_alive = server.process is not None and server.process.poll() is None
    server.stop()
    with open(server.logfile, encoding="utf-8", errors="replace") as handle:
        server_log = handle.read()

    failures = Counter(f for o in outcomes for f in o.failures)
    # 5xx to requests sent once PostgreSQL was back: stale persistent connections.
    errors_after_recovery = (
        sum(t > faults.back_at for t in run_errors_sent_at) if faults.back_at else None
    )
    # What the server logged: the database errors behind the 500s, by kind.
    server_errors = Counter(
        re.sub(r"port \d+", "port N", line.split(": ", 1)[1])[:120]
        for line in server_log.splitlines()
        if line.startswith("django.db.utils.")
    )
    latencies = sorted(o.latency_ms for o in outcomes if o.latency_ms is not None)
    checks = {
        "acknowledged_present_exactly_once": not lost and not after_run["duplicate_codes"],
        "no_partial_submissions": not after_run["not_whole"] and not after_second["not_whole"],
        "replay_returns_same_receipt": not replay_errors,
        "one_case_per_key_after_replay": len(after_replay["by_key"]) == args.submissions
        and after_replay["total"] == args.submissions,
        "second_replay_changes_nothing": not second_wrong
        and after_second["total"] == after_replay["total"],
        "receipts_open_case_status": not receipt_problems,
        "server_errors_are_clean_json": not load.unclean_errors,
        "audit_chain_intact": audit.returncode == 0,
        "gunicorn_master_survived": server_alive,
        "faults_injected": "worker_kill" in faults.report and "postgres_restart" in faults.report,
    }
    result = {
        "submissions": args.submissions,
        "clients": args.clients,
        "gunicorn_workers": args.workers,
        "db_conn_max_age": database_settings["conn_max_age"],
        "conn_health_checks": database_settings["conn_health_checks"],
        "acknowledged": len(acked),
        "acknowledged_as_replay": sum(o.replayed for o in acked.values()),
        "unacknowledged_after_run": len(unacked),
        "stored_without_acknowledgement": len(ack_lost),
        "created_on_replay": created_on_replay,
        "clients_impatient": sum(not p.retries for p in plans),
        "clients_dropping_first_answer": sum(p.drop_first for p in plans),
        "clients_that_retried": sum(o.attempts > 1 for o in outcomes),
        "attempts": sum(o.attempts for o in outcomes),
        "failures_seen": dict(failures.most_common()),
        "lost_acknowledged": lost,
        "duplicate_tracking_codes": after_run["duplicate_codes"],
        "cases_after_run": after_run["total"],
        "cases_after_replay": after_replay["total"],
        "cases_after_second_replay": after_second["total"],
        "replay_errors": replay_errors[:20],
        "receipt_problems": receipt_problems[:20],
        "audit_verify": (audit.stdout + audit.stderr).strip().splitlines()[:3],
        "server_errors": dict(server_errors.most_common()),
        "http_5xx_after_postgres_back": errors_after_recovery,
        "unclean_server_errors": load.unclean_errors[:5],
        "faults": faults.report,
        "latency_ms": {
            "p50": round(latencies[len(latencies) // 2], 1) if latencies else None,
            "p95": round(latencies[int(len(latencies) * 0.95)], 1) if latencies else None,
            "max": round(latencies[-1], 1) if latencies else None,
        },
        "throughput_per_s": round(args.submissions / load_s, 1),
        "seconds": {
            "setup": round(setup_s, 1),
            "load": round(load_s, 1),
            "total": round(time.monotonic() - started, 1),
        },
        "checks": checks,
        "ok": all(checks.values()),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    for name, passed in checks.items():
        log(f"{'PASS' if passed else 'FAIL'} {name}")
    log(f"written to {args.output}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
