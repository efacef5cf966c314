"""Issue 9 target 6: a 500-item handbook builds in ≤ 20 s with ≤ 1 GiB peak memory.

A throwaway site (``lib.Site``: production settings, the demo district) gets live items of
categories 二–四 up to N (``bench/handbook.py --add-only``: copies of the demo's items,
published through legal approval). The district handbook is then built by
``manage.py build_handbook`` — the real service path, ``services.build_edition`` — in a
process of its own, so its memory is the build's alone and not the data generation's. The
wall time is that process's, Django start-up included.

The build lays the chapters out in worker processes (``printing.parts``), so the memory is
that of the process tree: ``/proc`` is read every 20 ms for the build process and every
process below it, keeping each one's peak resident set (``VmHWM``, which the kernel keeps)
and the largest sum of the whole tree's resident sets at one moment. The figure reported is the sum
of every process's peak (as if all peaked at once: an upper bound); the largest sum seen
at one moment is in the note. CPU is ``wait4``'s for the build and its workers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
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


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (KiB) of ``pid``; empty once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as file:
            lines = file.read().splitlines()
    except OSError:
        return {}
    return {
        key: int(value.split()[0])
        for key, _sep, value in (line.partition(":") for line in lines)
        if key in ("VmRSS", "VmHWM")
    }


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(c) for c in file.read().split()]
    except OSError:
        return []


def _descendants(pid: int) -> list[int]:
    found, frontier = [], [pid]
    while frontier:
        children = _children(frontier.pop())
        found += children
        frontier += children
    return found


def _is_layout_worker(pid: int) -> bool:
    # Not every descendant: WeasyPrint's library lookup (ctypes.util.find_library) runs
    # short-lived gcc and ld processes one after another at start-up, forked (with the
    # forking process's command line, for a moment) from the build process and its workers.
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return b"guanwu.printing.parts" in file.read()
    except OSError:
        return False


class TreeMemory(threading.Thread):
    """Samples the memory of a process and its descendants until ``stop()``."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}  # pid -> VmHWM KiB, the build and its layout workers
        self.max_sum = 0  # KiB: the largest sum of VmRSS seen at one moment
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            total = 0
            workers = set(_children(self.pid))
            for pid in [self.pid, *_descendants(self.pid)]:
                status = _status(pid)
                if status:
                    total += status.get("VmRSS", 0)
                    if pid == self.pid or (pid in workers and _is_layout_worker(pid)):
                        self.peaks[pid] = max(self.peaks.get(pid, 0), status.get("VmHWM", 0))
            self.max_sum = max(self.max_sum, total)
            self._stopping.wait(0.02)

    def stop(self) -> None:
        self._stopping.set()
        self.join()


def build(env: dict[str, str], output: Path, logfile: Path) -> dict[str, float]:
    """``manage.py build_handbook`` in a process of its own: wall and CPU seconds, memory."""
    started = time.perf_counter()
    with logfile.open("wb") as out:
        child = subprocess.Popen(  # noqa: S603
            [str(BIN / "python"), "manage.py", "build_handbook", "--output", str(output)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        sampler = TreeMemory(child.pid)
        sampler.start()
        # wait4, not wait: the child's own resource usage (and its waited-for workers').
        _pid, status, usage = os.wait4(child.pid, 0)
        sampler.stop()
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        tail = logfile.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"build_handbook failed:\n{tail}")
    peaks = sampler.peaks
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_sum_mib": sum(peaks.values()) / 1024,
        "parent_mib": peaks.get(child.pid, 0) / 1024,
        "processes": len(peaks),
        "max_concurrent_mib": sampler.max_sum / 1024,
        "maxrss_mib": usage.ru_maxrss / 1024,
    }


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
        figures = build(site.env, output, site.work / "build_handbook.log")
        seconds, cpu, peak_mib = figures["seconds"], figures["cpu"], figures["peak_sum_mib"]
        pages = _pages(output)
        size_bytes = output.stat().st_size
        # The same book with the chapters in two processes (GUANWU_HANDBOOK_PROCESSES=2): the
        # faster, hungrier choice a host with memory to spare can make.
        parallel_output = site.work / "handbook-2.pdf"
        parallel = build(
            {**site.env, "GUANWU_HANDBOOK_PROCESSES": "2"},
            parallel_output,
            site.work / "build_handbook-2.log",
        )
        if _pages(parallel_output) != pages:
            raise RuntimeError("the two-process build has a different number of pages")
        size_mb = size_bytes / 1e6
        # The last line: Django 5.2's shell first reports the objects it imported.
        items = site.manage(
            "shell",
            "-c",
            "from guanwu.printing.handbook import handbook_items; print(handbook_items().count())",
        ).split()[-1]
    load = os.getloadavg()[0]
    size = f"{items} items, {pages} pages"
    note = (
        f"manage.py build_handbook, one process (GUANWU_HANDBOOK_PROCESSES=1, the default); "
        f"{cpu:.1f} s CPU; load {load:.1f}"
    )
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
            note=(
                f"sum of the peak RSS of the build process and its "
                f"{figures['processes'] - 1} layout workers "
                f"(build process {figures['parent_mib']:.0f}); "
                f"largest sum at one moment {figures['max_concurrent_mib']:.0f}"
                if figures["processes"] > 1
                else "peak RSS of the build process (Django start-up, collection, layout, PDF)"
            ),
            extra={k: round(v, 1) for k, v in figures.items()},
        ),
        Result(
            key="handbook_build_time_two_processes",
            figure=f"Handbook build time, chapters in two processes ({size})",
            target="",
            measured=round(parallel["seconds"], 2),
            unit="s",
            met=None,
            note=f"GUANWU_HANDBOOK_PROCESSES=2; {parallel['cpu']:.1f} s CPU; memory: sum of "
            f"the {int(parallel['processes'])} processes' peaks {parallel['peak_sum_mib']:.0f} MiB, "
            f"largest sum at one moment {parallel['max_concurrent_mib']:.0f} MiB",
            extra={k: round(v, 1) for k, v in parallel.items()},
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
