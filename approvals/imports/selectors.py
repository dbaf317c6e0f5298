"""Reads of an import: its progress (the page and its JSON agree, both from the database, so
the bar survives a reload) and its rows."""

import datetime
import io
from dataclasses import asdict, dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..models import Licence, LicenceImport, LicenceImportOutcome, LicenceImportRow
from ..models import LicenceImportState as State
from .columns import header
from .services import licence_import_stalled


@dataclass(frozen=True)
class ImportProgress:
    state: str
    state_label: str
    processed: int
    total: int  # 0 while the file is being read: the bar shows activity, not a share
    percent: int
    message: str
    stalled: bool
    running: bool

    def as_json(self) -> dict:
        return asdict(self)


def import_progress(job: LicenceImport, *, now: datetime.datetime | None = None) -> ImportProgress:
    state = job.state
    total = 0
    if state == State.CHECKING:
        message = (
            _("Checking the file: %(count)d rows read.") % {"count": job.processed_rows}
            if job.processed_rows
            else _("Reading the file…")
        )
    elif state == State.CHECKED:
        message = _("The file is checked: look at the rows and confirm the import.")
    elif state == State.IMPORTING:
        total = job.new_rows
        message = _("Importing: %(done)d of %(total)d rows done.") % {
            "done": job.processed_rows,
            "total": total,
        }
    elif state == State.DONE:
        total = job.new_rows
        message = import_summary(job)
    elif state == State.FAILED:
        message = job.error or _("The file could not be read.")
    else:
        message = _("This import was discarded; nothing was imported.")
    processed = min(job.processed_rows, total) if total else job.processed_rows
    if state == State.DONE:
        processed = total
    return ImportProgress(
        state=state,
        state_label=str(State(state).label),
        processed=processed,
        total=total,
        percent=round(100 * processed / total) if total else 0,
        message=str(message),
        stalled=licence_import_stalled(job, now=now or timezone.now()),
        running=state in (State.CHECKING, State.IMPORTING),
    )


def import_summary(job: LicenceImport) -> str:
    summary = _(
        "Import finished: %(imported)d licences imported, %(existing)d already recorded "
        "(skipped), %(problems)d rows with problems not imported."
    ) % {
        "imported": job.imported_rows,
        "existing": job.existing_rows,
        "problems": job.problem_rows,
    }
    return str(summary)


def import_problem_rows(job: LicenceImport) -> QuerySet[LicenceImportRow]:
    return job.rows.filter(outcome=LicenceImportOutcome.PROBLEM).order_by("row_number")


def problems_workbook(job: LicenceImport) -> bytes:
    """The rows with problems: row number, licence number, counterparty and every problem."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rows with problems")[:31])
    sheet.append([_("Row"), header("licence_no"), header("name"), _("Problems")])
    for found in import_problem_rows(job).iterator(chunk_size=2000):
        problems = "；".join(f"{p['column']}：{p['message']}" for p in found.problems)
        sheet.append([found.row_number, found.licence_no, found.counterparty_name, problems])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_licences(job: LicenceImport) -> QuerySet[Licence]:
    """The licences this import recorded, in the file's order."""
    return (
        Licence.objects.filter(import_rows__job=job, import_rows__outcome="imported")
        .select_related("item", "counterparty")
        .order_by("import_rows__row_number")
    )
