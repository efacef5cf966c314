from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanwu.disclosure.models import DisclosureItemPage
from guanwu.disclosure.presenters import item_type, typed_fields
from guanwu.disclosure.selectors import last_checked


class SubItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="short_name")
    text = serializers.CharField(source="name", help_text="The seed's wording of the sub-item.")


class CategorySerializer(serializers.Serializer):
    number = serializers.IntegerField(source="page.number")
    name = serializers.CharField(source="page.title")
    description = serializers.CharField(source="page.intro")
    url = serializers.CharField(source="page.url")
    subitems = SubItemSerializer(many=True)
    item_count = serializers.IntegerField(source="count")


class AttachmentSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()


class ItemSummarySerializer(serializers.ModelSerializer):
    # Categories 一 and 六 have no sub-items.
    subitem = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    unit = serializers.SlugRelatedField(source="owning_unit", slug_field="code", read_only=True)
    url = serializers.SerializerMethodField()
    type = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(source="last_published_at", read_only=True)
    checked_at = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureItemPage
        fields = [
            "id",
            "title",
            "category",
            "subitem",
            "unit",
            "mode",
            "type",
            "summary",
            "url",
            "published_at",
            "checked_at",
            "starts_at",
            "ends_at",
        ]

    def get_url(self, obj: DisclosureItemPage) -> str:
        request = self.context.get("request")
        url = obj.get_url(request=request)
        return request.build_absolute_uri(url) if request and url else url

    def get_type(self, obj: DisclosureItemPage) -> str:
        return item_type(obj.specific)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_checked_at(self, obj: DisclosureItemPage) -> Any:
        value = last_checked(obj)
        return serializers.DateTimeField().to_representation(value) if value else None


class ItemDetailSerializer(ItemSummarySerializer):
    owning_unit_name = serializers.CharField(source="owning_unit.name", read_only=True)
    subitem_name = serializers.CharField(
        source="subitem.short_name", read_only=True, default=None, allow_null=True
    )
    details = serializers.SerializerMethodField(
        help_text="The structured fields of the item's type."
    )
    attachments = serializers.SerializerMethodField()

    class Meta(ItemSummarySerializer.Meta):
        fields = [
            *ItemSummarySerializer.Meta.fields,
            "owning_unit_name",
            "subitem_name",
            "details",
            "attachments",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_details(self, obj: DisclosureItemPage) -> dict[str, Any]:
        return typed_fields(obj.specific)

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj: DisclosureItemPage) -> list[dict[str, Any]]:
        return [
            {"title": a.title or a.document.title, "url": a.document.url}
            for a in obj.attachments.select_related("document")
        ]
