from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import (
    ReadOnlyPasswordHashWidget,
    UserChangeForm,
    UserCreationForm,
)
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from linzi_platform.admin import PlatformModelAdmin
from linzi_platform.people import person_name, staff_names

from .forms import DepartmentMergeForm
from .lockout import lockout_lift
from .models import (
    ApiClient,
    Department,
    IdempotencyRecord,
    PasswordHistory,
    PasswordState,
    StaffMembership,
)
from .passwords import account_created_by_admin, password_changed_by_self, password_reset_by_admin
from .scoping import actor_for_user
from .services import (
    api_client_create,
    department_deactivate,
    department_merge,
    department_open_work,
)


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [message for messages in exc.message_dict.values() for message in messages]
    return list(exc.messages)


@admin.register(Department)
class DepartmentAdmin(PlatformModelAdmin):
    # The code is the department's key for partner systems: searchable and on its form, while
    # the list reads by name.
    list_display = ["name", "kind", "active", "successor", "deactivated_at"]
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
class StaffMembershipAdmin(PlatformModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    autocomplete_fields = ["department"]
    # Staff are a few hundred at most: a select of their names.
    editable_users = ["user"]

    def object_name(self, obj: StaffMembership) -> str:
        name = obj.user.get_full_name() or obj.user.username
        return f"{name} · {obj.department} · {obj.get_role_display()}"


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["department", "name", "expiry_date", "revoked"]
        labels = {
            "name": gettext_lazy("name"),
            "expiry_date": gettext_lazy("expires at"),
            "revoked": gettext_lazy("Revoked"),
        }
        help_texts = {
            "name": gettext_lazy("The partner system's name, as staff will read it."),
            "expiry_date": gettext_lazy("Empty for a key that does not expire."),
            "revoked": gettext_lazy("A revoked key is refused at once; this cannot be undone."),
        }


@admin.register(ApiClient)
class ApiClientAdmin(PlatformModelAdmin, APIKeyModelAdmin):
    """A partner system's key. The library's fields have untranslatable names, so they are
    labelled here; a key is created through the audited service (R20)."""

    form = ApiClientForm
    list_display = [
        "client_name",
        "department",
        "key_prefix",
        "created_at",
        "expires_at",
        "is_revoked",
        "last_used_at",
    ]
    list_filter = ["department"]
    search_fields = [*APIKeyModelAdmin.search_fields, "department__name"]

    def get_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> list[Any]:
        if obj is None:
            return ["department", "name", "expiry_date"]
        if obj.revoked:
            # A revoked key is kept as it was: shown, not edited.
            return ["department", "key_prefix", "client_name", "expires_at", "is_revoked"]
        return ["department", "key_prefix", "name", "expiry_date", "revoked"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> list[Any]:
        if obj is None:
            return []
        if obj.revoked:
            return ["department", "key_prefix", "client_name", "expires_at", "is_revoked"]
        return ["department", "key_prefix"]

    @admin.display(description=gettext_lazy("name"), ordering="name")
    def client_name(self, obj: ApiClient) -> str:
        return obj.name

    @admin.display(description=gettext_lazy("key prefix"), ordering="prefix")
    def key_prefix(self, obj: ApiClient) -> str:
        return obj.prefix

    @admin.display(description=gettext_lazy("created at"), ordering="created")
    def created_at(self, obj: ApiClient) -> Any:
        return obj.created

    @admin.display(description=gettext_lazy("expires at"), ordering="expiry_date")
    def expires_at(self, obj: ApiClient) -> Any:
        return obj.expiry_date or gettext("Does not expire")

    @admin.display(description=gettext_lazy("Revoked"), boolean=True, ordering="revoked")
    def is_revoked(self, obj: ApiClient) -> bool:
        return obj.revoked

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            obj.save()
            return
        client, key = api_client_create(
            department=obj.department, name=obj.name, actor=actor_for_user(request.user)
        )
        if obj.expiry_date:
            ApiClient.objects.filter(pk=client.pk).update(expiry_date=obj.expiry_date)
        obj.pk, obj.prefix = client.pk, client.prefix
        obj._state.adding = False
        self.message_user(
            request,
            gettext(
                "The key of %(name)s is %(key)s — copy it now and keep it safe, it is not "
                "shown again."
            )
            % {"name": client.name, "key": key},
            messages.WARNING,
        )


# The library registers its own key model; ours (bound to a department) replaces it.
admin.site.unregister(APIKey)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(PlatformModelAdmin):
    list_display = ["principal", "key", "status_code", "created_at"]
    search_fields = ["principal", "key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# Staff accounts: the platform's administrators are superusers and staff act through their
# department role (StaffMembership), never through Django's per-model permissions or groups,
# so the account form leaves those out; the list leads with the person's name.
admin.site.unregister(User)
admin.site.unregister(Group)


class PasswordStateWidget(ReadOnlyPasswordHashWidget):
    """Whether a password is set and the button to change it; not the hash's algorithm, salt
    and digest Django lists, which no administrator acts on."""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if any(entry.get("value") for entry in context["summary"]):
            context["summary"] = [{"label": gettext("A password is set.")}]
        return context


class StaffUserChangeForm(UserChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None:
            password.widget = PasswordStateWidget(attrs=password.widget.attrs)


@admin.register(User)
class StaffUserAdmin(PlatformModelAdmin, UserAdmin):
    form = StaffUserChangeForm
    # Every account signs in with a password (no single sign-on): the plain creation form,
    # without Django's "usable password" switch.
    add_form = UserCreationForm
    add_fieldsets = ((None, {"fields": ("username", "password1", "password2")}),)
    list_display = ["full_name", "username", "email", "is_active", "is_superuser", "last_login"]
    list_display_links = ["full_name", "username"]
    list_filter = ["is_active", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (gettext_lazy("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (gettext_lazy("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (gettext_lazy("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=gettext_lazy("full name"), ordering="first_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name() or "—"

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The administrator chose the first password: the person replaces it at sign-in.
            account_created_by_admin(user=obj, by=request.user, request=request)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's "reset password" page; a password set here for someone else must be
        replaced by its owner at the next sign-in (GB/T 22239-2019 8.1.4.1 a)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None and user.pk == request.user.pk:
                password_changed_by_self(user=user, request=request)
            elif user is not None:
                password_reset_by_admin(user=user, by=request.user, request=request)
        return response

    def object_name(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ReadOnlyAdmin(PlatformModelAdmin):
    """Written by the password services only (GB/T 22239-2019 8.1.4.1 a); administrators
    look, and reset a password from the account's page."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def object_name(self, obj: Any) -> str:
        return obj.user.get_full_name() or obj.user.username


@admin.register(PasswordState)
class PasswordStateAdmin(ReadOnlyAdmin):
    list_display = ["user", "changed_at", "must_change"]
    list_filter = ["must_change"]
    search_fields = ["user__username", "user__first_name"]
    fields = ["user", "changed_at", "must_change"]


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(ReadOnlyAdmin):
    """When each of the last passwords was set; never the hashes."""

    list_display = ["user", "set_at"]
    search_fields = ["user__username", "user__first_name"]
    fields = ["user", "set_at"]


# django-axes' own admins show the username typed at each login: ours show the person's name.
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    admin.site.unregister(model)


class LoginRecordAdmin(PlatformModelAdmin):
    username_fields = ["username"]
    shown_as = {
        "path_info": "login_path",
        "user_agent": "login_user_agent",
        "http_accept": "login_http_accept",
    }

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        # Axes filters by the raw path too; the dates and lockout state are what is looked for.
        return [name for name in super().get_list_filter(request) if name != "path_info"]

    @staticmethod
    def _known(value: str) -> str:
        # Axes writes "<unknown>" for what the login request did not send.
        return gettext("Unknown") if value == "<unknown>" else value

    @admin.display(description=gettext_lazy("Path"), ordering="path_info")
    def login_path(self, obj: Any) -> str:
        return self._known(obj.path_info)

    @admin.display(description=gettext_lazy("User Agent"), ordering="user_agent")
    def login_user_agent(self, obj: Any) -> str:
        return self._known(obj.user_agent)

    @admin.display(description=gettext_lazy("HTTP Accept"))
    def login_http_accept(self, obj: Any) -> str:
        return self._known(obj.http_accept)

    def object_name(self, obj: Any) -> str:
        return gettext("Login of %(name)s at %(at)s") % {
            "name": person_name(obj.username, staff_names()),
            "at": localtime(obj.attempt_time).strftime("%Y-%m-%d %H:%M"),
        }


class UnlockAction:
    """The admin's "unlock" (GB/T 22239 8.1.4.1 b): forget the failures of the selected
    entries' usernames and addresses, audited (`organizations.lockout.lockout_lift`)."""

    @admin.action(description=gettext_lazy("Unlock the selected users and addresses"))
    def unlock(self, request: HttpRequest, queryset: QuerySet) -> None:
        lockout_lift(attempts=queryset, actor=request.user)
        self.message_user(  # type: ignore[attr-defined]
            request,
            gettext("The selected users and addresses can sign in again."),
            messages.SUCCESS,
        )


@admin.register(AccessAttempt)
class LoginAttemptAdmin(UnlockAction, LoginRecordAdmin, AccessAttemptAdmin):
    actions = ["unlock", "cleanup_expired_attempts"]


@admin.register(AccessLog)
class LoginLogAdmin(LoginRecordAdmin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class LoginFailureLogAdmin(UnlockAction, LoginRecordAdmin, AccessFailureLogAdmin):
    actions = ["unlock"]


# Two-factor sign-in devices (django-otp), in their own module.
from . import two_factor_admin  # noqa: E402, F401
