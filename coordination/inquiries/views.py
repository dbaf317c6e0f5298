"""Inquiry letters (函询, Art. 12, R16) — web pages: each view parses a form and calls one
service; records of another department are not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coordination import selectors
from coordination.inquiries.forms import InquiryForm, ReplyForm
from coordination.models import (
    Inquiry,
    InquiryState,
)
from coordination.services import local_time
from coordination.views import _actor, _page, _state
from linzi_platform.web_errors import call_service
from notifications.selectors import annotate_time_left
from organizations.scoping import Actor

from . import services


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
                    "deadline": local_time(inquiry.deadline),
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
