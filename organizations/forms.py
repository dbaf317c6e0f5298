from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Department

USERNAME_MAX_LENGTH = 150


class LoginForm(AuthenticationForm):
    """Django's login form, but an over-long user name is refused before authentication,
    so nothing downstream (lockout records, audit) ever sees it."""

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username") or ""
        if len(username) > USERNAME_MAX_LENGTH:
            raise forms.ValidationError(_("The user name is too long."), code="max_length")
        return username


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The user name axes records for a failed login, cut to the column's length."""
    source = credentials or getattr(request, "POST", {}) or {}
    return str(source.get("username") or "")[:USERNAME_MAX_LENGTH]


class DepartmentMergeForm(forms.Form):
    """The successor chooser of the admin's merge page (R21); the service re-checks it."""

    successor = forms.ModelChoiceField(
        label=_("Successor department"),
        queryset=None,
        empty_label=_("— choose —"),
        required=False,
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            Department.objects.filter(active=True, kind=department.kind)
            .exclude(pk=department.pk)
            .order_by("code")
        )
