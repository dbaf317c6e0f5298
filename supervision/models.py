from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models import Licence
from counterparties.models import Counterparty
from organizations.models import Department


class ActionKind(models.TextChoices):
    SUSPENSION = "suspension", _("Order to suspend production or business")
    REVOCATION = "revocation", _("Licence revocation")
    PENALTY = "penalty", _("Other penalty that may affect approval")
    TRAINING = "training", _("Training notice")
    RULE_CHANGE = "rule_change", _("Change of laws, policies, technical standards or rules")
    SUSPENSION_LIFT = "suspension_lift", _("Lifting of an order to suspend production or business")


PENALTY_KINDS = {ActionKind.SUSPENSION, ActionKind.REVOCATION, ActionKind.PENALTY}
# Kinds that concern one licence and its holder, and must name the licence.
LICENCE_KINDS = {ActionKind.SUSPENSION, ActionKind.REVOCATION, ActionKind.SUSPENSION_LIFT}


class SuspensionEnd(models.TextChoices):
    EXPIRED = "expired", _("The suspension period ended")
    LIFTED = "lifted", _("Lifted by the supervision department")


class SupervisionAction(models.Model):
    """Supervision information pushed to the approval department (监管信息, Art. 7(2), R6)."""

    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="supervision_actions",
        verbose_name=_("supervision department"),
    )
    document_no = models.CharField(_("document number"), max_length=100)
    decided_on = models.DateField(_("decision date"))
    summary = models.TextField(_("summary"))
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_actions",
        verbose_name=_("counterparty"),
    )
    licence = models.ForeignKey(
        Licence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_actions",
        verbose_name=_("licence"),
    )
    recorded_by_label = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded at"))
    # A suspension order (R8): its last day, if the order sets one; the licence returns to
    # its previous status at the start of the next day (Asia/Shanghai), or when lifted.
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    suspension_ended_at = models.DateTimeField(_("suspension ended at"), null=True, blank=True)
    suspension_end = models.CharField(
        _("how the suspension ended"), max_length=16, choices=SuspensionEnd.choices, blank=True
    )
    suspension_lifted_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lifted_suspensions",
        verbose_name=_("lifted by"),
    )

    class Meta:
        verbose_name = _("supervision action")
        verbose_name_plural = _("supervision actions")
        indexes = [
            models.Index(fields=["department", "-recorded_at"], name="action_dept_idx"),
            models.Index(
                fields=["suspended_until"],
                name="action_suspension_due_idx",
                condition=Q(kind="suspension", suspension_ended_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["suspension", "revocation", "penalty"])
                | Q(counterparty__isnull=False),
                name="penalty_names_counterparty",
            ),
            # R6: one department records one document number once for one kind of action.
            models.UniqueConstraint(
                fields=["department", "kind", "document_no"], name="action_document_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_no}"


class ListingType(models.TextChoices):
    ANOMALY = "anomaly", _("Business anomaly list")
    DISHONEST = "dishonest", _("Dishonest list")


class AccessLevel(models.TextChoices):
    NORMAL = "normal", _("Normal access")
    RESTRICTED = "restricted", _("Restricted access")
    STRICT = "strict", _("Strict access")


ACCESS_SEVERITY = {AccessLevel.NORMAL: 0, AccessLevel.RESTRICTED: 1, AccessLevel.STRICT: 2}


class AccessRule(models.Model):
    """Which access level a listing type imposes (editable by admins)."""

    listing_type = models.CharField(
        _("listing type"), max_length=16, choices=ListingType.choices, unique=True
    )
    access_level = models.CharField(
        _("access level"),
        max_length=16,
        choices=[
            (AccessLevel.RESTRICTED, AccessLevel.RESTRICTED.label),
            (AccessLevel.STRICT, AccessLevel.STRICT.label),
        ],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("access rule")
        verbose_name_plural = _("access rules")

    def __str__(self) -> str:
        return f"{self.get_listing_type_display()} → {self.get_access_level_display()}"


class CounterpartyListing(models.Model):
    """A counterparty on the business-anomaly or dishonest list while the listing is in force;
    a listing past its end date stops counting by itself (the query compares dates)."""

    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="listings",
        verbose_name=_("counterparty"),
    )
    listing_type = models.CharField(_("listing type"), max_length=16, choices=ListingType.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="listings", verbose_name=_("listed by")
    )
    source_document = models.CharField(_("source document"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    listed_on = models.DateField(_("listed on"))
    until = models.DateField(_("listed until"), null=True, blank=True)
    action = models.ForeignKey(
        SupervisionAction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("supervision action"),
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by_label = models.CharField(_("removed by"), max_length=150, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    created_by_label = models.CharField(_("listed by (person)"), max_length=150)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [
            models.Index(
                fields=["counterparty", "until"],
                name="listing_active_idx",
                condition=Q(removed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.counterparty} · {self.get_listing_type_display()}"


class LetterAction(models.TextChoices):
    CHANGE = "change", _("Change the licence")
    WITHDRAW = "withdraw", _("Withdraw the licence")
    REVOKE = "revoke", _("Revoke the licence")
    CANCEL = "cancel", _("Cancel the licence")


class LetterState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class LicenceLetter(models.Model):
    """A formal letter asking the approval department to change, withdraw, revoke or cancel a
    licence, with the penalty's legal basis and result as evidence (函告, Art. 7(2)3, R8)."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="letters_sent",
        verbose_name=_("supervision department"),
    )
    approval_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="letters_received",
        verbose_name=_("approval department"),
    )
    licence = models.ForeignKey(
        Licence, on_delete=models.PROTECT, related_name="letters", verbose_name=_("licence")
    )
    action = models.CharField(_("requested action"), max_length=16, choices=LetterAction.choices)
    document_no = models.CharField(_("letter number"), max_length=100)
    legal_basis = models.TextField(_("legal basis of the penalty"))
    penalty_result = models.TextField(_("penalty result"))
    state = models.CharField(
        _("state"), max_length=16, choices=LetterState.choices, default=LetterState.SUBMITTED
    )
    sent_by_label = models.CharField(_("sent by"), max_length=150)
    sent_at = models.DateTimeField(_("sent at"))
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision and reasons"), blank=True)

    class Meta:
        verbose_name = _("licence letter")
        verbose_name_plural = _("licence letters")
        indexes = [
            models.Index(
                fields=["approval_department", "state", "-sent_at"], name="letter_queue_idx"
            ),
            models.Index(fields=["department", "-sent_at"], name="letter_sent_idx"),
        ]
        constraints = [
            # One department sends one letter number once for one requested action.
            models.UniqueConstraint(
                fields=["department", "action", "document_no"], name="letter_document_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_no} · {self.get_action_display()}"


class LetterEvent(models.Model):
    letter = models.ForeignKey(
        LicenceLetter, on_delete=models.CASCADE, related_name="events", verbose_name=_("letter")
    )
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=LetterState.choices)
    note = models.TextField(_("note"), blank=True)
    by_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("letter event")
        verbose_name_plural = _("letter events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        before = LetterState(self.from_state).label if self.from_state else ""
        return f"{self.letter_id}: {before} → {self.get_to_state_display()}"


class CaseState(models.TextChoices):
    AWAITING_OPINION = "awaiting_opinion", _("Awaiting legal review opinion")
    RECTIFYING = "rectifying", _("Rectification required")
    READY = "ready", _("Ready for handling")
    CLOSED = "closed", _("Closed")


class LegacyCase(models.Model):
    """A legacy licensing issue (历史遗留问题, Art. 13, R17)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legacy_cases",
        verbose_name=_("counterparty"),
    )
    approval_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="legacy_cases_handled",
        verbose_name=_("approval department"),
    )
    supervision_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="legacy_cases_reviewed",
        verbose_name=_("supervision department"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.AWAITING_OPINION
    )
    opened_by_label = models.CharField(_("opened by"), max_length=150)
    opened_at = models.DateTimeField(_("opened at"))
    opinion = models.TextField(_("legal review opinion"), blank=True)
    opinion_requires_rectification = models.BooleanField(_("rectification required"), default=False)
    opinion_by_label = models.CharField(_("opinion by"), max_length=150, blank=True)
    opinion_at = models.DateTimeField(_("opinion issued at"), null=True, blank=True)
    rectification_note = models.TextField(_("verification of the rectification"), blank=True)
    rectification_verified_by_label = models.CharField(_("verified by"), max_length=150, blank=True)
    rectification_verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closing_note = models.TextField(_("how it was handled"), blank=True)
    closed_by_label = models.CharField(_("closed by"), max_length=150, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legacy case")
        verbose_name_plural = _("legacy cases")

    def __str__(self) -> str:
        return str(self.title)


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.uploaded_at:%Y/%m}/{filename}"


class Evidence(models.Model):
    """A file attached to an action, a letter or a case opinion."""

    action = models.ForeignKey(
        SupervisionAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("supervision action"),
    )
    letter = models.ForeignKey(
        LicenceLetter,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("licence letter"),
    )
    case = models.ForeignKey(
        LegacyCase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("legacy case"),
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=150)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return str(self.name)
