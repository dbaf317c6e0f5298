"""Coordination between the approval and supervision sides (Art. 5(8), 9–12; R14–R16):
important-matter files, joint meetings, joint site inspections / reviews, inquiry letters.

Every row here is written by the services of coordination's subdomains; states are
`TextChoices` and every transition is one conditional UPDATE there.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalItem
from organizations.models import Department


def document_path(instance: models.Model, filename: str) -> str:
    return f"coordination/{instance._meta.model_name}/{filename}"


class RecordedBy(models.Model):
    """Who recorded a row, kept as a label too: users and API clients come and go."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_by_label = models.CharField(_("recorded by (label)"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        abstract = True


class CreatedBy(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_by_label = models.CharField(_("created by (label)"), max_length=150)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        abstract = True


class AttachedDocument(models.Model):
    document = models.FileField(_("document"), upload_to=document_path, blank=True)
    document_name = models.CharField(_("document name"), max_length=200, blank=True)

    class Meta:
        abstract = True


# Important-matter files (R14, Art. 5(8)) --------------------------------------------------


class ImportantFile(CreatedBy):
    """The record of an important item's application (重要审批事项): consultation with every
    responsible supervision department, stakeholder opinions, and a hearing or the reason
    none was needed. The decision screen refuses to finish while anything is missing."""

    item = models.ForeignKey(
        ApprovalItem,
        on_delete=models.PROTECT,
        related_name="important_files",
        verbose_name=_("item"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="important_files",
        verbose_name=_("approval department"),
    )
    project_name = models.CharField(_("project or applicant"), max_length=200)
    counterparty_code = models.CharField(
        _("applicant's credit code or ID number"), max_length=18, blank=True
    )
    no_hearing_reason = models.TextField(_("reason no hearing was needed"), blank=True)
    no_hearing_by_label = models.CharField(_("reason recorded by"), max_length=150, blank=True)
    no_hearing_at = models.DateTimeField(_("reason recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("important-matter file")
        verbose_name_plural = _("important-matter files")
        indexes = [
            models.Index(
                fields=["department", "item", "-created_at", "-id"], name="impfile_dept_item_idx"
            ),
            models.Index(fields=["item", "-created_at", "-id"], name="impfile_item_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project_name} · {self.item.name}"


class Consultation(RecordedBy, AttachedDocument):
    """The opinion of one responsible supervision department on an important file (会商),
    recorded by that department or, with its opinion document, by the approval department."""

    file = models.ForeignKey(
        ImportantFile,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("important-matter file"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("supervision department"),
    )
    opinion = models.TextField(_("opinion"))
    recorded_by_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by department"),
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "department"], name="consultation_once_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_id} · {self.department}"


class StakeholderOpinion(RecordedBy, AttachedDocument):
    """An opinion of a stakeholder (利害关系人) collected by the approval department."""

    file = models.ForeignKey(
        ImportantFile,
        on_delete=models.PROTECT,
        related_name="stakeholder_opinions",
        verbose_name=_("important-matter file"),
    )
    stakeholder = models.CharField(_("stakeholder"), max_length=200)
    summary = models.TextField(_("summary of the opinion"))

    class Meta:
        verbose_name = _("stakeholder opinion")
        verbose_name_plural = _("stakeholder opinions")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.file_id} · {self.stakeholder}"


class Hearing(RecordedBy, AttachedDocument):
    """The hearing (听证) held on an important file; one per file."""

    file = models.OneToOneField(
        ImportantFile,
        on_delete=models.PROTECT,
        related_name="hearing",
        verbose_name=_("important-matter file"),
    )
    held_on = models.DateField(_("held on"))
    participants = models.TextField(_("participants"))
    minutes = models.TextField(_("minutes"))

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.file_id} · {self.held_on}"


# Joint meetings (联席会议, Art. 9–10, R15) ----------------------------------------------------


class MeetingState(models.TextChoices):
    CONVENED = "convened", _("Convened")
    CONCLUDED = "concluded", _("Minutes recorded")


class JointMeeting(CreatedBy):
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="meetings_convened",
        verbose_name=_("convening department"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    location = models.CharField(_("location"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    important_file = models.ForeignKey(
        ImportantFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("important-matter file"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=MeetingState.choices, default=MeetingState.CONVENED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    concluded_by_label = models.CharField(_("minutes recorded by"), max_length=150, blank=True)
    concluded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        indexes = [
            models.Index(fields=["department", "-created_at", "-id"], name="meeting_dept_idx")
        ]

    def __str__(self) -> str:
        return str(self.topic)


class MeetingInvitation(models.Model):
    """An invited department and its opinion on the meeting's topic."""

    meeting = models.ForeignKey(
        JointMeeting,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("joint meeting"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
        verbose_name=_("invited department"),
    )
    invited_at = models.DateTimeField(_("invited at"))
    opinion = models.TextField(_("opinion"), blank=True)
    opinion_by_label = models.CharField(_("opinion given by"), max_length=150, blank=True)
    opinion_at = models.DateTimeField(_("opinion given at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        ordering = ["department__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "department"], name="meeting_invitation_once"
            )
        ]
        indexes = [models.Index(fields=["department", "opinion_at"], name="meeting_inv_dept_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.department}"


# Joint site inspections and joint reviews (联合踏勘 / 联合会审, Art. 11, R15) ------------------


class InspectionKind(models.TextChoices):
    SITE_INSPECTION = "site_inspection", _("Joint site inspection")
    JOINT_REVIEW = "joint_review", _("Joint review")


class InspectionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    REPORT_DRAFTED = "report_drafted", _("Report awaiting sign-off")
    FINAL = "final", _("Report final")


class Inspection(CreatedBy):
    """A joint site inspection or joint review and its one joint report (现场勘验评审报告).

    `invited_at` and `earliest_at` keep the 1-working-day notice check as it was made; the
    report is final once every confirmed participant signed off or dissented, and from then
    on nothing about it changes (the services refuse; the state says so).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="inspections_organised",
        verbose_name=_("organising department"),
    )
    title = models.CharField(_("subject"), max_length=200)
    location = models.CharField(_("location"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    invited_at = models.DateTimeField(_("invited at"))
    earliest_at = models.DateTimeField(_("earliest allowed time"))
    item = models.ForeignKey(
        ApprovalItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("item"),
    )
    important_file = models.ForeignKey(
        ImportantFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("important-matter file"),
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=InspectionState.choices,
        default=InspectionState.SCHEDULED,
    )
    report_findings = models.TextField(_("findings"), blank=True)
    report_conclusion = models.TextField(_("conclusion"), blank=True)
    report_version = models.PositiveIntegerField(_("report version"), default=0)
    report_drafted_by_label = models.CharField(_("report drafted by"), max_length=150, blank=True)
    report_drafted_at = models.DateTimeField(_("report drafted at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("report final at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint inspection")
        verbose_name_plural = _("joint inspections")
        indexes = [
            models.Index(fields=["department", "-scheduled_at", "-id"], name="inspection_dept_idx")
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_final(self) -> bool:
        return self.state == InspectionState.FINAL


class SignOff(models.TextChoices):
    PENDING = "pending", _("Awaiting sign-off")
    SIGNED = "signed", _("Signed off")
    DISSENT = "dissent", _("Dissent recorded")


class InspectionParticipant(models.Model):
    """An invited supervision department: its attendance and its sign-off of the report."""

    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("joint inspection"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="inspection_invitations",
        verbose_name=_("invited department"),
    )
    invited_at = models.DateTimeField(_("invited at"))
    confirmed_at = models.DateTimeField(_("attendance confirmed at"), null=True, blank=True)
    confirmed_by_label = models.CharField(_("confirmed by"), max_length=150, blank=True)
    signoff = models.CharField(
        _("sign-off"), max_length=16, choices=SignOff.choices, default=SignOff.PENDING
    )
    dissent = models.TextField(_("dissent"), blank=True)
    signed_version = models.PositiveIntegerField(_("signed report version"), null=True, blank=True)
    signed_by_label = models.CharField(_("signed by"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection participant")
        verbose_name_plural = _("inspection participants")
        ordering = ["department__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "department"], name="inspection_participant_once"
            )
        ]
        indexes = [models.Index(fields=["department", "signoff"], name="inspection_part_dept_idx")]

    def __str__(self) -> str:
        return f"{self.inspection_id} · {self.department}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


# Inquiry letters (函询, Art. 12, R16) -------------------------------------------------------


class InquiryState(models.TextChoices):
    OPEN = "open", _("Awaiting reply")
    ANSWERED = "answered", _("Answered")
    DEEMED_CONSENT = "deemed_consent", _("Deemed consent (no reply by the deadline)")


class Inquiry(models.Model):
    """A business inquiry letter between two departments; no reply by its stored deadline
    makes it deemed consent (视为同意) and the silence is charged to the receiver."""

    sender = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="inquiries_sent",
        verbose_name=_("sender"),
    )
    receiver = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="inquiries_received",
        verbose_name=_("receiver"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    question = models.TextField(_("question"))
    reply_working_days = models.PositiveSmallIntegerField(_("reply within (working days)"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_by_label = models.CharField(_("sent by (label)"), max_length=150)
    sent_at = models.DateTimeField(_("sent at"))
    deadline = models.DateTimeField(_("reply deadline"))
    state = models.CharField(
        _("state"), max_length=16, choices=InquiryState.choices, default=InquiryState.OPEN
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_by_label = models.CharField(_("replied by (label)"), max_length=150, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    deemed_consent_at = models.DateTimeField(_("deemed consent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inquiry letter")
        verbose_name_plural = _("inquiry letters")
        indexes = [
            models.Index(fields=["receiver", "state", "-sent_at", "-id"], name="inquiry_inbox_idx"),
            models.Index(fields=["sender", "-sent_at", "-id"], name="inquiry_outbox_idx"),
            models.Index(
                fields=["deadline"], name="inquiry_open_deadline_idx", condition=Q(state="open")
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state == InquiryState.OPEN
