"""Issue 9, the read replica rehearsed on one machine: bench/replica.py builds a private
PostgreSQL primary and a streaming replica (pg_basebackup), serves the demo district with
``DATABASE_REPLICA_URL`` and checks where reads and writes go, and that the page cache does not
keep a page a lagging replica served.

Marked slow (it loads the demo into a fresh cluster, a few minutes); `make test-durability`
runs it in CI. The script does the checking; its summary is the failure message.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.slow


def test_public_reads_use_the_replica_and_the_cache_never_keeps_a_lagging_page(tmp_path):
    output = tmp_path / "replica.json"
    process = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench/replica.py"), "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert output.exists(), f"{process.stdout[-4000:]}\n{process.stderr[-4000:]}"
    summary = json.loads(output.read_text())
    checks = summary["checks"]
    message = json.dumps(summary, ensure_ascii=False, indent=1)
    # With replay paused, the public list still shows the old name: it was read on the replica.
    assert checks["public_read_from_replica"], message
    # A visitor's submission is written to (and only yet on) the primary.
    assert checks["case_submitted_while_paused_status"] == 201, message
    assert checks["case_on_primary"] and checks["case_not_yet_on_paused_replica"], message
    # Once the replica has replayed the publish, the public sees it: nothing stale was cached.
    assert checks["fresh_after_resume"], message
    assert process.returncode == 0, message
