"""Legacy cases (R17) — the REST API (shared/API.md): views parse the body and call one
service."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from linzi_platform.pagination import ApiCursorPagination
from linzi_platform.parsers import UPLOAD_PARSERS
from organizations.idempotency import idempotent
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor, actor_for_request
from supervision import selectors
from supervision.api import (
    PartyRefOutput,
    _counterparty_for_code,
    _request_body,
    _validated,
    _visible_or_404,
)
from supervision.models import (
    CaseState,
    LegacyCase,
)

from . import services


class LegacyCaseInput(serializers.Serializer):
    supervision_department = serializers.CharField(help_text="department code")
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    counterparty = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="credit code or ID number"
    )


class CaseOpinionInput(serializers.Serializer):
    opinion = serializers.CharField(allow_blank=True)
    requires_rectification = serializers.BooleanField(default=False)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="multipart; the signed opinion (required)",
    )


class CaseNoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LegacyCaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    counterparty = PartyRefOutput(allow_null=True)
    approval_department = serializers.CharField(source="approval_department.code")
    supervision_department = serializers.CharField(source="supervision_department.code")
    supervision_department_name = serializers.CharField(source="supervision_department.name")
    state = serializers.CharField()
    opened_by = serializers.CharField(source="opened_by_label")
    opened_at = serializers.DateTimeField()
    opinion = serializers.CharField(allow_blank=True)
    requires_rectification = serializers.BooleanField(source="opinion_requires_rectification")
    opinion_by = serializers.CharField(source="opinion_by_label", allow_blank=True)
    opinion_at = serializers.DateTimeField(allow_null=True)
    rectification_note = serializers.CharField(allow_blank=True)
    rectification_verified_by = serializers.CharField(
        source="rectification_verified_by_label", allow_blank=True
    )
    rectification_verified_at = serializers.DateTimeField(allow_null=True)
    closing_note = serializers.CharField(allow_blank=True)
    closed_by = serializers.CharField(source="closed_by_label", allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, case: LegacyCase) -> list[str]:
        return [evidence.name for evidence in case.attachments.all()]


class LegacyCaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CaseState.choices)


def _cases_visible(actor: Actor) -> QuerySet[LegacyCase]:
    return selectors.cases_visible(actor=actor).prefetch_related("attachments")


def _case_output(actor: Actor, case: LegacyCase) -> dict[str, Any]:
    return LegacyCaseOutput(_cases_visible(actor).get(pk=case.pk)).data


class CasesNewestFirst(ApiCursorPagination):
    ordering = ("-opened_at", "-id")


class LegacyCaseListCreateApi(generics.GenericAPIView):
    """Legacy issues (历史遗留问题, R17): the approval department opens a case and asks a
    supervision department for its written legal review opinion."""

    pagination_class = CasesNewestFirst
    serializer_class = LegacyCaseOutput
    filterset_class = LegacyCaseFilter

    def get_queryset(self) -> QuerySet[LegacyCase]:
        return _cases_visible(actor_for_request(self.request))

    @extend_schema(responses=LegacyCaseOutput(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(LegacyCaseOutput(page, many=True).data)

    @extend_schema(request=LegacyCaseInput, responses={201: LegacyCaseOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        actor.require_kind(
            DepartmentKind.APPROVAL, _("Only the approval department opens legacy cases.")
        )
        data = _validated(LegacyCaseInput, _request_body(request))
        department = Department.objects.filter(code=data["supervision_department"]).first()
        if department is None:
            raise exceptions.ValidationError(
                {"supervision_department": [_("Choose an active supervision department.")]}
            )
        counterparty = _counterparty_for_code(data.get("counterparty"), "counterparty")
        case = services.case_open(
            actor=actor,
            supervision_department=department,
            title=data["title"],
            description=data["description"],
            counterparty=counterparty,
        )
        return Response(_case_output(actor, case), status=status.HTTP_201_CREATED)


class LegacyCaseDetailApi(APIView):
    @extend_schema(responses=LegacyCaseOutput)
    def get(self, request: Request, pk: int) -> Response:
        case = _visible_or_404(_cases_visible(actor_for_request(request)), pk)
        return Response(LegacyCaseOutput(case).data)


class LegacyCaseOpinionApi(APIView):
    """The supervision department issues its opinion (multipart, the signed file under
    `attachments`); `requires_rectification` holds the case until it verifies it."""

    parser_classes = UPLOAD_PARSERS

    @extend_schema(request=CaseOpinionInput, responses={200: LegacyCaseOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        case = _visible_or_404(_cases_visible(actor), pk)
        data = _validated(CaseOpinionInput, _request_body(request))
        case = services.case_issue_opinion(
            actor=actor,
            case=case,
            opinion=data["opinion"],
            requires_rectification=data["requires_rectification"],
            attachments=data["attachments"],
        )
        return Response(_case_output(actor, case))


class LegacyCaseVerifyRectificationApi(APIView):
    @extend_schema(request=CaseNoteInput, responses={200: LegacyCaseOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        case = _visible_or_404(_cases_visible(actor), pk)
        data = _validated(CaseNoteInput, _request_body(request))
        case = services.case_verify_rectification(actor=actor, case=case, note=data["note"])
        return Response(_case_output(actor, case))


class LegacyCaseCloseApi(APIView):
    """Close a case; 409 while a required rectification is not verified (Art. 13)."""

    @extend_schema(request=CaseNoteInput, responses={200: LegacyCaseOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        case = _visible_or_404(_cases_visible(actor), pk)
        data = _validated(CaseNoteInput, _request_body(request))
        case = services.case_close(actor=actor, case=case, note=data["note"])
        return Response(_case_output(actor, case))
