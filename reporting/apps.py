from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The top layer: the monthly report, its charts and Excel, reminders and the home pages;
    it reads every app below it."""

    name = "reporting"
    verbose_name = _("Reports and reminders")
