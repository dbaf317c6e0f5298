"""Public licence verification by supervision code (监管码) and the open-data downloads.

No login. A visitor sees what a licence certificate shows anyway: the item, the status,
the dates, the issuing and supervising departments and the holder's name — an individual's
name masked (王*明). Contact persons, phone numbers and ID card numbers never leave here.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import segno
from django import forms
from django.db.models import F, Prefetch, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe
from django_ratelimit.decorators import ratelimit

from counterparties.models import CounterpartyKind
from counterparties.validators import mask_name
from organizations.models import Department

from .models import Licence, LicenceStatus, LicenceStatusChange

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPIRED = "expired"
# A licence ended by a decision stays so; only a valid or suspended one can run out.
ENDED_STATUSES = frozenset(
    {LicenceStatus.REVOKED, LicenceStatus.WITHDRAWN, LicenceStatus.CANCELLED}
)
PUBLIC_STATUS_LABELS = {**dict(LicenceStatus.choices), EXPIRED: _("Expired")}
STATUS_BADGES = {
    LicenceStatus.VALID: "ok",
    LicenceStatus.SUSPENDED: "pending",
    EXPIRED: "pending",
    LicenceStatus.REVOKED: "overdue",
    LicenceStatus.WITHDRAWN: "overdue",
    LicenceStatus.CANCELLED: "overdue",
}

# Page and search share one budget per client address, so neither doubles the other.
VERIFY_RATE = "30/m"
VERIFY_RATE_GROUP = "approvals.public.verify"
QR_RATE = "120/m"
QR_RATE_GROUP = "approvals.public.qr"


# --- selectors ---------------------------------------------------------------------------


def shanghai_today() -> datetime.date:
    return timezone.localdate(timezone=SHANGHAI)


def licence_public_status(
    *, status: str, valid_to: datetime.date | None, today: datetime.date
) -> str:
    """The status a visitor sees: the stored one, or "expired" once the validity ended."""
    if status not in ENDED_STATUSES and valid_to is not None and valid_to < today:
        return EXPIRED
    return str(status)


@dataclass(frozen=True)
class PublicLicence:
    """Everything the public page may show of a licence, and nothing more."""

    licence_no: str
    item_name: str  # with the official code where the item has one, never the slug
    holder_name: str
    holder_is_individual: bool
    issuing_department: str
    supervision_departments: list[str]
    licence_date: datetime.date
    valid_from: datetime.date
    valid_to: datetime.date | None
    status: str
    # The day the current status took effect by a decision (a suspension, its end, …), R8.
    status_since: datetime.date | None = None

    @property
    def status_label(self) -> str:
        return str(PUBLIC_STATUS_LABELS[self.status])

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "")


def _licences_public() -> QuerySet[Licence]:
    return Licence.objects.select_related("item", "department", "counterparty").prefetch_related(
        Prefetch(
            "item__supervision_departments",
            queryset=Department.objects.filter(active=True).order_by("code"),
        )
    )


def licence_get_by_supervision_code(*, code: str) -> Licence | None:
    return _licences_public().filter(supervision_code=code).first()


def licences_find_public(*, licence_no: str, counterparty_name: str) -> list[Licence]:
    """Licences with exactly this number whose holder has exactly this name (both trimmed).

    A number is unique per approval department only, hence a list.
    """
    licence_no = (licence_no or "").strip()
    counterparty_name = (counterparty_name or "").strip()
    if not licence_no or not counterparty_name:
        return []
    return list(
        _licences_public()
        .filter(licence_no=licence_no, counterparty__name=counterparty_name)
        .order_by("id")
    )


def licence_public(licence: Licence, *, today: datetime.date | None = None) -> PublicLicence:
    counterparty = licence.counterparty
    status = licence_public_status(
        status=licence.status, valid_to=licence.valid_to, today=today or shanghai_today()
    )
    individual = counterparty.kind == CounterpartyKind.INDIVIDUAL or bool(counterparty.id_number)
    return PublicLicence(
        licence_no=licence.licence_no,
        item_name=licence.item.display_name,
        holder_name=mask_name(counterparty.name) if individual else counterparty.name,
        holder_is_individual=individual,
        issuing_department=licence.department.name,
        supervision_departments=[d.name for d in licence.item.supervision_departments.all()],
        licence_date=licence.licence_date,
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        status=status,
        status_since=_status_since(licence) if status != EXPIRED else None,
    )


def _status_since(licence: Licence) -> datetime.date | None:
    """When the licence's status last changed (not at its decision, not a 变更 that kept it)."""
    changed_at = (
        LicenceStatusChange.objects.filter(licence=licence)
        .exclude(from_status="")
        .exclude(from_status=F("to_status"))
        .order_by("-changed_at", "-id")
        .values_list("changed_at", flat=True)
        .first()
    )
    return timezone.localtime(changed_at, SHANGHAI).date() if changed_at else None


# --- QR code -----------------------------------------------------------------------------


def verify_path(code: str) -> str:
    return reverse("public:verify", kwargs={"code": code})


def supervision_code_qr_svg(code: str, *, absolute_uri: Callable[[str], str] | None = None) -> str:
    """An SVG QR code of the public verification page of ``code``.

    ``absolute_uri`` (a view passes ``request.build_absolute_uri``) makes the encoded URL
    absolute on the host the request came to; without it the path alone is encoded.
    """
    path = verify_path(code)
    url = absolute_uri(path) if absolute_uri is not None else path
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", scale=4, border=4, xmldecl=False, title=url
    )
    return buffer.getvalue().decode("utf-8")


def licence_qr_svg(licence: Licence, *, absolute_uri: Callable[[str], str] | None = None) -> str:
    return supervision_code_qr_svg(licence.supervision_code, absolute_uri=absolute_uri)


# --- views -------------------------------------------------------------------------------


class VerifySearchForm(forms.Form):
    licence_no = forms.CharField(label=_("Licence number"), max_length=64)
    name = forms.CharField(label=_("Counterparty name"), max_length=200)


def _noindex(response: HttpResponse) -> HttpResponse:
    # Verification pages are for whoever holds the code, not for search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many_requests(request: HttpRequest) -> HttpResponse:
    response = render(request, "approvals/verify_limited.html", status=429)
    response["Retry-After"] = "60"
    return _noindex(response)


@require_GET
@ratelimit(group=VERIFY_RATE_GROUP, key="ip", rate=VERIFY_RATE, block=False)
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return _too_many_requests(request)
    licence = licence_get_by_supervision_code(code=code)
    if licence is None:
        return _noindex(render(request, "approvals/verify_not_found.html", status=404))
    today = shanghai_today()
    return _noindex(
        render(
            request,
            "approvals/verify.html",
            {"licence": licence_public(licence, today=today), "today": today},
        )
    )


@require_GET
@ratelimit(group=VERIFY_RATE_GROUP, key="ip", rate=VERIFY_RATE, block=False)
def verify_search(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return _too_many_requests(request)
    submitted = bool({"licence_no", "name"} & request.GET.keys())
    form = VerifySearchForm(request.GET if submitted else None)
    results = None
    today = shanghai_today()
    if form.is_valid():
        results = [
            licence_public(licence, today=today)
            for licence in licences_find_public(
                licence_no=form.cleaned_data["licence_no"],
                counterparty_name=form.cleaned_data["name"],
            )
        ]
    return _noindex(
        render(
            request,
            "approvals/verify_search.html",
            {"form": form, "results": results, "today": today},
        )
    )


@require_safe
@ratelimit(group=QR_RATE_GROUP, key="ip", rate=QR_RATE, block=False)
def verify_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code of a verification page. It holds nothing but the public URL, so the code
    is not looked up: the image tells nobody whether a licence has that code."""
    if getattr(request, "limited", False):
        return _too_many_requests(request)
    svg = supervision_code_qr_svg(code, absolute_uri=request.build_absolute_uri)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def open_data(request: HttpRequest, dataset: str) -> FileResponse:
    """An open-data file as last generated (generated now if it never was)."""
    from .opendata import open_data_get

    generated = open_data_get(dataset=dataset)
    response = FileResponse(
        generated.path.open("rb"), content_type=generated.content_type, filename=dataset
    )
    response["X-Generated-At"] = generated.generated_at
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "X-Generated-At"
    response["Cache-Control"] = "public, max-age=600"
    return response
