"""Run the benchmarks and write their results: ``make bench`` / ``make bench-smoke``.

    .venv/bin/python bench/run.py [--smoke] [--only NAME ...] [--results FILE]

Each benchmark (``BENCHMARKS`` below, a module of this folder with ``run(smoke)``) runs in a
process of its own. A full run writes ``bench/results/latest.json`` and regenerates the table
in ``bench/README.md`` between its markers; a smoke run (tiny sizes, for CI) writes
``bench/results/smoke.json`` and leaves the README alone. The exit status is non-zero when a
benchmark fails to run; a missed target is reported, not an error (its cause goes in the
README).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
README = HERE / "README.md"
TABLE_START = "<!-- bench:table:start -->"
TABLE_END = "<!-- bench:table:end -->"

# In the order of the targets; each name is a module bench/<name>.py.
BENCHMARKS = [
    "pages",
    "cached_pages",
    "search",
    "intake",
    "cases_scale",
    "handbook_build",
    "worker_memory",
]


def run_one(name: str, smoke: bool, out: Path) -> None:
    """In the child process: import bench/<name>.py, run it, write its rows to ``out``."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    module = importlib.import_module(name)
    rows = module.run(smoke)
    out.write_text(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=1))


def machine() -> dict[str, object]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_before": os.getloadavg()[0],
    }


def fmt(value: float) -> str:
    if value != value:  # NaN
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(report: dict) -> str:
    lines = [
        f"Measured {report['finished']} on {report['machine']['cpus']} cores "
        f"({report['machine']['cpu'] or 'unknown CPU'}), Python {report['machine']['python']}; "
        f"`make bench` wrote this table from `bench/results/latest.json`.",
        "",
        "| figure | target | measured | met | reference (same run) | note |",
        "|---|---|---|---|---|---|",
    ]
    for name in report["order"]:
        entry = report["benchmarks"].get(name, {})
        if entry.get("error"):
            lines.append(
                f"| {name} | — | failed to run | ✗ | | {entry['error'].splitlines()[-1]} |"
            )
            continue
        for row in entry.get("rows", []):
            met = {True: "✓", False: "✗ miss", None: ""}[row["met"]]
            note = row["note"].replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {row['figure']} | {row['target']} | {fmt(row['measured'])} {row['unit']} "
                f"| {met} | {row['reference']} | {note} |"
            )
    return "\n".join(lines)


def write_readme(report: dict) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START), text.index(TABLE_END)
    text = text[: start + len(TABLE_START)] + "\n" + table(report) + "\n" + text[end:]
    README.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks they still run")
    parser.add_argument("--only", nargs="*", default=None, help="run only these benchmarks")
    parser.add_argument(
        "--results",
        help="write the report to this file instead of bench/results/, and leave the README alone",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_one(args.child, args.smoke, Path(args.out))
        return 0

    names = args.only or BENCHMARKS
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    target = RESULTS / ("smoke.json" if args.smoke else "latest.json")
    if args.results:
        target = Path(args.results).resolve()
    # A partial run (--only) updates its benchmarks in the existing report.
    report: dict = {"benchmarks": {}}
    if args.only and target.exists():
        report = json.loads(target.read_text(encoding="utf-8"))
    report.update(
        {"order": BENCHMARKS, "smoke": args.smoke, "machine": machine(), "started": now()}
    )
    failed = []
    templates = make_templates()
    for name in names:
        print(f"== {name}", flush=True)
        started = time.monotonic()
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            child = subprocess.run(  # noqa: S603
                [sys.executable, str(Path(__file__)), "--child", name, "--out", out.name]
                + (["--smoke"] if args.smoke else []),
                cwd=ROOT,
                env={**os.environ, "BENCH_TEMPLATES": json.dumps(templates["env"])},
                check=False,
            )
            elapsed = round(time.monotonic() - started, 1)
            if child.returncode != 0:
                failed.append(name)
                report["benchmarks"][name] = {
                    "error": f"exit status {child.returncode}",
                    "seconds": elapsed,
                }
                continue
            rows = json.loads(Path(out.name).read_text(encoding="utf-8") or "[]")
        report["benchmarks"][name] = {"rows": rows, "seconds": elapsed}
        for row in rows:
            met = {True: "met", False: "MISSED", None: "-"}[row["met"]]
            print(
                f"   {row['figure']}: {fmt(row['measured'])} {row['unit']} (target {row['target']}: {met})"
            )
    for site in templates["sites"]:
        site.close()
    report["finished"] = now()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    if not args.smoke and not args.results:
        write_readme(report)
        print(f"wrote the table in {README.relative_to(ROOT)}")
    print(table(report))
    if failed:
        print(f"failed to run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def make_templates() -> dict:
    """One migrated site with the demo district per database engine, for the benchmarks to
    copy (SQLite file / CREATE DATABASE … TEMPLATE) instead of each loading the demo."""
    sys.path.insert(0, str(HERE))
    from lib import Site

    sites, env = [], {}
    for engine in ("sqlite", "postgresql"):
        site = Site("template", engine)
        site.prepare()
        sites.append(site)
        env[engine] = site.template()
    return {"sites": sites, "env": env}


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        traceback.print_exc()
        sys.exit(130)
