"""The admin pages of an import of licences in force: upload (with the template), the check's
result to confirm, and the progress. The pages parse and call one service each."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from linzi_platform.admin import PlatformModelAdmin
from linzi_platform.forms import ServiceErrorsMixin
from linzi_platform.web_errors import call_service
from organizations.models import Department, DepartmentKind
from organizations.scoping import actor_for_user

from ..models import LicenceImport, LicenceImportRow
from ..models import LicenceImportState as State
from .columns import COLUMNS, TEMPLATE_FILE_NAME, template_workbook
from .files import file_too_large_message, max_bytes
from .selectors import import_licences, import_problem_rows, import_progress, problems_workbook
from .services import (
    licence_import_confirm,
    licence_import_discard,
    licence_import_resume,
    licence_import_upload,
)

ROWS_PER_PAGE = 50
LICENCES_SHOWN = 20
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(ServiceErrorsMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Approval department"),
        queryset=Department.objects.none(),
        empty_label=_("Please choose"),
        help_text=_("The department that issued the licences in the file."),
    )
    file = forms.FileField(
        label=_("File (Excel or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, actor_department: Department | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(kind=DepartmentKind.APPROVAL, active=True).order_by(
            "code"
        )
        self.fields["department"].queryset = departments
        if actor_department is not None and actor_department.is_approval:
            self.fields["department"].initial = actor_department.pk
        elif len(departments) == 1:
            self.fields["department"].initial = departments[0].pk
        self.fields["file"].help_text = gettext(
            "Columns as in the template; at most %(size)s and %(rows)d rows. Excel workbook "
            "(.xlsx) or CSV in UTF-8 or GB18030."
        ) % {"size": filesizeformat(max_bytes()), "rows": _max_rows()}
        self.fields["file"].error_messages["required"] = gettext("Choose the file to import.")
        # The page's script says so before a file over the limit is sent (the server too).
        self.fields["file"].widget.attrs.update(
            {
                "data-max-bytes": str(max_bytes()),
                "data-too-large": file_too_large_message(),
            }
        )


def _max_rows() -> int:
    return settings.LICENCE_IMPORT_MAX_ROWS


class LicenceImportAdmin(PlatformModelAdmin):
    list_display = [
        "file_name",
        "department",
        "state",
        "total_rows",
        "imported_rows",
        "problem_rows",
        "repush",
        "uploaded_by_label",
        "uploaded_at",
    ]
    list_filter = ["state", "department"]
    list_select_related = ["department"]
    search_fields = ["file_name"]
    date_hierarchy = "uploaded_at"
    change_list_template = "admin/approvals/licenceimport/change_list.html"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="approvals_licenceimport_upload"),
            path("template/", view(self.template_view), name="approvals_licenceimport_template"),
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="approvals_licenceimport_preview",
            ),
            path(
                "<int:object_id>/progress/",
                view(self.progress_view),
                name="approvals_licenceimport_progress",
            ),
            path(
                "<int:object_id>/problems/",
                view(self.problems_view),
                name="approvals_licenceimport_problems",
            ),
            path(
                "<int:object_id>/status/",
                view(self.status_view),
                name="approvals_licenceimport_status",
            ),
            path(
                "<int:object_id>/confirm/",
                view(require_POST(self.confirm_view)),
                name="approvals_licenceimport_confirm",
            ),
            path(
                "<int:object_id>/discard/",
                view(require_POST(self.discard_view)),
                name="approvals_licenceimport_discard",
            ),
            path(
                "<int:object_id>/resume/",
                view(require_POST(self.resume_view)),
                name="approvals_licenceimport_resume",
            ),
            *super().get_urls(),
        ]

    # --- helpers ----------------------------------------------------------------------------

    def _require(self, request: HttpRequest) -> None:
        if not self.has_add_permission(request):
            raise PermissionDenied(gettext("Only platform administrators import licences."))

    def _job(self, request: HttpRequest, object_id: int) -> LicenceImport:
        self._require(request)
        return get_object_or_404(LicenceImport.objects.select_related("department"), pk=object_id)

    def _page(self, request: HttpRequest, template: str, title: str, **context: Any):
        return TemplateResponse(
            request,
            f"admin/approvals/licenceimport/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    @staticmethod
    def job_url(job: LicenceImport) -> str:
        name = "preview" if job.state == State.CHECKED else "progress"
        return reverse(f"admin:approvals_licenceimport_{name}", args=[job.pk])

    # --- views ------------------------------------------------------------------------------

    def add_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("admin:approvals_licenceimport_upload")

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any):
        if not object_id.isdigit():
            return redirect("admin:approvals_licenceimport_changelist")
        return redirect(self.job_url(self._job(request, int(object_id))))

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request)
        actor = actor_for_user(request.user)
        form = UploadForm(
            request.POST or None, request.FILES or None, actor_department=actor.department
        )
        if request.method == "POST" and form.is_valid():
            found = call_service(
                request,
                form,
                licence_import_upload,
                actor=actor,
                department=form.cleaned_data["department"],
                upload=form.cleaned_data["file"],
            )
            if found is not None:
                job, created = found
                if not created:
                    messages.warning(
                        request,
                        gettext(
                            "This file was uploaded on %(when)s already: its import is shown "
                            "below. Importing it again would change nothing."
                        )
                        % {"when": timezone.localtime(job.uploaded_at).strftime("%Y-%m-%d %H:%M")},
                    )
                return redirect(self.job_url(job))
        return self._page(
            request,
            "upload.html",
            gettext("Import licences in force"),
            crumb=gettext("Upload a file"),
            form=form,
            columns=COLUMNS,
        )

    def template_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request)
        response = HttpResponse(template_workbook(today=timezone.localdate()), XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, TEMPLATE_FILE_NAME)
        return response

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        job = self._job(request, object_id)
        if job.state != State.CHECKED:
            return redirect(self.job_url(job))
        return self._page(
            request,
            "preview.html",
            gettext("Check the file before importing"),
            job=job,
            page=self._problems_page(request, job),
        )

    def _problems_page(self, request: HttpRequest, job: LicenceImport) -> Any:
        paginator = Paginator(import_problem_rows(job), ROWS_PER_PAGE)
        return paginator.get_page(request.GET.get("page"))

    def progress_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        job = self._job(request, object_id)
        if job.state == State.CHECKED:
            return redirect(self.job_url(job))
        done = job.state == State.DONE
        return self._page(
            request,
            "progress.html",
            gettext("Import of licences in force"),
            job=job,
            progress=import_progress(job),
            licences=list(import_licences(job)[:LICENCES_SHOWN]) if done else [],
            page=self._problems_page(request, job) if done else None,
        )

    def problems_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The rows with problems as a workbook, to correct the file row by row."""
        job = self._job(request, object_id)
        response = HttpResponse(problems_workbook(job), XLSX_TYPE)
        name = gettext("Problems of %(file)s.xlsx") % {"file": job.file_name.rsplit(".", 1)[0]}
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    def status_view(self, request: HttpRequest, object_id: int) -> JsonResponse:
        job = self._job(request, object_id)
        body = import_progress(job).as_json()
        body["url"] = self.job_url(job)
        return JsonResponse(body)

    def confirm_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        job = self._job(request, object_id)
        call_service(
            request,
            None,
            licence_import_confirm,
            job=job,
            actor=actor_for_user(request.user),
            repush=request.POST.get("repush") == "on",
        )
        job.refresh_from_db()
        return redirect(self.job_url(job))

    def discard_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        job = self._job(request, object_id)
        if call_service(
            request, None, licence_import_discard, job=job, actor=actor_for_user(request.user)
        ):
            messages.success(request, gettext("The import was discarded; nothing was imported."))
            return redirect("admin:approvals_licenceimport_changelist")
        return redirect(self.job_url(job))

    def resume_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        job = self._job(request, object_id)
        call_service(
            request, None, licence_import_resume, job=job, actor=actor_for_user(request.user)
        )
        return redirect(self.job_url(job))


class LicenceImportRowAdmin(PlatformModelAdmin):
    """The rows of the imports as checked, read-only: the import's pages show them."""

    list_display = ["row_number", "job", "licence_no", "counterparty_name", "outcome", "licence"]
    list_filter = ["outcome"]
    list_select_related = ["job", "licence__item"]
    search_fields = ["licence_no", "counterparty_name", "job__file_name"]
    raw_id_fields = ["job", "licence"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(LicenceImport, LicenceImportAdmin)
admin.site.register(LicenceImportRow, LicenceImportRowAdmin)
