"""Web pages of the supervision side shared by its subdomains (search and paging helpers,
evidence downloads); each subdomain's pages are in its package's `views.py`."""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from notifications.models import Push
from notifications.selectors import annotate_time_left, pushes_visible
from organizations.scoping import Actor, actor_for_user

from . import selectors
from .models import (
    Evidence,
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
