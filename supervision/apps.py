from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from notifications.sweeps import Sweep, sweep_register

        from . import decision_checks, push_kinds, todo
        from .actions.services import suspensions_end_due

        decision_checks.register()
        push_kinds.register()
        todo.register()
        # Ends suspensions (R8); charges no deadline, so the report need not wait for it.
        sweep_register(Sweep("supervision.suspensions_end", suspensions_end_due, False))
