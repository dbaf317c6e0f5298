from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from linzi_platform.admin import PlatformModelAdmin, PlatformTabularInline
from linzi_platform.uploads import validate_upload
from notifications.admin import PushAdmin
from notifications.models import Push

from .imports import admin as imports_admin  # noqa: F401 - registers the import's admin
from .models import (
    ApprovalItem,
    ItemSampleText,
    Licence,
    LicenceStatusChange,
)


class ItemSampleTextForm(forms.ModelForm):
    """Sample texts are downloaded by the public (R19): the same size and type checks as
    every other upload, so an admin cannot publish an executable or an HTML page by mistake."""

    class Meta:
        model = ItemSampleText
        fields = ["item", "title", "file"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_upload(upload)
        return upload


class ItemSampleTextInline(PlatformTabularInline):
    model = ItemSampleText
    form = ItemSampleTextForm
    extra = 0


@admin.register(ApprovalItem)
class ApprovalItemAdmin(PlatformModelAdmin):
    list_display = [
        "name",
        "official_code",
        "integrated_licence",
        "notification_commitment",
        "credit_mode",
        "important_category",
        "active",
        "updated_at",
    ]
    list_filter = [
        "active",
        "integrated_licence",
        "notification_commitment",
        "credit_mode",
        "important_category",
        "supervision_departments",
    ]
    search_fields = ["name", "official_code", "code", "legal_basis"]
    filter_horizontal = ["supervision_departments"]
    inlines = [ItemSampleTextInline]
    readonly_fields = ["updated_at"]


class ReadOnlyAdminMixin:
    """Writes go through the services (decisions, status changes); admin only shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LicenceStatusChangeInline(ReadOnlyAdminMixin, PlatformTabularInline):
    model = LicenceStatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "reason", "changed_by_label"]
    readonly_fields = fields


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdminMixin, PlatformModelAdmin):
    list_display = [
        "licence_no",
        "item",
        "counterparty",
        "department",
        "status",
        "licence_date",
        "valid_to",
        "decided_at",
    ]
    list_filter = ["status", "item", "department"]
    list_select_related = ["item", "counterparty", "department"]
    search_fields = [
        "licence_no",
        "counterparty__name",
        "counterparty__credit_code",
        "counterparty__id_number",
    ]
    date_hierarchy = "decided_at"
    raw_id_fields = ["item", "counterparty", "department", "decided_by"]
    inlines = [LicenceStatusChangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Licence]:
        return super().get_queryset(request).select_related("item", "counterparty", "department")

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The licences of one import of licences in force, linked from its page.
        if lookup == "import_rows__job":
            return True
        return super().lookup_allowed(lookup, value, request)


@admin.register(LicenceStatusChange)
class LicenceStatusChangeAdmin(ReadOnlyAdminMixin, PlatformModelAdmin):
    list_display = ["licence", "from_status", "to_status", "changed_by_label", "changed_at"]
    list_filter = ["to_status"]
    list_select_related = ["licence__item"]
    search_fields = ["licence__licence_no", "changed_by_label", "reason"]
    date_hierarchy = "changed_at"

    def object_name(self, obj: LicenceStatusChange) -> str:
        before = obj.get_from_status_display() or "—"
        return f"{obj.licence.licence_no}: {before} → {obj.get_to_status_display()}"


@admin.register(ItemSampleText)
class ItemSampleTextAdmin(PlatformModelAdmin):
    form = ItemSampleTextForm
    list_display = ["title", "item", "file"]
    list_select_related = ["item"]
    search_fields = ["title", "item__name", "item__code"]
    autocomplete_fields = ["item"]


# The push admin lives with the notifications, which know items only by their code: the item's
# name is added here, where the catalogue is.
admin.site.unregister(Push)


@admin.register(Push)
class PushWithItemAdmin(PushAdmin):
    shown_as = {**PushAdmin.shown_as, "item_code": "item_name"}

    @admin.display(description=_("item"), ordering="item_code")
    def item_name(self, obj: Push) -> str:
        if not obj.item_code:
            return "—"
        name = ApprovalItem.objects.filter(code=obj.item_code).values_list("name", flat=True)
        return name.first() or obj.item_code
