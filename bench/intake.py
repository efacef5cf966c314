"""Public case intake under load on PostgreSQL (issue 9, target 4: ≥ 300 submissions/s, none lost).

gunicorn (production settings, 2 sync workers) on a throwaway PostgreSQL database; wrk at 16
connections posts public submissions (POST /api/v1/cases/, the payload shape of
bench/durability.py), each with a body and an Idempotency-Key of its own, until N responses
(full: 6,000; smoke: 100). wrk's Lua script (bench/intake_submit.lua) logs every response's
status and tracking code; afterwards the database is checked: every acknowledged code (a 201)
is stored exactly once under one of this run's keys, the number of stored cases lies between
the acknowledged ones and the requests sent (wrk stops with at most one request in flight per
connection, stored but never answered), every stored case is whole (its "received" event and
a responsible unit), and no response was a 5xx.

The per-address limit (guanwu.cases.throttle, 10 a minute) would refuse a load from one
address, so the server runs with ``GUANWU_INTAKE_PER_MINUTE`` raised (the setting that exists
for this); the code path is otherwise the production one.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import lib
from lib import Result

SCRIPT = Path(__file__).resolve().parent / "intake_submit.lua"
CONNECTIONS = 16
THREADS = 2


def _load(port: int, total: int, run_id: str, out_dir: Path) -> dict[str, float]:
    """wrk until ``total`` responses (split over its threads); its JSON line as figures."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (make bench installs the Debian package)")
    env = {**os.environ, "INTAKE_OUT": str(out_dir / "responses"), "INTAKE_RUN": run_id}
    # The duration is a ceiling only: wrk is interrupted (it then reports the time it really
    # ran) once the responses logged reach ``total``.
    ceiling = max(60, total // 20)
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{ceiling}s", "--timeout", "30s"]
    args += ["-s", str(SCRIPT), f"http://127.0.0.1:{port}/api/v1/cases/"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)  # noqa: S603
    while process.poll() is None:
        time.sleep(0.05)
        answered = 0
        for path in out_dir.glob("responses.*"):
            with open(path, "rb") as log:
                answered += sum(chunk.count(b"\n") for chunk in iter(lambda: log.read(65536), b""))
        if answered >= total:
            process.send_signal(signal.SIGINT)
            break
    out, _err = process.communicate(timeout=60)
    report = next(line for line in out.splitlines() if line.startswith("{"))
    figures = json.loads(report)
    seconds = figures.pop("duration_us") / 1e6
    figures["seconds"] = seconds
    figures["req_per_s"] = figures["requests"] / seconds if seconds else 0.0
    for name in ("p50", "p95", "p99"):
        figures[f"{name}_ms"] = figures.pop(name) / 1000
    return figures


def _responses(out_dir: Path) -> tuple[Counter[int], list[str]]:
    statuses: Counter[int] = Counter()
    codes: list[str] = []
    for path in sorted(out_dir.glob("responses.*")):
        for line in path.read_text().splitlines():
            status, code = line.split()
            statuses[int(status)] += 1
            if status == "201" and code != "-":
                codes.append(code)
    return statuses, codes


def _stored(site: lib.Site, run_id: str) -> dict[str, object]:
    """The run's cases in the database: codes with their counts, and incomplete ones."""
    like = f"intake-{run_id}-%"  # run_id is our own hex token: nothing to escape
    rows = lib.psql(
        f"SELECT tracking_code, count(*) FROM cases_case WHERE idempotency_key LIKE '{like}' "  # noqa: S608  # nosec B608  # our own run id (hex)
        "GROUP BY tracking_code",
        site.dbname,
    )
    counts = {code: int(n) for code, n in (line.split("|") for line in rows.splitlines() if line)}
    whole = (
        "c.responsible_unit_id IS NOT NULL AND EXISTS (SELECT 1 FROM cases_caseevent e"
        " WHERE e.case_id = c.id AND e.action = 'received')"
    )
    query = f"SELECT count(*) FROM cases_case c WHERE c.idempotency_key LIKE '{like}'"  # noqa: S608  # nosec B608  # our own run id (hex)
    incomplete = lib.psql(f"{query} AND NOT ({whole})", site.dbname)
    return {"counts": counts, "incomplete": int(incomplete.strip() or 0)}


def measure(site: lib.Site, total: int) -> list[Result]:
    """Load a prepared PostgreSQL site with ``total`` submissions and check what was stored."""
    run_id = secrets.token_hex(4)
    out_dir = Path(tempfile.mkdtemp(prefix="guanwu-bench-intake-"))
    try:
        with lib.Gunicorn(site, workers=2, env={"GUANWU_INTAKE_PER_MINUTE": "100000000"}) as server:
            # Warm-up: open the workers' database connections, import everything once.
            _load(server.port, 40, f"{run_id}w", out_dir)
            for path in out_dir.glob("responses.*"):
                path.unlink()
            lib.log(f"intake: {total} submissions at {CONNECTIONS} connections")
            figures = _load(server.port, total, run_id, out_dir)
        statuses, acked = _responses(out_dir)
        time.sleep(1)  # let the requests wrk cut off finish on the server before counting
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    stored = _stored(site, run_id)
    counts: dict[str, int] = stored["counts"]  # type: ignore[assignment]
    lost = sum(1 for code in acked if code not in counts)
    duplicates = sum(n - 1 for n in counts.values() if n > 1) + (len(acked) - len(set(acked)))
    answered = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    others = {str(s): n for s, n in statuses.items() if s != 201}
    unanswered_stored = len(counts) - len(set(acked) & set(counts))
    rate = len(acked) / figures["seconds"] if figures["seconds"] else 0.0
    lib.log(
        f"intake: {len(acked)} acknowledged in {figures['seconds']:.1f} s ({rate:.0f}/s), "
        f"stored {len(counts)}, lost {lost}, duplicates {duplicates}, statuses {dict(statuses)}"
    )
    load = os.getloadavg()[0]
    context = {
        "acknowledged": len(acked),
        "answered": answered,
        "stored": len(counts),
        "stored_unanswered": unanswered_stored,
        "incomplete": stored["incomplete"],
        "statuses": {str(s): n for s, n in statuses.items()},
        "socket_errors": figures["errors"],
        "load_average_1m": round(load, 2),
    }
    note = (
        f"{len(acked)} submissions, wrk -t{THREADS} -c{CONNECTIONS}, gunicorn 2 sync workers, "
        f"PostgreSQL on loopback; load average {load:.1f} at the end"
    )
    complete = (
        server_errors == 0 and stored["incomplete"] == 0 and not others and figures["errors"] == 0
    )
    return [
        Result(
            key="intake_rate",
            figure="Public case intake (PostgreSQL)",
            target="≥ 300/s on PostgreSQL",
            measured=round(rate, 1),
            unit="submissions/s",
            met=rate >= 300,
            note=note,
            extra=context,
        ),
        Result(
            key="intake_p50",
            figure="Public case intake, p50 latency",
            target="",
            measured=round(figures["p50_ms"], 1),
            unit="ms",
            met=None,
            note=f"p95 {figures['p95_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms",
        ),
        Result(
            key="intake_p95",
            figure="Public case intake, p95 latency",
            target="",
            measured=round(figures["p95_ms"], 1),
            unit="ms",
            met=None,
        ),
        Result(
            key="intake_lost",
            figure="Public case intake, acknowledged submissions lost",
            target="0",
            measured=lost,
            unit="submissions",
            met=lost == 0 and complete,
            note=(
                f"every 201's tracking code looked up in the database; {server_errors} 5xx, "
                f"{stored['incomplete']} incomplete cases, non-201 answers {others or 'none'}, "
                f"{unanswered_stored} stored but cut off by wrk's stop"
            ),
            extra=context,
        ),
        Result(
            key="intake_duplicates",
            figure="Public case intake, duplicates",
            target="0",
            measured=duplicates,
            unit="submissions",
            met=duplicates == 0,
            note="a tracking code stored more than once, or acknowledged twice",
        ),
    ]


def run(smoke: bool) -> list[Result]:
    started = time.monotonic()
    with lib.Site("intake", "postgresql") as site:
        site.prepare()
        lib.log(f"intake: site ready in {time.monotonic() - started:.0f} s")
        return measure(site, 100 if smoke else 6000)


if __name__ == "__main__":
    import sys

    for row in run("--smoke" in sys.argv):
        print(row)
