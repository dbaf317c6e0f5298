"""What the coordination side's REST API shares (shared/API.md): department and file
look-ups, paging, the inspection kind. Each subdomain's endpoints are in its package's
`api.py`: inquiry letters (R16), inspections / reviews and meetings (R15), files (R14).

Views parse the body and call one service; every rule lives in the services / selectors.
Another department's record answers 404; a state conflict 409.
"""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from linzi_platform.pagination import ApiCursorPagination
from organizations.models import Department
from organizations.scoping import Actor

from . import selectors
from .models import (
    ImportantFile,
    Inquiry,
    Inspection,
    InspectionKind,
    JointMeeting,
)

# --------------------------------------------------------------------------- helpers


def _department(code: str | None, field: str) -> Department | None:
    if not code:
        return None
    department = Department.objects.filter(code=code, active=True).first()
    if department is None:
        raise exceptions.ValidationError(
            {field: [_("Unknown department: %(code)s") % {"code": code}]}
        )
    return department


def _departments(codes: list[str], field: str) -> list[Department]:
    found = {d.code: d for d in Department.objects.filter(code__in=codes, active=True)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise exceptions.ValidationError(
            {field: [_("Unknown department: %(code)s") % {"code": ", ".join(unknown)}]}
        )
    return [found[code] for code in dict.fromkeys(codes)]


def _own_file(actor: Actor, pk: int | None) -> ImportantFile | None:
    if pk is None:
        return None
    file = selectors.important_files_visible(actor=actor).filter(pk=pk).first()
    if file is None:
        raise exceptions.ValidationError({"important_file": [_("Unknown important-matter file.")]})
    return file


def _get(queryset_getter: Any, **kwargs: Any) -> Any:
    try:
        return queryset_getter(**kwargs)
    except (
        ImportantFile.DoesNotExist,
        Inquiry.DoesNotExist,
        Inspection.DoesNotExist,
        JointMeeting.DoesNotExist,
    ):
        raise Http404 from None


class NewestSentFirst(ApiCursorPagination):
    ordering = ("-sent_at", "-id")


class NewestScheduledFirst(NewestSentFirst):
    ordering = ("-scheduled_at", "-id")


class NewestCreatedFirst(NewestSentFirst):
    ordering = ("-created_at", "-id")


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(site_inspection|joint_review)$",
        "description": "`site_inspection` (联合踏勘) or `joint_review` (联合会审)",
    }
)
class InspectionKindField(serializers.ChoiceField):
    """Described by a pattern: a generated "KindEnum" component would collide with the other
    apps' `kind` choices (the enum postprocessor names enums by field name)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=InspectionKind.choices, **kwargs)
