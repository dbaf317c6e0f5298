from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalItem, CreditMode, Licence
from organizations.models import Department


class CreditCatalogEntry(models.Model):
    """An item's credit-approval terms (信用审批事项目录, Art. 8, R9), kept jointly by the
    approval and supervision departments; every save keeps the previous version."""

    item = models.OneToOneField(
        ApprovalItem, on_delete=models.PROTECT, related_name="credit_entry", verbose_name=_("item")
    )
    mode = models.CharField(
        _("mode"),
        max_length=20,
        choices=[
            (CreditMode.EXEMPT, CreditMode.EXEMPT.label),
            (CreditMode.POST_VERIFICATION, CreditMode.POST_VERIFICATION.label),
        ],
    )
    conditions = models.TextField(_("commitment conditions"))
    materials = models.TextField(_("required materials"))
    commitment_text = models.TextField(_("commitment text"))
    supervision_method = models.TextField(_("supervision method"))
    legal_consequences = models.TextField(_("legal consequences"))
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by_label = models.CharField(_("updated by"), max_length=150)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("credit-approval catalog entry")
        verbose_name_plural = _("credit-approval catalog")

    def __str__(self) -> str:
        return f"{self.item.name} ({self.get_mode_display()})"


class CreditCatalogVersion(models.Model):
    entry = models.ForeignKey(
        CreditCatalogEntry,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("catalog entry"),
    )
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    changed_fields = models.JSONField(_("changed fields"), default=list)
    changed_by_label = models.CharField(_("changed by"), max_length=150)
    changed_by_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("catalog version")
        verbose_name_plural = _("catalog versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "version"], name="credit_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.version}"


class CreditCommitment(models.Model):
    """The applicant's signed commitment (信用承诺书) behind a credit-approval licence."""

    licence = models.OneToOneField(
        Licence,
        on_delete=models.PROTECT,
        related_name="credit_commitment",
        verbose_name=_("licence"),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=CreditMode.choices)
    text = models.TextField(_("commitment text"))
    signer = models.CharField(_("signed by"), max_length=100)
    signed_at = models.DateTimeField(_("signed at"))
    scan = models.FileField(_("scanned commitment"), upload_to="commitments/%Y/%m/", blank=True)
    catalog_version = models.PositiveIntegerField(_("catalog version"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit commitment")
        verbose_name_plural = _("credit commitments")

    def __str__(self) -> str:
        return f"{self.licence} · {self.signer}"


class VerificationState(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    MET = "met", _("Met")
    RECTIFYING = "rectifying", _("Not met: rectifying")
    RECTIFIED = "rectified", _("Met after rectification")
    UNMET = "unmet", _("Still unmet after rectification")
    REVOKED = "revoked", _("Licence revoked")


class Verification(models.Model):
    """Post-verification of a commitment within 10 working days (后置核验, R11, R12)."""

    licence = models.OneToOneField(
        Licence, on_delete=models.PROTECT, related_name="verification", verbose_name=_("licence")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="verifications",
        verbose_name=_("approval department"),
    )
    deadline = models.DateTimeField(_("verification deadline"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=VerificationState.choices,
        default=VerificationState.PENDING,
    )
    overdue = models.BooleanField(_("overdue"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by_label = models.CharField(_("verified by"), max_length=150, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    rectification_deadline = models.DateTimeField(
        _("rectification deadline"), null=True, blank=True
    )
    rectification_days = models.PositiveSmallIntegerField(
        _("rectification period (working days)"), null=True, blank=True
    )
    rectification_notes = models.TextField(_("rectification result"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment verification")
        verbose_name_plural = _("commitment verifications")
        indexes = [
            models.Index(fields=["department", "state", "deadline"], name="verification_queue_idx"),
            models.Index(
                fields=["deadline"], name="verification_due_idx", condition=Q(state="pending")
            ),
            models.Index(
                fields=["rectification_deadline"],
                name="rectification_due_idx",
                condition=Q(state="rectifying"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence} · {self.get_state_display()}"


class VerificationFile(models.Model):
    verification = models.ForeignKey(
        Verification, on_delete=models.CASCADE, related_name="files", verbose_name=_("verification")
    )
    file = models.FileField(_("file"), upload_to="verifications/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=150)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("verification file")
        verbose_name_plural = _("verification files")

    def __str__(self) -> str:
        return str(self.name)


class RevocationSource(models.TextChoices):
    UNMET = "unmet", _("Commitment still unmet after rectification")
    BREACH = "breach", _("Breach or false materials reported by supervision")


class RevocationState(models.TextChoices):
    OPEN = "open", _("Awaiting revocation decision")
    REVOKED = "revoked", _("Revoked")
    DISMISSED = "dismissed", _("Dismissed")


class RevocationRequest(models.Model):
    """A licence in the approval department's revocation queue (R12)."""

    licence = models.ForeignKey(
        Licence,
        on_delete=models.PROTECT,
        related_name="revocation_requests",
        verbose_name=_("licence"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="revocation_requests",
        verbose_name=_("approval department"),
    )
    source = models.CharField(_("source"), max_length=16, choices=RevocationSource.choices)
    reported_by = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breach_reports",
        verbose_name=_("reported by"),
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=16, choices=RevocationState.choices, default=RevocationState.OPEN
    )
    created_at = models.DateTimeField(_("created at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("revocation request")
        verbose_name_plural = _("revocation queue")
        indexes = [
            models.Index(fields=["department", "state", "-created_at"], name="revocation_queue_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["licence"],
                condition=Q(state="open"),
                name="one_open_revocation_per_licence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence} · {self.get_source_display()}"
