"""Supervision actions (R6) and suspensions ending (R6) — web pages: each view parses a form
and calls one service; records of another department are not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from organizations.models import DepartmentKind
from organizations.scoping import actor_for_user
from supervision.actions.forms import SupervisionActionForm
from supervision.models import (
    ActionKind,
)
from supervision.views import (
    ACTION_SUBJECT,
    PAGE_SIZE,
    _choice,
    _search,
    _subject_pushes,
    actions_visible,
)

from . import services


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
