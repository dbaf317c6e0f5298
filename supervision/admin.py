from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from approvals.admin import LicenceAdmin
from approvals.models import Licence
from linzi_platform.admin import PlatformModelAdmin, PlatformTabularInline

from .models import (
    AccessLevel,
    AccessRule,
    CounterpartyListing,
    Evidence,
    LegacyCase,
    LetterEvent,
    LetterState,
    LicenceLetter,
    SupervisionAction,
)


class ReadOnlyMixin:
    """Records written only by the services (R20): the admin shows them, never edits them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EvidenceInline(ReadOnlyMixin, PlatformTabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ["name", "file", "size", "uploaded_by_label", "uploaded_at"]
    readonly_fields = fields


class LetterStateShown:
    """The event's from-state is stored as the bare value (it may be empty): shown labelled."""

    shown_as = {"from_state": "from_state_label"}

    @admin.display(description=_("from"), ordering="from_state")
    def from_state_label(self, obj: LetterEvent) -> str:
        return LetterState(obj.from_state).label if obj.from_state else "—"


class LetterEventInline(LetterStateShown, ReadOnlyMixin, PlatformTabularInline):
    model = LetterEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "note", "by_label"]
    readonly_fields = fields


@admin.register(SupervisionAction)
class SupervisionActionAdmin(ReadOnlyMixin, PlatformModelAdmin):
    list_display = ["document_no", "kind", "department", "counterparty", "licence", "decided_on"]
    list_filter = ["kind", "department"]
    list_select_related = ["department", "counterparty", "licence", "licence__item"]
    search_fields = [
        "document_no",
        "summary",
        "counterparty__name",
        "counterparty__credit_code",
        "counterparty__id_number",
        "licence__licence_no",
    ]
    date_hierarchy = "recorded_at"
    inlines = [EvidenceInline]


@admin.register(AccessRule)
class AccessRuleAdmin(PlatformModelAdmin):
    list_display = ["listing_type", "access_level", "note"]


@admin.register(CounterpartyListing)
class CounterpartyListingAdmin(ReadOnlyMixin, PlatformModelAdmin):
    list_display = [
        "counterparty",
        "listing_type",
        "department",
        "source_document",
        "listed_on",
        "until",
        "removed_at",
    ]
    list_filter = ["listing_type", "department"]
    list_select_related = ["counterparty", "department"]
    search_fields = [
        "counterparty__name",
        "counterparty__credit_code",
        "counterparty__id_number",
        "source_document",
    ]
    date_hierarchy = "listed_on"


@admin.register(LicenceLetter)
class LicenceLetterAdmin(ReadOnlyMixin, PlatformModelAdmin):
    list_display = [
        "document_no",
        "action",
        "licence",
        "department",
        "approval_department",
        "state",
        "sent_at",
        "decided_at",
    ]
    list_filter = ["state", "action", "department"]
    list_select_related = ["licence", "licence__item", "department", "approval_department"]
    search_fields = ["document_no", "licence__licence_no", "licence__counterparty__name"]
    date_hierarchy = "sent_at"
    inlines = [LetterEventInline, EvidenceInline]


@admin.register(LegacyCase)
class LegacyCaseAdmin(ReadOnlyMixin, PlatformModelAdmin):
    list_display = [
        "title",
        "approval_department",
        "supervision_department",
        "state",
        "opened_at",
        "closed_at",
    ]
    list_filter = ["state", "supervision_department"]
    list_select_related = ["approval_department", "supervision_department"]
    search_fields = ["title", "description", "counterparty__name"]
    date_hierarchy = "opened_at"
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyMixin, PlatformModelAdmin):
    list_display = ["name", "size", "action", "letter", "case", "uploaded_by_label", "uploaded_at"]
    search_fields = ["name", "uploaded_by_label"]
    list_select_related = ["action", "letter", "case"]
    date_hierarchy = "uploaded_at"


@admin.register(LetterEvent)
class LetterEventAdmin(LetterStateShown, ReadOnlyMixin, PlatformModelAdmin):
    list_display = ["letter", "from_state", "to_state", "by_label", "at"]
    list_filter = ["to_state"]
    list_select_related = ["letter"]

    def object_name(self, obj: LetterEvent) -> str:
        return f"{obj.letter} · {obj.get_to_state_display()}"


# The licence admin lives with the approvals; the access level a decision met is supervision's
# vocabulary, so its label is added here.
admin.site.unregister(Licence)


@admin.register(Licence)
class LicenceWithAccessLevelAdmin(LicenceAdmin):
    shown_as = {"access_level": "access_level_label"}

    @admin.display(description=_("access level at decision"), ordering="access_level")
    def access_level_label(self, obj: Licence) -> str:
        if obj.access_level in AccessLevel.values:
            return AccessLevel(obj.access_level).label
        return obj.access_level
