from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit approval")

    def ready(self) -> None:
        from notifications.sweeps import Sweep, sweep_register

        from . import decision_checks, push_kinds, reorganisation, todo
        from .services import verifications_sweep

        decision_checks.register()
        push_kinds.register()
        reorganisation.register()
        todo.register()
        sweep_register(Sweep("credit.verifications_sweep", verifications_sweep))
