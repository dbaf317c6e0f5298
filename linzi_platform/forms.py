"""Web forms that help the person filling them in: every field's errors in its own words,
required fields marked, fields grouped under legends, "请选择" instead of "---------"."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Fieldset:
    """One group of a form: its legend, its fields and, when it depends on a choice, the
    values of that choice it is shown for (read by the page's script; none: always shown)."""

    key: str
    legend: str
    fields: list[forms.BoundField]
    shown_for: tuple[str, ...] = field(default=())

    @property
    def shown_for_attribute(self) -> str:
        return " ".join(self.shown_for)


class HelpfulFormMixin:
    """Mix into a ``forms.Form``. ``FIELDSETS`` lists (key, legend, field names[, values of
    the choice the group is shown for]); the template renders the groups, so a field left
    out of every group is one the template shows elsewhere."""

    required_css_class = "required"
    error_css_class = "has-error"
    FIELDSETS: Iterable[tuple[Any, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.use_plain_empty_choices()

    def use_plain_empty_choices(self) -> None:
        """ "请选择" instead of Django's "---------" in every select; run again by a form that
        adds a field after ``__init__``."""
        for form_field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(form_field, forms.ChoiceField) and not isinstance(
                form_field, forms.ModelChoiceField
            ):
                form_field.choices = [
                    ("", _("Please choose"))
                    if value == "" and text == "---------"
                    else (value, text)
                    for value, text in form_field.choices
                ]
            if isinstance(form_field, forms.ModelChoiceField) and form_field.empty_label:
                form_field.empty_label = _("Please choose")

    def use_plain_messages(self) -> None:
        """Call at the end of ``__init__``, once every field is in place."""
        self.use_plain_empty_choices()
        for bound_field_name, form_field in self.fields.items():  # type: ignore[attr-defined]
            label = str(form_field.label or bound_field_name)
            choosing = isinstance(form_field, forms.ChoiceField | forms.FileField)
            form_field.error_messages["required"] = (
                _("Choose %(label)s.") if choosing else _("Enter %(label)s.")
            ) % {"label": label}
            # Django's own length messages ("确保该变量至少包含 18 字符") name neither the field
            # nor what was typed; these do both.
            form_field.error_messages["max_length"] = _(
                "%(label)s may have at most %%(limit_value)d characters; %%(show_value)d were "
                "entered."
            ) % {"label": label}
            form_field.error_messages["min_length"] = _(
                "%(label)s needs at least %%(limit_value)d characters; %%(show_value)d were "
                "entered."
            ) % {"label": label}
            if isinstance(form_field, forms.DateField | forms.DateTimeField):
                form_field.error_messages["invalid"] = _(
                    "%(label)s is not a valid date; write it as 2026-11-24."
                ) % {"label": label}

    def fieldsets(self) -> list[Fieldset]:
        placed: set[str] = set()
        groups: list[Fieldset] = []
        for key, legend, names, *shown_for in self.FIELDSETS:
            present = [name for name in names if name in self.fields]  # type: ignore[attr-defined]
            placed.update(present)
            if present:
                groups.append(
                    Fieldset(
                        key=key,
                        legend=str(legend),
                        fields=[self[name] for name in present],  # type: ignore[index]
                        shown_for=tuple(shown_for[0]) if shown_for else (),
                    )
                )
        return groups


class ServiceErrorsMixin:
    """Mix into a ``forms.Form`` whose input a service checks. Service errors are keyed by
    the service's argument names; ``SERVICE_FIELD_MAP`` maps one to this form's field where
    they differ (None: shown above the form). An error on no field of the form is shown above
    it."""

    SERVICE_FIELD_MAP: dict[str, str | None] = {}

    def add_service_errors(self, errors: dict[str, list[Any]]) -> None:
        for field_name, messages in errors.items():
            target = self.SERVICE_FIELD_MAP.get(field_name, field_name)
            if target not in self.fields:  # type: ignore[attr-defined]
                target = None
            for message in messages:
                self.add_error(target, message)  # type: ignore[attr-defined]
