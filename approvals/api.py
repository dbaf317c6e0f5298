from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from linzi_platform.pagination import ApiCursorPagination
from organizations.idempotency import idempotent
from organizations.scoping import actor_for_request

from . import selectors
from .decision_checks import important_files_for
from .models import ApprovalItem, CreditMode
from .services import DecisionInput, licence_decide


class CounterpartyInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=100)
    contact_phone = serializers.CharField(max_length=20)


class CommitmentInput(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=[CreditMode.EXEMPT, CreditMode.POST_VERIFICATION], required=False
    )
    text = serializers.CharField(max_length=20000)
    signed_at = serializers.DateTimeField()
    signer = serializers.CharField(max_length=100, required=False, allow_blank=True)


class IntegratedLicenceInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    scope = serializers.CharField(max_length=2000)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)


class LicenceInput(serializers.Serializer):
    item = serializers.SlugRelatedField(
        slug_field="code", queryset=ApprovalItem.objects.filter(active=True)
    )
    counterparty = CounterpartyInput()
    licence_no = serializers.CharField(max_length=64)
    licence_date = serializers.DateField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    integrated_licence = IntegratedLicenceInput(required=False, allow_null=True)
    commitment = CommitmentInput(required=False, allow_null=True)
    access_acknowledged = serializers.BooleanField(
        required=False,
        default=False,
        help_text="R7: required true when the counterparty is under restricted or strict access.",
    )
    important_file = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="R14: id of the complete important-matter file (important items only).",
    )
    ordinary_procedure = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Credit-approval items: decide by the ordinary procedure, without commitment.",
    )


class PushSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    receiver = serializers.CharField(source="receiver.code")
    deadline = serializers.DateTimeField()
    state = serializers.CharField()


class StatusChangeOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    changed_by = serializers.CharField(source="changed_by_label")
    changed_at = serializers.DateTimeField()


class LicenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    department = serializers.CharField(source="department.code")
    counterparty = serializers.SerializerMethodField()
    licence_no = serializers.CharField()
    licence_date = serializers.DateField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    integrated_licence = serializers.JSONField(allow_null=True)
    commitment = serializers.JSONField(allow_null=True)
    decided_at = serializers.DateTimeField()
    access_level = serializers.CharField()
    access_reasons = serializers.JSONField()

    def get_counterparty(self, licence: Any) -> dict[str, Any]:
        party = licence.counterparty
        return {
            "name": party.name,
            "credit_code": party.credit_code,
            "id_number": party.id_number,
            "contact_name": party.contact_name,
            "contact_phone": party.contact_phone,
        }


class LicenceCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    licence_no = serializers.CharField()
    status = serializers.CharField()
    pushes = PushSummaryOutput(many=True)


class LicenceDetailOutput(LicenceOutput):
    status_history = StatusChangeOutput(many=True, source="status_changes.all")
    pushes = serializers.SerializerMethodField()

    def get_pushes(self, licence: Any) -> list[dict[str, Any]]:
        return PushSummaryOutput(self.context["pushes"], many=True).data


def _important_file(arguments: dict[str, Any], actor: Any) -> Any:
    """The file chosen by id among the caller's files for the item; the service names gaps."""
    file_id = arguments.pop("important_file", None)
    item = arguments["item"]
    if file_id is None or not item.is_important:
        return None
    files = important_files_for(item=item, actor=actor)
    file = None if files is None else files.filter(pk=file_id).first()
    if file is None:
        raise exceptions.ValidationError(
            {"important_file": [_("Choose an important-matter file of this item.")]}
        )
    return file


class NewestDecisionFirst(ApiCursorPagination):
    ordering = ("-decided_at", "-id")


class LicenceListCreateApi(generics.GenericAPIView):
    pagination_class = NewestDecisionFirst
    serializer_class = LicenceOutput

    def get_queryset(self):
        return selectors.licences_visible(actor=actor_for_request(self.request))

    @extend_schema(responses=LicenceOutput(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LicenceOutput(page, many=True).data)

    @extend_schema(request=LicenceInput, responses={201: LicenceCreatedOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        data = LicenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        arguments = dict(data.validated_data)
        arguments["important_file"] = _important_file(arguments, actor)
        # No savepoint: inside @idempotent's transaction a refusal fails the request whole.
        licence = licence_decide(actor=actor, decision=DecisionInput(**arguments), savepoint=False)
        body = {
            "id": licence.pk,
            "licence_no": licence.licence_no,
            "status": licence.status,
            "pushes": PushSummaryOutput(licence.pushes_created, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class LicenceDetailApi(APIView):
    @extend_schema(responses=LicenceDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        licence = selectors.licences_visible(actor=actor).filter(pk=pk).first()
        if licence is None:
            raise Http404
        pushes = selectors.licence_pushes(actor=actor, licence=licence)
        return Response(LicenceDetailOutput(licence, context={"pushes": pushes}).data)
