"""Joint site inspections and reviews (联合踏勘 / 联合会审, Art. 11, R15) — web forms: they
parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalItem
from coordination import selectors
from coordination.forms import (
    DATETIME,
    DATETIME_FORMATS,
    TEXTAREA,
    DepartmentsField,
    ImportantFileChoiceField,
    _own_files,
)
from coordination.models import ImportantFile, InspectionKind
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ApprovalItem) -> str:
        return obj.display_name


class InspectionForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    title = forms.CharField(label=_("Subject"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200)
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        help_text=_(
            "At least 1 working day after today: the earliest is 17:30 of the next working day."
        ),
    )
    invitees = DepartmentsField(
        label=_("Invited supervision departments"), queryset=Department.objects.none()
    )
    item = ItemChoiceField(
        label=_("Item (optional)"),
        queryset=ApprovalItem.objects.filter(active=True).order_by("code"),
        required=False,
    )
    important_file = ImportantFileChoiceField(
        label=_("Important-matter file (optional)"),
        queryset=ImportantFile.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = selectors.departments_to_choose(
            actor=actor, kind=DepartmentKind.SUPERVISION
        )
        self.fields["important_file"].queryset = _own_files(actor)


class ReportForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    findings = forms.CharField(
        label=_("Findings"), max_length=50000, widget=forms.Textarea(attrs={"rows": 10})
    )
    conclusion = forms.CharField(label=_("Conclusion"), max_length=10000, widget=TEXTAREA)


class SignOffForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Your department's answer"),
        choices=[("sign", _("Sign off the report")), ("dissent", _("Record dissent"))],
        widget=forms.RadioSelect,
        initial="sign",
    )
    dissent = forms.CharField(
        label=_("Dissent"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when you record dissent."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "dissent" and not (data.get("dissent") or "").strip():
            self.add_error("dissent", _("Explain your dissent."))
        return data
