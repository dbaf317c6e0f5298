"""Licence letters (R8) — web forms: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.models import Licence
from approvals.selectors import licences_visible
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.scoping import Actor
from supervision.forms import LicenceChoiceField, MultipleFileField
from supervision.models import LetterAction


class LetterForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    licence = LicenceChoiceField(label=_("Licence"), queryset=Licence.objects.none())
    action = forms.ChoiceField(
        label=_("Requested action"), choices=[("", "---------"), *LetterAction.choices]
    )
    document_no = forms.CharField(label=_("Letter number"), max_length=100)
    legal_basis = forms.CharField(
        label=_("Legal basis of the penalty"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    penalty_result = forms.CharField(
        label=_("Penalty result"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    attachments = MultipleFileField(
        label=_("Evidence"),
        required=False,
        help_text=_(
            "Required: the penalty decision and other evidence. PDF, OFD, JPG/PNG, Word, Excel "
            "or text; at most 10 files of 10 MB each."
        ),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["licence"].queryset = licences_visible(actor=actor)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "licence": data["licence"],
            "action": data["action"],
            "document_no": data["document_no"],
            "legal_basis": data["legal_basis"],
            "penalty_result": data["penalty_result"],
            "attachments": data.get("attachments") or [],
        }


class LetterDecisionForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Decision and reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_("Required when rejecting."),
    )

    def service_arguments(self) -> dict[str, Any]:
        return {
            "accept": self.cleaned_data["decision"] == "accept",
            "note": self.cleaned_data.get("note", ""),
        }
