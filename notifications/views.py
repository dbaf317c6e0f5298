from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linzi_platform.ids import parse_id
from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from notifications.feedback.services import FeedbackWindowClosed, feedback_raise, feedback_reply
from notifications.services import (
    notification_preferences_save,
    notifications_mark_read,
    push_claim,
    pushes_claim,
)
from organizations.scoping import actor_for_user

from . import selectors
from .filters import PushPageFilter
from .forms import BulkClaimForm, FeedbackForm, PreferencesForm, ReplyForm
from .kinds import push_kind_shown
from .models import Feedback, NoticeKind, Notification, Push, PushState

PAGE_SIZE = 25


STATE_CHIPS = (
    ("pending", PushState.PENDING.label),
    ("claimed", PushState.CLAIMED.label),
    ("auto_claimed", PushState.AUTO_CLAIMED.label),
    ("", _lazy("All")),
)


def _box(request: HttpRequest, *, box: str) -> HttpResponse:
    actor = actor_for_user(request.user)
    if box == "inbox":
        base = selectors.pushes_inbox(actor=actor)
        order = selectors.INBOX_ORDER
    else:
        base = selectors.pushes_outbox(actor=actor)
        order = selectors.OUTBOX_ORDER
    filterset = PushPageFilter(request.GET or None, queryset=base)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = keyset_page(queryset, order=order, cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    selectors.annotate_time_left(page.items)
    # Only the receiving department claims (a platform admin sees every inbox but claims
    # none), so the checkboxes and the bulk-claim bar exist only for its pending rows.
    own = actor.department.pk if box == "inbox" and actor.department is not None else None
    for push in page.items:
        push.can_claim = push.receiver_id == own and push.state == PushState.PENDING
    query = request.GET.copy()
    query.pop("cursor", None)
    counts = selectors.push_state_counts(queryset=base)
    active = request.GET.get("state", "") if filterset.is_bound and filterset.is_valid() else ""
    return render(
        request,
        "notifications/box.html",
        {
            "box": box,
            "filter": filterset,
            "pushes": page.items,
            "next_cursor": page.next_cursor,
            "query": query.urlencode(),
            "chips": [
                {"state": state, "label": label, "count": counts[state or "all"]}
                for state, label in STATE_CHIPS
            ],
            "active_state": active,
            "can_claim_any": any(push.can_claim for push in page.items),
            "is_first_page": not request.GET.get("cursor"),
        },
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    return _box(request, box="inbox")


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    return _box(request, box="outbox")


def _visible_push(request: HttpRequest, pk: int) -> Push:
    try:
        return selectors.push_detail(actor=actor_for_user(request.user), pk=pk)
    except Push.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def push_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    push = _visible_push(request, pk)
    selectors.annotate_time_left([push])
    is_receiver = actor.department is not None and push.receiver_id == actor.department.pk
    is_sender = actor.department is not None and push.sender_id == actor.department.pk
    kind = push_kind_shown(push.kind)
    # Who answers feedback: the sender, or its successor after a merge (R21).
    answering_id = actor.department.pk if actor.department is not None else None
    return render(
        request,
        "notifications/push_detail.html",
        {
            "push": push,
            "kind": kind,
            "snapshot": kind.snapshot(push.payload),
            "is_receiver": is_receiver,
            "is_sender": is_sender,
            "answering_id": answering_id,
            "can_claim": is_receiver and push.state == PushState.PENDING,
            "feedback_open": is_receiver and timezone.now() <= push.deadline,
            "feedback_form": FeedbackForm(),
            "reply_form": ReplyForm(),
        },
    )


def _receiver_push(request: HttpRequest, pk: int) -> Push:
    actor = actor_for_user(request.user)
    push = _visible_push(request, pk)
    if actor.department is None or push.receiver_id != actor.department.pk:
        raise Http404
    return push


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    push = _receiver_push(request, pk)
    if call_service(request, None, push_claim, push=push, actor=actor_for_user(request.user)):
        messages.success(request, _("Claimed: %(title)s") % {"title": push.title})
    if request.POST.get("next") == "inbox":
        return redirect("notifications:inbox")
    if request.POST.get("next") == "home":
        return redirect("dashboard")
    return redirect("notifications:push-detail", pk=pk)


@login_required
@require_POST
def claim_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkClaimForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["ids"]:
        messages.error(request, _("Select at least one pending push to claim."))
        return redirect("notifications:inbox")
    result = pushes_claim(push_ids=form.cleaned_data["ids"], actor=actor_for_user(request.user))
    if result.claimed:
        messages.success(
            request,
            ngettext("Claimed %(n)d push.", "Claimed %(n)d pushes.", len(result.claimed))
            % {"n": len(result.claimed)},
        )
    if result.refused:
        messages.warning(
            request,
            ngettext(
                "%(n)d push was not claimed: already claimed, overdue or not yours.",
                "%(n)d pushes were not claimed: already claimed, overdue or not yours.",
                len(result.refused),
            )
            % {"n": len(result.refused)},
        )
    return redirect("notifications:inbox")


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    push = _receiver_push(request, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Feedback: %(error)s") % {"error": form.errors["text"][0]})
        return redirect("notifications:push-detail", pk=pk)
    try:
        feedback_raise(
            push=push, actor=actor_for_user(request.user), text=form.cleaned_data["text"]
        )
    except (FeedbackWindowClosed, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Your feedback was sent to %(sender)s.") % {"sender": push.sender.name}
        )
    return redirect("notifications:push-detail", pk=pk)


@login_required
@require_POST
def reply(request: HttpRequest, pk: int, feedback_id: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    push = _visible_push(request, pk)
    if actor.department is None:
        raise Http404
    item = Feedback.objects.filter(
        pk=feedback_id, push=push, answering_department=actor.department
    ).first()
    if item is None:
        raise Http404
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer: %(error)s") % {"error": form.errors["text"][0]})
    else:
        try:
            feedback_reply(feedback=item, actor=actor, text=form.cleaned_data["text"])
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your answer was sent."))
    return redirect("notifications:push-detail", pk=pk)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The notice centre: unread (still to act on) or all, optionally of one kind."""
    unread_only = request.GET.get("show") == "unread"
    kind = request.GET.get("kind", "")
    if kind not in NoticeKind.values:
        kind = ""
    queryset = (
        selectors.notifications_unread(user=request.user)
        if unread_only
        else Notification.objects.filter(user=request.user)
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    page = keyset_page(
        queryset,
        order=(("created_at", True), ("id", True)),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    counts = selectors.notification_counts(user=request.user, unread_only=unread_only)
    show = "unread" if unread_only else ""
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "notifications": page.items,
            "next_cursor": page.next_cursor,
            "query": query.urlencode(),
            "is_first_page": not request.GET.get("cursor"),
            "show": show,
            "kind": kind,
            "show_chips": [
                {"show": "unread", "label": _lazy("Unread"), "count": counts["unread"]},
                {"show": "", "label": _lazy("All"), "count": counts["all"]},
            ],
            "kind_chips": [{"kind": "", "label": _lazy("All kinds"), "count": None}]
            + [
                {"kind": value, "label": label, "count": counts[value]}
                for value, label in NoticeKind.choices
            ],
        },
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    ids = [number for value in request.POST.getlist("ids") if (number := parse_id(value))]
    notifications_mark_read(user=request.user, ids=ids or None)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Per-user choice of e-mail and SMS reminders, and the mobile number for the latter
    (in-app notices always arrive)."""
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise Http404
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={
            "email": membership.email_notifications,
            "sms": membership.sms_reminders,
            "mobile": membership.mobile,
        },
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_save(
            user=request.user,
            email=form.cleaned_data["email"],
            sms=form.cleaned_data["sms"],
            mobile=form.cleaned_data["mobile"],
        )
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("notifications:list")
    return render(request, "notifications/preferences.html", {"form": form})
