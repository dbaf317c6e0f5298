"""Joint meetings (联席会议, Art. 9–10, R15) — web forms: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination import selectors
from coordination.forms import (
    DATETIME,
    DATETIME_FORMATS,
    TEXTAREA,
    DepartmentsField,
    ImportantFileChoiceField,
    _own_files,
)
from coordination.models import ImportantFile
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.models import Department
from organizations.scoping import Actor


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
