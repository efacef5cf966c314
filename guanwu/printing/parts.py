"""A long book laid out in parts and bound into one PDF.

WeasyPrint keeps every laid-out page of a document (boxes, styles, text runs: about 1.6 MiB a
page of the handbook) until its PDF is written, so a 350-page book held 550 MiB over the
process's start-up. Laid out a part at a time, only one part's pages are alive at once; each
part's PDF is kept and the parts are bound with pypdf. Links between parts (the contents and
the time-limit index point into the chapters) are resolved here, after binding, from the
anchors each part reports: WeasyPrint only knows the anchors of its own document.

This module imports no Django: ``lay_out`` may run in a worker process of its own.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

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


def bind(parts: list[Part]) -> bytes:
    """One PDF of ``parts`` in order: pages, outlines (bookmarks), the first part's document
    information, and every internal link pointing at its anchor, wherever that is."""
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
