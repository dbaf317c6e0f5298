"""REST API of credit approval (shared/API.md, Art. 8): the catalog (R9), post-verification
(R11), breach reports and the revocation queue (R12).

Views parse the body and call one service; every rule lives in services.py / selectors.py.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import PushSummaryOutput
from approvals.models import ApprovalItem, CreditMode
from linzi_platform.pagination import ApiCursorPagination
from linzi_platform.parsers import UPLOAD_PARSERS
from notifications.selectors import pushes_visible
from organizations.idempotency import idempotent
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_request

from . import selectors, services
from .models import (
    CreditCatalogEntry,
    RevocationRequest,
    RevocationSource,
    RevocationState,
    Verification,
    VerificationState,
)

VERIFICATION_SUBJECT = "credit.verification"
REVOCATION_SUBJECT = "credit.revocationrequest"
TEXT_MAX = 20_000
NOTES_MAX = 10_000


# --------------------------------------------------------------------------- helpers


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _visible_or_404(queryset: QuerySet, pk: int) -> Any:
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _require_approval(actor: Actor) -> None:
    """The queues are the approval department's work (platform admins may look)."""
    if not actor.is_platform_admin:
        actor.require_kind(
            DepartmentKind.APPROVAL, _("Only the approval department verifies credit commitments.")
        )


def _subject_pushes(actor: Actor, subject_type: str, pk: int) -> list:
    return list(
        pushes_visible(actor=actor)
        .filter(subject_type=subject_type, subject_id=str(pk))
        .order_by("sent_at", "id")
    )


# --------------------------------------------------------------------------- catalog (R9)


class CreditCatalogEntryInput(serializers.Serializer):
    mode = serializers.ChoiceField(choices=[CreditMode.EXEMPT, CreditMode.POST_VERIFICATION])
    conditions = serializers.CharField(max_length=TEXT_MAX, help_text="commitment conditions")
    materials = serializers.CharField(max_length=TEXT_MAX, help_text="required materials")
    commitment_text = serializers.CharField(max_length=TEXT_MAX)
    supervision_method = serializers.CharField(max_length=TEXT_MAX)
    legal_consequences = serializers.CharField(max_length=TEXT_MAX)


class CreditCatalogVersionOutput(serializers.Serializer):
    version = serializers.IntegerField()
    changed_by = serializers.CharField(source="changed_by_label")
    department = serializers.CharField(source="changed_by_department.code", allow_null=True)
    changed_at = serializers.DateTimeField()
    changed_fields = serializers.ListField(child=serializers.CharField())
    content = serializers.DictField(source="snapshot", child=serializers.CharField())


class CreditCatalogEntryOutput(serializers.Serializer):
    item = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    mode = serializers.CharField()
    conditions = serializers.CharField()
    materials = serializers.CharField()
    commitment_text = serializers.CharField()
    supervision_method = serializers.CharField()
    legal_consequences = serializers.CharField()
    version = serializers.IntegerField()
    updated_by = serializers.CharField(source="updated_by_label")
    updated_at = serializers.DateTimeField()


class CreditCatalogEntryDetailOutput(CreditCatalogEntryOutput):
    history = CreditCatalogVersionOutput(many=True, source="versions.all")


class CatalogFilter(django_filters.FilterSet):
    mode = django_filters.ChoiceFilter(
        choices=[
            (CreditMode.EXEMPT, CreditMode.EXEMPT.label),
            (CreditMode.POST_VERIFICATION, CreditMode.POST_VERIFICATION.label),
        ]
    )
    q = django_filters.CharFilter(method="search", label="item code or name, conditions")

    def search(
        self, queryset: QuerySet[CreditCatalogEntry], name: str, value: str
    ) -> QuerySet[CreditCatalogEntry]:
        matching = selectors.catalog_entries(search=value).values("pk")
        return queryset.filter(pk__in=matching)


class CatalogNewestFirst(ApiCursorPagination):
    ordering = ("-updated_at", "-id")


class CatalogListApi(generics.ListAPIView):
    """The credit-approval catalog (R9): every item's mode, commitment conditions and
    required materials. Readable by every department."""

    serializer_class = CreditCatalogEntryOutput
    pagination_class = CatalogNewestFirst
    filterset_class = CatalogFilter

    def get_queryset(self) -> QuerySet[CreditCatalogEntry]:
        return CreditCatalogEntry.objects.select_related("item")


class CatalogDetailApi(APIView):
    """One item's current credit-approval terms with the full history of versions; PUT or
    POST saves a new version (the approval department and the item's supervision
    departments only)."""

    def _entry(self, item_code: str) -> CreditCatalogEntry:
        entry = selectors.catalog_entry_get(item_code=item_code)
        if entry is None:
            raise Http404
        return entry

    @extend_schema(responses=CreditCatalogEntryDetailOutput)
    def get(self, request: Request, item_code: str) -> Response:
        return Response(CreditCatalogEntryDetailOutput(self._entry(item_code)).data)

    def _save(self, request: Request, item_code: str) -> Response:
        actor = actor_for_request(request)
        item = ApprovalItem.objects.filter(code=item_code, active=True).first()
        if item is None:
            raise Http404
        if not services.catalog_editable_by(actor=actor, item=item):
            raise exceptions.PermissionDenied(
                _("Only the approval department and the item's supervision departments edit it.")
            )
        data = _validated(CreditCatalogEntryInput, request.data)
        existed = CreditCatalogEntry.objects.filter(item=item).exists()
        services.credit_entry_save(actor=actor, item=item, **data)
        body = CreditCatalogEntryDetailOutput(self._entry(item_code)).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        request=CreditCatalogEntryInput,
        responses={200: CreditCatalogEntryDetailOutput, 201: CreditCatalogEntryDetailOutput},
    )
    @idempotent
    def put(self, request: Request, item_code: str) -> Response:
        return self._save(request, item_code)

    @extend_schema(
        request=CreditCatalogEntryInput,
        responses={200: CreditCatalogEntryDetailOutput, 201: CreditCatalogEntryDetailOutput},
    )
    @idempotent
    def post(self, request: Request, item_code: str) -> Response:
        return self._save(request, item_code)


# --------------------------------------------------------------------------- verifications (R11)


class CreditLicenceRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    licence_no = serializers.CharField()
    item = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    status = serializers.CharField()
    decided_at = serializers.DateTimeField()


class CreditPartyOutput(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True)
    id_number = serializers.CharField(allow_null=True)


class CreditCommitmentOutput(serializers.Serializer):
    mode = serializers.CharField()
    text = serializers.CharField()
    signer = serializers.CharField()
    signed_at = serializers.DateTimeField()
    catalog_version = serializers.IntegerField(allow_null=True)
    has_scan = serializers.SerializerMethodField()

    def get_has_scan(self, commitment: Any) -> bool:
        return bool(commitment.scan)


class CreditVerificationFileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    uploaded_by = serializers.CharField(source="uploaded_by_label")
    uploaded_at = serializers.DateTimeField()


class CreditVerificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    licence = CreditLicenceRefOutput()
    counterparty = CreditPartyOutput(source="licence.counterparty")
    state = serializers.CharField()
    deadline = serializers.DateTimeField()
    overdue = serializers.SerializerMethodField(
        help_text="marked overdue, or still pending past the deadline"
    )
    verified_at = serializers.DateTimeField(allow_null=True)
    verified_by = serializers.CharField(source="verified_by_label", allow_blank=True)
    notes = serializers.CharField(allow_blank=True)
    rectification_days = serializers.IntegerField(allow_null=True)
    rectification_deadline = serializers.DateTimeField(allow_null=True)
    rectification_notes = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, verification: Verification) -> bool:
        return selectors.verification_is_overdue(verification, now=timezone.now())


class CreditVerificationDetailOutput(CreditVerificationOutput):
    commitment = CreditCommitmentOutput(source="licence.credit_commitment", allow_null=True)
    files = CreditVerificationFileOutput(many=True, source="files.all")
    pushes = serializers.SerializerMethodField()

    @extend_schema_field(PushSummaryOutput(many=True))
    def get_pushes(self, verification: Verification) -> list[dict[str, Any]]:
        return PushSummaryOutput(self.context.get("pushes", []), many=True).data


class CreditVerificationResultInput(serializers.Serializer):
    met = serializers.BooleanField()
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTES_MAX
    )
    rectification_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="working days; required when met is false (1 to 60)",
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="multipart only: verification records (PDF, OFD, JPG/PNG, Word, Excel, text)",
    )


class CreditRectificationInput(serializers.Serializer):
    met = serializers.BooleanField()
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTES_MAX
    )


class VerificationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=VerificationState.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="marked overdue, or pending past the deadline"
    )
    q = django_filters.CharFilter(
        method="search", label="licence number, counterparty name or code"
    )

    def filter_overdue(
        self, queryset: QuerySet[Verification], name: str, value: bool
    ) -> QuerySet[Verification]:
        return selectors.verifications_filter(queryset, overdue=value)

    def search(
        self, queryset: QuerySet[Verification], name: str, value: str
    ) -> QuerySet[Verification]:
        return selectors.verifications_filter(queryset, search=value)


class VerificationsNewestFirst(ApiCursorPagination):
    ordering = ("-deadline", "-id")


def _verification_detail(actor: Actor, verification: Verification) -> dict[str, Any]:
    verification = selectors.verifications_visible(actor=actor).get(pk=verification.pk)
    pushes = _subject_pushes(actor, VERIFICATION_SUBJECT, verification.pk)
    return CreditVerificationDetailOutput(verification, context={"pushes": pushes}).data


class VerificationListApi(generics.ListAPIView):
    """The approval department's post-verifications (R11), newest deadline first."""

    queryset = Verification.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = CreditVerificationOutput
    pagination_class = VerificationsNewestFirst
    filterset_class = VerificationFilter

    def get_queryset(self) -> QuerySet[Verification]:
        actor = actor_for_request(self.request)
        _require_approval(actor)
        return selectors.verifications_visible(actor=actor)


class VerificationDetailApi(APIView):
    @extend_schema(responses=CreditVerificationDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        verification = _visible_or_404(selectors.verifications_visible(actor=actor), pk)
        return Response(_verification_detail(actor, verification))


class VerificationResultApi(APIView):
    """Record the verification: met closes it; not met opens a rectification of
    `rectification_days` working days. Pushed to the supervision departments. 409 once
    recorded."""

    parser_classes = UPLOAD_PARSERS

    @extend_schema(
        request=CreditVerificationResultInput, responses={200: CreditVerificationDetailOutput}
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        verification = _visible_or_404(selectors.verifications_visible(actor=actor), pk)
        data = _validated(CreditVerificationResultInput, request.data)
        verification = services.verification_record(
            actor=actor,
            verification=verification,
            met=data["met"],
            notes=data["notes"],
            files=data["files"],
            rectification_days=None if data["met"] else data["rectification_days"],
        )
        return Response(_verification_detail(actor, verification))


class VerificationRectificationApi(APIView):
    """The outcome of the rectification: met closes it; still unmet puts the licence in the
    revocation queue (R12). 409 unless rectifying."""

    @extend_schema(
        request=CreditRectificationInput, responses={200: CreditVerificationDetailOutput}
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        verification = _visible_or_404(selectors.verifications_visible(actor=actor), pk)
        data = _validated(CreditRectificationInput, request.data)
        verification = services.rectification_record(
            actor=actor, verification=verification, met=data["met"], notes=data["notes"]
        )
        return Response(_verification_detail(actor, verification))


# --------------------------------------------------------------------------- revocation (R12)


class CreditRevocationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    licence = CreditLicenceRefOutput()
    counterparty = CreditPartyOutput(source="licence.counterparty")
    source = serializers.CharField()
    reported_by = serializers.CharField(source="reported_by.code", allow_null=True)
    reason = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(source="decided_by_label", allow_blank=True)
    decision_note = serializers.CharField(allow_blank=True)


class CreditRevocationDetailOutput(CreditRevocationOutput):
    pushes = serializers.SerializerMethodField()

    @extend_schema_field(PushSummaryOutput(many=True))
    def get_pushes(self, revocation: RevocationRequest) -> list[dict[str, Any]]:
        return PushSummaryOutput(self.context.get("pushes", []), many=True).data


class CreditBreachInput(serializers.Serializer):
    licence = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(allow_blank=True, max_length=NOTES_MAX)


class CreditRevocationDecisionInput(serializers.Serializer):
    revoke = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTES_MAX)


class RevocationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RevocationState.choices)
    source = django_filters.ChoiceFilter(choices=RevocationSource.choices)


class RevocationsNewestFirst(ApiCursorPagination):
    ordering = ("-created_at", "-id")


def _revocation_detail(actor: Actor, revocation: RevocationRequest) -> dict[str, Any]:
    revocation = selectors.revocations_visible(actor=actor).get(pk=revocation.pk)
    pushes = _subject_pushes(actor, REVOCATION_SUBJECT, revocation.pk)
    return CreditRevocationDetailOutput(revocation, context={"pushes": pushes}).data


class BreachReportApi(APIView):
    """A supervision department reports a breached commitment or false materials (R12): a
    push to the approval department at once, and the licence enters its revocation queue."""

    @extend_schema(request=CreditBreachInput, responses={201: CreditRevocationDetailOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        actor = actor_for_request(request)
        actor.require_kind(
            DepartmentKind.SUPERVISION,
            _("Only supervision departments report commitment breaches."),
        )
        data = _validated(CreditBreachInput, request.data)
        licence = (
            selectors.licences_for_breach_report(actor=actor).filter(pk=data["licence"]).first()
        )
        if licence is None:
            raise exceptions.ValidationError(
                {
                    "licence": [
                        _(
                            "This licence is not one your department supervises, or it was "
                            "not granted against a credit commitment."
                        )
                    ]
                }
            )
        revocation = services.breach_report(actor=actor, licence=licence, reason=data["reason"])
        return Response(_revocation_detail(actor, revocation), status=status.HTTP_201_CREATED)


class RevocationListApi(generics.ListAPIView):
    """The approval department's revocation queue; a supervision department sees the breach
    reports it made. Newest first."""

    queryset = RevocationRequest.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = CreditRevocationOutput
    pagination_class = RevocationsNewestFirst
    filterset_class = RevocationFilter

    def get_queryset(self) -> QuerySet[RevocationRequest]:
        return selectors.revocations_visible(actor=actor_for_request(self.request))


class RevocationDetailApi(APIView):
    @extend_schema(responses=CreditRevocationDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        revocation = _visible_or_404(selectors.revocations_visible(actor=actor), pk)
        return Response(_revocation_detail(actor, revocation))


class RevocationDecisionApi(APIView):
    """The approval department revokes the licence (its status changes and is pushed to
    supervision) or dismisses the request, with the legal basis and reasons. 409 once
    decided."""

    @extend_schema(
        request=CreditRevocationDecisionInput, responses={200: CreditRevocationDetailOutput}
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = actor_for_request(request)
        revocation = _visible_or_404(selectors.revocations_visible(actor=actor), pk)
        data = _validated(CreditRevocationDecisionInput, request.data)
        revocation = services.revocation_decide(
            actor=actor, request=revocation, revoke=data["revoke"], note=data["note"]
        )
        return Response(_revocation_detail(actor, revocation))
