"""Legacy cases (R17) — web pages: each view parses a form and calls one service; records of
another department are not found (404)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linzi_platform.forms import ServiceErrorsMixin
from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_user
from supervision import selectors
from supervision.cases.forms import CaseCloseForm, CaseOpenForm, CaseOpinionForm, CaseVerifyForm
from supervision.models import (
    CaseState,
    LegacyCase,
)
from supervision.views import PAGE_SIZE, _choice, _search

from . import services


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
