"""Inquiry letters (函询, Art. 12, R16) — the REST API (shared/API.md): views parse the body and
call one service."""

import django_filters
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination import selectors
from coordination.api import NewestSentFirst, _department
from coordination.models import (
    Inquiry,
    InquiryState,
)
from coordination.services import (
    INQUIRY_DEFAULT_WORKING_DAYS,
    INQUIRY_MAX_WORKING_DAYS,
    INQUIRY_MIN_WORKING_DAYS,
)
from organizations.idempotency import idempotent
from organizations.scoping import Actor, actor_for_request

from . import services


class InquiryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    question = serializers.CharField()
    sender = serializers.CharField(source="sender.code")
    receiver = serializers.CharField(source="receiver.code")
    sent_by = serializers.CharField(source="sent_by_label")
    sent_at = serializers.DateTimeField()
    reply_working_days = serializers.IntegerField()
    deadline = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=InquiryState.choices)
    reply = serializers.CharField()
    replied_by = serializers.CharField(source="replied_by_label")
    replied_at = serializers.DateTimeField(allow_null=True)
    deemed_consent_at = serializers.DateTimeField(allow_null=True)


class InquiryInput(serializers.Serializer):
    receiver = serializers.CharField(max_length=32, help_text="department code")
    subject = serializers.CharField(max_length=200)
    question = serializers.CharField(max_length=10000)
    reply_working_days = serializers.IntegerField(
        min_value=INQUIRY_MIN_WORKING_DAYS,
        max_value=INQUIRY_MAX_WORKING_DAYS,
        default=INQUIRY_DEFAULT_WORKING_DAYS,
        help_text="reply deadline in working days after sending (1–30, default 3)",
    )


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=10000)


class InquiryFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=InquiryState.choices)

    class Meta:
        model = Inquiry
        fields = ["state"]


class InquiryListCreateApi(generics.GenericAPIView):
    """The caller department's received (`box=inbox`) or sent (`box=outbox`) inquiry
    letters; POST sends one (R16)."""

    serializer_class = InquiryOutput
    pagination_class = NewestSentFirst
    filterset_class = InquiryFilter

    def get_queryset(self):
        actor = actor_for_request(self.request)
        box = self.request.query_params.get("box", "inbox")
        if box == "outbox":
            return selectors.inquiries_outbox(actor=actor)
        if box != "inbox":
            raise exceptions.ValidationError({"box": [_("Use inbox or outbox.")]})
        return selectors.inquiries_inbox(actor=actor)

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, enum=["inbox", "outbox"], description="default inbox")
        ],
        responses=InquiryOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(InquiryOutput(page, many=True).data)

    @extend_schema(request=InquiryInput, responses={201: InquiryOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        data = InquiryInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        inquiry = services.inquiry_send(
            actor=actor,
            receiver=_department(values["receiver"], "receiver"),
            subject=values["subject"],
            question=values["question"],
            reply_working_days=values["reply_working_days"],
        )
        return Response(InquiryOutput(inquiry).data, status=status.HTTP_201_CREATED)


def _inquiry(actor: Actor, pk: int) -> Inquiry:
    inquiry = selectors.inquiries_visible(actor=actor).filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    return inquiry


class InquiryDetailApi(APIView):
    @extend_schema(responses=InquiryOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(InquiryOutput(_inquiry(actor_for_request(request), pk)).data)


class InquiryReplyApi(APIView):
    @extend_schema(
        request=ReplyInput,
        responses={200: InquiryOutput},
        description="The receiver's reply; 409 after the deadline (deemed consent).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        inquiry = _inquiry(actor, pk)
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        inquiry = services.inquiry_reply(
            actor=actor, inquiry=inquiry, text=data.validated_data["text"]
        )
        return Response(InquiryOutput(inquiry).data)
