"""Joint meetings (联席会议, Art. 9–10, R15) — the REST API (shared/API.md): views parse the body
and call one service."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination import selectors
from coordination.api import NewestScheduledFirst, _departments, _get, _own_file
from coordination.models import (
    JointMeeting,
    MeetingState,
)
from coordination.services import MAX_INVITEES
from organizations.idempotency import idempotent
from organizations.scoping import Actor, actor_for_request

from . import services


class InvitationOutput(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    invited_at = serializers.DateTimeField()
    opinion = serializers.CharField()
    opinion_by = serializers.CharField(source="opinion_by_label")
    opinion_at = serializers.DateTimeField(allow_null=True)


class MeetingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    topic = serializers.CharField()
    agenda = serializers.CharField()
    location = serializers.CharField()
    department = serializers.CharField(source="department.code")
    scheduled_at = serializers.DateTimeField()
    important_file = serializers.IntegerField(source="important_file_id", allow_null=True)
    state = serializers.ChoiceField(choices=MeetingState.choices)
    minutes = serializers.CharField()
    conclusions = serializers.CharField()
    concluded_by = serializers.CharField(source="concluded_by_label")
    concluded_at = serializers.DateTimeField(allow_null=True)
    invitations = InvitationOutput(many=True, source="invitations.all")


class MeetingInput(serializers.Serializer):
    topic = serializers.CharField(max_length=200)
    agenda = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200)
    scheduled_at = serializers.DateTimeField(
        help_text="at least 1 working day after now: >= 17:30 of the next working day"
    )
    invitees = serializers.ListField(
        child=serializers.CharField(max_length=32),
        max_length=MAX_INVITEES,
        help_text="codes of the invited departments",
    )
    important_file = serializers.IntegerField(required=False, allow_null=True)


class OpinionInput(serializers.Serializer):
    opinion = serializers.CharField(max_length=10000)


class MinutesInput(serializers.Serializer):
    minutes = serializers.CharField(max_length=50000)
    conclusions = serializers.CharField(max_length=10000)


class MeetingFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=MeetingState.choices)

    class Meta:
        model = JointMeeting
        fields = ["state"]


def _meeting(actor: Actor, pk: int) -> JointMeeting:
    return _get(selectors.meeting_detail, actor=actor, pk=pk)


class MeetingListCreateApi(generics.GenericAPIView):
    """Joint meetings the caller convened or is invited to; POST convenes one."""

    serializer_class = MeetingOutput
    pagination_class = NewestScheduledFirst
    filterset_class = MeetingFilter

    def get_queryset(self):
        return selectors.meetings_visible(actor=actor_for_request(self.request)).prefetch_related(
            "invitations__department"
        )

    @extend_schema(responses=MeetingOutput(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(MeetingOutput(page, many=True).data)

    @extend_schema(request=MeetingInput, responses={201: MeetingOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        data = MeetingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        meeting = services.meeting_convene(
            actor=actor,
            topic=values["topic"],
            agenda=values.get("agenda", ""),
            location=values["location"],
            scheduled_at=values["scheduled_at"],
            invitees=_departments(values["invitees"], "invitees"),
            important_file=_own_file(actor, values.get("important_file")),
        )
        return Response(
            MeetingOutput(_meeting(actor, meeting.pk)).data, status=status.HTTP_201_CREATED
        )


class MeetingDetailApi(APIView):
    @extend_schema(responses=MeetingOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(MeetingOutput(_meeting(actor_for_request(request), pk)).data)


class MeetingOpinionApi(APIView):
    @extend_schema(
        request=OpinionInput,
        responses={201: InvitationOutput},
        description="An invited department's opinion, once; 409 after the minutes.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        meeting = _meeting(actor, pk)
        data = OpinionInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.meeting_opinion(
            actor=actor,
            meeting=meeting,
            opinion=data.validated_data["opinion"],
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class MeetingMinutesApi(APIView):
    @extend_schema(request=MinutesInput, responses={200: MeetingOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        meeting = _meeting(actor, pk)
        data = MinutesInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.meeting_conclude(actor=actor, meeting=meeting, **data.validated_data)
        return Response(MeetingOutput(_meeting(actor, pk)).data)
