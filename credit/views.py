"""Web pages of credit approval (Art. 8, R9–R12): each view parses a form and calls one
service; records of another department are not found (404)."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.models import ApprovalItem, CreditMode
from linzi_platform.ids import parse_id
from linzi_platform.pagination import keyset_page
from linzi_platform.web_errors import call_service
from notifications.selectors import annotate_time_left, pushes_visible
from organizations.models import DepartmentKind
from organizations.scoping import Actor, actor_for_user

from . import selectors, services
from .forms import (
    BreachReportForm,
    CatalogEntryForm,
    RectificationResultForm,
    RevocationDecisionForm,
    VerificationResultForm,
)
from .models import (
    CreditCatalogVersion,
    CreditCommitment,
    RevocationSource,
    RevocationState,
    Verification,
    VerificationFile,
    VerificationState,
)

PAGE_SIZE = 25
QUEUE_SIZE = 50
CATALOG_PAGE_SIZE = 30
VERIFICATION_SUBJECT = "credit.verification"
REVOCATION_SUBJECT = "credit.revocationrequest"


def _search(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_LENGTH]


def _choice(request: HttpRequest, name: str, choices: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in choices else ""


def _yes_no(request: HttpRequest, name: str) -> bool | None:
    return {"yes": True, "no": False}.get(request.GET.get(name, ""))


def _subject_pushes(actor: Actor, subject_type: str, pk: int) -> QuerySet:
    return (
        pushes_visible(actor=actor)
        .filter(subject_type=subject_type, subject_id=str(pk))
        .order_by("sent_at", "id")
    )


# --------------------------------------------------------------------------- catalog (R9)


@login_required
@require_GET
def catalog_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    add = request.GET.get("add", "").strip()[:40]
    if add:
        # The "give an item credit terms" select leads to that item's edit form.
        if ApprovalItem.objects.filter(code=add, active=True).exists():
            return redirect("credit:catalog-edit", item_code=add)
        messages.error(request, _("Choose an item of the catalog."))
    search = _search(request)
    page = Paginator(selectors.catalog_entries(search=search), CATALOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "credit/catalog_list.html",
        {
            "page": page,
            "q": search,
            "new_items": selectors.catalog_items_without_entry(actor=actor),
        },
    )


def _field_labels() -> dict[str, str]:
    return {name: str(field.label) for name, field in CatalogEntryForm.base_fields.items()}


def _version_rows(versions: list[CreditCatalogVersion]) -> None:
    """Each version's content and changed fields with their labels, for the history table."""
    labels = _field_labels()
    modes = dict(CreditMode.choices)
    for version in versions:
        snapshot = version.snapshot or {}
        version.rows = [
            (
                label,
                str(modes.get(snapshot.get(name), ""))
                if name == "mode"
                else snapshot.get(name, ""),
            )
            for name, label in labels.items()
        ]
        version.changed_labels = [labels.get(name, name) for name in version.changed_fields]


@login_required
@require_GET
def catalog_detail(request: HttpRequest, item_code: str) -> HttpResponse:
    actor = actor_for_user(request.user)
    entry = selectors.catalog_entry_get(item_code=item_code)
    if entry is None:
        raise Http404
    versions = list(entry.versions.all())
    _version_rows(versions)
    return render(
        request,
        "credit/catalog_detail.html",
        {
            "entry": entry,
            "item": entry.item,
            "versions": versions,
            "field_labels": _field_labels(),
            "can_edit": services.catalog_editable_by(actor=actor, item=entry.item),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def catalog_edit(request: HttpRequest, item_code: str) -> HttpResponse:
    actor = actor_for_user(request.user)
    item = ApprovalItem.objects.filter(code=item_code, active=True).first()
    if item is None:
        raise Http404
    if not services.catalog_editable_by(actor=actor, item=item):
        raise PermissionDenied(
            _("Only the approval department and the item's supervision departments edit it.")
        )
    entry = selectors.catalog_entry_get(item_code=item_code)
    initial = CatalogEntryForm.initial_for(entry, mode=item.credit_mode)
    form = CatalogEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            request,
            form,
            services.credit_entry_save,
            actor=actor,
            item=item,
            **form.service_arguments(),
        )
        if saved is not None:
            if entry is not None and saved.version == entry.version:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request,
                    _("Saved as version %(version)d.") % {"version": saved.version},
                )
            return redirect("credit:catalog-detail", item_code=item.code)
    return render(request, "credit/catalog_form.html", {"form": form, "item": item, "entry": entry})


# --------------------------------------------------------------------------- verifications (R11)


def _open_deadline(verification: Verification) -> datetime.datetime | None:
    if verification.state == VerificationState.PENDING:
        return verification.deadline
    if verification.state == VerificationState.RECTIFYING:
        return verification.rectification_deadline
    return None


def _annotate(verifications: list[Verification]) -> None:
    now = timezone.now()
    for verification in verifications:
        verification.is_overdue = selectors.verification_is_overdue(verification, now=now)
    annotate_time_left(verifications, now=now, deadline_of=_open_deadline)


@login_required
@require_GET
def verification_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    if not actor.is_platform_admin:  # the queue is the approval department's; admins may look
        actor.require_kind(
            DepartmentKind.APPROVAL, _("Only the approval department verifies credit commitments.")
        )
    visible = selectors.verifications_visible(actor=actor)
    state = _choice(request, "state", VerificationState.values)
    overdue = _yes_no(request, "overdue")
    search = _search(request)
    queryset = selectors.verifications_filter(visible, state=state, overdue=overdue, search=search)
    page = selectors.verification_queue_page(
        queryset, cursor=request.GET.get("cursor"), size=PAGE_SIZE
    )
    _annotate(page.items)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "credit/verification_list.html",
        {
            "verifications": page.items,
            "next_cursor": page.next_cursor,
            "query": query.urlencode(),
            "is_first_page": not request.GET.get("cursor"),
            "q": search,
            "state": state,
            "overdue": request.GET.get("overdue", "") if overdue is not None else "",
            "states": VerificationState.choices,
            "overdue_count": selectors.verifications_filter(visible, overdue=True)
            .filter(state=VerificationState.PENDING)
            .count(),
        },
    )


def _visible_verification(actor: Actor, pk: int) -> Verification:
    verification = selectors.verifications_visible(actor=actor).filter(pk=pk).first()
    if verification is None:
        raise Http404
    return verification


def _commitment(verification: Verification) -> CreditCommitment | None:
    try:
        return verification.licence.credit_commitment
    except ObjectDoesNotExist:
        return None


def _verification_page(
    request: HttpRequest,
    actor: Actor,
    verification: Verification,
    *,
    result_form: VerificationResultForm | None = None,
    rectification_form: RectificationResultForm | None = None,
) -> HttpResponse:
    _annotate([verification])
    own = actor.department is not None and verification.department_id == actor.department.pk
    can_record = own and verification.state == VerificationState.PENDING
    can_rectify = own and verification.state == VerificationState.RECTIFYING
    return render(
        request,
        "credit/verification_detail.html",
        {
            "verification": verification,
            "licence": verification.licence,
            "commitment": _commitment(verification),
            "files": verification.files.order_by("uploaded_at", "id"),
            "revocations": verification.licence.revocation_requests.order_by("-created_at"),
            "pushes": _subject_pushes(actor, VERIFICATION_SUBJECT, verification.pk),
            "result_form": (result_form or VerificationResultForm()) if can_record else None,
            "rectification_form": (
                (rectification_form or RectificationResultForm()) if can_rectify else None
            ),
        },
    )


@login_required
@require_GET
def verification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    return _verification_page(request, actor, _visible_verification(actor, pk))


@login_required
@require_POST
def verification_result(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    verification = _visible_verification(actor, pk)
    form = VerificationResultForm(request.POST, request.FILES)
    if form.is_valid():
        saved = call_service(
            request,
            form,
            services.verification_record,
            actor=actor,
            verification=verification,
            **form.service_arguments(),
        )
        if saved is not None:
            if saved.state == VerificationState.MET:
                messages.success(
                    request, _("Recorded as met; the result was pushed to supervision.")
                )
            else:
                messages.warning(
                    request,
                    _("Recorded as not met: rectification until %(deadline)s.")
                    % {
                        "deadline": timezone.localtime(saved.rectification_deadline).strftime(
                            "%Y-%m-%d %H:%M"
                        )
                    },
                )
            return redirect("credit:verification-detail", pk=pk)
        if not form.errors:  # a conflict: someone recorded it first
            return redirect("credit:verification-detail", pk=pk)
    return _verification_page(request, actor, verification, result_form=form)


@login_required
@require_POST
def verification_rectification(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    verification = _visible_verification(actor, pk)
    form = RectificationResultForm(request.POST)
    if form.is_valid():
        saved = call_service(
            request,
            form,
            services.rectification_record,
            actor=actor,
            verification=verification,
            **form.service_arguments(),
        )
        if saved is not None:
            if saved.state == VerificationState.RECTIFIED:
                messages.success(request, _("Recorded as rectified."))
            else:
                messages.warning(request, _("Still unmet: the licence is in the revocation queue."))
            return redirect("credit:verification-detail", pk=pk)
        if not form.errors:
            return redirect("credit:verification-detail", pk=pk)
    return _verification_page(request, actor, verification, rectification_form=form)


def _download(field_file: Any, name: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
@require_GET
def verification_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    verification = _visible_verification(actor_for_user(request.user), pk)
    record = VerificationFile.objects.filter(pk=file_id, verification=verification).first()
    if record is None:
        raise Http404
    return _download(record.file, record.name)


@login_required
@require_GET
def verification_scan(request: HttpRequest, pk: int) -> FileResponse:
    verification = _visible_verification(actor_for_user(request.user), pk)
    commitment = _commitment(verification)
    if commitment is None or not commitment.scan:
        raise Http404
    return _download(commitment.scan, commitment.scan.name.rsplit("/", 1)[-1])


# --------------------------------------------------------------------------- revocation (R12)


@login_required
@require_GET
def revocation_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    if actor.department is None and not actor.is_platform_admin:
        raise PermissionDenied(_("Your account is not assigned to a department."))
    visible = selectors.revocations_visible(actor=actor)
    search = _search(request)
    state = _choice(request, "state", RevocationState.values)
    source = _choice(request, "source", RevocationSource.values)
    queryset = visible
    if search:
        queryset = queryset.filter(
            Q(licence__licence_no=search)
            | Q(licence__counterparty__name__icontains=search)
            | Q(licence__counterparty__credit_code=search.upper())
            | Q(licence__counterparty__id_number=search.upper())
        )
    if state:
        queryset = queryset.filter(state=state)
    if source:
        queryset = queryset.filter(source=source)
    page = keyset_page(
        queryset,
        order=(("created_at", True), ("id", True)),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    queue = None
    if not (search or state or source or request.GET.get("cursor")):
        # What waits for a decision first, oldest first.
        queue = list(
            visible.filter(state=RevocationState.OPEN).order_by("created_at", "id")[:QUEUE_SIZE]
        )
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "credit/revocation_list.html",
        {
            "requests": page.items,
            "next_cursor": page.next_cursor,
            "query": query.urlencode(),
            "queue": queue,
            "queue_size": QUEUE_SIZE,
            "q": search,
            "state": state,
            "source": source,
            "states": RevocationState.choices,
            "sources": RevocationSource.choices,
            "can_report": actor.is_of_kind(DepartmentKind.SUPERVISION),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def revocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_user(request.user)
    revocation = selectors.revocations_visible(actor=actor).filter(pk=pk).first()
    if revocation is None:
        raise Http404
    can_decide = (
        actor.department is not None
        and revocation.department_id == actor.department.pk
        and revocation.state == RevocationState.OPEN
    )
    form = RevocationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            request,
            form,
            services.revocation_decide,
            actor=actor,
            request=revocation,
            **form.service_arguments(),
        )
        if saved is not None:
            if saved.state == RevocationState.REVOKED:
                messages.success(
                    request, _("The licence was revoked; supervision has been notified.")
                )
            else:
                messages.success(request, _("The revocation request was dismissed."))
            return redirect("credit:revocation-detail", pk=pk)
        if not form.errors:
            return redirect("credit:revocation-detail", pk=pk)
    verification = Verification.objects.filter(licence=revocation.licence).first()
    return render(
        request,
        "credit/revocation_detail.html",
        {
            "revocation": revocation,
            "licence": revocation.licence,
            "verification": (
                verification
                if verification
                and selectors.verifications_visible(actor=actor).filter(pk=verification.pk).exists()
                else None
            ),
            "pushes": _subject_pushes(actor, REVOCATION_SUBJECT, revocation.pk),
            "form": form if can_decide else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_create(request: HttpRequest) -> HttpResponse:
    """Supervision reports a breached commitment or false materials (R12): at once a push to
    the approval department and an open revocation request."""
    actor = actor_for_user(request.user)
    actor.require_kind(
        DepartmentKind.SUPERVISION, _("Only supervision departments report commitment breaches.")
    )
    pinned = None
    wanted = request.GET.get("licence", "")
    if wanted:
        if parse_id(wanted) is None:
            raise Http404
        pinned = (
            selectors.licences_for_breach_report(actor=actor).filter(pk=parse_id(wanted)).first()
        )
        if pinned is None:
            raise Http404
    form = BreachReportForm(
        request.POST or None,
        actor=actor,
        pinned=pinned,
        initial={"licence": pinned.pk} if pinned else None,
    )
    if request.method == "POST" and form.is_valid():
        revocation = call_service(
            request, form, services.breach_report, actor=actor, **form.service_arguments()
        )
        if revocation is not None:
            messages.success(
                request,
                _("Reported to %(department)s; the licence is in its revocation queue.")
                % {"department": revocation.department.name},
            )
            return redirect("credit:revocation-detail", pk=revocation.pk)
    return render(
        request,
        "credit/breach_form.html",
        {"form": form, "pinned": pinned},
    )
