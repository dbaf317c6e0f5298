from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from notifications.sweeps import Sweep, sweep_register

        from . import decision_checks, reorganisation, todo
        from .inquiries.services import inquiries_deem_consent

        decision_checks.register()
        reorganisation.register()
        todo.register()
        sweep_register(Sweep("coordination.inquiries_deem_consent", inquiries_deem_consent))
