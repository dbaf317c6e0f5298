"""Checking the rows of an import file with the rules of a decision (R2, R7): the licence
number, the item of the catalog, the counterparty's code (GB 32100 / GB 11643 check digits)
and contact, the dates; then, over the whole file, numbers repeated in it or recorded
already. Every lookup is one query for the whole file (or one per thousand rows), never one
per row, so 50,000 rows are checked in seconds.

A row the database already holds — same department, licence number, item, counterparty
and dates — is no problem: it was imported before, and is skipped, so importing the same
file twice changes nothing. The same number with other values is a problem.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counterparties.models import Counterparty
from counterparties.services import counterparty_problems
from counterparties.validators import normalize_code, normalize_phone
from linzi_platform.field_errors import FieldErrors
from linzi_platform.field_errors import add_error as _add
from organizations.models import Department

from ..decision_checks import counterparties_access
from ..models import ApprovalItem, Licence, LicenceImportOutcome
from ..services import _check_dates, _check_item, _check_licence_no, _clean_integrated_licence
from .columns import header, normalize_header

LOOKUP_CHUNK = 900  # values per IN (...): SQLite before 3.32 takes at most 999 parameters
# What an export writes for a licence without an end of validity.
OPEN_ENDED = frozenset({"长期", "长期有效", "永久", "永久有效", "无固定期限", "无期限", "-", "—"})
_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
# Excel's serial day numbers of 1955–2118: a date cell that lost its date format.
_EXCEL_SERIALS = range(20_000, 80_000)
FIELD_COLUMNS = {
    "licence_no": "licence_no",
    "item": "item",
    "counterparty.name": "name",
    "counterparty.credit_code": "credit_code",
    "counterparty.id_number": "id_number",
    "counterparty.contact_name": "contact_name",
    "counterparty.contact_phone": "contact_phone",
    "licence_date": "licence_date",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
}
DATE_KEYS = ("licence_date", "valid_from", "valid_to")


@dataclass
class CheckedRow:
    """A row as checked: ``values`` cleaned (JSON: dates as ISO text, the item by id),
    ``problems`` as ``{"column", "message"}`` in the platform's language."""

    row_number: int
    values: dict[str, Any]
    problems: list[dict[str, str]] = field(default_factory=list)
    outcome: str = LicenceImportOutcome.NEW
    licence_id: int | None = None
    limited_access: bool = False

    def problem(self, column: str, message: str) -> None:
        entry = {"column": column, "message": str(message)}
        if entry not in self.problems:
            self.problems.append(entry)


def cell_text(value: Any) -> str:
    """A cell as text: a whole number without ".0" (Excel stores phones and numbers so)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value: Any) -> tuple[datetime.date | None, bool]:
    """(the date, True), (None, True) for an empty cell, (None, False) when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, datetime.datetime):
        return value.date(), True
    if isinstance(value, datetime.date):
        return value, True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if int(value) in _EXCEL_SERIALS:
            return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value)), True
        value = cell_text(value)
    text = str(value).strip().split()[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups())), True
            except ValueError:
                return None, False
    return None, False


@dataclass(frozen=True)
class ExistingLicence:
    pk: int
    item_id: int
    item_name: str
    counterparty_code: str
    counterparty_name: str
    licence_date: str
    valid_from: str
    valid_to: str | None

    def same_as(self, values: dict[str, Any]) -> bool:
        return (
            self.item_id == values.get("item_id")
            and self.counterparty_code == (values.get("credit_code") or values.get("id_number"))
            and self.licence_date == values.get("licence_date")
            and self.valid_from == values.get("valid_from")
            and self.valid_to == values.get("valid_to")
        )


def existing_licences(
    *, department: Department, licence_nos: list[str]
) -> dict[str, ExistingLicence]:
    """The department's licences with these numbers, by number."""
    found = {}
    numbers = sorted(set(licence_nos))
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        for row in Licence.objects.filter(
            department=department, licence_no__in=numbers[start : start + LOOKUP_CHUNK]
        ).values(
            "pk",
            "licence_no",
            "item_id",
            "item__name",
            "counterparty__credit_code",
            "counterparty__id_number",
            "counterparty__name",
            "licence_date",
            "valid_from",
            "valid_to",
        ):
            found[row["licence_no"]] = ExistingLicence(
                pk=row["pk"],
                item_id=row["item_id"],
                item_name=row["item__name"],
                counterparty_code=row["counterparty__credit_code"]
                or row["counterparty__id_number"],
                counterparty_name=row["counterparty__name"],
                licence_date=row["licence_date"].isoformat(),
                valid_from=row["valid_from"].isoformat(),
                valid_to=row["valid_to"].isoformat() if row["valid_to"] else None,
            )
    return found


def number_taken_message(existing: ExistingLicence) -> str:
    return _(
        "This number is already recorded for another licence (%(item)s, %(counterparty)s, "
        "licence date %(date)s): a licence number is used once per approval department."
    ) % {
        "item": existing.item_name,
        "counterparty": existing.counterparty_name,
        "date": existing.licence_date,
    }


class RowChecker:
    """Checks rows one by one (``check``), then the file as a whole (``finish``)."""

    def __init__(self, *, department: Department, today: datetime.date) -> None:
        self.department = department
        self.today = today
        self.items_by_name: dict[str, list[ApprovalItem]] = defaultdict(list)
        self.items_by_code: dict[str, list[ApprovalItem]] = defaultdict(list)
        for item in ApprovalItem.objects.all():
            self.items_by_name[normalize_header(item.name)].append(item)
            if item.official_code:
                self.items_by_code[normalize_header(item.official_code)].append(item)
        self._item_errors: dict[int, FieldErrors] = {}

    def check(self, row_number: int, cells: dict[str, Any]) -> CheckedRow:
        errors: FieldErrors = {}
        text = {key: cell_text(value) for key, value in cells.items()}
        licence_no = _check_licence_no(errors, text["licence_no"])
        values: dict[str, Any] = {
            "licence_no": licence_no,
            "item_name": text["item"],
            "name": text["name"],
            "credit_code": normalize_code(text["credit_code"]) or None,
            "id_number": normalize_code(text["id_number"]) or None,
            "contact_name": text["contact_name"],
            "contact_phone": normalize_phone(text["contact_phone"]),
            "licence_title": text["licence_title"],
            "licence_scope": text["licence_scope"],
        }
        row = CheckedRow(row_number=row_number, values=values)
        item = self._item(row, text["item"])
        if item is not None:
            values["item_id"] = item.pk
            for field_name, messages in self._item_check(item).items():
                for message in messages:
                    _add(errors, field_name, message)
            face = _clean_integrated_licence(
                errors, item, {"title": text["licence_title"], "scope": text["licence_scope"]}
            )
            values["integrated_licence"] = face
        self._check_counterparty(errors, values, cells.get("id_number"))
        self._check_dates(row, errors, cells, values)
        for field_name, messages in errors.items():
            if field_name in FIELD_COLUMNS:
                column = header(FIELD_COLUMNS[field_name])
            else:  # integrated_licence: the face info of an integrated item
                column = f"{header('licence_title')}、{header('licence_scope')}"
            for message in messages:
                row.problem(column, message)
        _merge_code_problems(row)
        if row.problems:
            row.outcome = LicenceImportOutcome.PROBLEM
        return row

    def _item(self, row: CheckedRow, name: str) -> ApprovalItem | None:
        key = normalize_header(name)
        if not key:
            row.problem(header("item"), _("The item is required."))
            return None
        found = self.items_by_name.get(key) or self.items_by_code.get(key) or []
        active = [item for item in found if item.active]
        if len(active) == 1:
            return active[0]
        if len(active) > 1:
            row.problem(
                header("item"),
                _("Several items of the catalog are named “%(name)s”: give the item's code.")
                % {"name": name},
            )
        elif found:
            row.problem(header("item"), _("This item is no longer in the catalog."))
        else:
            row.problem(
                header("item"),
                _("Unknown item “%(name)s”: it is not in the catalog of transferred items.")
                % {"name": name},
            )
        return None

    def _item_check(self, item: ApprovalItem) -> FieldErrors:
        """The item's own problems (no responsible department, R1), read once per item."""
        if item.pk not in self._item_errors:
            errors: FieldErrors = {}
            _check_item(errors, item)
            self._item_errors[item.pk] = errors
        return self._item_errors[item.pk]

    @staticmethod
    def _check_counterparty(errors: FieldErrors, values: dict[str, Any], raw_id: Any) -> None:
        if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
            _add(
                errors,
                "counterparty.id_number",
                _(
                    "Excel stored the ID card number as a number and may have lost its last "
                    "digits: format the column as text and type the number again."
                ),
            )
            return
        problems = counterparty_problems(
            name=values["name"],
            credit_code=values["credit_code"],
            id_number=values["id_number"],
            contact_name=values["contact_name"],
            contact_phone=values["contact_phone"],
        )
        for field_name, messages in ValidationError(problems).message_dict.items():
            for message in messages:
                _add(errors, f"counterparty.{field_name}", message)

    def _check_dates(
        self, row: CheckedRow, errors: FieldErrors, cells: dict[str, Any], values: dict[str, Any]
    ) -> None:
        dates: dict[str, datetime.date | None] = {}
        unreadable = []
        for key in DATE_KEYS:
            raw = cells.get(key)
            if key == "valid_to" and cell_text(raw) in OPEN_ENDED:
                raw = None
            dates[key], readable = cell_date(raw)
            if not readable:
                unreadable.append(key)
            values[key] = dates[key].isoformat() if dates[key] else None
        _check_dates(errors, **dates, today=self.today)
        for key in unreadable:
            errors[key] = [
                _("“%(value)s” is not a date: write it as 2024-03-15.")
                % {"value": cell_text(cells.get(key))}
            ]
        valid_to = dates["valid_to"]
        if valid_to and valid_to < self.today and "valid_to" not in errors:
            _add(
                errors,
                "valid_to",
                _("The licence expired on %(date)s: only licences in force are imported.")
                % {"date": valid_to.isoformat()},
            )

    def finish(self, rows: list[CheckedRow]) -> None:
        """The rules over the whole file: numbers repeated in it, numbers already recorded
        (the same licence: skipped; another: a problem), and the R7 access of the
        counterparties on record."""
        by_number: dict[str, list[CheckedRow]] = defaultdict(list)
        for row in rows:
            if row.values["licence_no"]:
                by_number[row.values["licence_no"]].append(row)
        for same in by_number.values():
            if len(same) > 1:
                numbers = "、".join(str(row.row_number) for row in same)
                for row in same:
                    row.problem(
                        header("licence_no"),
                        _("The number appears more than once in the file (rows %(rows)s).")
                        % {"rows": numbers},
                    )
                    row.outcome = LicenceImportOutcome.PROBLEM
        recorded = existing_licences(department=self.department, licence_nos=list(by_number))
        for number, existing in recorded.items():
            for row in by_number[number]:
                if row.outcome == LicenceImportOutcome.NEW and existing.same_as(row.values):
                    row.outcome = LicenceImportOutcome.EXISTING
                    row.licence_id = existing.pk
                elif not existing.same_as(row.values):
                    row.problem(header("licence_no"), number_taken_message(existing))
                    row.outcome = LicenceImportOutcome.PROBLEM
        self._mark_limited_access([row for row in rows if row.outcome == "new"])

    @staticmethod
    def _mark_limited_access(rows: list[CheckedRow]) -> None:
        codes = {row.values["credit_code"] or row.values["id_number"] for row in rows}
        parties = counterparties_on_record(codes)
        access = counterparties_access(list(parties.values()))
        for row in rows:
            party = parties.get(row.values["credit_code"] or row.values["id_number"])
            found = access.get(party.pk) if party is not None else None
            if found is not None and found.is_limited:
                row.limited_access = True
                row.values["access_label"] = str(found.label)


def counterparties_on_record(codes: set[str]) -> dict[str, Counterparty]:
    found: dict[str, Counterparty] = {}
    ordered = sorted(code for code in codes if code)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        for party in Counterparty.objects.filter(credit_code__in=chunk):
            found[party.code] = party
        for party in Counterparty.objects.filter(id_number__in=chunk):
            found[party.code] = party
    return found


def _merge_code_problems(row: CheckedRow) -> None:
    """One entry for a message given under both code columns ("give one of the two")."""
    columns: dict[str, list[str]] = defaultdict(list)
    for problem in row.problems:
        columns[problem["message"]].append(problem["column"])
    merged = []
    seen = set()
    for problem in row.problems:
        message = problem["message"]
        if message in seen:
            continue
        seen.add(message)
        merged.append({"column": "、".join(columns[message]), "message": message})
    row.problems = merged
