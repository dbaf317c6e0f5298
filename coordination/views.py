"""Web pages of the coordination side (R14–R16): each view parses a form and calls one
service; records of another department are not found (404)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linzi_platform.forms import ServiceErrorsMixin
from linzi_platform.ids import parse_id
from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from notifications.selectors import annotate_time_left
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_user

from . import selectors, services
from .dashboard import coordination_dashboard_cards
from .forms import (
    ConsultationForm,
    HearingForm,
    ImportantFileForm,
    InquiryForm,
    InspectionForm,
    MeetingForm,
    MinutesForm,
    NoHearingForm,
    OpinionForm,
    ReplyForm,
    ReportForm,
    SignOffForm,
    StakeholderOpinionForm,
)
from .models import (
    Consultation,
    Hearing,
    ImportantFile,
    Inquiry,
    InquiryState,
    Inspection,
    InspectionState,
    JointMeeting,
    MeetingState,
    SignOff,
    StakeholderOpinion,
)

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return actor_for_user(request.user)


def _page(request: HttpRequest, queryset: QuerySet, order: tuple) -> Any:
    return keyset_page(queryset, order=order, cursor=request.GET.get("cursor"), size=PAGE_SIZE)


def _state(request: HttpRequest, choices: list[str]) -> str:
    value = request.GET.get("state", "")
    return value if value in choices else ""


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    return render(
        request,
        "coordination/index.html",
        {"cards": coordination_dashboard_cards(actor=actor), "section": "index"},
    )


# Inquiry letters (R16) ---------------------------------------------------------------------


@login_required
@require_GET
def inquiry_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    box = "outbox" if request.GET.get("box") == "outbox" else "inbox"
    queryset = (
        selectors.inquiries_outbox(actor=actor)
        if box == "outbox"
        else selectors.inquiries_inbox(actor=actor)
    )
    state = _state(request, InquiryState.values)
    if state:
        queryset = queryset.filter(state=state)
    page = _page(request, queryset, (("sent_at", True), ("id", True)))
    annotate_time_left(
        page.items, deadline_of=lambda inquiry: inquiry.deadline if inquiry.is_open else None
    )
    return render(
        request,
        "coordination/inquiry_list.html",
        {
            "section": "inquiries",
            "box": box,
            "state": state,
            "states": InquiryState.choices,
            "inquiries": page.items,
            "next_cursor": page.next_cursor,
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = InquiryForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inquiry = call_service(
            request,
            form,
            services.inquiry_send,
            actor=actor,
            receiver=data["receiver"],
            subject=data["subject"],
            question=data["question"],
            reply_working_days=data["reply_working_days"],
        )
        if inquiry is not None:
            messages.success(
                request,
                _("Inquiry sent to %(receiver)s; reply deadline %(deadline)s.")
                % {
                    "receiver": inquiry.receiver.name,
                    "deadline": services.local_time(inquiry.deadline),
                },
            )
            return redirect("coordination:inquiry-detail", pk=inquiry.pk)
    return render(request, "coordination/inquiry_form.html", {"form": form, "section": "inquiries"})


def _visible_inquiry(actor: Actor, pk: int) -> Inquiry:
    inquiry = selectors.inquiries_visible(actor=actor).filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    return inquiry


def _inquiry_page(
    request: HttpRequest, inquiry: Inquiry, *, reply_form: ReplyForm | None = None
) -> HttpResponse:
    actor = _actor(request)
    is_receiver = actor.department is not None and inquiry.receiver_id == actor.department.pk
    now = timezone.now()
    return render(
        request,
        "coordination/inquiry_detail.html",
        {
            "section": "inquiries",
            "inquiry": inquiry,
            "is_receiver": is_receiver,
            "can_reply": is_receiver and inquiry.is_open and now <= inquiry.deadline,
            "reply_form": reply_form or ReplyForm(),
        },
    )


@login_required
@require_GET
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _inquiry_page(request, _visible_inquiry(_actor(request), pk))


@login_required
@require_POST
def inquiry_reply(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    inquiry = _visible_inquiry(actor, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _inquiry_page(request, inquiry, reply_form=form)
    replied = call_service(
        request, form, services.inquiry_reply, actor=actor, inquiry=inquiry, **form.cleaned_data
    )
    if form.errors:
        return _inquiry_page(request, inquiry, reply_form=form)
    if replied is not None:
        messages.success(request, _("Your reply was sent."))
    return redirect("coordination:inquiry-detail", pk=pk)


# Joint meetings (R15, Art. 9) ---------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    queryset = selectors.meetings_visible(actor=actor)
    state = _state(request, MeetingState.values)
    if state:
        queryset = queryset.filter(state=state)
    page = _page(request, queryset, (("scheduled_at", True), ("id", True)))
    return render(
        request,
        "coordination/meeting_list.html",
        {
            "section": "meetings",
            "meetings": page.items,
            "next_cursor": page.next_cursor,
            "state": state,
            "states": MeetingState.choices,
            "can_convene": actor.is_of_kind(DepartmentKind.APPROVAL),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    actor.require_kind(DepartmentKind.APPROVAL, _("Only the approval department can do this."))
    initial = {}
    file_id = parse_id(request.GET.get("file"))
    if file_id is not None:
        initial["important_file"] = file_id
    form = MeetingForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = call_service(
            request,
            form,
            services.meeting_convene,
            actor=actor,
            topic=data["topic"],
            agenda=data["agenda"],
            location=data["location"],
            scheduled_at=data["scheduled_at"],
            invitees=list(data["invitees"]),
            important_file=data["important_file"],
        )
        if meeting is not None:
            messages.success(request, _("The joint meeting was convened; invitations sent."))
            return redirect("coordination:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "coordination/meeting_form.html",
        {"form": form, "section": "meetings", "earliest": _earliest_text()},
    )


def _earliest_text() -> str:
    return services.local_time(services.joint_earliest_time(timezone.now()))


def _visible_meeting(actor: Actor, pk: int) -> JointMeeting:
    try:
        return selectors.meeting_detail(actor=actor, pk=pk)
    except JointMeeting.DoesNotExist:
        raise Http404 from None


def _meeting_page(
    request: HttpRequest,
    meeting: JointMeeting,
    *,
    opinion_form: OpinionForm | None = None,
    minutes_form: MinutesForm | None = None,
) -> HttpResponse:
    actor = _actor(request)
    own = actor.department.pk if actor.department is not None else None
    invitation = next((inv for inv in meeting.invitations.all() if inv.department_id == own), None)
    is_convener = own == meeting.department_id
    convened = meeting.state == MeetingState.CONVENED
    return render(
        request,
        "coordination/meeting_detail.html",
        {
            "section": "meetings",
            "meeting": meeting,
            "invitation": invitation,
            "can_give_opinion": invitation is not None
            and invitation.opinion_at is None
            and convened,
            "can_conclude": is_convener and convened,
            "opinion_form": opinion_form or OpinionForm(),
            "minutes_form": minutes_form or MinutesForm(),
        },
    )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _visible_meeting(_actor(request), pk))


@login_required
@require_POST
def meeting_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    meeting = _visible_meeting(actor, pk)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, opinion_form=form)
    given = call_service(
        request, form, services.meeting_opinion, actor=actor, meeting=meeting, **form.cleaned_data
    )
    if form.errors:
        return _meeting_page(request, meeting, opinion_form=form)
    if given is not None:
        messages.success(request, _("Your department's opinion was recorded."))
    return redirect("coordination:meeting-detail", pk=pk)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    meeting = _visible_meeting(actor, pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        done = call_service(
            request,
            form,
            services.meeting_conclude,
            actor=actor,
            meeting=meeting,
            minutes=form.cleaned_data["minutes"],
            conclusions=form.cleaned_data["conclusions"],
        )
        if done is not None:
            messages.success(request, _("The minutes and conclusions were recorded."))
            return redirect("coordination:meeting-detail", pk=pk)
    if not form.errors:
        return redirect("coordination:meeting-detail", pk=pk)
    return _meeting_page(request, meeting, minutes_form=form)


# Joint inspections and reviews (R15, Art. 11) ------------------------------------------------


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


# Important-matter files (R14) ------------------------------------------------------------------


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


DOCUMENT_MODELS = {
    "consultation": Consultation,
    "stakeholder": StakeholderOpinion,
    "hearing": Hearing,
}


@login_required
@require_GET
def document_download(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """A document of a file, only for a department that can see the file."""
    model = DOCUMENT_MODELS.get(kind)
    if model is None:
        raise Http404
    record = model.objects.filter(pk=pk).first()
    if record is None or not record.document:
        raise Http404
    actor = _actor(request)
    if not selectors.important_files_visible(actor=actor).filter(pk=record.file_id).exists():
        raise Http404
    try:
        handle = record.document.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=record.document_name or "document")
