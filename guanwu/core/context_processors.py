from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

# BCP 47 tags for the html lang attribute (screen readers and WCAG 3.1.1 expect zh-CN).
_HTML_LANG = {"zh-hans": "zh-CN", "en": "en"}


def site(request: HttpRequest) -> dict[str, object]:
    """Values every public template needs: the site name and the switchable languages."""
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "SITE_LANGUAGES": settings.LANGUAGES,
        "HTML_LANG": _HTML_LANG.get(language, language),
    }
