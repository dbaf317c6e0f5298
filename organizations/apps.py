from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Departments and staff")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from linzi_platform.sessions import record_sign_in_time

        from . import (
            lockout,  # noqa: F401  (the lockout audit)
            schema,  # noqa: F401  (registers the OpenAPI description of API keys)
            two_factor,
        )
        from .passwords import remember_password_state_at_sign_in

        two_factor.connect_signals()
        # The session's absolute limit counts from the sign-in (GB/T 22239-2019 8.1.4.1 b).
        user_logged_in.connect(record_sign_in_time, dispatch_uid="sessions.sign_in_time")
        # Whether the password must change, kept in the session (GB/T 22239-2019 8.1.4.1 a).
        user_logged_in.connect(
            remember_password_state_at_sign_in, dispatch_uid="passwords.state_at_sign_in"
        )
