"""Legacy cases (R17) — web forms: they parse input; the services decide."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from counterparties.models import Counterparty
from counterparties.selectors import counterparty_by_code
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.models import Department, DepartmentKind
from supervision.forms import MultipleFileField


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
        counterparty = counterparty_by_code(code)
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
