from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Departments and staff")

    def ready(self) -> None:
        from audit.naming import actor_namer_register

        from . import schema  # noqa: F401  (registers the OpenAPI description of API keys)
        from .people import person_name, staff_names

        actor_namer_register(lambda label: person_name(label, staff_names()))
