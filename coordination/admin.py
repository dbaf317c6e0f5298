"""Admin of the coordination side: every record here is written by the services and audited,
so the admin shows them and never edits them."""

from django.contrib import admin
from django.http import HttpRequest

from linzi_platform.admin import PlatformModelAdmin, PlatformTabularInline

from .models import (
    Consultation,
    Hearing,
    ImportantFile,
    Inquiry,
    Inspection,
    InspectionParticipant,
    JointMeeting,
    MeetingInvitation,
    StakeholderOpinion,
)


class ReadOnlyAdmin(PlatformModelAdmin):
    """Records written only by services: the admin shows them, never edits them."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInline(PlatformTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ConsultationInline(ReadOnlyInline):
    model = Consultation
    fields = ["department", "opinion", "recorded_by_department", "recorded_by_label", "recorded_at"]
    readonly_fields = fields


class StakeholderOpinionInline(ReadOnlyInline):
    model = StakeholderOpinion
    fields = ["stakeholder", "summary", "recorded_by_label", "recorded_at"]
    readonly_fields = fields


@admin.register(ImportantFile)
class ImportantFileAdmin(ReadOnlyAdmin):
    list_display = ["id", "project_name", "item", "department", "created_at"]
    list_filter = ["department"]
    search_fields = ["project_name", "counterparty_code", "item__name", "item__code"]
    list_select_related = ["item", "department"]
    date_hierarchy = "created_at"
    inlines = [ConsultationInline, StakeholderOpinionInline]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["id", "file", "department", "recorded_by_department", "recorded_at"]
    list_filter = ["department"]
    search_fields = ["opinion", "file__project_name"]
    list_select_related = ["file", "file__item", "department", "recorded_by_department"]


@admin.register(StakeholderOpinion)
class StakeholderOpinionAdmin(ReadOnlyAdmin):
    list_display = ["id", "file", "stakeholder", "recorded_at"]
    search_fields = ["stakeholder", "summary", "file__project_name"]
    list_select_related = ["file", "file__item"]


@admin.register(Hearing)
class HearingAdmin(ReadOnlyAdmin):
    list_display = ["id", "file", "held_on", "recorded_at"]
    search_fields = ["participants", "minutes", "file__project_name"]
    list_select_related = ["file", "file__item"]


class MeetingInvitationInline(ReadOnlyInline):
    model = MeetingInvitation
    fields = ["department", "invited_at", "opinion", "opinion_by_label", "opinion_at"]
    readonly_fields = fields


@admin.register(JointMeeting)
class JointMeetingAdmin(ReadOnlyAdmin):
    list_display = ["id", "topic", "department", "scheduled_at", "state"]
    list_filter = ["state", "department"]
    search_fields = ["topic", "agenda", "conclusions"]
    list_select_related = ["department"]
    date_hierarchy = "scheduled_at"
    inlines = [MeetingInvitationInline]


@admin.register(MeetingInvitation)
class MeetingInvitationAdmin(ReadOnlyAdmin):
    list_display = ["id", "meeting", "department", "invited_at", "opinion_at"]
    list_filter = ["department"]
    search_fields = ["opinion", "meeting__topic"]
    list_select_related = ["meeting", "department"]


class InspectionParticipantInline(ReadOnlyInline):
    model = InspectionParticipant
    fields = ["department", "confirmed_at", "signoff", "dissent", "signed_version", "signed_at"]
    readonly_fields = fields


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "title", "department", "scheduled_at", "state"]
    list_filter = ["kind", "state", "department"]
    search_fields = ["title", "location", "report_conclusion"]
    list_select_related = ["department"]
    date_hierarchy = "scheduled_at"
    inlines = [InspectionParticipantInline]


@admin.register(InspectionParticipant)
class InspectionParticipantAdmin(ReadOnlyAdmin):
    list_display = ["id", "inspection", "department", "confirmed_at", "signoff", "signed_at"]
    list_filter = ["signoff", "department"]
    search_fields = ["inspection__title", "dissent"]
    list_select_related = ["inspection", "department"]


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ["id", "subject", "sender", "receiver", "sent_at", "deadline", "state"]
    list_filter = ["state", "sender", "receiver"]
    search_fields = ["subject", "question", "reply"]
    list_select_related = ["sender", "receiver"]
    date_hierarchy = "sent_at"
    show_full_result_count = False
