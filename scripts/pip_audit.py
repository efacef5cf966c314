"""`make lint`: pip-audit of the installed packages against PyPI's advisory data.

Exit 1 when a package has a known vulnerability. When the advisory data cannot be had — no
network, or an index (a mirror, a proxy) that serves packages but not PyPI's per-release JSON,
so that every package comes back "not found on PyPI" — it says so and exits 0: the audit then
has to run on a machine that reaches pypi.org (see docs/security.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

UNREACHABLE = "pip-audit: PyPI advisory service unreachable, skipped"
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    command = [
        str(PIP_AUDIT),
        "--format=json",
        "--progress-spinner=off",
        "--skip-editable",  # the project itself
        "--timeout=15",
    ]
    try:
        # Fixed argument list, no shell.
        run = subprocess.run(  # noqa: S603  # nosec B603
            command, capture_output=True, text=True, timeout=600, check=False
        )
    except subprocess.TimeoutExpired:
        print(f"{UNREACHABLE} (no answer in 10 minutes)")
        return 0
    try:
        report = json.loads(run.stdout)
    except ValueError:
        # No report at all: pip-audit stopped before auditing (a connection error, most often).
        last = (run.stderr.strip().splitlines() or ["?"])[-1]
        print(f"{UNREACHABLE} ({last})")
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            print(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixed})")
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} package(s) with known vulnerabilities")
        return 1
    if not audited:
        print(f"{UNREACHABLE} ({len(skipped)} packages, none found on the advisory service)")
        return 0
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerabilities")
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        print(f"pip-audit: not audited ({len(skipped)}): {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
