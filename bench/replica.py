"""Rehearse the read replica on one machine: a PostgreSQL primary, a streaming replica made
with pg_basebackup, gunicorn with ``DATABASE_URL`` and ``DATABASE_REPLICA_URL``.

    .venv/bin/python bench/replica.py [--output FILE]

Both clusters are private (initdb in a temporary folder, their own ports; the shared server is
not touched). What it shows, and checks:

1. anonymous public reads come from the replica: with the replica's replay paused, a unit
   renamed and published on the primary is not yet in ``/api/v1/units/``;
2. writes and the visitor's own case go to the primary: a case submitted while the replica is
   paused is stored on the primary at once;
3. the page cache does not keep what a lagging replica served: after replay resumes, the
   public list shows the new name at once (the content version was bumped by the publish, and
   a page read from a replica behind that publish is served but not cached).
Signed-in staff always read from the primary (tests/core/test_db_router.py).

Prints a JSON summary; exits non-zero when a check fails. tests/durability/test_replica.py
runs it (``make test-durability``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from durability import Cluster, pg_bindir
from lib import Gunicorn, Site, get, log

# The legal department approves and publishes the rename (the demo's ``legal`` account).
RENAME = """
from django.contrib.auth import get_user_model
from guanwu.disclosure.services import content_publish_with_legal_approval
from guanwu.organization.models import Unit
unit = Unit.objects.filter(live=True).order_by("pk").first()
unit.name = {name!r}
legal = get_user_model().objects.get(username="legal")
content_publish_with_legal_approval(obj=unit, reviewer=legal, comment="副本演练")
print(unit.code)
"""


def start_replica(primary: Cluster, base: Path) -> Cluster:
    replica = Cluster(base, primary.bindir)
    base.mkdir(mode=0o700, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    replica._run(
        str(primary.bindir / "pg_basebackup"),
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        str(replica.data),
        "--write-recovery-conf",
        "--wal-method=stream",
        "--checkpoint=fast",
    )
    replica.start()
    return replica


def sql(cluster: Cluster, statement: str, params: tuple[Any, ...] = ()) -> Any:
    with cluster.connect() as conn:
        row = conn.execute(statement, params).fetchone()
        return row[0] if row else None


def wait_caught_up(primary: Cluster, replica: Cluster, limit_s: float = 30) -> float:
    target = sql(primary, "SELECT pg_current_wal_lsn()::text")
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if sql(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)):
            return time.monotonic() - started
        time.sleep(0.05)
    raise RuntimeError("the replica did not catch up")


def unit_names(port: int) -> set[str]:
    status, body = get(port, "/api/v1/units/?page_size=200", {"Accept": "application/json"})
    if status != 200:
        raise RuntimeError(f"/api/v1/units/ answered {status}")
    data = json.loads(body)
    rows = data["results"] if isinstance(data, dict) else data
    return {row["name"] for row in rows}


def submit_case(port: int, marker: str) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    body = json.dumps(
        {"kind": "consultation", "title": "副本演练", "body": f"只读副本演练提交（{marker}）。"},
        ensure_ascii=False,
    ).encode()
    conn.request(
        "POST",
        "/api/v1/cases/",
        body,
        {"Content-Type": "application/json", "Idempotency-Key": marker},
    )
    status = conn.getresponse().status
    conn.close()
    return status


def rehearse() -> dict[str, Any]:
    base = Path(tempfile.mkdtemp(prefix="guanwu-replica-"))
    os.chmod(base, 0o755)  # noqa: S103  # nosec B103  # postgres must reach its data folders
    primary = Cluster(base / "primary", pg_bindir())
    replica: Cluster | None = None
    site: Site | None = None
    checks: dict[str, Any] = {}
    try:
        primary.init()
        primary.start()
        with primary.connect("postgres") as conn:
            conn.execute("CREATE DATABASE guanwu")
        replica = start_replica(primary, base / "replica")
        replica_url = f"postgres://postgres@127.0.0.1:{replica.port}/guanwu"
        site = Site("replica", "postgresql", database_url=primary.url)
        site.prepare()
        checks["caught_up_after_demo_s"] = round(wait_caught_up(primary, replica), 2)
        with Gunicorn(site, env={"DATABASE_REPLICA_URL": replica_url}) as server:
            before = unit_names(server.port)
            unit_names(server.port)  # now cached
            sql(replica, "SELECT pg_wal_replay_pause()")
            new_name = f"演练更名处{uuid.uuid4().hex[:6]}"
            site.manage("shell", "-c", RENAME.format(name=new_name))
            paused = unit_names(server.port)
            checks["public_read_from_replica"] = new_name not in paused and paused == before
            marker = f"replica-{uuid.uuid4().hex[:12]}"
            checks["case_submitted_while_paused_status"] = submit_case(server.port, marker)
            count = "SELECT count(*) FROM cases_case WHERE body LIKE %s"
            stored = sql(primary, count, (f"%{marker}%",))
            on_replica = sql(replica, count, (f"%{marker}%",))
            checks["case_on_primary"] = stored == 1
            checks["case_not_yet_on_paused_replica"] = on_replica == 0
            sql(replica, "SELECT pg_wal_replay_resume()")
            checks["caught_up_after_resume_s"] = round(wait_caught_up(primary, replica), 2)
            checks["fresh_after_resume"] = new_name in unit_names(server.port)
        ok = all(value for key, value in checks.items() if not key.endswith("_s")) and (
            checks["case_submitted_while_paused_status"] == 201
        )
        return {"ok": ok, "checks": checks}
    finally:
        if site is not None:
            site.close()
        if replica is not None:
            replica.stop()
        primary.stop()
        shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", help="also write the JSON summary to this file")
    args = parser.parse_args()
    summary = rehearse()
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    log("replica rehearsal " + ("passed" if summary["ok"] else "FAILED"))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
