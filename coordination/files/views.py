"""Important-matter files (R14): consultation, stakeholder opinions, hearings — web pages: each
view parses a form and calls one service; records of another department are not found (404)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coordination import selectors
from coordination.files.forms import (
    ConsultationForm,
    HearingForm,
    ImportantFileForm,
    NoHearingForm,
    StakeholderOpinionForm,
)
from coordination.models import (
    Hearing,
    ImportantFile,
)
from coordination.views import _actor, _page
from linzi_platform.forms import ServiceErrorsMixin
from linzi_platform.web_errors import call_service
from organizations.models import DepartmentKind
from organizations.scoping import Actor

from . import services


@login_required
@require_GET
def file_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    queryset = selectors.important_files_visible(actor=actor)
    page = _page(request, queryset, (("created_at", True), ("id", True)))
    return render(
        request,
        "coordination/file_list.html",
        {
            "section": "files",
            "files": page.items,
            "next_cursor": page.next_cursor,
            "can_create": actor.is_of_kind(DepartmentKind.APPROVAL),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    actor.require_kind(DepartmentKind.APPROVAL, _("Only the approval department can do this."))
    form = ImportantFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        file = call_service(
            request,
            form,
            services.important_file_create,
            actor=actor,
            item=data["item"],
            project_name=data["project_name"],
            counterparty_code=data["counterparty_code"],
        )
        if file is not None:
            messages.success(
                request, _("The file was opened; the supervision departments were asked.")
            )
            return redirect("coordination:file-detail", pk=file.pk)
    return render(request, "coordination/file_form.html", {"form": form, "section": "files"})


def _visible_file(actor: Actor, pk: int) -> ImportantFile:
    try:
        return selectors.important_file_detail(actor=actor, pk=pk)
    except ImportantFile.DoesNotExist:
        raise Http404 from None


def _file_page(request: HttpRequest, file: ImportantFile, **forms: Any) -> HttpResponse:
    actor = _actor(request)
    own = actor.department.pk if actor.department is not None else None
    is_owner = own == file.department_id
    open_departments = selectors.consultation_departments_open(file=file)
    can_consult = is_owner or any(d.pk == own for d in open_departments)
    hearing = Hearing.objects.filter(file=file).first()
    context = {
        "section": "files",
        "file": file,
        "missing": selectors.important_file_missing(file=file),
        "hearing": hearing,
        "is_owner": is_owner,
        "open_departments": open_departments,
        "can_consult": can_consult and bool(open_departments),
        "hearing_open": is_owner and hearing is None and not file.no_hearing_reason,
        "consultation_form": ConsultationForm(departments=open_departments),
        "stakeholder_form": StakeholderOpinionForm(),
        "hearing_form": HearingForm(),
        "no_hearing_form": NoHearingForm(),
        # Only those the actor may open: a supervision department sees its own invitations.
        "meetings": selectors.meetings_visible(actor=actor)
        .filter(important_file=file)
        .order_by("-scheduled_at", "-id"),
        "inspections": selectors.inspections_visible(actor=actor)
        .filter(important_file=file)
        .order_by("-scheduled_at", "-id"),
    }
    context.update(forms)
    return render(request, "coordination/file_detail.html", context)


@login_required
@require_GET
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _file_page(request, _visible_file(_actor(request), pk))


def _file_step(
    request: HttpRequest,
    pk: int,
    *,
    form_name: str,
    build: Callable[[ImportantFile], ServiceErrorsMixin],
    call: Callable[[Actor, ImportantFile, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    actor = _actor(request)
    file = _visible_file(actor, pk)
    form = build(file)
    if form.is_valid():  # type: ignore[attr-defined]
        data = form.cleaned_data  # type: ignore[attr-defined]
        saved = call_service(request, form, call, actor=actor, file=file, data=data)
        if saved is not None:
            messages.success(request, done)
            return redirect("coordination:file-detail", pk=pk)
    return _file_page(request, file, **{form_name: form})


@login_required
@require_POST
def file_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    return _file_step(
        request,
        pk,
        form_name="consultation_form",
        build=lambda file: ConsultationForm(
            request.POST,
            request.FILES,
            departments=selectors.consultation_departments_open(file=file),
        ),
        call=lambda actor, file, data: services.consultation_record(
            actor=actor,
            file=file,
            department=data["department"],
            opinion=data["opinion"],
            document=data["document"],
        ),
        done=_("The consultation opinion was recorded."),
    )


@login_required
@require_POST
def file_stakeholder(request: HttpRequest, pk: int) -> HttpResponse:
    return _file_step(
        request,
        pk,
        form_name="stakeholder_form",
        build=lambda file: StakeholderOpinionForm(request.POST, request.FILES),
        call=lambda actor, file, data: services.stakeholder_opinion_record(
            actor=actor,
            file=file,
            stakeholder=data["stakeholder"],
            summary=data["summary"],
            document=data["document"],
        ),
        done=_("The stakeholder opinion was recorded."),
    )


@login_required
@require_POST
def file_hearing(request: HttpRequest, pk: int) -> HttpResponse:
    return _file_step(
        request,
        pk,
        form_name="hearing_form",
        build=lambda file: HearingForm(request.POST, request.FILES),
        call=lambda actor, file, data: services.hearing_record(
            actor=actor,
            file=file,
            held_on=data["held_on"],
            participants=data["participants"],
            minutes=data["minutes"],
            document=data["document"],
        ),
        done=_("The hearing was recorded."),
    )


@login_required
@require_POST
def file_no_hearing(request: HttpRequest, pk: int) -> HttpResponse:
    return _file_step(
        request,
        pk,
        form_name="no_hearing_form",
        build=lambda file: NoHearingForm(request.POST),
        call=lambda actor, file, data: services.no_hearing_reason_record(
            actor=actor, file=file, reason=data["reason"]
        ),
        done=_("The reason no hearing was needed was recorded."),
    )
