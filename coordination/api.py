"""REST API of the coordination side (shared/API.md): inquiry letters (R16), joint
inspections / reviews and joint meetings (R15), important-matter files (R14).

Views parse the body and call one service; every rule lives in services.py / selectors.py.
Another department's record answers 404; a state conflict 409.
"""

from typing import Any

import django_filters
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import ApprovalItem
from linzi_platform.idempotency import idempotent
from linzi_platform.pagination import ApiCursorPagination
from organizations.models import Department
from organizations.scoping import Actor, actor_for_request

from . import selectors, services
from .models import (
    ImportantFile,
    Inquiry,
    InquiryState,
    Inspection,
    InspectionKind,
    InspectionState,
    JointMeeting,
    MeetingState,
)

# --------------------------------------------------------------------------- helpers


def _department(code: str | None, field: str) -> Department | None:
    if not code:
        return None
    department = Department.objects.filter(code=code, active=True).first()
    if department is None:
        raise exceptions.ValidationError(
            {field: [_("Unknown department: %(code)s") % {"code": code}]}
        )
    return department


def _departments(codes: list[str], field: str) -> list[Department]:
    found = {d.code: d for d in Department.objects.filter(code__in=codes, active=True)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise exceptions.ValidationError(
            {field: [_("Unknown department: %(code)s") % {"code": ", ".join(unknown)}]}
        )
    return [found[code] for code in dict.fromkeys(codes)]


def _own_file(actor: Actor, pk: int | None) -> ImportantFile | None:
    if pk is None:
        return None
    file = selectors.important_files_visible(actor=actor).filter(pk=pk).first()
    if file is None:
        raise exceptions.ValidationError({"important_file": [_("Unknown important-matter file.")]})
    return file


def _get(queryset_getter: Any, **kwargs: Any) -> Any:
    try:
        return queryset_getter(**kwargs)
    except (
        ImportantFile.DoesNotExist,
        Inquiry.DoesNotExist,
        Inspection.DoesNotExist,
        JointMeeting.DoesNotExist,
    ):
        raise Http404 from None


class NewestSentFirst(ApiCursorPagination):
    ordering = ("-sent_at", "-id")


class NewestScheduledFirst(NewestSentFirst):
    ordering = ("-scheduled_at", "-id")


class NewestCreatedFirst(NewestSentFirst):
    ordering = ("-created_at", "-id")


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(site_inspection|joint_review)$",
        "description": "`site_inspection` (联合踏勘) or `joint_review` (联合会审)",
    }
)
class InspectionKindField(serializers.ChoiceField):
    """Described by a pattern: a generated "KindEnum" component would collide with the other
    apps' `kind` choices (the enum postprocessor names enums by field name)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=InspectionKind.choices, **kwargs)


# --------------------------------------------------------------------------- inquiries


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
        min_value=services.INQUIRY_MIN_WORKING_DAYS,
        max_value=services.INQUIRY_MAX_WORKING_DAYS,
        default=services.INQUIRY_DEFAULT_WORKING_DAYS,
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


# --------------------------------------------------------------------------- inspections


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
        max_length=services.MAX_INVITEES,
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


# --------------------------------------------------------------------------- meetings


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
        max_length=services.MAX_INVITEES,
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


# --------------------------------------------------------------------------- important files


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
