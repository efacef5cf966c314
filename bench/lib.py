"""What every benchmark shares: its result rows, a throwaway database, gunicorn, wrk.

A benchmark is a module ``bench/<name>.py`` with ``run(smoke: bool) -> list[Result]``;
``bench/run.py`` runs each one in a process of its own and writes the results and the table.
Benchmarks make their own data at the stated size in a database they create and drop, and
measure the real server (gunicorn with production settings, 2 workers) or the real code path.
"""

from __future__ import annotations

import base64
import contextlib
import glob
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_HOST = "127.0.0.1"
PG_PORT = 5432
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"


@dataclass
class Result:
    """One row of the table: a figure, its target, what was measured.

    ``met`` is None for a figure without a target (a reference, a context figure).
    ``reference`` names a figure measured in the same run to compare with (nginx's static
    rate, the uncached rate) and ``note`` says what limits a miss or how it was measured.
    """

    key: str
    figure: str
    target: str
    measured: float
    unit: str
    met: bool | None
    reference: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank; values need not be sorted."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def child_pids(master: int) -> list[int]:
    """The direct children of ``master`` (gunicorn's workers), from /proc."""
    pids = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = Path(stat).read_text()
            # Field 4 (ppid) comes after the parenthesised command name.
            ppid = int(text.rsplit(")", 1)[1].split()[1])
            if ppid == master:
                pids.append(int(Path(stat).parent.name))
    return sorted(pids)


# --- databases -----------------------------------------------------------------------------


def pg_user() -> str:
    """``postgres`` where it can connect, else ``root`` (the machine's trust-auth users)."""
    for user in ("postgres", "root"):
        probe = subprocess.run(  # noqa: S603
            ["psql", "-h", PG_HOST, "-U", user, "-d", "test", "-Atc", "select 1"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0:
            return user
    raise RuntimeError("PostgreSQL on 127.0.0.1:5432 does not answer for postgres or root")


def psql(sql: str, dbname: str = "test") -> str:
    return subprocess.run(  # noqa: S603
        [  # noqa: S607
            "psql",
            "-h",
            PG_HOST,
            "-U",
            pg_user(),
            "-d",
            dbname,
            "-v",
            "ON_ERROR_STOP=1",
            "-Atc",
            sql,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


class Site:
    """A throwaway Guanwu installation: a database (SQLite file or a PostgreSQL database of
    its own), a var/ directory, production settings from the environment.

    ``manage(...)`` runs a management command against it; ``env`` is what gunicorn and any
    other process of the installation get. ``close()`` drops the database and the files.
    """

    def __init__(
        self,
        name: str,
        engine: str = "sqlite",
        extra_env: dict[str, str] | None = None,
        database_url: str = "",
    ) -> None:
        """``database_url``: an existing, empty PostgreSQL database (e.g. on a private
        cluster) instead of one this Site creates and drops on the shared server."""
        if engine not in ("sqlite", "postgresql"):
            raise ValueError(engine)
        self.name = name
        self.engine = engine
        self.own_database = not database_url
        self.work = Path(tempfile.mkdtemp(prefix=f"guanwu-bench-{name}-"))
        self.dbname = f"guanwu_bench_{name}_{os.getpid()}"
        if database_url:
            url = database_url
        elif engine == "sqlite":
            url = f"sqlite:///{self.work / 'guanwu.sqlite3'}"
        else:
            psql(f'DROP DATABASE IF EXISTS "{self.dbname}"', "postgres")
            psql(f'CREATE DATABASE "{self.dbname}"', "postgres")
            url = f"postgres://{pg_user()}@{PG_HOST}:{PG_PORT}/{self.dbname}"
        self.database_url = url
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "guanwu.settings.production",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "GUANWU_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "GUANWU_VAR_DIR": str(self.work / "var"),
            "GUANWU_CASE_FILES_ROOT": str(self.work / "var/case-files"),
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "600",
        }
        self.env.pop("REDIS_URL", None)
        self.env.update(extra_env or {})

    def manage(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def prepare(self, demo: bool = True) -> None:
        """Migrate, collect static files, load the demo district (as ``make run`` does).

        With the demo, and a template made by ``bench/run.py`` (``BENCH_TEMPLATES``), the
        site is a copy of the template instead: a minute saved per benchmark.
        """
        started = time.monotonic()
        template = json.loads(os.environ.get("BENCH_TEMPLATES", "{}")).get(self.engine)
        if demo and template and self.own_database:
            self.copy_from(template)
            log(
                f"{self.name}: {self.engine} site copied from the template in {time.monotonic() - started:.0f} s"
            )
            return
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        if demo:
            # load_demo refuses production settings; the embedded tier's settings read the
            # same database and keys from the environment.
            self.manage("load_demo", env={"DJANGO_SETTINGS_MODULE": "guanwu.settings.dev"})
        log(f"{self.name}: {self.engine} site ready in {time.monotonic() - started:.0f} s")

    def template(self) -> dict[str, str]:
        """What another Site needs to start as a copy of this one (its keys included)."""
        return {
            "work": str(self.work),
            "dbname": self.dbname,
            "SECRET_KEY": self.env["SECRET_KEY"],
            "GUANWU_FIELD_KEYS": self.env["GUANWU_FIELD_KEYS"],
        }

    def copy_from(self, template: dict[str, str]) -> None:
        source = Path(template["work"])
        shutil.copytree(source / "var", self.work / "var", dirs_exist_ok=True)
        if self.engine == "sqlite":
            shutil.copyfile(source / "guanwu.sqlite3", self.work / "guanwu.sqlite3")
        else:
            psql(f'DROP DATABASE IF EXISTS "{self.dbname}"', "postgres")
            psql(f'CREATE DATABASE "{self.dbname}" TEMPLATE "{template["dbname"]}"', "postgres")
        self.env["SECRET_KEY"] = template["SECRET_KEY"]
        self.env["GUANWU_FIELD_KEYS"] = template["GUANWU_FIELD_KEYS"]

    def close(self) -> None:
        if self.engine == "postgresql" and self.own_database:
            with contextlib.suppress(subprocess.CalledProcessError):
                psql(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)', "postgres")
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- gunicorn ------------------------------------------------------------------------------


def spawn_gunicorn(
    port: int,
    workers: int,
    env: dict[str, str],
    logfile: Path,
    options: Sequence[str],
    answers: Callable[[], bool],
) -> subprocess.Popen[bytes]:
    """Start gunicorn (its own process group, its log in ``logfile``) and wait up to 60 s
    until all ``workers`` run and ``answers()``; RuntimeError with the log's end otherwise."""
    with open(logfile, "ab") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "guanwu.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                # Not the shared ~/.gunicorn/gunicorn.ctl of every other gunicorn here.
                "--no-control-socket",
                *options,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one at the end
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(child_pids(process.pid)) == workers and answers():
            return process
        time.sleep(0.2)
    tail = logfile.read_text(errors="replace")[-3000:]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    raise RuntimeError(f"gunicorn did not come up:\n{tail}")


class Gunicorn:
    """gunicorn serving a Site (sync workers, as deploy/ runs it), in its own process group."""

    def __init__(
        self,
        site: Site,
        workers: int = 2,
        env: dict[str, str] | None = None,
        args: Sequence[str] = (),
    ) -> None:
        self.site = site
        self.workers = workers
        self.env = {**site.env, **(env or {})}
        self.args = list(args)
        self.port = free_port()
        self.logfile = site.work / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        try:
            self.process = spawn_gunicorn(
                self.port,
                self.workers,
                self.env,
                self.logfile,
                ["--timeout", "60", "--backlog", "1024", *self.args],
                self._answers,
            )
        except RuntimeError:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answers(self) -> bool:
        try:
            status, _body = get(self.port, "/robots.txt", timeout=5)
        except (OSError, http.client.HTTPException):
            return False
        return status < 500

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid) if self.process is not None else []

    def worker_rss_mib(self) -> list[float]:
        """Each worker's resident set (VmRSS) in MiB."""
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def get(
    port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, bytes]:
    """One GET on a fresh connection: (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- wrk -----------------------------------------------------------------------------------


def wrk(
    url: str,
    duration_s: float = 10,
    connections: int = 16,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    warmup_s: float = 0,
) -> dict[str, float]:
    """Load ``url`` with wrk (Debian's wrk 4.1) and return its figures.

    Returns requests, req_per_s, p50_ms, p95_ms, p99_ms, errors (socket errors and timeouts)
    and bad (responses that were not 2xx/3xx). ``warmup_s`` runs the same load first and
    throws its figures away (fills caches, opens database connections).
    """
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (make bench installs the Debian package)")
    if warmup_s:
        wrk(url, warmup_s, connections, threads, headers)
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration_s))}s"]
    args += ["--timeout", "10s", "-s", str(WRK_SCRIPT)]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    report = next(line for line in out.splitlines() if line.startswith("{"))
    figures = json.loads(report)
    seconds = figures.pop("duration_us") / 1e6
    figures["req_per_s"] = figures["requests"] / seconds if seconds else 0.0
    for name in ("p50", "p95", "p99"):
        figures[f"{name}_ms"] = figures.pop(name) / 1000
    return figures


@contextlib.contextmanager
def nginx(config_body: str) -> Iterator[Path]:
    """An nginx of our own (not the system one) with ``config_body`` inside its http block.

    The body may use ``{work}`` for the private directory. Yields the directory; stops nginx
    at the end.
    """
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    work = Path(tempfile.mkdtemp(prefix="guanwu-bench-nginx-"))
    (work / "logs").mkdir()
    conf = work / "nginx.conf"
    text = (
        f"worker_processes 2;\npid {work}/nginx.pid;\nerror_log {work}/logs/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n  access_log off;\n"
        f"  client_body_temp_path {work}/body;\n  proxy_temp_path {work}/proxy;\n"
        f"  fastcgi_temp_path {work}/fastcgi;\n  uwsgi_temp_path {work}/uwsgi;\n"
        f"  scgi_temp_path {work}/scgi;\n  include /etc/nginx/mime.types;\n"
        + config_body.replace("{work}", str(work))
        + "\n}\n"
    )
    conf.write_text(text)
    subprocess.run([nginx_bin, "-p", str(work), "-c", str(conf)], check=True)  # noqa: S603
    try:
        time.sleep(0.3)
        yield work
    finally:
        subprocess.run([nginx_bin, "-p", str(work), "-c", str(conf), "-s", "quit"], check=False)  # noqa: S603
        time.sleep(0.3)
        shutil.rmtree(work, ignore_errors=True)
