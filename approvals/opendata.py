"""Open data: the public catalog (R19) and the register of licences granted to organisations.

The files are generated (nightly by the ``approvals.regenerate_open_data`` task, or on the
first request when none exists yet) under ``MEDIA_ROOT/open-data`` and served as they are,
so a download never runs a query. Each file has a sidecar ``<name>.generated_at`` holding
the generation time; items.json also carries it in its ``generated_at`` key.

Individuals never appear here: licences.csv lists organisations only, and no file holds a
contact person, phone number or ID card number.
"""

import csv
import datetime
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from counterparties.models import CounterpartyKind

from .models import ApprovalItem, Licence
from .public import licence_public_status, shanghai_today
from .selectors import items_public

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHUNK_SIZE = 2000

ITEMS_JSON = "items.json"
ITEMS_CSV = "items.csv"
LICENCES_CSV = "licences.csv"
DATASETS = (ITEMS_JSON, ITEMS_CSV, LICENCES_CSV)
SIDECAR_SUFFIX = ".generated_at"

ITEM_COLUMNS = (
    "code",
    "name",
    "legal_basis",
    "conditions",
    "quantity_limits",
    "procedure",
    "time_limit",
    "fees",
    "materials",
    "supervision_departments",
    "supervision_department_codes",
    "integrated_licence",
    "notification_commitment",
    "credit_mode",
    "important",
    "important_category",
)
LICENCE_COLUMNS = (
    "licence_no",
    "item_code",
    "item_name",
    "counterparty_name",
    "credit_code",
    "status",
    "licence_date",
    "valid_from",
    "valid_to",
    "issuing_department",
)
# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class OpenDataFile:
    dataset: str
    path: Path
    generated_at: str  # ISO 8601, Asia/Shanghai

    @property
    def content_type(self) -> str:
        if self.dataset.endswith(".json"):
            return "application/json; charset=utf-8"
        return "text/csv; charset=utf-8"


def open_data_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "open-data"


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _check_dataset(dataset: str) -> None:
    if dataset not in DATASETS:
        raise ValueError(f"unknown open-data dataset: {dataset!r}")


def _write_atomically(path: Path, write: Callable[[IO[str]], None], *, encoding: str) -> None:
    """Write to a temporary file beside ``path`` and rename it over ``path``: a reader sees
    the old file or the new one, never half of one, even with two generations at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding=encoding, newline="") as handle:
            write(handle)
        # mkstemp creates 0600; the web process may run as another user than the worker.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def _write_csv(
    columns: tuple[str, ...], rows: Iterable[dict[str, Any]]
) -> Callable[[IO[str]], None]:
    def write(handle: IO[str]) -> None:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row[column]) for column in columns])

    return write


def _item_record(item: ApprovalItem) -> dict[str, Any]:
    departments = list(item.supervision_departments.all())
    return {
        "code": item.code,
        "name": item.name,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "quantity_limits": item.quantity_limits,
        "procedure": item.procedure,
        "time_limit": item.time_limit,
        "fees": item.fees,
        "materials": item.materials,
        "supervision_departments": [{"code": d.code, "name": d.name} for d in departments],
        "integrated_licence": item.integrated_licence,
        "notification_commitment": item.notification_commitment,
        "credit_mode": item.credit_mode,
        "important": item.is_important,
        "important_category": item.important_category,
    }


def _item_records() -> Iterator[dict[str, Any]]:
    for item in items_public().iterator(chunk_size=CHUNK_SIZE):
        yield _item_record(item)


def _item_csv_rows() -> Iterator[dict[str, Any]]:
    for record in _item_records():
        departments = record.pop("supervision_departments")
        record["supervision_departments"] = "、".join(d["name"] for d in departments)
        record["supervision_department_codes"] = ";".join(d["code"] for d in departments)
        yield record


def licences_open_data() -> Iterator[dict[str, Any]]:
    """Licences of organisations, one dict per licence with only the published columns."""
    today = shanghai_today()
    rows = (
        Licence.objects.filter(
            counterparty__kind=CounterpartyKind.ORGANISATION,
            # Belt and braces: a row holding an ID card number is a person, whatever its kind.
            counterparty__id_number__isnull=True,
        )
        .order_by("id")
        .values(
            "licence_no",
            "item__code",
            "item__name",
            "counterparty__name",
            "counterparty__credit_code",
            "status",
            "licence_date",
            "valid_from",
            "valid_to",
            "department__name",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "licence_no": row["licence_no"],
            "item_code": row["item__code"],
            "item_name": row["item__name"],
            "counterparty_name": row["counterparty__name"],
            "credit_code": row["counterparty__credit_code"],
            "status": licence_public_status(
                status=row["status"], valid_to=row["valid_to"], today=today
            ),
            "licence_date": row["licence_date"],
            "valid_from": row["valid_from"],
            "valid_to": row["valid_to"],
            "issuing_department": row["department__name"],
        }


def _writer(dataset: str, generated_at: str) -> tuple[Callable[[IO[str]], None], str]:
    """The function writing ``dataset`` and the file's text encoding."""
    if dataset == ITEMS_JSON:

        def write_json(handle: IO[str]) -> None:
            document = {"generated_at": generated_at, "items": list(_item_records())}
            json.dump(document, handle, ensure_ascii=False, indent=1)

        return write_json, "utf-8"
    # utf-8-sig writes the BOM Excel needs to read the Chinese text as UTF-8.
    if dataset == ITEMS_CSV:
        return _write_csv(ITEM_COLUMNS, _item_csv_rows()), "utf-8-sig"
    return _write_csv(LICENCE_COLUMNS, licences_open_data()), "utf-8-sig"


def open_data_generate(*, dataset: str, now: datetime.datetime | None = None) -> OpenDataFile:
    """Write one dataset and its sidecar with the generation time; returns the new file."""
    _check_dataset(dataset)
    generated_at = timezone.localtime(now or timezone.now(), SHANGHAI).isoformat(timespec="seconds")
    path = open_data_dir() / dataset
    write, encoding = _writer(dataset, generated_at)
    _write_atomically(path, write, encoding=encoding)
    _write_atomically(_sidecar(path), lambda handle: handle.write(generated_at), encoding="ascii")
    return OpenDataFile(dataset=dataset, path=path, generated_at=generated_at)


def open_data_generate_all(*, now: datetime.datetime | None = None) -> list[OpenDataFile]:
    now = now or timezone.now()
    return [open_data_generate(dataset=dataset, now=now) for dataset in DATASETS]


def open_data_latest(*, dataset: str) -> OpenDataFile | None:
    """The last generated file of ``dataset``, or None when it was never generated."""
    _check_dataset(dataset)
    path = open_data_dir() / dataset
    try:
        generated_at = _sidecar(path).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    if not generated_at or not path.is_file():
        return None
    return OpenDataFile(dataset=dataset, path=path, generated_at=generated_at)


def open_data_get(*, dataset: str) -> OpenDataFile:
    """The latest file of ``dataset``, generated now if there is none yet."""
    return open_data_latest(dataset=dataset) or open_data_generate(dataset=dataset)
