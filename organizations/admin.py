from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from .forms import DepartmentMergeForm
from .models import ApiClient, Department, IdempotencyRecord, StaffMembership
from .services import department_deactivate, department_merge, department_open_work


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [message for messages in exc.message_dict.values() for message in messages]
    return list(exc.messages)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "active", "successor", "deactivated_at"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    readonly_fields = ["deactivated_at", "successor"]
    actions = ["deactivate_department", "merge_department"]

    def _only_one(self, request: HttpRequest, queryset: QuerySet) -> Department | None:
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Choose exactly one department at a time."), messages.ERROR
            )
            return None
        return queryset.get()

    def _confirmation(
        self, request: HttpRequest, department: Department, *, action: str, **context: Any
    ) -> TemplateResponse:
        """The intermediate page: what the department still holds, and the confirm button."""
        open_work = department_open_work(department=department)
        return TemplateResponse(
            request,
            f"admin/organizations/department/{action}_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "department": department,
                "open_work": open_work,
                "has_open_work": any(work.count for work in open_work),
                "action": action,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                **context,
            },
        )

    @admin.action(description=gettext_lazy("Deactivate department"))
    def deactivate_department(
        self, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        department = self._only_one(request, queryset)
        if department is None:
            return None
        errors: list[str] = []
        if request.POST.get("confirm") == "yes":
            try:
                department_deactivate(department=department, by=request.user)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                self.message_user(
                    request,
                    gettext("The department %(name)s is deactivated.") % {"name": department.name},
                    messages.SUCCESS,
                )
                return None
        return self._confirmation(
            request,
            department,
            action="deactivate_department",
            title=gettext("Deactivate department %(name)s") % {"name": department.name},
            errors=errors,
        )

    @admin.action(description=gettext_lazy("Merge into another department (reorganisation)"))
    def merge_department(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        department = self._only_one(request, queryset)
        if department is None:
            return None
        confirmed = request.POST.get("confirm") == "yes"
        form = DepartmentMergeForm(request.POST if confirmed else None, department=department)
        errors: list[str] = []
        if confirmed and form.is_valid():
            successor = form.cleaned_data["successor"]
            try:
                result = department_merge(
                    department=department, successor=successor, by=request.user
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                self.message_user(
                    request,
                    gettext(
                        "The department %(name)s is merged into %(successor)s; %(count)d "
                        "records moved."
                    )
                    % {
                        "name": department.name,
                        "successor": successor.name,
                        "count": sum(result.moved.values()),
                    },
                    messages.SUCCESS,
                )
                return None
        return self._confirmation(
            request,
            department,
            action="merge_department",
            title=gettext("Merge department %(name)s into another") % {"name": department.name},
            form=form,
            errors=errors,
        )


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
