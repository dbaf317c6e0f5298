"""Joint site inspections and reviews (联合踏勘 / 联合会审, Art. 11, R15) — the REST API
(shared/API.md): views parse the body and call one service."""

from typing import Any

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import ApprovalItem
from coordination import selectors
from coordination.api import (
    InspectionKindField,
    NewestScheduledFirst,
    _departments,
    _get,
    _own_file,
)
from coordination.models import (
    Inspection,
    InspectionKind,
    InspectionState,
)
from coordination.services import MAX_INVITEES
from organizations.idempotency import idempotent
from organizations.scoping import Actor, actor_for_request

from . import services


class ParticipantOutput(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    invited_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_by = serializers.CharField(source="confirmed_by_label")
    signoff = serializers.CharField()
    dissent = serializers.CharField()
    signed_version = serializers.IntegerField(allow_null=True)
    signed_by = serializers.CharField(source="signed_by_label")
    signed_at = serializers.DateTimeField(allow_null=True)


class InspectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = InspectionKindField()
    title = serializers.CharField()
    location = serializers.CharField()
    department = serializers.CharField(source="department.code")
    scheduled_at = serializers.DateTimeField()
    invited_at = serializers.DateTimeField()
    earliest_at = serializers.DateTimeField(
        help_text="earliest allowed time: add_working_days(invited_at, 1)"
    )
    item = serializers.CharField(source="item.code", allow_null=True, default=None)
    important_file = serializers.IntegerField(source="important_file_id", allow_null=True)
    state = serializers.ChoiceField(choices=InspectionState.choices)
    report_findings = serializers.CharField()
    report_conclusion = serializers.CharField()
    report_version = serializers.IntegerField()
    report_drafted_at = serializers.DateTimeField(allow_null=True)
    report_drafted_by = serializers.CharField(source="report_drafted_by_label")
    finalised_at = serializers.DateTimeField(allow_null=True)
    participants = ParticipantOutput(many=True, source="participants.all")


class InspectionInput(serializers.Serializer):
    kind = InspectionKindField()
    title = serializers.CharField(max_length=200)
    location = serializers.CharField(max_length=200)
    scheduled_at = serializers.DateTimeField(
        help_text="at least 1 working day after now: >= 17:30 of the next working day"
    )
    invitees = serializers.ListField(
        child=serializers.CharField(max_length=32),
        max_length=MAX_INVITEES,
        help_text="codes of the invited supervision departments",
    )
    item = serializers.CharField(max_length=40, required=False, allow_blank=True)
    important_file = serializers.IntegerField(required=False, allow_null=True)


class ReportInput(serializers.Serializer):
    findings = serializers.CharField(max_length=50000)
    conclusion = serializers.CharField(max_length=10000)


class SignOffInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["sign", "dissent"])
    dissent = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, help_text="required for dissent"
    )


class InspectionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=InspectionState.choices)
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices)

    class Meta:
        model = Inspection
        fields = ["state", "kind"]


def _inspection(actor: Actor, pk: int) -> Inspection:
    return _get(selectors.inspection_detail, actor=actor, pk=pk)


def _inspection_out(actor: Actor, pk: int) -> dict[str, Any]:
    return InspectionOutput(_inspection(actor, pk)).data


class InspectionListCreateApi(generics.GenericAPIView):
    """Joint site inspections and joint reviews the caller organises or is invited to;
    POST schedules one (approval department, at least 1 working day ahead)."""

    serializer_class = InspectionOutput
    pagination_class = NewestScheduledFirst
    filterset_class = InspectionFilter

    def get_queryset(self):
        return selectors.inspections_visible(
            actor=actor_for_request(self.request)
        ).prefetch_related("participants__department")

    @extend_schema(responses=InspectionOutput(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(InspectionOutput(page, many=True).data)

    @extend_schema(request=InspectionInput, responses={201: InspectionOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        data = InspectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = None
        if values.get("item"):
            item = ApprovalItem.objects.filter(code=values["item"], active=True).first()
            if item is None:
                raise exceptions.ValidationError({"item": [_("Unknown item.")]})
        inspection = services.inspection_schedule(
            actor=actor,
            kind=values["kind"],
            title=values["title"],
            location=values["location"],
            scheduled_at=values["scheduled_at"],
            invitees=_departments(values["invitees"], "invitees"),
            item=item,
            important_file=_own_file(actor, values.get("important_file")),
        )
        return Response(_inspection_out(actor, inspection.pk), status=status.HTTP_201_CREATED)


class InspectionDetailApi(APIView):
    @extend_schema(responses=InspectionOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_inspection_out(actor_for_request(request), pk))


class InspectionConfirmApi(APIView):
    @extend_schema(
        request=None,
        responses={200: InspectionOutput},
        description="An invited department confirms its attendance; 409 once the report "
        "is drafted or when already confirmed.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        services.inspection_confirm(actor=actor, inspection=_inspection(actor, pk))
        return Response(_inspection_out(actor, pk))


class InspectionReportApi(APIView):
    @extend_schema(
        request=ReportInput,
        responses={200: InspectionOutput},
        description="The organiser drafts or revises the joint report after the visit; "
        "409 once it is final.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        # Another department's inspection is 404 whatever the body (not a 400 first).
        inspection = _inspection(actor, pk)
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_report_draft(
            actor=actor,
            inspection=inspection,
            **data.validated_data,
        )
        return Response(_inspection_out(actor, pk))


class InspectionSignOffApi(APIView):
    @extend_schema(
        request=SignOffInput,
        responses={200: InspectionOutput},
        description="A participating department signs off the drafted report or records "
        "dissent; the last answer makes the report final. 409 when final.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        inspection = _inspection(actor, pk)
        data = SignOffInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_sign_off(
            actor=actor,
            inspection=inspection,
            agree=data.validated_data["decision"] == "sign",
            dissent=data.validated_data.get("dissent", ""),
        )
        return Response(_inspection_out(actor, pk))
