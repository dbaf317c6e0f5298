from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.core import checks

        from audit import signals
        from audit.checks import check_hash_algorithm

        signals.connect_auth_receivers()
        checks.register(check_hash_algorithm)
