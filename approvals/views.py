from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from counterparties.models import Counterparty
from counterparties.validators import mask_phone, normalize_code
from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from notifications.selectors import counterparty_push_exists
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_user

from . import selectors
from .decision_checks import credit_notice
from .forms import LicenceDecisionForm, item_needs
from .models import ApprovalItem
from .services import licence_decide


def _approval_actor(request: HttpRequest) -> Actor:
    actor = actor_for_user(request.user)
    actor.require_kind(
        DepartmentKind.APPROVAL, _("Only the approval department records licence decisions.")
    )
    return actor


def _items_data(items: Iterable[ApprovalItem]) -> list[dict]:
    """The item picker's data (json_script): names, departments and what each item needs."""
    return [
        {
            "code": item.code,
            "name": item.name,
            "url": reverse("approvals:decision-create", args=[item.code]),
            "departments": [d.name for d in item.supervision_departments.all()],
            "commitment": item.needs_commitment,
            "credit_mode": item.get_credit_mode_display() if item.credit_mode != "none" else "",
            "important": item.is_important,
            "integrated_licence": item.integrated_licence,
            "needs": item_needs(item),
        }
        for item in items
    ]


@login_required
@require_GET
def decision_item_choice(request: HttpRequest) -> HttpResponse:
    _approval_actor(request)
    search = request.GET.get("q", "")[:100]
    items = list(selectors.items_public(search=search))
    return render(
        request,
        "approvals/decision_item_choice.html",
        {"items": items, "q": search, "items_data": _items_data(items)},
    )


# The fields a clerk types about the applicant and the licence; kept across an access check.
KEPT_ON_CHECK = (
    "code_type",
    "code",
    "counterparty_name",
    "contact_name",
    "contact_phone",
    "licence_no",
    "licence_date",
    "valid_from",
    "valid_to",
    "licence_title",
    "licence_scope",
    "licence_address",
    "commitment_text",
    "commitment_signer",
    "commitment_signed_at",
    "ordinary_procedure",
    "important_file",
)


def _lookup(actor, code: str) -> selectors.CounterpartyLookup | None:
    try:
        return selectors.counterparty_lookup(actor=actor, code=code) if code else None
    except ValidationError:
        return None


def _filled_in(initial: dict, lookup: selectors.CounterpartyLookup | None) -> dict:
    """The known counterparty's name and contact in the fields left empty, never over
    what was typed (the same rule as the page's script)."""
    if lookup is None:
        return initial
    filled = {**initial, "code": lookup.code, "code_type": lookup.kind}
    party = lookup.counterparty
    if party is not None:
        for field, value in (
            ("counterparty_name", party.name),
            ("contact_name", party.contact_name),
            ("contact_phone", party.contact_phone),
        ):
            if not (filled.get(field) or "").strip():
                filled[field] = value
    return filled


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, code: str) -> HttpResponse:
    actor = _approval_actor(request)
    item = ApprovalItem.objects.filter(code=code, active=True).first()
    if item is None:
        raise Http404
    checking = request.method == "POST" and "check_access" in request.POST
    if request.method == "GET" or checking:
        # A first visit (maybe ?code=… from a push) or the access check without script:
        # nothing is validated yet, what was typed is kept and the known contact filled in.
        source = request.POST if checking else request.GET
        typed = normalize_code(source.get("code"))[:18]
        initial = {name: source.get(name) for name in KEPT_ON_CHECK if source.get(name)}
        lookup = _lookup(actor, typed)
        form = LicenceDecisionForm(item=item, actor=actor, initial=_filled_in(initial, lookup))
    else:
        form = LicenceDecisionForm(request.POST, request.FILES, item=item, actor=actor)
        lookup = _lookup(actor, normalize_code(request.POST.get("code"))[:18])
        if form.is_valid():
            # A ValidationError here is a race: someone recorded the number meanwhile.
            licence = call_service(
                request, form, licence_decide, actor=actor, decision=form.decision_input()
            )
            if licence is not None:
                messages.success(
                    request,
                    _("Decision recorded and pushed to %(n)d supervision department(s).")
                    % {"n": item.supervision_departments.filter(active=True).count()},
                )
                return redirect("approvals:licence-detail", pk=licence.pk)
    # R10: the one-time notice of a credit-approval item, shown before the commitment.
    notice = credit_notice(item=item)
    return render(
        request,
        "approvals/decision_form.html",
        {
            "form": form,
            "item": item,
            "item_needs": item_needs(item),
            "access": lookup.access if lookup else None,
            "lookup": lookup,
            "credit_notice": notice[0] if notice else None,
            "credit_notice_template": notice[1] if notice else None,
        },
    )


@login_required
@require_GET
def counterparty_lookup(request: HttpRequest) -> JsonResponse:
    """The decision form's fill-in (R7): for approval staff only, as JSON; see
    ``selectors.counterparty_lookup`` for what it may tell. A session that ended answers
    with the login page, which the script reads as "the check could not be made now"."""
    actor = actor_for_user(request.user)
    if not actor.is_of_kind(DepartmentKind.APPROVAL):
        message = _("Only the approval department records licence decisions.")
        return JsonResponse({"error": message}, status=403)
    code = normalize_code(request.GET.get("code"))[:40]
    try:
        lookup = selectors.counterparty_lookup(actor=actor, code=code)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages), "field": "code"}, status=400)
    party = lookup.counterparty
    return JsonResponse(
        {
            "code": lookup.code,
            "code_type": lookup.kind,
            "counterparty": None
            if party is None
            else {
                "name": party.name,
                "contact_name": party.contact_name,
                "contact_phone": party.contact_phone,
            },
            "access": {
                "level": lookup.access.level,
                "label": lookup.access.label,
                "is_limited": lookup.access.is_limited,
                "reasons": [
                    {
                        key: reason.get(key) or ""
                        for key in (
                            "listing_label",
                            "department",
                            "source_document",
                            "listed_on",
                            "until",
                            "reason",
                        )
                    }
                    for reason in lookup.access.reasons
                ],
            },
        }
    )


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
