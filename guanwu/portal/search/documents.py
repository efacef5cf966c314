"""What of a live item is searchable, split into title, structured fields and body."""

from __future__ import annotations

from typing import Any

from django.utils.html import strip_tags

from guanwu.disclosure.models import DisclosureItemPage
from guanwu.disclosure.presenters import typed_fields

# Typed fields that are the item's main text rather than a structured field.
SKIP_KEYS = {"url", "id", "unit", "kind"}
BODY_FIELDS = {"body", "rules", "licence_content", "promise", "accountability", "channels_note"}


def _flatten(value: Any) -> list[str]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, str):
        return [strip_tags(value)]
    if isinstance(value, int | float):
        return []
    if isinstance(value, dict):
        return [text for k, v in value.items() if k not in SKIP_KEYS for text in _flatten(v)]
    if isinstance(value, list | tuple):
        return [text for v in value for text in _flatten(v)]
    return [str(value)]


def document_parts(page: DisclosureItemPage) -> tuple[str, str, str]:
    """(title, fields, body) as plain text, from the live row (never from a draft)."""
    specific = page.specific
    fields: list[str] = [specific.summary]
    body: list[str] = []
    if specific.subitem_id:
        fields.append(specific.subitem.short_name)
    fields.append(specific.owning_unit.name)
    for name, value in typed_fields(specific).items():
        (body if name in BODY_FIELDS else fields).extend(_flatten(value))
    clean = lambda parts: "\n".join(p.strip() for p in parts if p and p.strip())  # noqa: E731
    return specific.title, clean(fields), clean(body)
