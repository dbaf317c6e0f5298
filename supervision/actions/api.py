"""Supervision actions (R6) and suspensions ending (R6) — the REST API (shared/API.md): views
parse the body and call one service."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import CounterpartyInput, PushSummaryOutput
from approvals.models import Licence
from linzi_platform.pagination import ApiCursorPagination
from linzi_platform.parsers import UPLOAD_PARSERS
from organizations.idempotency import idempotent
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_request
from supervision import push_kinds, selectors
from supervision.api import (
    ACTION_SUBJECT,
    DateOrDateTimeField,
    LicenceRefOutput,
    PartyRefOutput,
    _first_push,
    _pushes_for,
    _request_body,
    _validated,
    _visible_or_404,
)
from supervision.models import (
    ActionKind,
    ListingType,
    SupervisionAction,
)

from . import services


@extend_schema_field({"type": "string", "enum": ListingType.values})
class ListingTypeField(serializers.ChoiceField):
    """The listing type under the contract's name `type`; its enum is written inline, as the
    same choice set is already the `ListingTypeEnum` component."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ListingType.choices, **kwargs)


class ListingSpecInput(serializers.Serializer):
    type = ListingTypeField()
    until = serializers.DateField(required=False, allow_null=True, default=None)


class SupervisionActionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    counterparty = CounterpartyInput(required=False, allow_null=True)
    licence = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    document_no = serializers.CharField(allow_blank=True)
    decided_at = DateOrDateTimeField()
    summary = serializers.CharField(allow_blank=True)
    listing = ListingSpecInput(required=False, allow_null=True)
    suspended_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only for a suspension: its last day; the licence returns to valid the next "
        "day. Omit for a suspension until lifted (kind suspension_lift).",
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="multipart only"
    )


class ActionListingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField(source="listing_type")
    until = serializers.DateField(allow_null=True)


class SupervisionActionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    document_no = serializers.CharField()
    decided_on = serializers.DateField()
    summary = serializers.CharField()
    counterparty = PartyRefOutput(allow_null=True)
    licence = LicenceRefOutput(allow_null=True)
    listing = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by_label")
    recorded_at = serializers.DateTimeField()
    suspended_until = serializers.DateField(allow_null=True)
    suspension_ended_at = serializers.DateTimeField(allow_null=True)
    suspension_end = serializers.CharField(allow_blank=True)
    push = serializers.SerializerMethodField()
    pushes = serializers.SerializerMethodField()

    @extend_schema_field(ActionListingOutput(allow_null=True))
    def get_listing(self, action: SupervisionAction) -> dict[str, Any] | None:
        listings = list(action.listings.all())
        return ActionListingOutput(listings[0]).data if listings else None

    def get_attachments(self, action: SupervisionAction) -> list[str]:
        return [evidence.name for evidence in action.attachments.all()]

    @extend_schema_field(PushSummaryOutput(allow_null=True))
    def get_push(self, action: SupervisionAction) -> dict[str, Any] | None:
        return _first_push(self.context["pushes"].get(action.pk, []))

    @extend_schema_field(PushSummaryOutput(many=True))
    def get_pushes(self, action: SupervisionAction) -> list[dict[str, Any]]:
        return PushSummaryOutput(self.context["pushes"].get(action.pk, []), many=True).data


class SupervisionActionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ActionKind.choices)


def _actions_visible(actor: Actor) -> QuerySet[SupervisionAction]:
    """The recording supervision department and the approval departments it was pushed to
    (see supervision.selectors.actions_visible)."""
    return selectors.actions_visible(actor=actor).prefetch_related("listings", "attachments")


def _action_output(actor: Actor, actions: list[SupervisionAction], *, many: bool) -> Any:
    pushes = _pushes_for(
        actor,
        kind=push_kinds.SUPERVISION_ACTION,
        subject_type=ACTION_SUBJECT,
        ids=[action.pk for action in actions],
    )
    if many:
        return SupervisionActionOutput(actions, many=True, context={"pushes": pushes}).data
    return SupervisionActionOutput(actions[0], context={"pushes": pushes}).data


class ActionsNewestFirst(ApiCursorPagination):
    ordering = ("-recorded_at", "-id")


class SupervisionActionListCreateApi(generics.GenericAPIView):
    """Supervision information (R6): recorded by a supervision department and pushed to the
    approval department at once. A suspension or revocation names the licence and changes
    its status. JSON, or multipart with the files under `attachments`."""

    parser_classes = UPLOAD_PARSERS

    pagination_class = ActionsNewestFirst
    serializer_class = SupervisionActionOutput
    filterset_class = SupervisionActionFilter
    # The service's `decided_on` is the API's `decided_at` (API error handler).
    service_field_names = {"decided_on": "decided_at"}

    def get_queryset(self) -> QuerySet[SupervisionAction]:
        return _actions_visible(actor_for_request(self.request))

    @extend_schema(responses=SupervisionActionOutput(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        actor = actor_for_request(request)
        return self.get_paginated_response(_action_output(actor, page, many=True))

    @extend_schema(request=SupervisionActionInput, responses={201: SupervisionActionOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        actor.require_kind(
            DepartmentKind.SUPERVISION,
            _("Only supervision departments record supervision actions."),
        )
        data = _validated(
            SupervisionActionInput, _request_body(request, nested=("counterparty", "listing"))
        )
        licence = None
        if data.get("licence") is not None:
            licence = Licence.objects.filter(pk=data["licence"]).first()
            if licence is None:
                raise exceptions.ValidationError(
                    {"licence": [_("This licence is not one your department supervises.")]}
                )
        action = services.supervision_action_record(
            actor=actor,
            kind=data["kind"],
            document_no=data["document_no"],
            decided_on=data["decided_at"],
            summary=data["summary"],
            counterparty=data.get("counterparty"),
            licence=licence,
            attachments=data["attachments"],
            listing=data.get("listing"),
            suspended_until=data.get("suspended_until"),
        )
        action = _actions_visible(actor).get(pk=action.pk)
        return Response(_action_output(actor, [action], many=False), status=status.HTTP_201_CREATED)


class SupervisionActionDetailApi(APIView):
    @extend_schema(responses=SupervisionActionOutput)
    def get(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        action = _visible_or_404(_actions_visible(actor), pk)
        return Response(_action_output(actor, [action], many=False))
