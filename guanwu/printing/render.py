"""Django templates to PDF with WeasyPrint (CSS paged media). Fonts come from fontconfig:
Noto CJK (Debian's fonts-noto-cjk, installed by ``make``) is embedded, subset, in every PDF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


@dataclass
class Rendered:
    pdf: bytes
    page_count: int
    html: str


def render_pdf(template_name: str, context: dict[str, Any]) -> Rendered:
    """Render ``template_name`` with ``context`` and lay it out as a PDF."""
    import weasyprint  # imported here: it loads Pango, which only the printing paths need
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    # Everything a printed document shows is in the page itself (inline CSS, inline SVG QR
    # codes, data: URIs): never fetch a file or a network address named in content.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)
    document = weasyprint.HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher
    ).render()
    return Rendered(pdf=document.write_pdf(), page_count=len(document.pages), html=html)
