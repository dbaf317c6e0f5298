import functools
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import connections, models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager


class DepartmentKind(models.TextChoices):
    APPROVAL = "approval", _("Approval department")
    SUPERVISION = "supervision", _("Supervision department")


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DepartmentKind.choices)
    active = models.BooleanField(_("active"), default=True)
    email = models.EmailField(_("department e-mail"), blank=True)
    # Set when the department is deactivated (R21); `successor` when it was merged into
    # another. Pushes addressed to it afterwards go to the successor's active end.
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def is_approval(self) -> bool:
        return self.kind == DepartmentKind.APPROVAL


# A mainland mobile number: 11 digits, "1" then 3–9 (the 13x–19x number blocks).
mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}\Z",
    _("Enter a mainland mobile number: 11 digits starting with 13–19."),
    code="invalid_mobile",
)


class StaffRole(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    HEAD = "head", _("Department head")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class StaffMembership(models.Model):
    """A user's one department and role; platform admins see every department's records."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    email_notifications = models.BooleanField(_("notify me by e-mail"), default=True)
    # SMS reminders (deadlines due today, auto-claim notices) go to this number only while
    # `sms_reminders` is on; off by default, since a text message costs and intrudes.
    mobile = models.CharField(
        _("mobile number"), max_length=11, blank=True, validators=[mobile_validator]
    )
    sms_reminders = models.BooleanField(_("remind me by SMS"), default=False)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class ApiClientManager(BaseAPIKeyManager):
    def get_usable_keys(self) -> models.QuerySet:
        return super().get_usable_keys().select_related("department")

    def get_from_key(self, key: str) -> "ApiClient":
        """The unrevoked client whose key this is, its department loaded, or DoesNotExist.

        What the library's lookup does (by prefix, then its hasher's check), with the SQL
        written once: every API request passes here, and building the ORM query each time
        cost more than the query itself (P5 in docs/performance.md)."""
        prefix, _dot, _rest = key.partition(".")
        client = self._client_by_prefix(prefix)
        if client is None or not client.is_valid(key):
            raise self.model.DoesNotExist("Key is not valid.")
        return client

    def _client_by_prefix(self, prefix: str) -> "ApiClient | None":
        connection = connections[self.db]
        sql, columns = _api_client_lookup(self.db)
        with connection.cursor() as cursor:
            cursor.execute(sql, [prefix])
            row = cursor.fetchone()
        if row is None:
            return None
        # The backend's and the fields' conversions, as the ORM applies them (SQLite's
        # naive datetimes made aware, and so on).
        values = []
        for value, (column, converters) in zip(row, columns, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        client_fields = self.model._meta.concrete_fields
        split = len(client_fields)
        client = self.model.from_db(self.db, [f.attname for f in client_fields], values[:split])
        department = Department.from_db(
            self.db, [f.attname for f in Department._meta.concrete_fields], values[split:]
        )
        self.model._meta.get_field("department").set_cached_value(client, department)
        return client


class ApiClient(AbstractAPIKey):
    """A partner system's key, bound to one department; only its hash is stored."""

    objects = ApiClientManager()

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("department"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")


@functools.cache
def _api_client_lookup(alias: str) -> tuple[str, list[tuple[Any, list[Any]]]]:
    """ApiClientManager's one SELECT (the client's columns, then its department's), and for
    each column the converters the ORM would apply to its value."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    columns = []
    for model, table in ((ApiClient, "c"), (Department, "d")):
        for field in model._meta.concrete_fields:
            column = field.get_col(table)
            converters = connection.ops.get_db_converters(column)
            columns.append((column, converters + column.get_db_converters(connection)))
    select = ", ".join(f"{column.alias}.{quote(column.target.column)}" for column, _c in columns)
    department_id = quote(ApiClient._meta.get_field("department").column)
    # Only the models' own quoted names go into the text; the prefix is a parameter.
    sql = (
        f"SELECT {select} FROM {quote(ApiClient._meta.db_table)} c "  # noqa: S608
        f"JOIN {quote(Department._meta.db_table)} d ON d.{quote('id')} = c.{department_id} "
        f"WHERE c.{quote('prefix')} = %s AND NOT c.{quote('revoked')}"
    )
    return sql, columns


class IdempotencyRecord(models.Model):
    """The first response to a POST with an `Idempotency-Key`, replayed for its retries.

    The unique constraint, not a read-check-write, makes concurrent retries safe: the second
    INSERT waits for the first transaction and then finds the stored response.
    """

    principal = models.CharField(_("caller"), max_length=200)
    key = models.CharField(_("idempotency key"), max_length=200)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.principal} · {self.key}"


class PasswordState(models.Model):
    """When a staff account's password was last set and whether it must be changed at the
    next sign-in (GB/T 22239-2019 8.1.4.1 a: passwords complex and changed regularly).

    An account without a row has no recorded age: it is neither forced to change nor ever
    expired until its first change through the platform (accounts made by code, the demo's).
    Rows come from an administrator creating or resetting an account (must change) and from
    the person's own change.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_state",
        verbose_name=_("user"),
    )
    changed_at = models.DateTimeField(_("password set at"))
    must_change = models.BooleanField(_("must change the password"), default=False)

    class Meta:
        verbose_name = _("password state")
        verbose_name_plural = _("password states")

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """The hashes of an account's last passwords, so none of the last few is used again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("user"),
    )
    password = models.CharField(_("password hash"), max_length=128)
    set_at = models.DateTimeField(_("password set at"))

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")
        indexes = [models.Index(fields=["user", "-set_at"], name="password_history_recent")]

    def __str__(self) -> str:
        return str(self.user)
