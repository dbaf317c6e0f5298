from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from supervision.selectors import AccessCheck


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
    initial = {}
    code = (request.GET.get("code") or "").strip().upper()[:18]
    if code:
        initial = {
            "code": code,
            "code_type": "credit_code" if not code[:17].isdigit() else "id_number",
        }
    form = LicenceDecisionForm(
        request.POST or None, request.FILES or None, item=item, actor=actor, initial=initial
    )
    access = _access_for_code(request.POST.get("code") if request.method == "POST" else code)
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
    return render(
        request,
        "approvals/decision_form.html",
        {
            "form": form,
            "item": item,
            "access": access,
            "checked_code": code,
            "credit_notice": _credit_notice(item),
        },
    )


def _credit_notice(item: ApprovalItem) -> dict | None:
    """R10: the one-time notice of a credit-approval item, shown before the commitment."""
    from credit.selectors import credit_notice

    return credit_notice(item=item)


def _access_for_code(code: str | None) -> "AccessCheck | None":
    """R7: the access level of an applicant, shown on the form before a decision."""
    from supervision.selectors import counterparty_access, counterparty_by_code

    counterparty = counterparty_by_code(code or "")
    if counterparty is None:
        return None
    return counterparty_access(counterparty=counterparty)


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
