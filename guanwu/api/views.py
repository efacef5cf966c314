from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from guanwu.core.errors import page_not_found
from guanwu.disclosure import selectors as disclosure
from guanwu.disclosure.enums import Category, DisclosureMode
from guanwu.disclosure.models import DisclosureItemPage
from guanwu.disclosure.selectors import PageUrls, last_checked
from guanwu.organization.enums import UnitKind
from guanwu.organization.models import Unit
from guanwu.organization.selectors import units_for_directory

from .pagination import page_link
from .schema import BAD_REQUEST, NOT_FOUND, page_of
from .serializers import UnitSerializer
from .serializers_disclosure import CategorySerializer, ItemDetailSerializer, ItemSummarySerializer


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    parent = django_filters.CharFilter(field_name="parent__code", help_text="The parent's code.")

    class Meta:
        model = Unit
        fields = ["kind", "parent"]


@extend_schema(tags=["public"])
@extend_schema_view(
    # 400: an unknown ``kind``; 404: a page past the last.
    list=extend_schema(responses={200: UnitSerializer, **BAD_REQUEST, **NOT_FOUND}),
    retrieve=extend_schema(responses={200: UnitSerializer, **NOT_FOUND}),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The unit tree of the district (category 一): units, windows, phone lines, work numbers."""

    serializer_class = UnitSerializer
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    lookup_field = "code"
    filterset_class = UnitFilter

    def get_queryset(self) -> QuerySet[Unit]:
        return units_for_directory().order_by("sort_order", "code")


@csrf_exempt
def no_such_endpoint(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """Anything under /api/v1/ that no endpoint matched: a JSON 404, whatever the method.

    Without it the request fell through to Wagtail's page tree, where a POST met the CSRF
    check and got Django's English HTML 403 page.
    """
    return page_not_found(request)


class PublicAPIMixin:
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []


@extend_schema(
    tags=["public"],
    responses=page_of(CategorySerializer, "CategoryList"),
)
class CategoryList(PublicAPIMixin, generics.GenericAPIView):
    """The six categories with their sub-items and how many live items each holds."""

    serializer_class = CategorySerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        data = CategorySerializer(disclosure.categories_with_counts(), many=True).data
        return Response({"count": len(data), "next": None, "previous": None, "results": data})


class ItemFilter(django_filters.FilterSet):
    category = django_filters.TypedChoiceFilter(choices=Category.choices, coerce=int)
    subitem = django_filters.CharFilter(field_name="subitem__code")
    unit = django_filters.CharFilter(method="filter_unit")
    mode = django_filters.ChoiceFilter(choices=DisclosureMode.choices)
    q = django_filters.CharFilter(method="filter_q", max_length=100)

    class Meta:
        model = DisclosureItemPage
        fields = ["category", "subitem", "unit", "mode"]

    def filter_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(owning_unit__code=value.upper())

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        from django.db.models import Q

        return queryset.filter(Q(title__contains=value) | Q(summary__contains=value))


@extend_schema(tags=["public"])
@extend_schema_view(
    list=extend_schema(responses={200: ItemSummarySerializer, **BAD_REQUEST, **NOT_FOUND}),
    retrieve=extend_schema(responses={200: ItemDetailSerializer, **NOT_FOUND}),
)
class ItemViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Live disclosure items; immediate notices in force come first."""

    filterset_class = ItemFilter

    def get_queryset(self) -> QuerySet[DisclosureItemPage]:
        return disclosure.in_force_first(disclosure.live_items())

    def get_serializer_class(self) -> type:
        return ItemDetailSerializer if self.action == "retrieve" else ItemSummarySerializer


@extend_schema(
    tags=["public"],
    parameters=[OpenApiParameter("active", bool, description="true: only notices in force")],
    responses={200: ItemSummarySerializer(many=True), **BAD_REQUEST, **NOT_FOUND},
)
class NoticeList(PublicAPIMixin, generics.ListAPIView):
    """Immediate-mode notices (随时公开): in force with ``active=true``, else all published."""

    serializer_class = ItemSummarySerializer

    def get_queryset(self) -> QuerySet[DisclosureItemPage]:
        active = self.request.query_params.get("active", "").lower()
        if active not in ("", "true", "false", "1", "0"):
            raise ValidationError({"active": "请使用 true 或 false。"})
        if active in ("true", "1"):
            return disclosure.notices_in_force()
        return (
            disclosure.live_items()
            .filter(mode=DisclosureMode.IMMEDIATE)
            .order_by("-starts_at", "-pk")
        )


class SearchHitSerializer(ItemSummarySerializer):
    snippet = serializers.CharField(help_text="HTML with the matches in <mark>.")
    tier = serializers.IntegerField(help_text="0: title match, 1: structured fields, 2: body.")

    class Meta(ItemSummarySerializer.Meta):
        fields = [*ItemSummarySerializer.Meta.fields, "snippet", "tier"]

    def get_type(self, obj: DisclosureItemPage) -> str:
        # From the content type (cached per process), not ``obj.specific``: that is a query
        # for every hit, and search hits are the base item rows.
        return getattr(obj.specific_class, "api_type", "general")


def search_rows(hits: list[Any], request: Request) -> list[dict[str, Any]]:
    """What ``SearchHitSerializer`` gives for each hit, written directly.

    DRF's per-field path (a serializer field per column, a ``get_url()`` per hit walking
    Wagtail's site lookup) was most of the API's own time for a page of ten hits; the links
    come from ``url_path`` as ``{% pageurl %}`` and ``Page.get_url`` give them
    (``PageUrls``). Tested against the serializer (``tests/portal/test_search.py``).
    """
    urls = PageUrls(request)
    when = serializers.DateTimeField().to_representation
    rows = []
    for hit in hits:
        page = hit.page
        url = urls(page.url_path)
        checked = last_checked(page)
        rows.append(
            {
                "id": page.pk,
                "title": page.title,
                "category": page.category,
                "subitem": page.subitem.code if page.subitem_id else None,
                "unit": page.owning_unit.code if page.owning_unit_id else None,
                "mode": page.mode,
                "type": getattr(page.specific_class, "api_type", "general"),
                "summary": page.summary,
                "url": request.build_absolute_uri(url) if url else url,
                "published_at": when(page.last_published_at) if page.last_published_at else None,
                "checked_at": when(checked) if checked else None,
                "starts_at": when(page.starts_at) if page.starts_at else None,
                "ends_at": when(page.ends_at) if page.ends_at else None,
                "snippet": str(hit.snippet),
                "tier": hit.tier,
            }
        )
    return rows


class SearchView(PublicAPIMixin, generics.GenericAPIView):
    """Chinese full-text search over live items: the engine behind the website and the kiosk."""

    serializer_class = SearchHitSerializer
    pagination_class = None
    # The search engine filters and pages itself; no django-filter parameters.
    filter_backends: list[type] = []

    @extend_schema(
        tags=["public"],
        operation_id="search_list",
        parameters=[
            OpenApiParameter("q", str, required=True, description="关键词（最多 100 字）"),
            OpenApiParameter("category", int),
            OpenApiParameter("subitem", str),
            OpenApiParameter("unit", str),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="1 到 50，默认 10"),
        ],
        responses={
            200: page_of(
                SearchHitSerializer,
                "SearchResults",
                suggestions=serializers.ListField(
                    child=serializers.CharField(),
                    help_text="When nothing matches: titles close to the query.",
                ),
            ),
            **BAD_REQUEST,
        },
    )
    def get(self, request: Request) -> Response:
        from guanwu.portal.search import QueryError, search

        params = request.query_params
        try:
            category = int(params["category"]) if params.get("category") else None
            page = int(params.get("page") or 1)
            page_size = min(max(int(params.get("page_size") or 10), 1), 50)
        except ValueError as exc:
            raise ValidationError({"detail": "category、page 和 page_size 须为整数。"}) from exc
        if category is not None and category not in Category.values:
            raise ValidationError({"category": "类别应为 1 到 6。"})
        try:
            results = search(
                params.get("q", "")[:1000],
                category=category,
                subitem=params.get("subitem") or None,
                unit=params.get("unit") or None,
                page=page,
                page_size=page_size,
            )
        except QueryError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        data = search_rows(results.hits, request)
        last = results.pages if results.total else 0
        return Response(
            {
                "count": results.total,
                "next": page_link(request, results.page + 1, last),
                "previous": page_link(request, results.page - 1, last),
                "results": data,
                "suggestions": results.suggestions,
            }
        )
