from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from django.core import checks as django_checks
        from django.db.models.signals import post_delete, post_save

        from .checks import calendar_coverage_check
        from .models import CalendarYear
        from .selectors import calendar_forget_cached_coverage

        django_checks.register(calendar_coverage_check)
        # Loading or removing a year changes the warnings staff see on every page.
        for signal in (post_save, post_delete):
            signal.connect(
                calendar_forget_cached_coverage,
                sender=CalendarYear,
                dispatch_uid=f"workdays.forget_cached_coverage.{signal is post_save}",
            )
