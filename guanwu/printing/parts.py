"""A long book laid out in parts and bound into one PDF.

WeasyPrint keeps every laid-out page of a document (boxes, styles, text runs: about 1.6 MiB a
page of the handbook) until its PDF is written, so a 350-page book held 550 MiB over the
process's start-up. Laid out a part at a time, only one part's pages are alive at once; each
part's PDF is kept and the parts are bound with pypdf. Links between parts (the contents and
the time-limit index point into the chapters) are resolved here, after binding, from the
anchors each part reports: WeasyPrint only knows the anchors of its own document.

This module imports no Django: ``lay_out_in_processes`` runs ``lay_out`` in fresh worker
processes (new interpreters: they inherit neither the caller's database connections nor its
memory), which only turn HTML strings into parts.
"""

from __future__ import annotations

import gc
import io
import os
import pickle  # nosec B403 - only between this process and its own layout workers
import subprocess  # nosec B404
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# A layout process's start (a fresh interpreter importing WeasyPrint) costs about a second:
# below this much HTML the parts are laid out in the calling process.
PARALLEL_MIN_BYTES = 400_000
PROCESSES = 2  # when the caller does not say; the handbook passes its setting

PT_PER_PX = 0.75  # WeasyPrint's layout unit is the CSS pixel, 1/96 in; PDF's the point.


@dataclass
class Part:
    """One part, laid out: its PDF and where its anchors and internal links are.

    Positions are in points from the page's top-left corner; ``page`` counts from 0 within
    the part.
    """

    pdf: bytes
    page_count: int
    heights: list[float]  # each page's height
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    links: list[tuple[int, str, tuple[float, float, float, float]]] = field(default_factory=list)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while WeasyPrint lays out and writes.

    A part holds hundreds of thousands of box and style objects alive until its PDF is
    written; every full collection walks them all, and CPython runs one each time the heap has
    grown by a quarter (18 collections took 7 of 37 s of CPU on the 500-item handbook laid out
    whole). The little cyclic garbage made meanwhile is freed by one collection afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


def fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    # Everything a printed document shows is in the page itself (inline CSS, inline SVG QR
    # codes, data: URIs): never fetch a file or a network address named in content.
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


def count_pages(html: str, base_url: str) -> int:
    """How many pages ``html`` lays out to (no PDF is written)."""
    import weasyprint

    with no_cyclic_gc():
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher()).render()
        count = len(document.pages)
        del document
    return count


def lay_out(html: str, base_url: str) -> Part:
    """Lay ``html`` out and write its PDF; internal links are left to ``bind``."""
    import weasyprint

    with no_cyclic_gc():
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher()).render()
        part = Part(
            pdf=b"",
            page_count=len(document.pages),
            heights=[page.height * PT_PER_PX for page in document.pages],
        )
        for number, page in enumerate(document.pages):
            for name, (x1, y1, _x2, _y2) in page.anchors.items():
                part.anchors.setdefault(name, (number, x1 * PT_PER_PX, y1 * PT_PER_PX))
            for kind, target, rectangle, _box in page.links:
                if kind == "internal":
                    x1, y1, x2, y2 = (value * PT_PER_PX for value in rectangle)
                    part.links.append((number, target, (x1, y1, x2, y2)))
            # A target in another part is unknown to this document: bind() makes the links.
            page.links = [link for link in page.links if link[0] != "internal"]
        part.pdf = document.write_pdf()
        del document
    return part


def _worker() -> None:
    """A layout worker's whole life: HTML strings (pickled) in on stdin, parts out on stdout."""
    htmls, base_url = pickle.load(sys.stdin.buffer)  # noqa: S301  # nosec B301  # from our own parent
    pickle.dump([lay_out(html, base_url) for html in htmls], sys.stdout.buffer)
    sys.stdout.flush()


def groups(sizes: list[int], count: int) -> list[list[int]]:
    """Indexes of ``sizes`` in ``count`` groups of about equal total, each in order.

    The longest first, each to the lightest group so far (the usual greedy split).
    """
    bins: list[list[int]] = [[] for _ in range(count)]
    totals = [0] * count
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lightest = totals.index(min(totals))
        bins[lightest].append(index)
        totals[lightest] += sizes[index]
    return [sorted(b) for b in bins if b]


def lay_out_in_processes(
    htmls: list[str],
    base_url: str,
    processes: int | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Part]:
    """``lay_out`` each of ``htmls``, in ``processes`` worker processes when there is enough.

    The parts must not depend on each other's layout (the handbook's chapters are laid out
    without running headers, which are stamped on afterwards). ``meanwhile()``, if given,
    runs in this process while the workers work. The workers are fresh interpreters that
    only import this module and WeasyPrint: no Django, no database connection, none of the
    caller's memory; they end when their parts are back.
    """
    processes = PROCESSES if processes is None else processes
    split = groups([len(html) for html in htmls], max(1, processes))
    if len(split) < 2 or sum(len(html) for html in htmls) < PARALLEL_MIN_BYTES:
        if meanwhile is not None:
            meanwhile()
        return [lay_out(html, base_url) for html in htmls]
    # Plain subprocesses rather than multiprocessing: nothing of the caller (its __main__,
    # be it manage.py, pytest or the task worker) is imported or inherited.
    root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    workers = []
    try:
        for group in split:
            worker = subprocess.Popen(
                [sys.executable, "-c", "from guanwu.printing.parts import _worker; _worker()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                cwd=root,
            )
            workers.append((group, worker))
            if worker.stdin is None or worker.stdout is None:  # pragma: no cover - PIPE given
                raise RuntimeError("no pipe to the layout worker")
            worker.stdin.write(pickle.dumps(([htmls[i] for i in group], base_url)))
            worker.stdin.close()
        if meanwhile is not None:
            meanwhile()
        results: list[Part | None] = [None] * len(htmls)
        for group, worker in workers:
            laid_out = pickle.load(worker.stdout)  # type: ignore[arg-type]  # noqa: S301  # nosec B301  # from our own worker
            if worker.wait() != 0:
                raise RuntimeError(f"layout worker exited with {worker.returncode}")
            for index, part in zip(group, laid_out, strict=True):
                results[index] = part
    finally:
        for _group, worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    return [part for part in results if part is not None]


def _stamp(writer: Any, stamps: Any, first: int) -> None:
    """Lay each page of ``stamps`` over the writer's pages from ``first`` on.

    Each stamp page becomes a form XObject drawn after the page's own content (wrapped in
    ``q``/``Q``, so it starts from the default coordinates). Unlike pypdf's ``merge_page``
    this neither parses nor rewrites the page's content, and the stamps' fonts, cloned once
    from their reader, are shared by every page instead of copied onto each.
    """
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    def stream(data: bytes) -> Any:
        content = DecodedStreamObject()
        content.set_data(data)
        return writer._add_object(content)

    save = stream(b"q\n")
    for number, stamp in enumerate(stamps.pages):
        page = writer.pages[first + number]
        form = DecodedStreamObject()
        form.set_data(stamp.get_contents().get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(stamp.mediabox),
                NameObject("/Resources"): stamp["/Resources"].get_object().clone(writer),
            }
        )
        name = NameObject(f"/GuanwuStamp{number}")
        resources = page["/Resources"].get_object()
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        resources["/XObject"].get_object()[name] = writer._add_object(form.flate_encode())
        contents = page["/Contents"]
        own = list(contents.get_object()) if isinstance(contents.get_object(), list) else [contents]
        page[NameObject("/Contents")] = ArrayObject(
            [save, *own, stream(b"\nQ q " + name.encode() + b" Do Q\n")]
        )


def bind(parts: list[Part], stamps: Part | None = None, stamp_from: int = 0) -> bytes:
    """One PDF of ``parts`` in order: pages, outlines (bookmarks), the first part's document
    information, and every internal link pointing at its anchor, wherever that is.

    ``stamps``' pages, if given, are laid over the book's pages from ``stamp_from`` (0-based)
    on, one on each: the running headers and page numbers of parts laid out without them."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    writer = PdfWriter()
    offsets = []
    for number, part in enumerate(parts):
        offsets.append(len(writer.pages))
        reader = PdfReader(io.BytesIO(part.pdf))
        writer.append(reader)
        if number == 0 and reader.metadata:
            writer.add_metadata(dict(reader.metadata))
    if stamps is not None:
        _stamp(writer, PdfReader(io.BytesIO(stamps.pdf)), stamp_from)
    anchors: dict[str, tuple[int, float, float]] = {}
    for offset, part in zip(offsets, parts, strict=True):
        for name, (page, x, y) in part.anchors.items():
            anchors.setdefault(name, (offset + page, x, part.heights[page] - y))
    for offset, part in zip(offsets, parts, strict=True):
        for page, target, (x1, y1, x2, y2) in part.links:
            if target not in anchors:
                continue
            height = part.heights[page]
            to_page, left, top = anchors[target]
            writer.add_annotation(
                offset + page,
                Link(
                    rect=(x1, height - y2, x2, height - y1),
                    target_page_index=to_page,
                    fit=Fit.xyz(left=left, top=top, zoom=0),
                ),
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
