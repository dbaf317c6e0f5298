"""Public catalog API (R19): GET /api/v1/items/ and /api/v1/items/<code>/, no login needed."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from linzi_platform.pagination import ApiCursorPagination

from .models import ApprovalItem, CreditMode, ImportantCategory, ItemSampleText
from .selectors import SEARCH_MAX_LENGTH, item_get_public, items_public


class ItemCursorPagination(ApiCursorPagination):
    ordering = "code"


class ItemOutput(serializers.Serializer):
    """One catalog item with every disclosure field (shared/API.md)."""

    class SupervisionDepartment(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()

        class Meta:
            ref_name = "CatalogSupervisionDepartment"

    class SampleText(serializers.Serializer):
        title = serializers.CharField()
        url = serializers.SerializerMethodField()

        class Meta:
            ref_name = "CatalogSampleText"

        @extend_schema_field(OpenApiTypes.URI)
        def get_url(self, sample: ItemSampleText) -> str:
            path = reverse("catalog:sample", kwargs={"code": sample.item.code, "pk": sample.pk})
            request = self.context.get("request")
            return request.build_absolute_uri(path) if request is not None else path

    code = serializers.CharField()
    name = serializers.CharField()
    supervision_departments = SupervisionDepartment(many=True)
    integrated_licence = serializers.BooleanField()
    notification_commitment = serializers.BooleanField()
    credit_mode = serializers.ChoiceField(choices=CreditMode.choices)
    important = serializers.BooleanField(source="is_important")
    important_category = serializers.ChoiceField(choices=ImportantCategory.choices)
    legal_basis = serializers.CharField()
    conditions = serializers.CharField()
    quantity_limits = serializers.CharField()
    procedure = serializers.CharField()
    time_limit = serializers.CharField()
    fees = serializers.CharField()
    materials = serializers.CharField()
    sample_texts = SampleText(many=True)

    class Meta:
        ref_name = "CatalogItem"


class ItemListApi(APIView):
    """The public catalog of transferred items, ordered by code (cursor-paginated)."""

    permission_classes = [permissions.AllowAny]
    pagination_class = ItemCursorPagination
    OutputSerializer = ItemOutput

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search", str, description="Terms matched against item code, name and legal basis"
            ),
            OpenApiParameter("cursor", str, description="Opaque cursor from `next`/`previous`"),
            OpenApiParameter("page_size", int, description="Items per page (default 50, max 200)"),
        ],
        responses=ItemOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        items = items_public(search=filters.validated_data.get("search", "")[:SEARCH_MAX_LENGTH])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        data = self.OutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class ItemDetailApi(APIView):
    """One item of the public catalog by its code; 404 for an unknown or inactive code."""

    permission_classes = [permissions.AllowAny]
    OutputSerializer = ItemOutput

    @extend_schema(responses=ItemOutput)
    def get(self, request: Request, code: str) -> Response:
        item: ApprovalItem | None = item_get_public(code=code)
        if item is None:
            raise NotFound
        return Response(self.OutputSerializer(item, context={"request": request}).data)
