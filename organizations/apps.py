from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Departments and staff")

    def ready(self) -> None:
        from . import (
            lockout,  # noqa: F401  (the lockout audit)
            schema,  # noqa: F401  (registers the OpenAPI description of API keys)
            two_factor,
        )

        two_factor.connect_signals()
