"""Issue 9 target 6: a 500-item handbook builds in ≤ 20 s with ≤ 1 GiB peak memory.

A throwaway site (``lib.Site``: production settings, the demo district) gets live items of
categories 二–四 up to N (``bench/handbook.py --add-only``: copies of the demo's items,
published through legal approval). The district handbook is then built by
``manage.py build_handbook`` — the real service path, ``services.build_edition`` — in a
process of its own, so its peak resident set (``ru_maxrss`` from ``wait4``) is the build's
alone and not the data generation's. The wall time is that process's, Django start-up
included.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from lib import BIN, ROOT, Result, Site, log

FACTS_MS_PER_PAGE = 35  # FACTS.md: 294 pages in 10–11 s, 444 MiB, in WeasyPrint 70


def _pages(pdf: Path) -> int:
    info = subprocess.run(  # noqa: S603
        ["pdfinfo", str(pdf)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def run(smoke: bool) -> list[Result]:
    target = 20 if smoke else 500
    with Site("handbook") as site:
        site.prepare()
        started = time.monotonic()
        added = subprocess.run(  # noqa: S603
            [str(BIN / "python"), "bench/handbook.py", str(target), "--add-only"],
            cwd=ROOT,
            env=site.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if added.returncode != 0:
            raise RuntimeError(f"adding items failed:\n{added.stderr[-4000:]}")
        log(f"handbook: {added.stdout.strip()} ({time.monotonic() - started:.0f} s)")
        output = site.work / "handbook.pdf"
        started = time.perf_counter()
        logfile = site.work / "build_handbook.log"
        with logfile.open("wb") as out:
            child = subprocess.Popen(  # noqa: S603
                [str(BIN / "python"), "manage.py", "build_handbook", "--output", str(output)],
                cwd=ROOT,
                env=site.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            # wait4, not wait: the child's own resource usage, peak resident set included.
            _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            tail = logfile.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"build_handbook failed:\n{tail}")
        peak_mib = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        pages = _pages(output)
        size_bytes = output.stat().st_size
        size_mb = size_bytes / 1e6
        # The last line: Django 5.2's shell first reports the objects it imported.
        items = site.manage(
            "shell",
            "-c",
            "from guanwu.printing.handbook import handbook_items; print(handbook_items().count())",
        ).split()[-1]
    load = os.getloadavg()[0]
    size = f"{items} items, {pages} pages"
    note = f"one process, manage.py build_handbook; {cpu:.1f} s CPU; load {load:.1f}"
    return [
        Result(
            key="handbook_build_time",
            figure=f"Handbook build time ({size})",
            target="≤ 20 s",
            measured=round(seconds, 2),
            unit="s",
            met=seconds <= 20 if not smoke else None,
            reference=f"FACTS: 294 pages in 10–11 s ({FACTS_MS_PER_PAGE} ms a page); "
            f"here {1000 * seconds / pages:.0f} ms a page",
            note=note,
            extra={"cpu_s": round(cpu, 2), "pages": pages, "items": items},
        ),
        Result(
            key="handbook_build_peak_memory",
            figure=f"Handbook build peak memory ({size})",
            target="≤ 1 GiB",
            measured=round(peak_mib),
            unit="MiB",
            met=peak_mib <= 1024 if not smoke else None,
            reference="FACTS: 444 MiB for 294 pages",
            note="ru_maxrss of the build process (Django start-up, collection, layout, PDF)",
        ),
        Result(
            key="handbook_build_pages",
            figure=f"Handbook PDF ({items} items)",
            target="",
            measured=pages,
            unit="pages",
            met=None,
            note=f"{size_mb:.2f} MB",
            extra={"bytes": size_bytes},
        ),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    for row in run("--smoke" in sys.argv):
        print(row)
