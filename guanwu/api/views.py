from __future__ import annotations

from django.db.models import QuerySet

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from guanwu.organization.enums import UnitKind
from guanwu.organization.models import Unit
from guanwu.organization.selectors import units_for_directory

from .serializers import UnitSerializer


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    parent = django_filters.CharFilter(field_name="parent__code", help_text="The parent's code.")

    class Meta:
        model = Unit
        fields = ["kind", "parent"]


@extend_schema(tags=["public"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The unit tree of the district (category 一): units, windows, phone lines, work numbers."""

    serializer_class = UnitSerializer
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    lookup_field = "code"
    filterset_class = UnitFilter

    def get_queryset(self) -> QuerySet[Unit]:
        return units_for_directory().order_by("sort_order", "code")
