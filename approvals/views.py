from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linzi_platform.pagination import keyset_page
from notifications.selectors import counterparty_push_exists
from organizations.scoping import actor_for_user

from . import selectors
from .forms import LicenceDecisionForm
from .models import ApprovalItem, Counterparty
from .services import licence_decide
from .validators import mask_phone


def _approval_actor(request: HttpRequest):
    actor = actor_for_user(request.user)
    if actor.department is None or not actor.department.is_approval:
        raise PermissionDenied(_("Only the approval department records licence decisions."))
    return actor


@login_required
@require_GET
def decision_item_choice(request: HttpRequest) -> HttpResponse:
    _approval_actor(request)
    search = request.GET.get("q", "")[:100]
    items = selectors.items_public(search=search)
    return render(request, "approvals/decision_item_choice.html", {"items": items, "q": search})


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, code: str) -> HttpResponse:
    actor = _approval_actor(request)
    item = ApprovalItem.objects.filter(code=code, active=True).first()
    if item is None:
        raise Http404
    form = LicenceDecisionForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            licence = licence_decide(actor=actor, **form.service_arguments())
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(
                request,
                _("Decision recorded and pushed to %(n)d supervision department(s).")
                % {"n": item.supervision_departments.filter(active=True).count()},
            )
            return redirect("approvals:licence-detail", pk=licence.pk)
    return render(request, "approvals/decision_form.html", {"form": form, "item": item})


@login_required
@require_GET
def licence_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    queryset = selectors.licences_visible(actor=actor)
    search = request.GET.get("q", "").strip()[:100]
    if search:
        queryset = queryset.filter(
            Q(licence_no=search)
            | Q(counterparty__name__icontains=search)
            | Q(counterparty__credit_code=search.upper())
        )
    page = keyset_page(
        queryset,
        order=(("decided_at", True), ("id", True)),
        cursor=request.GET.get("cursor"),
        size=25,
    )
    return render(
        request,
        "approvals/licence_list.html",
        {"licences": page.items, "next_cursor": page.next_cursor, "q": search},
    )


@login_required
@require_GET
def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    licence = selectors.licences_visible(actor=actor).filter(pk=pk).first()
    if licence is None:
        raise Http404
    return render(
        request,
        "approvals/licence_detail.html",
        {
            "licence": licence,
            "history": licence.status_changes.all(),
            "pushes": selectors.licence_pushes(actor=actor, licence=licence),
        },
    )


@login_required
@require_GET
def counterparty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    counterparty = Counterparty.objects.filter(pk=pk).first()
    if counterparty is None or not counterparty_push_exists(
        actor=actor, counterparty_code=counterparty.code
    ):
        raise Http404
    return render(
        request,
        "approvals/counterparty_detail.html",
        {
            "counterparty": counterparty,
            "licences": selectors.licences_visible(actor=actor).filter(counterparty=counterparty),
            "masked_phone": mask_phone(counterparty.contact_phone),
        },
    )
