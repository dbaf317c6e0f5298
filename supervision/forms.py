"""Web forms of the supervision side: they parse input; the services decide (R6–R8, R17)."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from approvals.models import Counterparty, Licence
from approvals.selectors import licences_visible
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor

from . import selectors
from .models import LICENCE_KINDS, PENALTY_KINDS, ActionKind, LetterAction, ListingType

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
        counterparty = selectors.counterparty_by_code(self.cleaned_data["code"])
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


def active_supervision_departments() -> QuerySet[Department]:
    return Department.objects.filter(kind=DepartmentKind.SUPERVISION, active=True).order_by("code")


class CaseOpenForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    supervision_department = forms.ModelChoiceField(
        label=_("Supervision department"), queryset=Department.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000
    )
    counterparty_code = forms.CharField(
        label=_("Counterparty credit code or ID number"),
        max_length=18,
        required=False,
        help_text=_("Optional; the counterparty must already be on record."),
    )

    SERVICE_FIELD_MAP = {"counterparty": "counterparty_code"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervision_department"].queryset = active_supervision_departments()

    def clean_counterparty_code(self) -> Counterparty | None:
        code = self.cleaned_data.get("counterparty_code", "").strip()
        if not code:
            return None
        counterparty = selectors.counterparty_by_code(code)
        if counterparty is None:
            raise forms.ValidationError(
                _("No counterparty with this credit code or ID number is on record.")
            )
        return counterparty

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "supervision_department": data["supervision_department"],
            "title": data["title"],
            "description": data["description"],
            "counterparty": data.get("counterparty_code"),
        }


class CaseOpinionForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    opinion = forms.CharField(
        label=_("Legal review opinion"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )
    requires_rectification = forms.BooleanField(
        label=_("Rectification required before the case is handled"), required=False
    )
    attachments = MultipleFileField(
        label=_("Signed opinion"),
        required=False,
        help_text=_("Required: the signed written opinion (PDF, OFD, JPG/PNG or Word)."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "opinion": data["opinion"],
            "requires_rectification": bool(data.get("requires_rectification")),
            "attachments": data.get("attachments") or [],
        }


class CaseVerifyForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("Verification of the rectification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class CaseCloseForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("How the case was handled"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
