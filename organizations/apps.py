from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Departments and staff")

    def ready(self) -> None:
        from . import lockout, schema  # noqa: F401  (the lockout audit; API keys' OpenAPI)
