"""schema.org JSON-LD for item pages: a ``GovernmentService`` on licensing guides (办事指南).

Usage in a template's ``<head>``::

    {% load structured_data %}{% government_service_jsonld page %}

Renders nothing for other item types. The values are the page row's, i.e. the live
(legally reviewed) revision's.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# As django.utils.html.json_script: nothing in the JSON can close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
_UNREAD = object()


def government_service(page: Any, request: Any = None) -> dict[str, Any] | None:
    """The schema.org description of a licensing guide, or None for other pages."""
    from guanwu.disclosure.models import LicensingGuidePage
    from guanwu.organization.enums import UnitKind
    from guanwu.organization.models import Unit

    page = getattr(page, "specific", page)
    if not isinstance(page, LicensingGuidePage):
        return None
    unit = page.owning_unit
    provider: dict[str, Any] = {"@type": "GovernmentOrganization", "name": unit.name}
    if request is not None:
        provider["url"] = request.build_absolute_uri(reverse("unit-detail", args=[unit.code]))
    if unit.address:
        provider["address"] = unit.address
    # Read with the page when it was served (LicensingGuidePage.serving_queryset).
    district_name = getattr(page, "district_name", _UNREAD)
    if district_name is _UNREAD:
        district = Unit.objects.live().filter(kind=UnitKind.DISTRICT).first()
        district_name = district.name if district is not None else None
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": page.licence_name or page.title,
        "description": page.summary or page.licence_content,
        "serviceType": _("行政许可"),
        "provider": provider,
        "url": (
            request.build_absolute_uri(page.get_url(request))
            if request is not None
            else page.get_full_url()
        ),
    }
    if district_name is not None:
        data["areaServed"] = {
            "@type": "AdministrativeArea",
            "name": _("%(district)s关区") % {"district": district_name},
        }
    return data


def jsonld_script(data: dict[str, Any]) -> SafeString:
    """``<script type="application/ld+json">`` with ``data``, readable Chinese, </script>-safe."""
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(_SCRIPT_ESCAPES)
    # Bandit B308: JSON with <, >, & escaped (_SCRIPT_ESCAPES) cannot close the script.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308  # nosec B308, B703


@register.simple_tag(takes_context=True)
def government_service_jsonld(context: template.Context, page: Any) -> str:
    data = government_service(page, context.get("request"))
    return jsonld_script(data) if data else ""
