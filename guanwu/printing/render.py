"""Django templates to PDF with WeasyPrint (CSS paged media). Fonts come from fontconfig:
Noto CJK (Debian's fonts-noto-cjk, installed by ``make``) is embedded, subset, in every PDF."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


@dataclass
class Rendered:
    pdf: bytes
    page_count: int
    html: str


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while WeasyPrint lays out and writes.

    A 350-page handbook holds millions of box and style objects alive until the PDF is
    written; every full collection walks them all, and CPython runs one each time the heap has
    grown by a quarter: 18 collections took 7 of 37 s of CPU on the 500-item handbook. Those
    objects stay alive until the PDF is written anyway; the little cyclic garbage made
    meanwhile (about 10 MiB there) is freed by one collection afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


def render_pdf(template_name: str, context: dict[str, Any]) -> Rendered:
    """Render ``template_name`` with ``context`` and lay it out as a PDF."""
    import weasyprint  # imported here: it loads Pango, which only the printing paths need
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    # Everything a printed document shows is in the page itself (inline CSS, inline SVG QR
    # codes, data: URIs): never fetch a file or a network address named in content.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)
    with _no_cyclic_gc():
        document = weasyprint.HTML(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher
        ).render()
        pdf = document.write_pdf()
        page_count = len(document.pages)
        del document
    return Rendered(pdf=pdf, page_count=page_count, html=html)
