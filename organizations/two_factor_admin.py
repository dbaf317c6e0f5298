"""django-otp's devices in the admin, in Chinese and without their secrets: an administrator
sees who set up two-factor sign-in and when it was last used, and removes a person's devices
when a phone is lost (audited as a reset; the person sets it up again at the next sign-in).
Nobody adds a device here: each person sets up their own (organizations.two_factor)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from linzi_platform.admin import PlatformModelAdmin
from linzi_platform.apps import names_translated

from .two_factor import two_factor_reset

for model in (TOTPDevice, StaticDevice):
    names_translated(model)
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class DeviceAdmin(PlatformModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    fields = [
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
        "throttling_failure_timestamp",
    ]
    search_fields = ["user__first_name", "user__last_name", "user__username"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def object_name(self, obj: Any) -> str:
        return f"{obj.user.get_full_name() or obj.user.get_username()} · {obj.name}"

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        two_factor_reset(user=obj.user, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for user in {device.user for device in queryset.select_related("user")}:
            two_factor_reset(user=user, by=request.user)


admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, DeviceAdmin)
