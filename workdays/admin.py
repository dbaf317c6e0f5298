from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from linzi_platform.admin import PlatformModelAdmin

from .calendar import PACKAGE_YEARS, package_is_working_day, provisional_holidays
from .csv_import import WorkdaysCsvError, parse_workdays_csv
from .csv_import import _decode as decode_csv_bytes
from .models import CalendarYear, WorkdayOverride
from .selectors import calendar_uncovered_years_ahead, calendar_warning_text
from .services import calendar_import_notice

NOTICE_MAX_BYTES = 256 * 1024


class NoticeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Holiday notice (CSV)"),
        help_text=_(
            "Header date,is_working_day,note; one row per holiday and adjusted working day."
        ),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Upload a .csv file."))
        if upload.size > NOTICE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 256 KB."))
        return upload


def _warn_about_uncovered_years(request: HttpRequest) -> None:
    # Only on GET: a POST (bulk action) redirects and the next GET would warn a second time.
    if request.method != "GET":
        return
    for year in calendar_uncovered_years_ahead():
        messages.warning(request, calendar_warning_text(year))


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(PlatformModelAdmin):
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
            festival = provisional_holidays(obj.date.year).get(obj.date)
            if festival is not None:
                return gettext("statutory holiday (%(festival)s), no official data") % {
                    "festival": festival
                }
            return gettext("no official data (Monday to Friday)")
        return gettext("working day") if official else gettext("day off")

    change_list_template = "admin/workdays/workdayoverride/change_list.html"

    def save_model(
        self, request: HttpRequest, obj: WorkdayOverride, form: ModelForm, change: bool
    ) -> None:
        obj.updated_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="workdays.override_save",
                obj=obj,
                details={
                    "date": obj.date.isoformat(),
                    "is_working_day": obj.is_working_day,
                    "note": obj.note,
                },
            )

    def delete_model(self, request: HttpRequest, obj: WorkdayOverride) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="workdays.override_delete",
                obj=obj,
                details={"date": obj.date.isoformat(), "is_working_day": obj.is_working_day},
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="workdays_workdayoverride_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a year's State Council notice; every row is checked before anything is saved."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = NoticeUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                rows = parse_workdays_csv(decode_csv_bytes(form.cleaned_data["file"].read()))
            except WorkdaysCsvError as exc:
                form.add_error("file", str(exc))
            else:
                summary = calendar_import_notice(
                    rows=rows, by=request.user, source=form.cleaned_data["file"].name
                )
                messages.success(
                    request,
                    gettext("Imported %(total)d dates for %(years)s.")
                    % {"total": summary.total, "years": ", ".join(map(str, summary.years))},
                )
                return redirect("admin:workdays_workdayoverride_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": gettext("Import a holiday notice"),
        }
        return TemplateResponse(request, "admin/workdays/import_notice.html", context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_about_uncovered_years(request)
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(PlatformModelAdmin):
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
