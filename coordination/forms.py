"""Web forms of the coordination side: they parse input; the services decide."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalItem, ImportantCategory
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from linzi_platform.ids import parse_id
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor

from . import selectors
from .models import ImportantFile, InspectionKind
from .services import (
    INQUIRY_DEFAULT_WORKING_DAYS,
    INQUIRY_MAX_WORKING_DAYS,
    INQUIRY_MIN_WORKING_DAYS,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
TEXTAREA = forms.Textarea(attrs={"rows": 5})


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return str(obj.name)


class DepartmentsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def _check_values(self, value: Any) -> QuerySet[Department]:
        # An id beyond the database's integer range reached the `pk__in` query and made the
        # driver overflow (a 500): refuse it like any other unknown id.
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj: Department) -> str:
        return str(obj.name)


class ImportantFileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ImportantFile) -> str:
        return f"{obj.project_name} · {obj.item.name} · {obj.created_at:%Y-%m-%d}"


def _own_files(actor: Actor) -> QuerySet[ImportantFile]:
    if actor.department is None:
        return ImportantFile.objects.none()
    return ImportantFile.objects.filter(department=actor.department).select_related("item")


# Inquiry letters ---------------------------------------------------------------------------


class InquiryForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    receiver = DepartmentChoiceField(label=_("To department"), queryset=Department.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=200)
    question = forms.CharField(label=_("Question"), max_length=10000, widget=TEXTAREA)
    reply_working_days = forms.IntegerField(
        label=_("Reply within (working days)"),
        initial=INQUIRY_DEFAULT_WORKING_DAYS,
        min_value=INQUIRY_MIN_WORKING_DAYS,
        max_value=INQUIRY_MAX_WORKING_DAYS,
        help_text=_("1 to 30; without a reply by the deadline the inquiry is deemed consent."),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = selectors.departments_to_choose(actor=actor)


class ReplyForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=10000, widget=TEXTAREA)


# Joint meetings -----------------------------------------------------------------------------


class MeetingForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), max_length=10000, widget=TEXTAREA, required=False)
    location = forms.CharField(label=_("Location"), max_length=200)
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    invitees = DepartmentsField(label=_("Invited departments"), queryset=Department.objects.none())
    important_file = ImportantFileChoiceField(
        label=_("Important-matter file (optional)"),
        queryset=ImportantFile.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = selectors.departments_to_choose(actor=actor)
        self.fields["important_file"].queryset = _own_files(actor)


class OpinionForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    opinion = forms.CharField(
        label=_("Your department's opinion"), max_length=10000, widget=TEXTAREA
    )


class MinutesForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=50000, widget=forms.Textarea(attrs={"rows": 8})
    )
    conclusions = forms.CharField(label=_("Conclusions"), max_length=10000, widget=TEXTAREA)


# Joint inspections and reviews -----------------------------------------------------------------


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


# Important-matter files ------------------------------------------------------------------------


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
