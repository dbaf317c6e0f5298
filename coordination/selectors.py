"""Every non-trivial read of the coordination side, scoped to the actor's department first:
another department's record is simply not found (404)."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from approvals.models import ApprovalItem
from organizations.models import Department
from organizations.scoping import Actor, scope_to_department

from .models import (
    Consultation,
    ImportantFile,
    Inquiry,
    InquiryState,
    Inspection,
    InspectionParticipant,
    JointMeeting,
    MeetingInvitation,
    StakeholderOpinion,
)

# Important-matter files (R14) ---------------------------------------------------------------


def important_files_visible(*, actor: Actor) -> QuerySet[ImportantFile]:
    """Files of the actor's approval department, or of items its supervision department is
    responsible for (it sees them and adds its consultation opinion)."""
    return scope_to_department(
        ImportantFile.objects.select_related("item", "department"),
        actor=actor,
        via=["department", "item__supervision_departments"],
    )


def important_file_detail(*, actor: Actor, pk: int) -> ImportantFile:
    """One visible file with its records; raises ImportantFile.DoesNotExist otherwise."""
    return (
        important_files_visible(actor=actor)
        .prefetch_related(
            Prefetch(
                "consultations",
                queryset=Consultation.objects.select_related("department").order_by(
                    "department__code", "id"
                ),
            ),
            Prefetch("stakeholder_opinions", queryset=StakeholderOpinion.objects.order_by("id")),
        )
        .get(pk=pk)
    )


def important_file_for(*, item: ApprovalItem, actor: Actor) -> QuerySet[ImportantFile]:
    """The files of the actor's approval department for this item, newest first — what a
    licence decision of an important item chooses from."""
    if actor.department is None:
        return ImportantFile.objects.none()
    return (
        ImportantFile.objects.filter(item=item, department=actor.department)
        .select_related("item", "department")
        .order_by("-created_at", "-id")
    )


def important_file_missing(*, file: ImportantFile) -> list[str]:
    """What the file still lacks before the decision may be finished (R14), in words:
    one "Consultation with <department>" per responsible supervision department without an
    opinion, "Stakeholder opinions" when none is recorded, and "Hearing record or the reason
    no hearing was needed" when neither is. Empty when the file is complete."""
    missing: list[str] = []
    consulted = set(Consultation.objects.filter(file=file).values_list("department_id", flat=True))
    responsible = file.item.supervision_departments.filter(active=True).order_by("code")
    for department in responsible:
        if department.pk not in consulted:
            missing.append(_("Consultation with %(name)s") % {"name": department.name})
    if not StakeholderOpinion.objects.filter(file=file).exists():
        missing.append(_("Stakeholder opinions"))
    has_hearing = ImportantFile.objects.filter(pk=file.pk, hearing__isnull=False).exists()
    has_reason = ImportantFile.objects.filter(pk=file.pk).exclude(no_hearing_reason="").exists()
    if not (has_hearing or has_reason):
        missing.append(_("Hearing record or the reason no hearing was needed"))
    return missing


def consultation_departments_open(*, file: ImportantFile) -> list[Department]:
    """The responsible supervision departments whose opinion is still missing."""
    consulted = Consultation.objects.filter(file=file).values("department_id")
    return list(
        file.item.supervision_departments.filter(active=True)
        .exclude(pk__in=consulted)
        .order_by("code")
    )


# Joint meetings --------------------------------------------------------------------------------


def meetings_visible(*, actor: Actor) -> QuerySet[JointMeeting]:
    """Meetings the actor's department convened or is invited to."""
    return scope_to_department(
        JointMeeting.objects.select_related("department", "important_file"),
        actor=actor,
        via=["department", "invitations__department"],
    )


def meeting_detail(*, actor: Actor, pk: int) -> JointMeeting:
    return (
        meetings_visible(actor=actor)
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=MeetingInvitation.objects.select_related("department").order_by(
                    "department__code", "id"
                ),
            )
        )
        .get(pk=pk)
    )


# Joint inspections and reviews -------------------------------------------------------------


def inspections_visible(*, actor: Actor) -> QuerySet[Inspection]:
    """Inspections the actor's department organises or is invited to."""
    return scope_to_department(
        Inspection.objects.select_related("department", "item", "important_file"),
        actor=actor,
        via=["department", "participants__department"],
    )


def inspection_detail(*, actor: Actor, pk: int) -> Inspection:
    return (
        inspections_visible(actor=actor)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=InspectionParticipant.objects.select_related("department").order_by(
                    "department__code", "id"
                ),
            )
        )
        .get(pk=pk)
    )


# Inquiry letters ---------------------------------------------------------------------------


def inquiries_inbox(*, actor: Actor) -> QuerySet[Inquiry]:
    return scope_to_department(
        Inquiry.objects.select_related("sender", "receiver"), actor=actor, via=["receiver"]
    )


def inquiries_outbox(*, actor: Actor) -> QuerySet[Inquiry]:
    return scope_to_department(
        Inquiry.objects.select_related("sender", "receiver"), actor=actor, via=["sender"]
    )


def inquiries_visible(*, actor: Actor) -> QuerySet[Inquiry]:
    return scope_to_department(
        Inquiry.objects.select_related("sender", "receiver"),
        actor=actor,
        via=["sender", "receiver"],
    )


def inquiries_to_answer(*, actor: Actor) -> QuerySet[Inquiry]:
    """Open letters the actor's own department must answer (admins: none of their own)."""
    if actor.department is None:
        return Inquiry.objects.none()
    return Inquiry.objects.filter(receiver=actor.department, state=InquiryState.OPEN)


def departments_to_choose(*, actor: Actor, kind: str | None = None) -> QuerySet[Department]:
    """Active departments other than the actor's, for invitations and inquiries."""
    departments = Department.objects.filter(active=True).order_by("kind", "code")
    if kind:
        departments = departments.filter(kind=kind)
    if actor.department is not None:
        departments = departments.exclude(pk=actor.department.pk)
    return departments
