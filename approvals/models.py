from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counterparties.models import Counterparty
from organizations.models import Department


class CreditMode(models.TextChoices):
    NONE = "none", _("Not a credit approval")
    EXEMPT = "exempt", _("Exempt from on-site verification")
    POST_VERIFICATION = "post_verification", _("Post-verification")


class ImportantCategory(models.TextChoices):
    NONE = "", _("Not an important item")
    NATIONAL_SECURITY = "national_security", _("National security")
    ECOLOGY = "ecology", _("Ecology and environmental protection")
    WORK_SAFETY = "work_safety", _("Work safety")
    MAJOR_INVESTMENT = "major_investment", _("Major investment attraction")
    PRODUCTIVITY_LAYOUT = "productivity_layout", _("Major productivity layout")
    STRATEGIC_RESOURCES = "strategic_resources", _("Strategic resource development")
    PUBLIC_INTEREST = "public_interest", _("Major public interest")


def item_display_name(name: str, official_code: str = "") -> str:
    if not official_code:
        return name
    return _("%(name)s (code %(code)s)") % {"name": name, "code": official_code}


class ApprovalItem(models.Model):
    """A transferred item (划转事项) of the catalog, disclosed publicly (Art. 5(6), R19)."""

    # The platform's own key (URLs, API, payloads): never shown on the pages.
    code = models.SlugField(
        _("internal key"),
        max_length=40,
        unique=True,
        help_text=_("Used in addresses and by the API; people read the name and official code."),
    )
    name = models.CharField(_("item name"), max_length=200)
    official_code = models.CharField(
        _("official item code"),
        max_length=60,
        blank=True,
        help_text=_("The item's code in the national catalogue of government services, if any."),
    )
    legal_basis = models.TextField(_("legal basis"))
    conditions = models.TextField(_("conditions"))
    quantity_limits = models.TextField(_("quantity limits"), blank=True)
    procedure = models.TextField(_("procedure"))
    time_limit = models.CharField(_("statutory time limit"), max_length=200)
    fees = models.CharField(_("fees"), max_length=200)
    materials = models.TextField(_("materials list"))
    supervision_departments = models.ManyToManyField(
        Department,
        related_name="supervised_items",
        verbose_name=_("responsible supervision departments"),
        limit_choices_to={"kind": "supervision"},
    )
    integrated_licence = models.BooleanField(
        _("integrated licence (one industry one licence)"), default=False
    )
    notification_commitment = models.BooleanField(
        _("notification-commitment system"), default=False
    )
    credit_mode = models.CharField(
        _("credit-approval mode"),
        max_length=20,
        choices=CreditMode.choices,
        default=CreditMode.NONE,
    )
    important_category = models.CharField(
        _("important item category"),
        max_length=24,
        choices=ImportantCategory.choices,
        default=ImportantCategory.NONE,
        blank=True,
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("transferred item")
        verbose_name_plural = _("transferred items")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def display_name(self) -> str:
        """The name people read: the official code follows it where the item has one."""
        return item_display_name(self.name, self.official_code)

    @property
    def needs_commitment(self) -> bool:
        return self.notification_commitment or self.credit_mode != CreditMode.NONE

    @property
    def is_important(self) -> bool:
        return bool(self.important_category)


class ItemSampleText(models.Model):
    item = models.ForeignKey(
        ApprovalItem, on_delete=models.CASCADE, related_name="sample_texts", verbose_name=_("item")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="samples/%Y/")

    class Meta:
        verbose_name = _("sample text")
        verbose_name_plural = _("sample texts")

    def __str__(self) -> str:
        return str(self.title)


def new_supervision_code() -> str:
    """A short, unguessable, URL-safe supervision code (监管码): 96 random bits."""
    import secrets

    return secrets.token_urlsafe(12)


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


class Licence(models.Model):
    """An approval decision (审批决定) and the licence it grants."""

    item = models.ForeignKey(
        ApprovalItem, on_delete=models.PROTECT, related_name="licences", verbose_name=_("item")
    )
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("counterparty"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("approval department"),
    )
    licence_no = models.CharField(_("licence number"), max_length=64)
    supervision_code = models.CharField(
        _("supervision code"),
        max_length=24,
        unique=True,
        default=new_supervision_code,
        editable=False,
    )
    licence_date = models.DateField(_("licence date"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    integrated_licence = models.JSONField(_("integrated licence face info"), null=True, blank=True)
    commitment = models.JSONField(_("commitment letter"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_by_label = models.CharField(_("decided by (label)"), max_length=150)
    decided_at = models.DateTimeField(_("decided at"), db_index=True)
    # R7: the access level shown to the clerk before the decision, and their acknowledgement.
    access_level = models.CharField(_("access level at decision"), max_length=16, default="normal")
    access_reasons = models.JSONField(_("access reasons"), default=list, blank=True)
    access_acknowledged_at = models.DateTimeField(
        _("access restriction acknowledged at"), null=True, blank=True
    )
    # R14: the important-matter file (coordination app) the decision was made on.
    important_file_id = models.PositiveIntegerField(
        _("important-matter file"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "licence_no"], name="licence_no_unique_per_department"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="licence_valid_to_after_valid_from",
            ),
        ]
        indexes = [models.Index(fields=["department", "-decided_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.licence_no} · {self.item.name}"


class LicenceStatusChange(models.Model):
    licence = models.ForeignKey(
        Licence, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("licence")
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=LicenceStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=LicenceStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by_label = models.CharField(_("changed by"), max_length=150)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("licence status change")
        verbose_name_plural = _("licence status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return (
            f"{self.licence_id}: {self.get_from_status_display()} → {self.get_to_status_display()}"
        )


class LicenceImportState(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    CHECKED = "checked", _("Awaiting confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


class LicenceImport(models.Model):
    """An import of licences in force (存量许可) from the approval department's earlier
    system: the file, who uploaded and confirmed it, its rows' check and the progress of the
    import, which a re-run resumes where it stopped."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="licence_imports",
        verbose_name=_("approval department"),
    )
    file = models.FileField(_("file"), upload_to="licence_imports/%Y/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("file checksum (SHA-256)"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_by_label = models.CharField(_("uploaded by (label)"), max_length=150)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=LicenceImportState.choices,
        default=LicenceImportState.CHECKING,
    )
    repush = models.BooleanField(_("push again to the supervision departments"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_by_label = models.CharField(_("confirmed by (label)"), max_length=150, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    new_rows = models.PositiveIntegerField(_("rows to import"), default=0)
    existing_rows = models.PositiveIntegerField(_("rows already recorded"), default=0)
    problem_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    limited_access_rows = models.PositiveIntegerField(_("rows under limited access"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    imported_rows = models.PositiveIntegerField(_("licences imported"), default=0)
    pushes_sent = models.PositiveIntegerField(_("pushes sent"), default=0)
    error = models.TextField(_("reason of the failure"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import of licences in force")
        verbose_name_plural = _("imports of licences in force")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            # The same file is imported once per department: uploading it again finds this one.
            models.UniqueConstraint(
                fields=["department", "file_hash"],
                condition=~Q(state__in=["failed", "discarded"]),
                name="licence_import_file_once",
            )
        ]

    def __str__(self) -> str:
        return str(self.file_name)


class LicenceImportOutcome(models.TextChoices):
    NEW = "new", _("To import")
    EXISTING = "existing", _("Already recorded")
    PROBLEM = "problem", _("Has problems")
    IMPORTED = "imported", _("Imported")


class LicenceImportRow(models.Model):
    """One data row of an import's file: its values as checked, its problems in the
    platform's language, and what became of it."""

    job = models.ForeignKey(
        LicenceImport, on_delete=models.CASCADE, related_name="rows", verbose_name=_("import")
    )
    row_number = models.PositiveIntegerField(_("row"))
    licence_no = models.CharField(_("licence number"), max_length=200, blank=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    values = models.JSONField(_("values"), default=dict)
    problems = models.JSONField(_("problems"), default=list)
    outcome = models.CharField(_("outcome"), max_length=16, choices=LicenceImportOutcome.choices)
    licence = models.ForeignKey(
        Licence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_rows",
        verbose_name=_("licence"),
    )

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["job", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="licence_import_row_once")
        ]
        indexes = [
            models.Index(fields=["job", "outcome", "row_number"], name="licence_import_row_idx")
        ]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.licence_no}"
