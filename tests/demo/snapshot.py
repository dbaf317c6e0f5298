"""What `seed_demo` leaves in the database, as plain data: the rows of every model it
writes, with the fields that differ from run to run (password hashes and salts, times,
audit hashes) left out. The committed seed_demo_snapshot.json is today's output."""

from typing import Any

from django.apps import apps
from django.db import models

# Per run: a password's salt, the moment of the run, and the audit chain built on both.
VARYING = {"password", "last_login", "date_joined", "hash", "prev_hash", "last_hash"}
# Rows the migrations write, not seed_demo (permissions follow the apps' content types).
NOT_SEEDED = {"contenttypes", "sessions", "admin", "axes", "auth.Permission"}


def _value(field: models.Field, row: models.Model) -> Any:
    value = getattr(row, field.attname)
    if isinstance(field, models.FileField):
        # The folder is the upload's year; the name is what the demo chose.
        return value.name.rsplit("/", 1)[-1] if value else ""
    return value


def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    snapshot: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if {model._meta.app_label, model._meta.label} & NOT_SEEDED:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if field.name not in VARYING
            and not isinstance(field, models.DateTimeField | models.DateField)
        ]
        rows = [
            {field.attname: _value(field, row) for field in fields}
            for row in model.objects.order_by("pk")
        ]
        many = [field for field in model._meta.many_to_many]
        for row_dict, row in zip(rows, model.objects.order_by("pk"), strict=True):
            for field in many:
                row_dict[field.name] = sorted(getattr(row, field.name).values_list("pk", flat=True))
        if rows:
            snapshot[model._meta.label] = rows
    return snapshot
