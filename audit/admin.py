from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from linzi_platform.admin import PlatformModelAdmin
from linzi_platform.people import person_name, staff_names

# The standard names of the algorithms (GB/T 32905 for SM3), not the hashlib spellings.
ALGORITHM_LABELS = {"sha256": "SHA-256", "sm3": "SM3"}


@admin.register(AuditEvent)
class AuditEventAdmin(PlatformModelAdmin):
    """Read-only: the trail is written by services only and never changed."""

    list_display = ("id", "at", "actor_label", "department", "action", "object_type", "object_id")
    list_filter = ("action", "department", "object_type")
    search_fields = ("actor_label", "action", "object_type", "object_id")
    list_select_related = ("department",)
    date_hierarchy = "at"
    ordering = ("-id",)
    actions = None
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("id", "at", "actor", "actor_label", "department", "action")}),
        (_("Object"), {"fields": ("object_type", "object_id", "details")}),
        (_("Chain"), {"fields": ("prev_hash", "hash", "algorithm")}),
    )
    readonly_fields = (
        "id",
        "at",
        "actor",
        "actor_label",
        "department",
        "action",
        "object_type",
        "object_id",
        "details",
        "prev_hash",
        "hash",
        "algorithm",
    )

    @admin.display(description=_("hash algorithm"))
    def algorithm(self, obj: AuditEvent) -> str:
        return ALGORITHM_LABELS.get(obj.hash_algorithm, obj.hash_algorithm)

    def object_name(self, obj: AuditEvent) -> str:
        return f"#{obj.pk} {obj.action} · {person_name(obj.actor_label, staff_names())}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
