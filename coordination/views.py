"""Web pages of the coordination side shared by its subdomains (the overview, document
downloads, paging helpers); each subdomain's pages are in its package's `views.py`."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from linzi_platform.pagination import keyset_page
from organizations.scoping import Actor, actor_for_user

from . import selectors
from .dashboard import coordination_dashboard_cards
from .models import (
    Consultation,
    Hearing,
    StakeholderOpinion,
)

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return actor_for_user(request.user)


def _page(request: HttpRequest, queryset: QuerySet, order: tuple) -> Any:
    return keyset_page(queryset, order=order, cursor=request.GET.get("cursor"), size=PAGE_SIZE)


def _state(request: HttpRequest, choices: list[str]) -> str:
    value = request.GET.get("state", "")
    return value if value in choices else ""


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    return render(
        request,
        "coordination/index.html",
        {"cards": coordination_dashboard_cards(actor=actor), "section": "index"},
    )


DOCUMENT_MODELS = {
    "consultation": Consultation,
    "stakeholder": StakeholderOpinion,
    "hearing": Hearing,
}


@login_required
@require_GET
def document_download(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """A document of a file, only for a department that can see the file."""
    model = DOCUMENT_MODELS.get(kind)
    if model is None:
        raise Http404
    record = model.objects.filter(pk=pk).first()
    if record is None or not record.document:
        raise Http404
    actor = _actor(request)
    if not selectors.important_files_visible(actor=actor).filter(pk=record.file_id).exists():
        raise Http404
    try:
        handle = record.document.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=record.document_name or "document")
