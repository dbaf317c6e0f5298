from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Department


class MonthlyReportImmutable(Exception):
    """A compiled monthly report is a snapshot: recompile makes a new version instead."""


class MonthlyReport(models.Model):
    """The push/claim report of one calendar month (R18, Art. 7 and 15), kept as it was
    compiled. Re-compiling adds a version; the old one stays."""

    month = models.DateField(_("month"))
    version = models.PositiveIntegerField(_("version"))
    compiled_at = models.DateTimeField(_("compiled at"))
    compiled_by_label = models.CharField(_("compiled by"), max_length=150)
    data = models.JSONField(_("figures"))

    # The audit trail (R20) is append-only and named reports so before the model moved here:
    # every event of one report, old or new, stays under the one key.
    AUDIT_OBJECT_TYPE = "notifications.monthlyreport"

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        # Moved from the notifications app with its table (no rebuild of existing data).
        db_table = "notifications_monthlyreport"
        ordering = ["-month", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["month", "version"], name="report_month_version")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise MonthlyReportImmutable("a compiled monthly report is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise MonthlyReportImmutable("a compiled monthly report is never deleted")


class Reminder(models.Model):
    """One reminder per open obligation, 2 working hours before its deadline (exactly once)."""

    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    deadline = models.DateTimeField(_("deadline"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        db_table = "notifications_reminder"
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}"
