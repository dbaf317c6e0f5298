"""What the coordination side's web forms share (widgets, department and file choices);
each subdomain's forms are in its package's `forms.py`. Forms parse; services decide."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from linzi_platform.ids import parse_id
from organizations.models import Department
from organizations.scoping import Actor

from .models import ImportantFile

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
TEXTAREA = forms.Textarea(attrs={"rows": 5})


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return str(obj.name)


class DepartmentsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def _check_values(self, value: Any) -> QuerySet[Department]:
        # An id beyond the database's integer range reached the `pk__in` query and made the
        # driver overflow (a 500): refuse it like any other unknown id.
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj: Department) -> str:
        return str(obj.name)


class ImportantFileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ImportantFile) -> str:
        return f"{obj.project_name} · {obj.item.name} · {obj.created_at:%Y-%m-%d}"


def _own_files(actor: Actor) -> QuerySet[ImportantFile]:
    if actor.department is None:
        return ImportantFile.objects.none()
    return ImportantFile.objects.filter(department=actor.department).select_related("item")
