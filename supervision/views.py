"""Web pages of the supervision side (R6–R8, R17): each view parses a form and calls one
service; records of another department are not found (404)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.selectors import licences_visible
from linzi_platform.forms import ServiceErrorsMixin
from linzi_platform.ids import parse_id
from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from notifications.models import Push
from notifications.selectors import annotate_time_left, pushes_visible
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_user

from . import selectors, services
from .forms import (
    CaseCloseForm,
    CaseOpenForm,
    CaseOpinionForm,
    CaseVerifyForm,
    LetterDecisionForm,
    LetterForm,
    ListingAddForm,
    ReasonForm,
    SupervisionActionForm,
)
from .models import (
    AccessLevel,
    ActionKind,
    CaseState,
    CounterpartyListing,
    Evidence,
    LegacyCase,
    LetterState,
    LicenceLetter,
    ListingType,
    SupervisionAction,
)

PAGE_SIZE = 25
QUEUE_SIZE = 50
SEARCH_MAX_LENGTH = 100
ACTION_SUBJECT = "supervision.supervisionaction"
LETTER_SUBJECT = "supervision.licenceletter"


def _search(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]


def _choice(request: HttpRequest, name: str, choices: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in choices else ""


def actions_visible(*, actor: Actor) -> QuerySet[SupervisionAction]:
    return selectors.actions_visible(actor=actor)


def _subject_pushes(actor: Actor, subject_type: str, pk: int) -> list[Push]:
    pushes = list(
        pushes_visible(actor=actor)
        .filter(subject_type=subject_type, subject_id=str(pk))
        .order_by("sent_at", "id")
    )
    annotate_time_left(pushes)
    return pushes


# Supervision actions (R6) ---------------------------------------------------------------


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    queryset = actions_visible(actor=actor)
    search = _search(request)
    kind = _choice(request, "kind", ActionKind.values)
    if search:
        queryset = queryset.filter(
            Q(document_no__icontains=search)
            | Q(counterparty__name__icontains=search)
            | Q(counterparty__credit_code=search.upper())
            | Q(counterparty__id_number=search.upper())
            | Q(licence__licence_no=search)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    page = keyset_page(
        queryset,
        order=(("recorded_at", True), ("id", True)),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "supervision/action_list.html",
        {
            "actions": page.items,
            "next_cursor": page.next_cursor,
            "q": search,
            "kind": kind,
            "kinds": ActionKind.choices,
            "can_record": actor.is_of_kind(DepartmentKind.SUPERVISION),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    actor.require_kind(
        DepartmentKind.SUPERVISION, _("Only supervision departments record supervision actions.")
    )
    form = SupervisionActionForm(request.POST or None, request.FILES or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        action = call_service(
            request,
            form,
            services.supervision_action_record,
            actor=actor,
            **form.service_arguments(),
        )
        if action is not None:
            messages.success(request, _("Recorded and pushed to the approval department at once."))
            return redirect("supervision:action-detail", pk=action.pk)
    return render(request, "supervision/action_form.html", {"form": form})


@login_required
@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    action = actions_visible(actor=actor).filter(pk=pk).first()
    if action is None:
        raise Http404
    return render(
        request,
        "supervision/action_detail.html",
        {
            "action": action,
            "attachments": action.attachments.order_by("id"),
            "listings": action.listings.order_by("id"),
            "pushes": _subject_pushes(actor, ACTION_SUBJECT, action.pk),
        },
    )


# Listings and access levels (R7) -----------------------------------------------------------


def _restricted_page(
    request: HttpRequest, actor: Actor, add_form: ListingAddForm | None = None
) -> HttpResponse:
    search = _search(request)
    page = keyset_page(
        selectors.restricted_counterparties(search=search),
        order=(("created_at", True), ("id", True)),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    rules = selectors.access_rules()
    for listing in page.items:
        level = rules.get(listing.listing_type, AccessLevel.RESTRICTED)
        listing.access_level = level
        listing.access_label = AccessLevel(level).label
        listing.can_remove = (
            actor.department is not None and listing.department_id == actor.department.pk
        )
    can_list = actor.is_of_kind(DepartmentKind.SUPERVISION)
    if can_list and add_form is None:
        add_form = ListingAddForm()
    return render(
        request,
        "supervision/restricted_list.html",
        {
            "listings": page.items,
            "next_cursor": page.next_cursor,
            "q": search,
            "rules": [
                (ListingType(listing_type).label, AccessLevel(level).label, level)
                for listing_type, level in rules.items()
            ],
            "add_form": add_form if can_list else None,
            "remove_form": ReasonForm(),
        },
    )


@login_required
@require_GET
def restricted_list(request: HttpRequest) -> HttpResponse:
    return _restricted_page(request, actor_for_user(request.user))


@login_required
@require_POST
def listing_add(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    actor.require_kind(
        DepartmentKind.SUPERVISION, _("Only supervision departments list counterparties.")
    )
    form = ListingAddForm(request.POST)
    if form.is_valid():
        listing = call_service(
            request, form, services.listing_add, actor=actor, **form.service_arguments()
        )
        if listing is not None:
            messages.success(
                request,
                _("%(name)s is listed: %(type)s.")
                % {"name": listing.counterparty.name, "type": listing.get_listing_type_display()},
            )
            return redirect("supervision:restricted-list")
    return _restricted_page(request, actor, add_form=form)


@login_required
@require_POST
def listing_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    listing = CounterpartyListing.objects.select_related("counterparty").filter(pk=pk).first()
    if listing is None:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for removing the listing."))
        return redirect("supervision:restricted-list")
    if (
        call_service(
            request,
            form,
            services.listing_remove,
            actor=actor,
            listing=listing,
            reason=form.cleaned_data["reason"],
        )
        is not None
    ):
        messages.success(
            request, _("The listing of %(name)s was removed.") % {"name": listing.counterparty.name}
        )
    elif form.errors:
        messages.error(request, " ".join(form.errors.get("reason", form.non_field_errors())))
    return redirect("supervision:restricted-list")


# Licence letters (R8) -------------------------------------------------------------------------


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


# Legacy cases (R17) ---------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    queryset = selectors.cases_visible(actor=actor)
    search = _search(request)
    state = _choice(request, "state", CaseState.values)
    if search:
        queryset = queryset.filter(
            Q(title__icontains=search)
            | Q(counterparty__name__icontains=search)
            | Q(counterparty__credit_code=search.upper())
            | Q(counterparty__id_number=search.upper())
        )
    if state:
        queryset = queryset.filter(state=state)
    page = keyset_page(
        queryset,
        order=(("opened_at", True), ("id", True)),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "supervision/case_list.html",
        {
            "cases": page.items,
            "next_cursor": page.next_cursor,
            "q": search,
            "state": state,
            "states": CaseState.choices,
            "can_open": actor.is_of_kind(DepartmentKind.APPROVAL),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    actor.require_kind(
        DepartmentKind.APPROVAL, _("Only the approval department opens legacy cases.")
    )
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = call_service(
            request, form, services.case_open, actor=actor, **form.service_arguments()
        )
        if case is not None:
            messages.success(
                request,
                _("The case was opened and %(department)s was asked for its opinion.")
                % {"department": case.supervision_department.name},
            )
            return redirect("supervision:case-detail", pk=case.pk)
    return render(request, "supervision/case_form.html", {"form": form})


def _visible_case(actor: Actor, pk: int) -> LegacyCase:
    case = selectors.cases_visible(actor=actor).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _case_page(
    request: HttpRequest, actor: Actor, case: LegacyCase, **forms: ServiceErrorsMixin
) -> HttpResponse:
    department_id = actor.department.pk if actor.department is not None else None
    reviews = case.supervision_department_id == department_id
    handles = case.approval_department_id == department_id
    context: dict[str, Any] = {
        "case": case,
        "attachments": case.attachments.order_by("id"),
        "opinion_form": None,
        "verify_form": None,
        "close_form": None,
    }
    if reviews and case.state == CaseState.AWAITING_OPINION:
        context["opinion_form"] = forms.get("opinion_form") or CaseOpinionForm()
    if reviews and case.state == CaseState.RECTIFYING:
        context["verify_form"] = forms.get("verify_form") or CaseVerifyForm()
    if handles and case.state != CaseState.CLOSED:
        context["close_form"] = forms.get("close_form") or CaseCloseForm()
    return render(request, "supervision/case_detail.html", context)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    return _case_page(request, actor, _visible_case(actor, pk))


def _case_step(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[CaseOpinionForm | CaseVerifyForm | CaseCloseForm],
    form_name: str,
    service: Callable[..., LegacyCase],
    arguments: Callable[[Any], dict[str, Any]],
    done: str,
) -> HttpResponse:
    actor = actor_for_user(request.user)
    case = _visible_case(actor, pk)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        result = call_service(request, form, service, actor=actor, case=case, **arguments(form))
        if result is not None:
            messages.success(request, done)
        if result is not None or not form.errors:
            return redirect("supervision:case-detail", pk=case.pk)
    return _case_page(request, actor, case, **{form_name: form})


@login_required
@require_POST
def case_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_step(
        request,
        pk,
        form_class=CaseOpinionForm,
        form_name="opinion_form",
        service=services.case_issue_opinion,
        arguments=lambda form: form.service_arguments(),
        done=_("The legal review opinion was issued."),
    )


@login_required
@require_POST
def case_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_step(
        request,
        pk,
        form_class=CaseVerifyForm,
        form_name="verify_form",
        service=services.case_verify_rectification,
        arguments=lambda form: {"note": form.cleaned_data["note"]},
        done=_("The rectification is recorded as verified."),
    )


@login_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_step(
        request,
        pk,
        form_class=CaseCloseForm,
        form_name="close_form",
        service=services.case_close,
        arguments=lambda form: {"note": form.cleaned_data["note"]},
        done=_("The case was closed."),
    )


# Evidence files -------------------------------------------------------------------------------


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, only for a department that can see the action, letter or case owning it."""
    actor = actor_for_user(request.user)
    evidence = Evidence.objects.filter(pk=pk).first()
    if evidence is None:
        raise Http404
    if evidence.action_id is not None:
        visible = actions_visible(actor=actor).filter(pk=evidence.action_id).exists()
    elif evidence.letter_id is not None:
        visible = selectors.letters_visible(actor=actor).filter(pk=evidence.letter_id).exists()
    elif evidence.case_id is not None:
        visible = selectors.cases_visible(actor=actor).filter(pk=evidence.case_id).exists()
    else:
        visible = actor.is_platform_admin
    if not visible:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=evidence.name)
