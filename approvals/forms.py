import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counterparties.validators import normalize_code
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin

from .decision_checks import important_files_for
from .models import ApprovalItem, CreditMode
from .services import DecisionInput, licence_decision_problems

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LicenceDecisionForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    """The decision form for one item: only the fields that item needs are shown (R2).

    Its clean() asks the service what it would refuse, so one submit shows every problem."""

    FIELDSETS = (
        (
            "applicant",
            _("Applicant"),
            ["code_type", "code", "counterparty_name", "contact_name", "contact_phone"],
        ),
        ("licence", _("Licence"), ["licence_no", "licence_date", "valid_from", "valid_to"]),
        (
            "integrated",
            _("Integrated licence face"),
            ["licence_title", "licence_scope", "licence_address"],
        ),
        (
            "commitment",
            _("Commitment"),
            ["ordinary_procedure", "commitment_text", "commitment_signer", "commitment_signed_at"],
        ),
        ("important", _("Important-matter file"), ["important_file"]),
        ("attachments", _("Attachments"), ["commitment_scan"]),
    )

    code_type = forms.ChoiceField(
        label=_("Identifier"),
        choices=[
            ("credit_code", _("Unified social credit code (organisation)")),
            ("id_number", _("ID card number (individual)")),
        ],
        initial="credit_code",
        widget=forms.RadioSelect,
    )
    # No min/max length here: the check-digit validators name the field and the length typed.
    code = forms.CharField(
        label=_("Credit code or ID number"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "code-input"}
        ),
        help_text=_("18 characters; a counterparty on record is filled in from it."),
    )
    counterparty_name = forms.CharField(label=_("Counterparty name"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)
    licence_no = forms.CharField(label=_("Licence number"), max_length=64)
    licence_date = forms.DateField(label=_("Licence date"), widget=DATE)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DATE, required=False, help_text=_("Leave empty for no expiry.")
    )
    access_acknowledged = forms.BooleanField(
        label=_("I have seen the access restriction and its reasons (R7)."), required=False
    )

    def __init__(self, *args: Any, item: ApprovalItem, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.actor = actor
        files = important_files_for(item=item, actor=actor) if item.is_important else None
        if files is not None:
            self.fields["important_file"] = forms.ModelChoiceField(
                label=_("Important-matter file"),
                queryset=files,
                required=False,
                help_text=_("Important items are decided only on a complete file (R14)."),
            )
        today = timezone.localdate()
        self.fields["licence_date"].initial = today
        self.fields["valid_from"].initial = today
        if item.integrated_licence:
            self.fields["licence_title"] = forms.CharField(
                label=_("Integrated licence title"), max_length=200
            )
            self.fields["licence_scope"] = forms.CharField(
                label=_("Licensed scope"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
            )
            self.fields["licence_address"] = forms.CharField(
                label=_("Business address"), max_length=300, required=False
            )
        if item.needs_commitment:
            self.fields["commitment_text"] = forms.CharField(
                label=_("Commitment letter"),
                widget=forms.Textarea(attrs={"rows": 6}),
                max_length=20000,
            )
            self.fields["commitment_signer"] = forms.CharField(label=_("Signed by"), max_length=100)
            self.fields["commitment_signed_at"] = forms.DateTimeField(
                label=_("Signed at"),
                widget=DATETIME,
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
                initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
            )
        if item.credit_mode != CreditMode.NONE:
            # Checked by the service: not needed when the ordinary procedure is chosen.
            for name in ("commitment_text", "commitment_signer", "commitment_signed_at"):
                self.fields[name].required = False
            self.fields["commitment_scan"] = forms.FileField(
                label=_("Scanned commitment (optional)"), required=False
            )
            self.fields["ordinary_procedure"] = forms.BooleanField(
                label=_("Use the ordinary procedure instead of credit approval"),
                required=False,
                help_text=_("Required for applicants on the dishonest list (strict access)."),
            )
        self.use_plain_messages()

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data.get("code"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problems = licence_decision_problems(actor=self.actor, decision=self.decision_input())
        for field, messages in problems.items():
            target = self.SERVICE_FIELD_MAP.get(field, field)
            if target in self.errors:
                continue  # its own check already said what is wrong (e.g. "请填写…")
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
        return data

    def decision_input(self) -> DecisionInput:
        # Also called from clean() on partial data: a field that failed its own check is absent.
        return DecisionInput(**self._decision_arguments())

    def _decision_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        code_field = data.get("code_type") or "credit_code"
        arguments: dict[str, Any] = {
            "item": self.item,
            "counterparty": {
                "name": data.get("counterparty_name", ""),
                code_field: data.get("code", ""),
                "contact_name": data.get("contact_name", ""),
                "contact_phone": data.get("contact_phone", ""),
            },
            "licence_no": data.get("licence_no", ""),
            "licence_date": data.get("licence_date"),
            "valid_from": data.get("valid_from"),
            "valid_to": data.get("valid_to"),
            "access_acknowledged": bool(data.get("access_acknowledged")),
        }
        if self.item.is_important:
            arguments["important_file"] = data.get("important_file")
        if self.item.integrated_licence:
            arguments["integrated_licence"] = {
                "title": data.get("licence_title", ""),
                "scope": data.get("licence_scope", ""),
                "address": data.get("licence_address", ""),
            }
        if self.item.credit_mode != CreditMode.NONE:
            arguments["ordinary_procedure"] = bool(data.get("ordinary_procedure"))
            arguments["commitment_scan"] = data.get("commitment_scan")
        if self.item.needs_commitment:
            signed_at: datetime.datetime | None = data.get("commitment_signed_at")
            arguments["commitment"] = {
                "text": data.get("commitment_text", ""),
                "signer": data.get("commitment_signer", ""),
                "signed_at": signed_at,
                "mode": self.item.credit_mode if self.item.credit_mode != CreditMode.NONE else "",
            }
        return arguments

    # Service errors are keyed by service field names; map them onto this form's fields.
    SERVICE_FIELD_MAP = {
        "counterparty.name": "counterparty_name",
        "counterparty.credit_code": "code",
        "counterparty.id_number": "code",
        "counterparty.contact_name": "contact_name",
        "counterparty.contact_phone": "contact_phone",
        "integrated_licence": "licence_title",
        "commitment": "commitment_text",
        "item": None,
    }

    def item_needs(self) -> list[str]:
        return item_needs(self.item)


def item_needs(item: ApprovalItem) -> list[str]:
    """What a decision on this item asks for beyond the applicant and the licence, in words."""
    needs = []
    if item.notification_commitment:
        needs.append(str(_("the applicant's signed notification commitment")))
    if item.credit_mode != CreditMode.NONE:
        needs.append(
            str(_("a credit-approval commitment (%(mode)s)"))
            % {"mode": CreditMode(item.credit_mode).label}
        )
    if item.is_important:
        needs.append(str(_("a complete important-matter file")))
    if item.integrated_licence:
        needs.append(str(_("the integrated licence's face information")))
    return needs
