from django import forms
from django.utils.translation import gettext_lazy as _

from linzi_platform.ids import parse_id
from organizations.models import mobile_validator


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Query or dispute"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BulkClaimForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("pushes"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Any integer ids: the service only claims the department's own pending pushes.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(value, value) for value in raw if parse_id(value)]


class PreferencesForm(forms.Form):
    email = forms.BooleanField(label=_("Also send my notifications by e-mail"), required=False)
    sms = forms.BooleanField(
        label=_("Remind me by SMS of deadlines due today and of auto-claimed pushes"),
        required=False,
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        required=False,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("sms") and not cleaned.get("mobile") and "mobile" not in self.errors:
            self.add_error("mobile", _("Enter your mobile number to receive SMS reminders."))
        return cleaned
