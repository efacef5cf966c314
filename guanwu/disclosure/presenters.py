"""Turn an item's typed fields into plain data for the API, feeds and printed editions."""

from __future__ import annotations

from typing import Any

from django.db import models

from wagtail.fields import RichTextField, StreamField
from wagtail.rich_text import expand_db_html

from .models import DisclosureItemPage


def item_type(page: DisclosureItemPage) -> str:
    return getattr(page, "api_type", "general")


def _stream(field: StreamField, value: Any) -> list[Any]:
    return [child["value"] for child in field.stream_block.get_api_representation(value)]


def typed_fields(page: DisclosureItemPage) -> dict[str, Any]:
    """The fields the concrete item type adds to the common ones, as JSON-ready values."""
    result: dict[str, Any] = {}
    meta = type(page)._meta
    for field in [*meta.local_fields, *meta.local_many_to_many]:
        if isinstance(field, models.OneToOneField) and field.remote_field.parent_link:
            continue
        name = field.name
        if isinstance(field, StreamField):
            result[name] = _stream(field, getattr(page, name))
        elif isinstance(field, RichTextField):
            result[name] = expand_db_html(getattr(page, name) or "")
        elif isinstance(field, models.ManyToManyField):
            result[name] = [_related(obj) for obj in getattr(page, name).all()]
        elif isinstance(field, models.ForeignKey):
            obj = getattr(page, name)
            result[name] = _related(obj) if obj is not None else None
        elif isinstance(field, models.Field):
            value = getattr(page, name)
            result[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return result


def _related(obj: Any) -> Any:
    from guanwu.organization.models import ContactLine, Post, Unit

    if isinstance(obj, Unit):
        return obj.code
    if isinstance(obj, Post):
        return {"sign_code": obj.sign_code, "name": obj.name, "unit": obj.unit.code}
    if isinstance(obj, ContactLine):
        return {"kind": obj.kind, "number": obj.number, "hours": obj.hours}
    if isinstance(obj, DisclosureItemPage):
        return {"id": obj.pk, "title": obj.title, "url": obj.url}
    return str(obj)
