"""The admin base every app's ModelAdmin and inline uses, so the admin reads in Chinese and in
people's words like the rest of the platform: 请选择 instead of Django's "---------", a person's
name instead of the username stored in a `*_by_label` column or behind a user foreign key, and
stored JSON (push payloads, audit details) shown pretty-printed as data."""

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linzi_platform.people import person_name

BLANK_LABEL = "---------"
PERSON_LABEL_SUFFIXES = ("by_label", "actor_label")
SHOWN_SUFFIX = "_shown"


def _boolean_icon(value: bool | None) -> SafeString:
    """Django's icon with its alt text in words: Django writes the Python value ("True")."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    alt = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)


# Django looks the helper up in this module at every call (changelist cells and read-only
# fields alike); replacing it here is the one place that reaches all boolean columns.
admin_list._boolean_icon = _boolean_icon


def _full_name(first: str | None, last: str | None) -> str:
    # The same composition as linzi_platform.people.staff_names.
    return f"{first} {last}".strip() if first and last else (first or last or "")


def _shown_fields(
    model: type[models.Model], usernames: Sequence[str] = ()
) -> dict[str, models.Field]:
    """The fields shown through a display of their own rather than as stored."""
    user_model = get_user_model()
    shown = {}
    for field in model._meta.concrete_fields:
        if (
            (isinstance(field, models.CharField) and field.name.endswith(PERSON_LABEL_SUFFIXES))
            or field.name in usernames
            or (field.is_relation and field.related_model is user_model)
            or isinstance(field, models.JSONField)
        ):
            shown[field.name] = field
    return shown


def _display(field: models.Field, description: Any = None) -> Callable[[Any], Any]:
    first, last = f"_{field.name}_first", f"_{field.name}_last"
    if isinstance(field, models.JSONField):

        def show(obj: Any) -> Any:
            value = getattr(obj, field.name)
            if value in (None, {}, []):
                return "—"
            # Keys are the stored identifiers of the partner interface (R20): data, not prose.
            text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
            return format_html('<pre class="json">{}</pre>', text)

    elif field.is_relation:

        def show(obj: Any) -> Any:
            if getattr(obj, field.attname) is None:
                return "—"
            if hasattr(obj, first):
                return _full_name(getattr(obj, first), getattr(obj, last)) or "—"
            user = getattr(obj, field.name)
            return user.get_full_name() or "—"

    else:

        def show(obj: Any) -> Any:
            label = getattr(obj, field.name)
            names = {label: _full_name(getattr(obj, first, ""), getattr(obj, last, ""))}
            return person_name(label, {key: name for key, name in names.items() if name})

    return admin.display(description=description or field.verbose_name, ordering=field.name)(show)


def _user_choice_label(user: Any) -> str:
    return user.get_full_name() or user.username


def _replace(names: Iterable[Any], replacements: dict[str, str]) -> list[Any]:
    result: list[Any] = []
    for name in names:
        if isinstance(name, (list, tuple)):
            result.append(tuple(_replace(name, replacements)))
            continue
        name = replacements.get(name, name) if isinstance(name, str) else name
        if name not in result:
            result.append(name)
    return result


class PlatformAdminMixin:
    """For ModelAdmin and inline classes alike (they share BaseModelAdmin)."""

    model: type[models.Model]
    # Other columns that hold a username (e.g. the one typed at a login attempt).
    username_fields: Sequence[str] = ()
    # Other fields shown through a display method of the admin: {field: method name}.
    shown_as: dict[str, str] = {}
    # User foreign keys the admin edits (a select of names); others are shown read-only.
    editable_users: Sequence[str] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown = _shown_fields(self.model, self.username_fields)
        for name, field in self._shown.items():
            # A column that holds a bare username is headed by what it now shows: 姓名.
            description = _("full name") if name in self.username_fields else None
            setattr(self, f"{name}{SHOWN_SUFFIX}", _display(field, description))
        self._replacements = {
            **{name: f"{name}{SHOWN_SUFFIX}" for name in self._shown},
            **self.shown_as,
        }
        # On forms: what the admin edits stays a field.
        self._form_replacements = {
            name: shown
            for name, shown in self._replacements.items()
            if name not in self.editable_users
        }

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """The names of the people shown, in the same query as the rows."""
        queryset = super().get_queryset(request)  # type: ignore[misc]
        users = get_user_model().objects
        for name, field in self._shown.items():
            if isinstance(field, models.JSONField):
                continue
            if field.is_relation:
                first, last = F(f"{name}__first_name"), F(f"{name}__last_name")
            else:
                same = users.filter(username=OuterRef(name))
                first = Subquery(same.values("first_name")[:1])
                last = Subquery(same.values("last_name")[:1])
            queryset = queryset.annotate(**{f"_{name}_first": first, f"_{name}_last": last})
        return queryset

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:
        fields = super().get_fields(request, obj)  # type: ignore[misc]
        return _replace(fields, self._form_replacements)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        return [
            (title, {**options, "fields": _replace(options["fields"], self._form_replacements)})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:
        # Labels, the users behind a record and stored JSON are written by services only.
        readonly = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return _replace([*readonly, *self._form_replacements], self._form_replacements)

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if isinstance(formfield, forms.ModelChoiceField):
            if formfield.queryset.model is get_user_model():
                formfield.label_from_instance = _user_choice_label
            if formfield.empty_label is not None:
                formfield.empty_label = _("Please choose")
        elif isinstance(formfield, forms.ChoiceField):
            formfield.choices = [
                ("", _("Please choose")) if label == BLANK_LABEL else (value, label)
                for value, label in formfield.choices
            ]
        if isinstance(formfield, forms.ModelMultipleChoiceField):
            # Django's hint names the Control and Command keys in English words.
            formfield.help_text = _("You can choose more than one.")
        return formfield


class PlatformModelAdmin(PlatformAdminMixin, admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    def object_name(self, obj: Any) -> str:
        """How a record is named on the admin's pages (the action checkbox's label, the change
        form's title and breadcrumb); a model whose str() holds a username names it better."""
        return str(obj)

    def action_checkbox(self, obj: Any) -> SafeString:
        checkbox = forms.CheckboxInput(
            {
                "class": "action-select",
                "aria-label": format_html(
                    gettext("Select this object for an action - {}"), self.object_name(obj)
                ),
            },
            lambda value: False,
        )
        return checkbox.render(ACTION_CHECKBOX_NAME, str(obj.pk))

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        *args: Any,
        obj: Any = None,
        **kwargs: Any,
    ) -> Any:
        if obj is not None:
            # templates/admin/change_form.html shows the subtitle in the breadcrumb too.
            context["subtitle"] = self.object_name(obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        return _replace(super().get_list_display(request), self._replacements)

    def get_action_choices(
        self, request: HttpRequest, default_choices: list[tuple[str, str]] | None = None
    ) -> list[tuple[str, Any]]:
        return super().get_action_choices(request, default_choices=[("", _("Choose an action"))])


class PlatformTabularInline(PlatformAdminMixin, admin.TabularInline):
    pass
