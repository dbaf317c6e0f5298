"""Joint meetings (联席会议, Art. 9–10, R15) — web pages: each view parses a form and calls one
service; records of another department are not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coordination import selectors
from coordination.meetings.forms import MeetingForm, MinutesForm, OpinionForm
from coordination.models import (
    JointMeeting,
    MeetingState,
)
from coordination.services import joint_earliest_time, local_time
from coordination.views import _actor, _page, _state
from linzi_platform.ids import parse_id
from linzi_platform.web_errors import call_service
from organizations.models import DepartmentKind
from organizations.scoping import Actor

from . import services


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
    return local_time(joint_earliest_time(timezone.now()))


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
