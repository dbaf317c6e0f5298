"""Important-matter files (R14): consultation, stakeholder opinions, hearings — the REST API
(shared/API.md): views parse the body and call one service."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import ApprovalItem
from coordination import selectors
from coordination.api import NewestCreatedFirst, _department, _get
from coordination.models import (
    ImportantFile,
)
from linzi_platform.parsers import UPLOAD_PARSERS
from organizations.idempotency import idempotent
from organizations.scoping import Actor, actor_for_request

from . import services


class ConsultationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    opinion = serializers.CharField()
    document_name = serializers.CharField()
    recorded_by_department = serializers.CharField(source="recorded_by_department.code")
    recorded_by = serializers.CharField(source="recorded_by_label")
    recorded_at = serializers.DateTimeField()


class StakeholderOpinionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    stakeholder = serializers.CharField()
    summary = serializers.CharField()
    document_name = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by_label")
    recorded_at = serializers.DateTimeField()


class HearingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    held_on = serializers.DateField()
    participants = serializers.CharField()
    minutes = serializers.CharField()
    document_name = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by_label")
    recorded_at = serializers.DateTimeField()


class ChecklistOutput(serializers.Serializer):
    complete = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


class ImportantFileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    department = serializers.CharField(source="department.code")
    project_name = serializers.CharField()
    counterparty_code = serializers.CharField()
    created_by = serializers.CharField(source="created_by_label")
    created_at = serializers.DateTimeField()
    no_hearing_reason = serializers.CharField()


class ImportantFileDetailOutput(ImportantFileOutput):
    consultations = ConsultationOutput(many=True, source="consultations.all")
    stakeholder_opinions = StakeholderOpinionOutput(many=True, source="stakeholder_opinions.all")
    hearing = HearingOutput(allow_null=True)
    missing = serializers.SerializerMethodField()

    def get_missing(self, file: ImportantFile) -> list[str]:
        return selectors.important_file_missing(file=file)


class ImportantFileInput(serializers.Serializer):
    item = serializers.CharField(max_length=40, help_text="catalog code of an important item")
    project_name = serializers.CharField(max_length=200)
    counterparty_code = serializers.CharField(max_length=18, required=False, allow_blank=True)


class ConsultationInput(serializers.Serializer):
    department = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="the supervision department's code; required when the approval department "
        "records on its behalf (with the opinion document)",
    )
    opinion = serializers.CharField(max_length=10000)
    document = serializers.FileField(required=False, help_text="multipart only")


class StakeholderOpinionInput(serializers.Serializer):
    stakeholder = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=10000)
    document = serializers.FileField(required=False, help_text="multipart only")


class HearingInput(serializers.Serializer):
    held_on = serializers.DateField()
    participants = serializers.CharField(max_length=10000)
    minutes = serializers.CharField(max_length=50000)
    document = serializers.FileField(required=False, help_text="multipart only")


class NoHearingInput(serializers.Serializer):
    reason = serializers.CharField(max_length=10000)


def _file(actor: Actor, pk: int) -> ImportantFile:
    return _get(selectors.important_file_detail, actor=actor, pk=pk)


def _file_out(actor: Actor, pk: int) -> dict[str, Any]:
    return ImportantFileDetailOutput(_file(actor, pk)).data


class ImportantFileListCreateApi(generics.GenericAPIView):
    """Important-matter files of the caller's approval department, or of items its
    supervision department is responsible for; POST opens one (approval department)."""

    serializer_class = ImportantFileOutput
    pagination_class = NewestCreatedFirst

    def get_queryset(self):
        queryset = selectors.important_files_visible(actor=actor_for_request(self.request))
        item = self.request.query_params.get("item", "")[:40]
        return queryset.filter(item__code=item) if item else queryset

    @extend_schema(
        parameters=[OpenApiParameter("item", str, description="catalog code of the item")],
        responses=ImportantFileOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ImportantFileOutput(page, many=True).data)

    @extend_schema(request=ImportantFileInput, responses={201: ImportantFileDetailOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        data = ImportantFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = ApprovalItem.objects.filter(code=values["item"]).first()
        if item is None:
            raise exceptions.ValidationError({"item": [_("Unknown item.")]})
        file = services.important_file_create(
            actor=actor,
            item=item,
            project_name=values["project_name"],
            counterparty_code=values.get("counterparty_code", ""),
        )
        return Response(_file_out(actor, file.pk), status=status.HTTP_201_CREATED)


class ImportantFileDetailApi(APIView):
    @extend_schema(responses=ImportantFileDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_file_out(actor_for_request(request), pk))


class ImportantFileChecklistApi(APIView):
    @extend_schema(
        responses=ChecklistOutput,
        description="What is still missing before the decision may be finished (R14).",
    )
    def get(self, request: Request, pk: int) -> Response:
        missing = selectors.important_file_missing(file=_file(actor_for_request(request), pk))
        return Response({"complete": not missing, "missing": missing})


class ConsultationCreateApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request=ConsultationInput, responses={201: ConsultationOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        file = _file(actor, pk)
        data = ConsultationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        consultation = services.consultation_record(
            actor=actor,
            file=file,
            department=_department(values.get("department"), "department"),
            opinion=values["opinion"],
            document=values.get("document"),
        )
        return Response(ConsultationOutput(consultation).data, status=status.HTTP_201_CREATED)


class StakeholderOpinionCreateApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request=StakeholderOpinionInput, responses={201: StakeholderOpinionOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        file = _file(actor, pk)
        data = StakeholderOpinionInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.stakeholder_opinion_record(actor=actor, file=file, **data.validated_data)
        return Response(StakeholderOpinionOutput(record).data, status=status.HTTP_201_CREATED)


class HearingCreateApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request=HearingInput, responses={201: HearingOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        file = _file(actor, pk)
        data = HearingInput(data=request.data)
        data.is_valid(raise_exception=True)
        hearing = services.hearing_record(actor=actor, file=file, **data.validated_data)
        return Response(HearingOutput(hearing).data, status=status.HTTP_201_CREATED)


class NoHearingReasonApi(APIView):
    @extend_schema(request=NoHearingInput, responses={200: ImportantFileDetailOutput})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        file = _file(actor, pk)
        data = NoHearingInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.no_hearing_reason_record(
            actor=actor,
            file=file,
            reason=data.validated_data["reason"],
        )
        return Response(_file_out(actor, pk))
