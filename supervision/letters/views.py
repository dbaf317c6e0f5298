"""Licence letters (R8) — web pages: each view parses a form and calls one service; records of
another department are not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.selectors import licences_visible
from linzi_platform.ids import parse_id
from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_user
from supervision import selectors
from supervision.letters.forms import LetterDecisionForm, LetterForm
from supervision.models import (
    LetterState,
    LicenceLetter,
)
from supervision.views import (
    LETTER_SUBJECT,
    PAGE_SIZE,
    QUEUE_SIZE,
    _choice,
    _search,
    _subject_pushes,
)

from . import services


@login_required
@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    actor.require_kind(
        DepartmentKind.SUPERVISION, _("Only supervision departments send licence letters.")
    )
    initial = {}
    wanted = parse_id(request.GET.get("licence"))
    if wanted is not None and licences_visible(actor=actor).filter(pk=wanted).exists():
        initial["licence"] = wanted
    form = LetterForm(request.POST or None, request.FILES or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        letter = call_service(
            request, form, services.letter_send, actor=actor, **form.service_arguments()
        )
        if letter is not None:
            messages.success(request, _("The letter was sent to the approval department."))
            return redirect("supervision:letter-detail", pk=letter.pk)
    return render(request, "supervision/letter_form.html", {"form": form})


@login_required
@require_GET
def letter_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    visible = selectors.letters_visible(actor=actor)
    queryset = visible
    search = _search(request)
    state = _choice(request, "state", LetterState.values)
    if search:
        queryset = queryset.filter(
            Q(document_no__icontains=search)
            | Q(licence__licence_no=search)
            | Q(licence__counterparty__name__icontains=search)
            | Q(licence__counterparty__credit_code=search.upper())
        )
    if state:
        queryset = queryset.filter(state=state)
    page = keyset_page(
        queryset,
        order=(("sent_at", True), ("id", True)),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    reviews = actor.is_of_kind(DepartmentKind.APPROVAL) or actor.is_platform_admin
    queue = None
    if reviews and not (search or state or request.GET.get("cursor")):
        # The review queue first, oldest first: the letters waiting for a decision.
        queue = list(
            visible.filter(state=LetterState.SUBMITTED).order_by("sent_at", "id")[:QUEUE_SIZE]
        )
    return render(
        request,
        "supervision/letter_list.html",
        {
            "letters": page.items,
            "next_cursor": page.next_cursor,
            "queue": queue,
            "queue_size": QUEUE_SIZE,
            "q": search,
            "state": state,
            "states": LetterState.choices,
            "can_send": actor.is_of_kind(DepartmentKind.SUPERVISION),
        },
    )


def _visible_letter(actor: Actor, pk: int) -> LicenceLetter:
    letter = selectors.letters_visible(actor=actor).filter(pk=pk).first()
    if letter is None:
        raise Http404
    return letter


def _letter_page(
    request: HttpRequest,
    actor: Actor,
    letter: LicenceLetter,
    form: LetterDecisionForm | None = None,
) -> HttpResponse:
    can_decide = (
        actor.department is not None
        and letter.approval_department_id == actor.department.pk
        and letter.state == LetterState.SUBMITTED
    )
    return render(
        request,
        "supervision/letter_detail.html",
        {
            "letter": letter,
            "events": letter.events.all(),
            "attachments": letter.attachments.order_by("id"),
            "pushes": _subject_pushes(actor, LETTER_SUBJECT, letter.pk),
            "decision_form": (form or LetterDecisionForm()) if can_decide else None,
        },
    )


@login_required
@require_GET
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    return _letter_page(request, actor, _visible_letter(actor, pk))


@login_required
@require_POST
def letter_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    letter = _visible_letter(actor, pk)
    form = LetterDecisionForm(request.POST)
    if form.is_valid():
        arguments = form.service_arguments()
        decided = call_service(
            request, form, services.letter_decide, actor=actor, letter=letter, **arguments
        )
        if decided is not None:
            messages.success(
                request,
                _("Letter accepted: the licence is now %(status)s.")
                % {"status": decided.licence.get_status_display()}
                if arguments["accept"]
                else _("Letter rejected; the decision was pushed to %(department)s.")
                % {"department": letter.department.name},
            )
            return redirect("supervision:letter-detail", pk=letter.pk)
        if not form.errors:  # a conflict: someone decided first
            return redirect("supervision:letter-detail", pk=letter.pk)
    return _letter_page(request, actor, letter, form)
