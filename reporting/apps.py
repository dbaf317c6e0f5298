from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The top layer: the monthly report, its charts and Excel, reminders and the home pages;
    it reads every app below it."""

    name = "reporting"
    verbose_name = _("Reports and reminders")

    def ready(self) -> None:
        from notifications.sweeps import Sweep, sweep_register

        from .reminders import reminders_send_due

        # Sends reminders before deadlines (none is charged), exactly once per obligation.
        sweep_register(Sweep("notifications.send_reminders", reminders_send_due, False))
