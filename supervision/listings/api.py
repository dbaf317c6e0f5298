"""Counterparty listings and access levels (R7) — the REST API (shared/API.md): views parse the
body and call one service."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import PushSummaryOutput
from counterparties.selectors import counterparty_by_code
from counterparties.validators import code_kind, normalize_code
from linzi_platform.pagination import ApiCursorPagination
from organizations.idempotency import idempotent
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_request
from supervision import push_kinds, selectors
from supervision.api import (
    LISTING_SUBJECT,
    PartyRefOutput,
    _counterparty_for_code,
    _pushes_for,
    _request_body,
    _validated,
    _visible_or_404,
)
from supervision.models import (
    CounterpartyListing,
    ListingType,
)

from . import services


class AccessReasonOutput(serializers.Serializer):
    listing = serializers.CharField()
    listing_label = serializers.CharField()
    access = serializers.CharField()
    department = serializers.CharField()
    source_document = serializers.CharField()
    listed_on = serializers.DateField()
    until = serializers.DateField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class AccessOutput(serializers.Serializer):
    access = serializers.ChoiceField(choices=["normal", "restricted", "strict"])
    access_label = serializers.CharField()
    counterparty = PartyRefOutput(allow_null=True)
    reasons = AccessReasonOutput(many=True)


class CodeInput(serializers.Serializer):
    """The path's code, checked like a body field so that its errors are on `code`."""

    code = serializers.CharField(allow_blank=True, trim_whitespace=False)

    def validate_code(self, value: str) -> str:
        # A well-formed credit code or ID number, check digits included; eighteen digits
        # that may be either are told what is wrong under both readings.
        code_kind(value)
        return value


def _check_code(code: str) -> str:
    """A well-formed credit code or ID number (check digits included), else 400 on `code`."""
    return _validated(CodeInput, {"code": normalize_code(code)})["code"]


class CounterpartyAccessApi(APIView):
    """R7: whether a counterparty has normal, restricted or strict access, by 统一社会信用代码
    or 身份证号; a counterparty never seen has no listing and so normal access."""

    @extend_schema(responses=AccessOutput)
    def get(self, request: Request, code: str) -> Response:
        actor = actor_for_request(request)
        if not actor.is_platform_admin:
            actor.require_kind(
                DepartmentKind.APPROVAL,
                _("Only the approval department checks the access of a counterparty."),
            )
        code = _check_code(code)
        counterparty = counterparty_by_code(code)
        check = selectors.counterparty_access(counterparty=counterparty)
        body = {
            "access": check.level,
            "access_label": check.label,
            "counterparty": counterparty,
            "reasons": check.reasons,
        }
        return Response(AccessOutput(body).data)


class ListingInput(serializers.Serializer):
    counterparty = serializers.CharField(help_text="credit code or ID number")
    listing_type = serializers.ChoiceField(choices=ListingType.choices)
    source_document = serializers.CharField(allow_blank=True)
    until = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ListingRemoveInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ListingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    counterparty = PartyRefOutput()
    listing_type = serializers.CharField()
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    source_document = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    listed_on = serializers.DateField()
    until = serializers.DateField(allow_null=True)
    in_force = serializers.SerializerMethodField()
    action = serializers.IntegerField(source="action_id", allow_null=True)
    listed_by = serializers.CharField(source="created_by_label")
    created_at = serializers.DateTimeField()
    removed_at = serializers.DateTimeField(allow_null=True)
    removed_by = serializers.CharField(source="removed_by_label", allow_blank=True)
    removal_reason = serializers.CharField(allow_blank=True)
    pushes = serializers.SerializerMethodField()

    @extend_schema_field(PushSummaryOutput(many=True))
    def get_pushes(self, listing: CounterpartyListing) -> list[dict[str, Any]]:
        """The pushes of this listing the caller sent or received (R6): its addition when it
        came on its own, and its lifting."""
        pushes = self.context.get("pushes", {}).get(listing.pk, [])
        return PushSummaryOutput(pushes, many=True).data

    def get_in_force(self, listing: CounterpartyListing) -> bool:
        today = timezone.localdate()
        return (
            listing.removed_at is None
            and listing.listed_on <= today
            and (listing.until is None or listing.until >= today)
        )


class ListingFilter(django_filters.FilterSet):
    active = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_active",
        label="true: only listings in force; false: only the others",
    )
    listing_type = django_filters.ChoiceFilter(choices=ListingType.choices)
    counterparty = django_filters.CharFilter(
        method="filter_counterparty", label="credit code or ID number"
    )

    def filter_active(
        self, queryset: QuerySet[CounterpartyListing], name: str, value: str
    ) -> QuerySet[CounterpartyListing]:
        in_force = selectors.listings_in_force().values("pk")
        if value == "true":
            return queryset.filter(pk__in=in_force)
        return queryset.exclude(pk__in=in_force)

    def filter_counterparty(
        self, queryset: QuerySet[CounterpartyListing], name: str, value: str
    ) -> QuerySet[CounterpartyListing]:
        code = normalize_code(value)
        if not code:
            return queryset
        return queryset.filter(Q(counterparty__credit_code=code) | Q(counterparty__id_number=code))


def _listings_visible(actor: Actor) -> QuerySet[CounterpartyListing]:
    """Listings are public inside the platform: every department reads them (R7)."""
    listings = CounterpartyListing.objects.select_related("counterparty", "department")
    if actor.department is None and not actor.is_platform_admin:
        return listings.none()
    return listings


def _listing_output(
    request: Request, listings: list[CounterpartyListing], many: bool = False
) -> Any:
    pushes = _pushes_for(
        actor_for_request(request),
        kind=push_kinds.LISTING,
        subject_type=LISTING_SUBJECT,
        ids=[listing.pk for listing in listings],
    )
    serializer = ListingOutput(
        listings if many else listings[0], many=many, context={"pushes": pushes}
    )
    return serializer.data


class ListingsNewestFirst(ApiCursorPagination):
    ordering = ("-created_at", "-id")


class ListingListCreateApi(generics.GenericAPIView):
    """Business-anomaly and dishonest listings (R7); `?active=true` for those in force."""

    pagination_class = ListingsNewestFirst
    serializer_class = ListingOutput
    filterset_class = ListingFilter

    def get_queryset(self) -> QuerySet[CounterpartyListing]:
        return _listings_visible(actor_for_request(self.request))

    @extend_schema(responses=ListingOutput(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(_listing_output(request, page, many=True))

    @extend_schema(request=ListingInput, responses={201: ListingOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        actor.require_kind(
            DepartmentKind.SUPERVISION,
            _("Only supervision departments list counterparties."),
        )
        data = _validated(ListingInput, _request_body(request))
        counterparty = _counterparty_for_code(data["counterparty"], "counterparty")
        listing = services.listing_add(
            actor=actor,
            counterparty=counterparty,
            listing_type=data["listing_type"],
            source_document=data["source_document"],
            until=data["until"],
            reason=data["reason"],
        )
        return Response(_listing_output(request, [listing]), status=status.HTTP_201_CREATED)


class ListingDetailApi(APIView):
    @extend_schema(responses=ListingOutput)
    def get(self, request: Request, pk: int) -> Response:
        listing = _visible_or_404(_listings_visible(actor_for_request(request)), pk)
        return Response(_listing_output(request, [listing]))


class ListingRemoveApi(APIView):
    """End a listing early; only the department that listed it may (403 for the others)."""

    @extend_schema(request=ListingRemoveInput, responses={200: ListingOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        listing = _visible_or_404(_listings_visible(actor), pk)
        data = _validated(ListingRemoveInput, _request_body(request))
        listing = services.listing_remove(actor=actor, listing=listing, reason=data["reason"])
        return Response(_listing_output(request, [listing]))
