"""Supervision actions (R6) and suspensions ending (R6) — web forms: they parse input; the
services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.models import Licence
from approvals.selectors import licences_visible
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.scoping import Actor
from supervision.forms import CODE_TYPES, DATE, LicenceChoiceField, MultipleFileField
from supervision.models import LICENCE_KINDS, PENALTY_KINDS, ActionKind, ListingType


def _kinds(*kinds: str) -> list[str]:
    return [kind for kind in ActionKind.values if kind in kinds]


class SupervisionActionForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    """Fourteen fields, grouped by what each kind needs: the page's script shows only the
    groups of the chosen kind; without it every group shows and the service still checks."""

    FIELDSETS = (
        ("action", _("Supervision information"), ["kind", "document_no", "decided_on", "summary"]),
        (
            "licence",
            _("Licence"),
            ["licence", "licence_no"],
            _kinds(*LICENCE_KINDS, ActionKind.PENALTY),
        ),
        (
            "counterparty",
            _("Counterparty"),
            [
                "counterparty_name",
                "code_type",
                "counterparty_code",
                "contact_name",
                "contact_phone",
            ],
            _kinds(*PENALTY_KINDS),
        ),
        ("listing", _("Listing"), ["listing_type", "listing_until"], _kinds(*PENALTY_KINDS)),
        ("suspension", _("Suspension period"), ["suspended_until"], _kinds(ActionKind.SUSPENSION)),
        ("attachments", _("Attachments"), ["attachments"]),
    )

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *ActionKind.choices])
    document_no = forms.CharField(label=_("Document number"), max_length=100)
    decided_on = forms.DateField(label=_("Decision date"), widget=DATE)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000
    )
    licence = LicenceChoiceField(
        label=_("Licence"),
        queryset=Licence.objects.none(),
        required=False,
        help_text=_(
            "Required for a suspension or revocation: the licence's status changes with it. "
            "The list shows your department's latest 200 licences."
        ),
    )
    licence_no = forms.CharField(
        label=_("Or licence number"),
        max_length=64,
        required=False,
        help_text=_("Type the licence number if it is not in the list."),
    )
    counterparty_name = forms.CharField(
        label=_("Counterparty name"),
        max_length=200,
        required=False,
        help_text=_(
            "Only for penalties (suspension, revocation, other penalty); not needed when a "
            "licence is chosen, whose holder is the counterparty."
        ),
    )
    code_type = forms.ChoiceField(
        label=_("Identifier"),
        choices=CODE_TYPES,
        initial="credit_code",
        widget=forms.RadioSelect,
        required=False,
    )
    counterparty_code = forms.CharField(
        label=_("Credit code or ID number"), max_length=18, required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    listing_type = forms.ChoiceField(
        label=_("Listing"),
        choices=[("", _("No listing")), *ListingType.choices],
        required=False,
        help_text=_(
            "Only for a penalty: a listing puts the counterparty under restricted or strict "
            "access while it is in force."
        ),
    )
    listing_until = forms.DateField(
        label=_("Listed until"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty for a listing until it is removed."),
    )
    suspended_until = forms.DateField(
        label=_("Suspended until"),
        widget=DATE,
        required=False,
        help_text=_(
            "Only for a suspension order: its last day; the licence returns to valid the next "
            "day. Leave empty for a suspension until your department lifts it."
        ),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, OFD, JPG/PNG, Word, Excel or text; at most 10 files of 10 MB each."),
    )

    SERVICE_FIELD_MAP = {
        "counterparty": "counterparty_name",
        "counterparty.name": "counterparty_name",
        "counterparty.credit_code": "counterparty_code",
        "counterparty.id_number": "counterparty_code",
        "counterparty.contact_name": "contact_name",
        "counterparty.contact_phone": "contact_phone",
        "listing": "listing_type",
    }

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["licence"].queryset = licences_visible(actor=actor)
        self.use_plain_messages()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        number = (data.get("licence_no") or "").strip()
        if number and not data.get("licence"):
            found = licences_visible(actor=self.actor).filter(licence_no=number)
            licence = found.order_by("-decided_at", "-id").first()
            if licence is None:
                self.add_error(
                    "licence_no",
                    _("No licence with this number is among those your department supervises."),
                )
            else:
                data["licence"] = licence
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        counterparty = None
        if any(data.get(f) for f in ("counterparty_name", "counterparty_code", "contact_name")):
            counterparty = {
                "name": data.get("counterparty_name", ""),
                data.get("code_type") or "credit_code": data.get("counterparty_code", ""),
                "contact_name": data.get("contact_name", ""),
                "contact_phone": data.get("contact_phone", ""),
            }
        listing = None
        if data.get("listing_type"):
            listing = {"type": data["listing_type"], "until": data.get("listing_until")}
        return {
            "kind": data["kind"],
            "document_no": data["document_no"],
            "decided_on": data["decided_on"],
            "summary": data["summary"],
            "counterparty": counterparty,
            "licence": data.get("licence"),
            "listing": listing,
            "suspended_until": data.get("suspended_until"),
            "attachments": data.get("attachments") or [],
        }
