"""What the supervision side's web forms share (file and licence fields); each subdomain's
forms are in its package's `forms.py`. Forms parse; services decide (R6–R8, R17)."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from approvals.models import Licence

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LICENCE_CHOICES_SHOWN = 200


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their number, size and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)] if data else []


class LatestLicenceIterator(ModelChoiceIterator):
    """Offers only the latest licences in the select; any visible licence still validates."""

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for licence in self.queryset.order_by("-decided_at", "-id")[:LICENCE_CHOICES_SHOWN]:
            yield self.choice(licence)

    def __len__(self) -> int:
        return min(self.queryset.count(), LICENCE_CHOICES_SHOWN) + (
            1 if self.field.empty_label is not None else 0
        )


class LicenceChoiceField(forms.ModelChoiceField):
    iterator = LatestLicenceIterator

    def label_from_instance(self, obj: Licence) -> str:
        return f"{obj.licence_no} · {obj.counterparty.name} · {obj.item.name}"


CODE_TYPES = [
    ("credit_code", _("Unified social credit code (organisation)")),
    ("id_number", _("ID card number (individual)")),
]
