"""The staff member's own password change (GB/T 22239-2019 8.1.4.1 a)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .passwords import (
    EXPIRED,
    MUST_CHANGE,
    max_age,
    password_changed_by_self,
    password_reason_for,
    remember_password_state,
)


class StaffPasswordChangeView(PasswordChangeView):
    """Django's change form and its validators; then the clock restarts, the change is
    audited, this session stays signed in (Django's update_session_auth_hash) and every other
    session of the account ends (its authentication hash no longer matches)."""

    form_class = PasswordChangeForm
    template_name = "registration/password_change.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        reason = password_reason_for(self.request.user)
        limit = max_age()
        context.update(
            reason=reason,
            must_change=reason == MUST_CHANGE,
            expired=reason == EXPIRED,
            max_age_days=limit.days if limit else None,
            next=self._next() or "",
        )
        return context

    def _next(self) -> str | None:
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return target
        return None

    def get_success_url(self) -> str:
        return self._next() or reverse("dashboard")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)  # saves, keeps this session signed in
        password_changed_by_self(user=form.user, request=self.request)
        remember_password_state(self.request.session, form.user)
        messages.success(
            self.request,
            _("Your password is changed. Your other logins, on other devices, have ended."),
        )
        return response


password_change = StaffPasswordChangeView.as_view()
