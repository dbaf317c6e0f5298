"""Licence letters (R8) — the REST API (shared/API.md): views parse the body and call one
service."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import PushSummaryOutput
from approvals.selectors import licences_visible
from linzi_platform.pagination import ApiCursorPagination
from linzi_platform.parsers import UPLOAD_PARSERS
from notifications.selectors import pushes_visible
from organizations.idempotency import idempotent
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_request
from supervision import selectors
from supervision.api import (
    LETTER_SUBJECT,
    LicenceRefOutput,
    PartyRefOutput,
    _request_body,
    _validated,
    _visible_or_404,
)
from supervision.models import (
    LetterAction,
    LetterState,
    LicenceLetter,
)

from . import services


class LicenceLetterInput(serializers.Serializer):
    licence = serializers.IntegerField(min_value=1)
    action = serializers.ChoiceField(choices=LetterAction.choices)
    document_no = serializers.CharField(allow_blank=True)
    legal_basis = serializers.CharField(allow_blank=True)
    penalty_result = serializers.CharField(allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="multipart; the penalty decision as evidence (required)",
    )


class LetterDecisionInput(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LetterEventOutput(serializers.Serializer):
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    by = serializers.CharField(source="by_label")
    at = serializers.DateTimeField()


class LicenceLetterOutput(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    approval_department = serializers.CharField(source="approval_department.code")
    licence = LicenceRefOutput()
    counterparty = PartyRefOutput(source="licence.counterparty")
    action = serializers.CharField()
    document_no = serializers.CharField()
    legal_basis = serializers.CharField()
    penalty_result = serializers.CharField()
    state = serializers.CharField()
    sent_by = serializers.CharField(source="sent_by_label")
    sent_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by_label", allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(allow_blank=True)
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, letter: LicenceLetter) -> list[str]:
        return [evidence.name for evidence in letter.attachments.all()]


class LicenceLetterDetailOutput(LicenceLetterOutput):
    events = LetterEventOutput(many=True, source="events.all")
    pushes = serializers.SerializerMethodField()

    @extend_schema_field(PushSummaryOutput(many=True))
    def get_pushes(self, letter: LicenceLetter) -> list[dict[str, Any]]:
        return PushSummaryOutput(self.context.get("pushes", []), many=True).data


class LicenceLetterFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=LetterState.choices)
    action = django_filters.ChoiceFilter(choices=LetterAction.choices)


def _letters_visible(actor: Actor) -> QuerySet[LicenceLetter]:
    return selectors.letters_visible(actor=actor).prefetch_related("attachments")


def _letter_detail(actor: Actor, letter: LicenceLetter) -> dict[str, Any]:
    letter = _letters_visible(actor).prefetch_related("events").get(pk=letter.pk)
    pushes = (
        pushes_visible(actor=actor)
        .filter(subject_type=LETTER_SUBJECT, subject_id=str(letter.pk))
        .order_by("sent_at", "id")
    )
    return LicenceLetterDetailOutput(letter, context={"pushes": list(pushes)}).data


class LettersNewestFirst(ApiCursorPagination):
    ordering = ("-sent_at", "-id")


class LicenceLetterListCreateApi(generics.GenericAPIView):
    """Licence letters (函告, R8): a supervision department asks the approval department to
    change, withdraw, revoke or cancel a licence, with the penalty decision as evidence
    (multipart, files under `attachments`)."""

    parser_classes = UPLOAD_PARSERS

    pagination_class = LettersNewestFirst
    serializer_class = LicenceLetterOutput
    filterset_class = LicenceLetterFilter

    def get_queryset(self) -> QuerySet[LicenceLetter]:
        return _letters_visible(actor_for_request(self.request))

    @extend_schema(responses=LicenceLetterOutput(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(LicenceLetterOutput(page, many=True).data)

    @extend_schema(request=LicenceLetterInput, responses={201: LicenceLetterDetailOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        actor.require_kind(
            DepartmentKind.SUPERVISION,
            _("Only supervision departments send licence letters."),
        )
        data = _validated(LicenceLetterInput, _request_body(request))
        licence = licences_visible(actor=actor).filter(pk=data["licence"]).first()
        if licence is None:
            raise exceptions.ValidationError(
                {"licence": [_("This licence is not one your department supervises.")]}
            )
        letter = services.letter_send(
            actor=actor,
            licence=licence,
            action=data["action"],
            document_no=data["document_no"],
            legal_basis=data["legal_basis"],
            penalty_result=data["penalty_result"],
            attachments=data["attachments"],
        )
        return Response(_letter_detail(actor, letter), status=status.HTTP_201_CREATED)


class LicenceLetterDetailApi(APIView):
    @extend_schema(responses=LicenceLetterDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        letter = _visible_or_404(_letters_visible(actor), pk)
        return Response(_letter_detail(actor, letter))


class LicenceLetterDecisionApi(APIView):
    """The approval department accepts (the licence status changes) or rejects a letter;
    the decision is pushed back to the sender either way. 409 once decided."""

    @extend_schema(request=LetterDecisionInput, responses={200: LicenceLetterDetailOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        letter = _visible_or_404(_letters_visible(actor), pk)
        data = _validated(LetterDecisionInput, _request_body(request))
        letter = services.letter_decide(
            actor=actor, letter=letter, accept=data["accept"], note=data["note"]
        )
        return Response(_letter_detail(actor, letter))
