"""Joint site inspections and reviews (联合踏勘 / 联合会审, Art. 11, R15) — web pages: each
view parses a form and calls one service; records of another department are not
found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coordination import selectors
from coordination.inspections.forms import InspectionForm, ReportForm, SignOffForm
from coordination.meetings.views import _earliest_text
from coordination.models import (
    Inspection,
    InspectionState,
    SignOff,
)
from coordination.views import _actor, _page, _state
from linzi_platform.ids import parse_id
from linzi_platform.web_errors import call_service
from organizations.models import DepartmentKind
from organizations.scoping import Actor

from . import services


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    queryset = selectors.inspections_visible(actor=actor)
    state = _state(request, InspectionState.values)
    if state:
        queryset = queryset.filter(state=state)
    page = _page(request, queryset, (("scheduled_at", True), ("id", True)))
    return render(
        request,
        "coordination/inspection_list.html",
        {
            "section": "inspections",
            "inspections": page.items,
            "next_cursor": page.next_cursor,
            "state": state,
            "states": InspectionState.choices,
            "can_schedule": actor.is_of_kind(DepartmentKind.APPROVAL),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    actor.require_kind(DepartmentKind.APPROVAL, _("Only the approval department can do this."))
    initial = {}
    file_id = parse_id(request.GET.get("file"))
    if file_id is not None:
        initial["important_file"] = file_id
    form = InspectionForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inspection = call_service(
            request,
            form,
            services.inspection_schedule,
            actor=actor,
            kind=data["kind"],
            title=data["title"],
            location=data["location"],
            scheduled_at=data["scheduled_at"],
            invitees=list(data["invitees"]),
            item=data["item"],
            important_file=data["important_file"],
        )
        if inspection is not None:
            messages.success(request, _("Scheduled; the supervision departments were invited."))
            return redirect("coordination:inspection-detail", pk=inspection.pk)
    return render(
        request,
        "coordination/inspection_form.html",
        {"form": form, "section": "inspections", "earliest": _earliest_text()},
    )


def _visible_inspection(actor: Actor, pk: int) -> Inspection:
    try:
        return selectors.inspection_detail(actor=actor, pk=pk)
    except Inspection.DoesNotExist:
        raise Http404 from None


def _inspection_page(
    request: HttpRequest,
    inspection: Inspection,
    *,
    report_form: ReportForm | None = None,
    signoff_form: SignOffForm | None = None,
) -> HttpResponse:
    actor = _actor(request)
    own = actor.department.pk if actor.department is not None else None
    participant = next((p for p in inspection.participants.all() if p.department_id == own), None)
    is_organiser = own == inspection.department_id
    state = inspection.state
    if report_form is None:
        report_form = ReportForm(
            initial={
                "findings": inspection.report_findings,
                "conclusion": inspection.report_conclusion,
            }
        )
    return render(
        request,
        "coordination/inspection_detail.html",
        {
            "section": "inspections",
            "inspection": inspection,
            "participant": participant,
            "is_organiser": is_organiser,
            "can_confirm": participant is not None
            and participant.confirmed_at is None
            and state == InspectionState.SCHEDULED,
            "can_draft": is_organiser and state != InspectionState.FINAL,
            "can_sign": participant is not None
            and participant.confirmed_at is not None
            and participant.signoff == SignOff.PENDING
            and state == InspectionState.REPORT_DRAFTED,
            "has_report": state != InspectionState.SCHEDULED,
            "report_form": report_form,
            "signoff_form": signoff_form or SignOffForm(),
        },
    )


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _inspection_page(request, _visible_inspection(_actor(request), pk))


@login_required
@require_POST
def inspection_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    inspection = _visible_inspection(actor, pk)
    if call_service(request, None, services.inspection_confirm, actor=actor, inspection=inspection):
        messages.success(request, _("Your attendance is confirmed."))
    return redirect("coordination:inspection-detail", pk=pk)


@login_required
@require_POST
def inspection_report(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    inspection = _visible_inspection(actor, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        done = call_service(
            request,
            form,
            services.inspection_report_draft,
            actor=actor,
            inspection=inspection,
            findings=form.cleaned_data["findings"],
            conclusion=form.cleaned_data["conclusion"],
        )
        if done is not None:
            messages.success(
                request, _("The joint report was sent to the participants for sign-off.")
            )
            return redirect("coordination:inspection-detail", pk=pk)
    if not form.errors:
        return redirect("coordination:inspection-detail", pk=pk)
    return _inspection_page(request, inspection, report_form=form)


@login_required
@require_POST
def inspection_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    inspection = _visible_inspection(actor, pk)
    form = SignOffForm(request.POST)
    if form.is_valid():
        done = call_service(
            request,
            form,
            services.inspection_sign_off,
            actor=actor,
            inspection=inspection,
            agree=form.cleaned_data["decision"] == "sign",
            dissent=form.cleaned_data["dissent"],
        )
        if done is not None:
            messages.success(request, _("Your department's answer to the report was recorded."))
            return redirect("coordination:inspection-detail", pk=pk)
    if not form.errors:
        return redirect("coordination:inspection-detail", pk=pk)
    return _inspection_page(request, inspection, signoff_form=form)


@login_required
@require_GET
def inspection_report_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The joint report as a print-friendly HTML page; `?download=1` saves it as a file."""
    inspection = _visible_inspection(_actor(request), pk)
    if inspection.state == InspectionState.SCHEDULED:
        raise Http404
    response = render(
        request,
        "coordination/inspection_report_print.html",
        {"inspection": inspection, "printed_at": timezone.now()},
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="joint-report-{inspection.pk}-v{inspection.report_version}.html"'
        )
    return response
