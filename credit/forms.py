"""Web forms of credit approval: they parse input; the services decide (R9–R12)."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from approvals.models import CreditMode, Licence
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.scoping import Actor

from . import selectors
from .models import CreditCatalogEntry
from .services import MAX_RECTIFICATION_DAYS

LICENCE_CHOICES_SHOWN = 200
TEXTAREA = forms.Textarea(attrs={"rows": 5})


class CatalogEntryForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("Credit-approval mode"),
        choices=[
            (CreditMode.EXEMPT, CreditMode.EXEMPT.label),
            (CreditMode.POST_VERIFICATION, CreditMode.POST_VERIFICATION.label),
        ],
        widget=forms.RadioSelect,
    )
    conditions = forms.CharField(
        label=_("Commitment conditions"), widget=TEXTAREA, max_length=20_000
    )
    materials = forms.CharField(label=_("Required materials"), widget=TEXTAREA, max_length=20_000)
    commitment_text = forms.CharField(
        label=_("Commitment text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000
    )
    supervision_method = forms.CharField(
        label=_("Supervision method"),
        widget=TEXTAREA,
        max_length=20_000,
        help_text=_(
            "By risk and the counterparty's own credit record; never stricter merely because "
            "the licence was granted through credit approval (R13)."
        ),
    )
    legal_consequences = forms.CharField(
        label=_("Legal consequences of a false commitment"), widget=TEXTAREA, max_length=20_000
    )

    @classmethod
    def initial_for(cls, entry: CreditCatalogEntry | None, *, mode: str) -> dict[str, str]:
        if entry is None:
            return {"mode": mode if mode != CreditMode.NONE else CreditMode.EXEMPT}
        return {name: getattr(entry, name) for name in cls.base_fields}

    def service_arguments(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.base_fields}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their size and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)] if data else []


class VerificationResultForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Result of the verification"),
        choices=[("met", _("The commitment is met")), ("not_met", _("The commitment is not met"))],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Verification notes"),
        widget=TEXTAREA,
        max_length=10_000,
        required=False,
        help_text=_("Required when not met: say which commitments are not met."),
    )
    rectification_days = forms.IntegerField(
        label=_("Rectification period (working days)"),
        min_value=1,
        max_value=MAX_RECTIFICATION_DAYS,
        required=False,
        help_text=_("Required when not met: 1 to 60 working days from today."),
    )
    files = MultipleFileField(
        label=_("Verification records"),
        required=False,
        help_text=_("Site photos, records; PDF, OFD, JPG/PNG, Word, Excel or text, 10 MB each."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        met = data["result"] == "met"
        return {
            "met": met,
            "notes": data.get("notes", ""),
            "files": data.get("files") or [],
            "rectification_days": None if met else data.get("rectification_days"),
        }


class RectificationResultForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Result of the rectification"),
        choices=[
            ("met", _("Rectified: the commitment is now met")),
            ("not_met", _("Still unmet: put the licence in the revocation queue")),
        ],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Rectification result"), widget=TEXTAREA, max_length=10_000, required=False
    )

    def service_arguments(self) -> dict[str, Any]:
        return {
            "met": self.cleaned_data["result"] == "met",
            "notes": self.cleaned_data.get("notes", ""),
        }


class RevocationDecisionForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("revoke", _("Revoke the licence")), ("dismiss", _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Legal basis and reasons"),
        widget=TEXTAREA,
        max_length=10_000,
        required=False,
        help_text=_("Required: the legal basis and the reasons of the decision."),
    )

    def service_arguments(self) -> dict[str, Any]:
        return {
            "revoke": self.cleaned_data["decision"] == "revoke",
            "note": self.cleaned_data.get("note", ""),
        }


class PinnedLicenceIterator(ModelChoiceIterator):
    """The licence asked for in the link first, then the latest ones; any licence of the
    queryset still validates."""

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        pinned = self.field.pinned
        if pinned is not None:
            yield self.choice(pinned)
        latest = self.queryset.order_by("-decided_at", "-id")
        if pinned is not None:
            latest = latest.exclude(pk=pinned.pk)
        for licence in latest[:LICENCE_CHOICES_SHOWN]:
            yield self.choice(licence)

    def __len__(self) -> int:
        return min(self.queryset.count(), LICENCE_CHOICES_SHOWN) + 2


class BreachLicenceField(forms.ModelChoiceField):
    iterator = PinnedLicenceIterator
    pinned: Licence | None = None

    def label_from_instance(self, obj: Licence) -> str:
        return f"{obj.licence_no} · {obj.counterparty.name} · {obj.item.name}"


class BreachReportForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    licence = BreachLicenceField(
        label=_("Licence"),
        queryset=Licence.objects.none(),
        help_text=_(
            "Licences granted against a credit commitment that your department supervises; "
            "the list shows the latest 200."
        ),
    )
    reason = forms.CharField(
        label=_("Breach or false materials found"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text=_("What was found, when and how (inspection record, document number)."),
    )

    def __init__(
        self, *args: Any, actor: Actor, pinned: Licence | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["licence"]
        field.queryset = selectors.licences_for_breach_report(actor=actor)
        field.pinned = pinned

    def service_arguments(self) -> dict[str, Any]:
        return {"licence": self.cleaned_data["licence"], "reason": self.cleaned_data["reason"]}
