"""Important-matter files (R14): consultation, stakeholder opinions, hearings — web forms: they
parse input; the services decide."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalItem, ImportantCategory
from coordination.forms import DATE, TEXTAREA, DepartmentChoiceField
from coordination.inspections.forms import ItemChoiceField
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.models import Department


class ImportantFileForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    item = ItemChoiceField(
        label=_("Important item"),
        queryset=ApprovalItem.objects.filter(active=True)
        .exclude(important_category=ImportantCategory.NONE)
        .order_by("code"),
    )
    project_name = forms.CharField(label=_("Project or applicant"), max_length=200)
    counterparty_code = forms.CharField(
        label=_("Applicant's credit code or ID number (optional)"), max_length=18, required=False
    )


class ConsultationForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    department = DepartmentChoiceField(
        label=_("Supervision department"), queryset=Department.objects.none(), required=False
    )
    opinion = forms.CharField(label=_("Opinion"), max_length=10000, widget=TEXTAREA)
    document = forms.FileField(label=_("Opinion document"), required=False)

    def __init__(
        self, *args: Any, departments: QuerySet[Department] | list[Department], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = [department.pk for department in departments]
        self.fields["department"].queryset = Department.objects.filter(pk__in=ids).order_by("code")


class StakeholderOpinionForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    stakeholder = forms.CharField(label=_("Stakeholder"), max_length=200)
    summary = forms.CharField(label=_("Summary of the opinion"), max_length=10000, widget=TEXTAREA)
    document = forms.FileField(label=_("Document (optional)"), required=False)


class HearingForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    participants = forms.CharField(
        label=_("Participants"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label=_("Minutes"), max_length=50000, widget=forms.Textarea(attrs={"rows": 8})
    )
    document = forms.FileField(label=_("Minutes document (optional)"), required=False)


class NoHearingForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why no hearing was needed"), max_length=10000, widget=TEXTAREA
    )
