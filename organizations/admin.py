from django.contrib import admin
from django.http import HttpRequest
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from .models import ApiClient, Department, IdempotencyRecord, StaffMembership


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    autocomplete_fields = ["department"]
    raw_id_fields = ["user"]


@admin.register(ApiClient)
class ApiClientAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "department", "last_used_at"]
    list_filter = [*APIKeyModelAdmin.list_filter, "department"]
    search_fields = [*APIKeyModelAdmin.search_fields, "department__name"]


# The library registers its own key model; ours (bound to a department) replaces it.
admin.site.unregister(APIKey)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["principal", "key", "status_code", "created_at"]
    search_fields = ["principal", "key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
