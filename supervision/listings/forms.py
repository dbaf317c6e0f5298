"""Counterparty listings and access levels (R7) — web forms: they parse input; the services
decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from counterparties.models import Counterparty
from counterparties.selectors import counterparty_by_code
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from supervision.forms import DATE
from supervision.models import ListingType


class ListingAddForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Credit code or ID number"),
        max_length=18,
        help_text=_("The counterparty must already be on record (it holds a licence)."),
    )
    listing_type = forms.ChoiceField(
        label=_("Listing type"), choices=[("", "---------"), *ListingType.choices]
    )
    source_document = forms.CharField(label=_("Source document"), max_length=200)
    until = forms.DateField(
        label=_("Listed until"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty for a listing until it is removed."),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    SERVICE_FIELD_MAP = {"counterparty": "code"}

    def clean_code(self) -> Counterparty:
        counterparty = counterparty_by_code(self.cleaned_data["code"])
        if counterparty is None:
            raise forms.ValidationError(
                _("No counterparty with this credit code or ID number is on record.")
            )
        return counterparty

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "counterparty": data["code"],
            "listing_type": data["listing_type"],
            "source_document": data["source_document"],
            "until": data.get("until"),
            "reason": data.get("reason", ""),
        }


class ReasonForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
