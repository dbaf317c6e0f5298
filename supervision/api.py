"""REST API of the supervision side (shared/API.md): supervision actions (R6), the access
check by code (R7), listings, licence letters (R8) and legacy cases (R17).

Views parse the body and call one service; every rule lives in services.py / selectors.py.
"""

import contextlib
import datetime
import json
from collections.abc import Iterable
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import CounterpartyInput, PushSummaryOutput
from approvals.models import Counterparty, Licence
from approvals.selectors import licences_visible
from approvals.validators import code_kind, normalize_code
from linzi_platform.idempotency import idempotent
from linzi_platform.pagination import ApiCursorPagination
from notifications.models import Push
from notifications.selectors import pushes_visible
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor, actor_for_request

from . import push_kinds, selectors, services
from .models import (
    ActionKind,
    CaseState,
    CounterpartyListing,
    LegacyCase,
    LetterAction,
    LetterState,
    LicenceLetter,
    ListingType,
    SupervisionAction,
)

ACTION_SUBJECT = "supervision.supervisionaction"
LETTER_SUBJECT = "supervision.licenceletter"
LISTING_SUBJECT = "supervision.counterpartylisting"
# Uploaded files always come under this key (multipart, several times for several files).
ATTACHMENTS = "attachments"


# --------------------------------------------------------------------------- helpers


def _request_body(request: Request, *, nested: Iterable[str] = ()) -> Any:
    """The body as one plain object. JSON as sent; a multipart/form body flattened to one
    value per key, where a nested object comes either as a JSON string
    (`counterparty={"name": …}`) or as dotted keys (`counterparty.name=…`), and every file
    sent under `attachments` is collected into one list."""
    data = request.data
    if not isinstance(data, QueryDict):
        return data
    nested = set(nested)
    body: dict[str, Any] = {}
    for key in data:
        if key in request.FILES:
            continue
        value = data.get(key)
        head, _dot, tail = key.partition(".")
        if tail and head in nested:
            if value != "":
                target = body.setdefault(head, {})
                if isinstance(target, dict):
                    target[tail] = value
            continue
        if head in nested and isinstance(value, str):
            text = value.strip()
            if not text:
                body.setdefault(key, None)
                continue
            # Not JSON: left as text, and the serializer answers "expected an object".
            with contextlib.suppress(ValueError):
                value = json.loads(text)
        body[key] = value
    if ATTACHMENTS in request.FILES:
        body[ATTACHMENTS] = request.FILES.getlist(ATTACHMENTS)
    return body


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _counterparty_for_code(code: str | None, field: str) -> Counterparty | None:
    """None for no code; a 400 on `field` for a code nobody has."""
    if not code:
        return None
    counterparty = selectors.counterparty_by_code(code)
    if counterparty is None:
        raise exceptions.ValidationError(
            {field: [_("No counterparty with this credit code or ID number is on record.")]}
        )
    return counterparty


def _visible_or_404(queryset: QuerySet, pk: int) -> Any:
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _pushes_for(
    actor: Actor, *, kind: str, subject_type: str, ids: Iterable[int]
) -> dict[int, list[Push]]:
    """The pushes about these records that the actor's department sent or received."""
    found: dict[int, list[Push]] = {}
    keys = [str(pk) for pk in ids]
    if not keys:
        return found
    pushes = (
        pushes_visible(actor=actor)
        .filter(kind=kind, subject_type=subject_type, subject_id__in=keys)
        .order_by("receiver__code", "id")
    )
    for push in pushes:
        found.setdefault(int(push.subject_id), []).append(push)
    return found


# --------------------------------------------------------------------------- shared parts


@extend_schema_field(
    {
        "type": "string",
        "example": "2026-09-30",
        "description": "a date (YYYY-MM-DD) or an ISO 8601 date and time",
    }
)
class DateOrDateTimeField(serializers.Field):
    """A date, or a date and time reduced to its date in Asia/Shanghai."""

    def to_internal_value(self, data: Any) -> datetime.date:
        text = data.strip() if isinstance(data, str) else ""
        try:
            if len(text) == 10:
                value = parse_date(text)
                if value is not None:
                    return value
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise serializers.ValidationError(
                serializers.DateField.default_error_messages["invalid"].format(
                    format="YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss][+HH:MM]"
                )
            )
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return timezone.localdate(moment)

    def to_representation(self, value: datetime.date) -> str:
        return value.isoformat()


class ItemRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LicenceRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    licence_no = serializers.CharField()
    item = ItemRefOutput()
    status = serializers.CharField()


class PartyRefOutput(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True)
    id_number = serializers.CharField(allow_null=True)


class EvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


def _first_push(pushes: list[Push]) -> dict[str, Any] | None:
    return PushSummaryOutput(pushes[0]).data if pushes else None


# --------------------------------------------------------------------------- actions (R6)


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


# --------------------------------------------------------------------------- access (R7)


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
        counterparty = selectors.counterparty_by_code(code)
        check = selectors.counterparty_access(counterparty=counterparty)
        body = {
            "access": check.level,
            "access_label": check.label,
            "counterparty": counterparty,
            "reasons": check.reasons,
        }
        return Response(AccessOutput(body).data)


# --------------------------------------------------------------------------- listings (R7)


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


# --------------------------------------------------------------------------- letters (R8)


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


# --------------------------------------------------------------------------- legacy cases (R17)


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
