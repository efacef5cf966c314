"""Django templates to PDF with WeasyPrint (CSS paged media). Fonts come from fontconfig:
Noto CJK (Debian's fonts-noto-cjk, installed by ``make``) is embedded, subset, in every PDF.

A long book (the handbook) is laid out in parts instead: ``parts`` and
``handbook.render_handbook``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from .parts import fetcher, no_cyclic_gc


@dataclass
class Rendered:
    pdf: bytes
    page_count: int
    html: str


def render_pdf(template_name: str, context: dict[str, Any]) -> Rendered:
    """Render ``template_name`` with ``context`` and lay it out as a PDF."""
    import weasyprint  # imported here: it loads Pango, which only the printing paths need

    html = render_to_string(template_name, context)
    with no_cyclic_gc():
        document = weasyprint.HTML(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher()
        ).render()
        pdf = document.write_pdf()
        page_count = len(document.pages)
        del document
    return Rendered(pdf=pdf, page_count=page_count, html=html)
