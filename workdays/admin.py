from typing import Any

from django.contrib import admin, messages
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .calendar import PACKAGE_YEARS, package_is_working_day
from .models import CalendarYear, WorkdayOverride
from .selectors import calendar_uncovered_years_ahead, calendar_warning_text


def _warn_about_uncovered_years(request: HttpRequest) -> None:
    # Only on GET: a POST (bulk action) redirects and the next GET would warn a second time.
    if request.method != "GET":
        return
    for year in calendar_uncovered_years_ahead():
        messages.warning(request, calendar_warning_text(year))


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = (
        "date",
        "weekday",
        "is_working_day",
        "official_calendar",
        "note",
        "updated_by",
        "updated_at",
    )
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("note",)
    fields = ("date", "is_working_day", "note", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
    list_select_related = ("updated_by",)

    @admin.display(description=_("weekday"))
    def weekday(self, obj: WorkdayOverride) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    @admin.display(description=_("official calendar"))
    def official_calendar(self, obj: WorkdayOverride) -> str:
        official = package_is_working_day(obj.date)
        if official is None:
            return gettext("no official data (Monday to Friday)")
        return gettext("working day") if official else gettext("day off")

    def save_model(
        self, request: HttpRequest, obj: WorkdayOverride, form: ModelForm, change: bool
    ) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_about_uncovered_years(request)
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "loaded_at", "note")
    search_fields = ("note",)
    ordering = ("-year",)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_about_uncovered_years(request)
        extra_context = {
            **(extra_context or {}),
            "subtitle": gettext(
                "Years %(first)s–%(last)s come with the software; list here the years whose "
                "State Council notice has been loaded."
            )
            % {"first": PACKAGE_YEARS.start, "last": PACKAGE_YEARS.stop - 1},
        }
        return super().changelist_view(request, extra_context)
