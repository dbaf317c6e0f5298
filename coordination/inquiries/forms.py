"""Inquiry letters (函询, Art. 12, R16) — web forms: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination import selectors
from coordination.forms import TEXTAREA, DepartmentChoiceField
from coordination.services import (
    INQUIRY_DEFAULT_WORKING_DAYS,
    INQUIRY_MAX_WORKING_DAYS,
    INQUIRY_MIN_WORKING_DAYS,
)
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from organizations.models import Department
from organizations.scoping import Actor


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
