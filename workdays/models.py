from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkdayOverride(models.Model):
    """An admin's decision for one date; it wins over every other calendar source (R0)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_(
            "Ticked: a working day (e.g. an adjusted working weekend). Unticked: a day off."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["-date"]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date.isoformat()} · {kind}"


class CalendarYear(models.Model):
    """A year whose State Council holiday notice has been loaded, so it counts as covered."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2999)],
    )
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("loaded calendar year")
        verbose_name_plural = _("loaded calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
