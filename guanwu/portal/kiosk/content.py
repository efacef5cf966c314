"""Kiosk-safe HTML: no link leads out of /kiosk/.

An item's rendered content (rich text and the website's type partials) may link to other
sites, to documents, to telephone numbers or to the website's own pages. On the kiosk,
links to live items and categories become links to the kiosk's screens; every other link is
unwrapped to its text, server-side, so there is nothing to tap that leaves the kiosk.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from wagtail.models import Site

from bs4 import BeautifulSoup

from guanwu.disclosure import selectors
from guanwu.disclosure.models import CategoryPage

# Elements that load or run something, or lead elsewhere, and have no place on the kiosk.
DROPPED_TAGS = ["script", "iframe", "object", "embed", "form", "base", "link", "meta", "style"]


class LinkMapper:
    """Maps a website href to the kiosk screen showing the same thing, or None."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.site = (
            Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
        )
        self.hosts = {request.get_host().lower()}
        if self.site is not None:
            self.hosts.add(self.site.hostname.lower())
            self.hosts.add(f"{self.site.hostname}:{self.site.port}".lower())

    def __call__(self, href: str) -> str | None:
        href = (href or "").strip()
        try:
            parts = urlsplit(href)
        except ValueError:
            return None
        if parts.scheme not in ("", "http", "https"):
            return None  # mailto:, tel:, javascript: …
        if parts.netloc and parts.netloc.lower() not in self.hosts:
            return None
        path = parts.path
        if not path.startswith("/") or path.startswith("//"):
            return None
        if path.startswith("/kiosk/"):
            return path
        return self._page_screen(path)

    def _page_screen(self, path: str) -> str | None:
        if self.site is None:
            return None
        if path == "/":
            return reverse("kiosk:home")
        url_path = self.site.root_page.url_path.rstrip("/") + path.rstrip("/") + "/"
        pk = selectors.live_items().filter(url_path=url_path).values_list("pk", flat=True).first()
        if pk is not None:
            return reverse("kiosk:item", args=[pk])
        categories = CategoryPage.objects.live().filter(url_path=url_path)
        number = categories.values_list("number", flat=True).first()
        if number is not None:
            return reverse("kiosk:category", args=[number])
        return None


def kiosk_html(html: str, request: HttpRequest) -> SafeString:
    """``html`` with links mapped into the kiosk or unwrapped, and active content dropped."""
    soup = BeautifulSoup(html or "", "html.parser")
    for tag in soup.find_all(DROPPED_TAGS):
        tag.decompose()
    mapper = LinkMapper(request)
    for tag in soup.find_all(href=True):
        target = mapper(tag["href"]) if tag.name == "a" else None
        if target:
            tag.attrs = {"href": target}
        else:
            tag.unwrap()
    for tag in soup.find_all(["img", "source", "video", "audio"]):
        sources = [tag.get("src", ""), tag.get("srcset", "")]
        if any(urlsplit(s.split()[0]).netloc for s in sources if s.strip()):
            tag.decompose()  # nothing is fetched from other sites
    for tag in soup.find_all(True):
        # Event handlers and targets have no business in published content.
        for name in [a for a in tag.attrs if a.startswith("on") or a == "target"]:
            del tag[name]
    return mark_safe(str(soup))  # noqa: S308 (parsed and rebuilt from reviewed content)  # nosec B308, B703
