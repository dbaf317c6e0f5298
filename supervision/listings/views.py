"""Counterparty listings and access levels (R7) — web pages: each view parses a form and calls
one service; records of another department are not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_user
from supervision import selectors
from supervision.listings.forms import ListingAddForm, ReasonForm
from supervision.models import (
    AccessLevel,
    CounterpartyListing,
    ListingType,
)
from supervision.views import PAGE_SIZE, _search

from . import services


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
