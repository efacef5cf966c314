"""QR codes made on this server (nothing is fetched from elsewhere): the kiosk's screens and
the printed bulletin boards point the public at the website with them."""

from __future__ import annotations

from django.utils.translation import gettext as _

import segno


def qr_svg(url: str, title: str = "", *, css_class: str = "k-qr-code") -> str:
    """The QR code of ``url`` as inline SVG, black on white, with a four-module quiet zone.

    The SVG has no width or height of its own: the page's CSS sizes it (a kiosk screen, or a
    board printed from A3 to A0 alike).
    """
    # Error correction "m" survives a scuffed or partly glared board and keeps the code small.
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass=css_class,
        title=title or _("手机扫码继续阅读"),
    )
