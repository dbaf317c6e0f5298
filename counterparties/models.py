"""The counterparty (行政相对人): one row per credit code or ID number, shared by every app."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .validators import validate_credit_code, validate_id_number, validate_phone


class CounterpartyKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    INDIVIDUAL = "individual", _("Individual")


class Counterparty(models.Model):
    """The person or organisation a licence is granted to (行政相对人)."""

    kind = models.CharField(_("kind"), max_length=16, choices=CounterpartyKind.choices)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    id_number = models.CharField(
        _("ID card number"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_id_number],
    )
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=20, validators=[validate_phone])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        # The table keeps the name it was created with in the approvals app: the model moved
        # here without rebuilding it, so existing databases keep their rows and ids.
        db_table = "approvals_counterparty"
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        constraints = [
            models.CheckConstraint(
                condition=(Q(credit_code__isnull=False) & Q(id_number__isnull=True))
                | (Q(credit_code__isnull=True) & Q(id_number__isnull=False)),
                name="counterparty_exactly_one_code",
            )
        ]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def code(self) -> str:
        return self.credit_code or self.id_number or ""
