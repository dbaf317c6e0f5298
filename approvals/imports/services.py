"""The import of licences in force, up to its confirmation: the upload (the file checked as a
whole: nothing is recorded for a file that cannot be imported), the check of its rows (a
Celery task), the admin's confirmation, a discard, and the resumption of a stalled task.
The import itself is in ``writing``."""

import datetime
import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_record
from linzi_platform.errors import DomainConflict
from organizations.models import Department, StaffRole
from organizations.scoping import Actor

from ..models import (
    LicenceImport,
    LicenceImportOutcome,
    LicenceImportRow,
    LicenceImportState,
)
from .columns import COLUMNS
from .files import ImportFileError, column_positions, file_kind, open_table
from .rows import CheckedRow, RowChecker

# A task that has not reported progress for this long has stopped (a worker killed, a
# broker that lost the message): the admin may start it again, and it resumes.
STALLED_AFTER = datetime.timedelta(minutes=2)
PROGRESS_EVERY = 2000  # rows checked between two progress reports
ROW_INSERT_BATCH = 1000
OPEN_STATES = [s for s in LicenceImportState.values if s not in ("failed", "discarded")]


class ImportConflict(DomainConflict):
    code = "import_state"


def _refuse_unless_admin(actor: Actor) -> None:
    if not actor.is_platform_admin:
        raise PermissionDenied(_("Only platform administrators import licences in force."))


def _check_department(department: Department | None) -> Department:
    if department is None or not department.is_approval or not department.active:
        raise ValidationError(
            {"department": [_("Choose the approval department that issued the licences.")]}
        )
    return department


def licence_import_upload(
    *, actor: Actor, department: Department | None, upload: UploadedFile
) -> tuple[LicenceImport, bool]:
    """Check the file as a whole (size, type, encoding, the template's columns), keep it and
    start the check of its rows. The same file uploaded again for the same department finds
    the import made of it (``created`` is False) and changes nothing.

    Raises ``ValidationError`` on ``file`` (in Chinese, saying what to do) or
    ``department``."""
    _refuse_unless_admin(actor)
    department = _check_department(department)
    try:
        upload.seek(0)
        head = upload.read(8)
        kind = file_kind(name=upload.name or "", size=upload.size, head=head)
        column_positions(open_table(upload, kind).headers)
    except ImportFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    file_hash = digest.hexdigest()
    earlier = _same_file(department, file_hash)
    if earlier is not None:
        return earlier, False
    name = PurePath(upload.name or "").name[:255]
    upload.seek(0)
    try:
        with transaction.atomic():
            job = LicenceImport(
                department=department,
                file_name=name,
                file_hash=file_hash,
                uploaded_by=actor.user,
                uploaded_by_label=actor.label,
                uploaded_at=timezone.now(),
            )
            # Stored under a name of our own: the file's name is kept only to be shown.
            job.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(upload.read()), save=False)
            job.save()
            _enqueue_check(job)
    except IntegrityError:  # the same file uploaded twice at once
        earlier = _same_file(department, file_hash)
        if earlier is None:
            raise
        return earlier, False
    return job, True


def _same_file(department: Department, file_hash: str) -> LicenceImport | None:
    return LicenceImport.objects.filter(
        department=department, file_hash=file_hash, state__in=OPEN_STATES
    ).first()


def _enqueue_check(job: LicenceImport) -> None:
    from .tasks import licence_import_check_task

    # robust: a broker outage leaves the import waiting; the admin starts it again.
    transaction.on_commit(lambda: licence_import_check_task.delay(job.pk), robust=True)


def _enqueue_run(job: LicenceImport) -> None:
    from .tasks import licence_import_run_task

    transaction.on_commit(lambda: licence_import_run_task.delay(job.pk), robust=True)


def licence_import_check(*, job_id: int) -> LicenceImport | None:
    """Check every row of an uploaded file and keep each with its problems; the import then
    awaits the admin's confirmation. Safe to run twice: the rows are written, and the state
    moved on, once."""
    job = LicenceImport.objects.select_related("department").filter(pk=job_id).first()
    if job is None or job.state != LicenceImportState.CHECKING:
        return job
    with translation.override(settings.LANGUAGE_CODE):
        try:
            rows = _checked_rows(job)
        except (ImportFileError, OSError) as exc:
            error = (
                str(exc)
                if isinstance(exc, ImportFileError)
                else _("The uploaded file cannot be read on the server any more: upload it again.")
            )
            LicenceImport.objects.filter(pk=job.pk, state=LicenceImportState.CHECKING).update(
                state=LicenceImportState.FAILED, error=error, updated_at=timezone.now()
            )
            return job
    with transaction.atomic():
        job = LicenceImport.objects.select_for_update().get(pk=job.pk)
        if job.state != LicenceImportState.CHECKING:
            return job
        LicenceImportRow.objects.filter(job=job).delete()
        LicenceImportRow.objects.bulk_create(
            (
                LicenceImportRow(
                    job=job,
                    row_number=row.row_number,
                    licence_no=str(row.values["licence_no"] or "")[:200],
                    counterparty_name=str(row.values["name"] or "")[:200],
                    values=row.values,
                    problems=row.problems,
                    outcome=row.outcome,
                    licence_id=row.licence_id,
                )
                for row in rows
            ),
            batch_size=ROW_INSERT_BATCH,
        )
        counts = {outcome: 0 for outcome in LicenceImportOutcome.values}
        for row in rows:
            counts[row.outcome] += 1
        job.state = LicenceImportState.CHECKED
        job.total_rows = job.processed_rows = len(rows)
        job.new_rows = counts[LicenceImportOutcome.NEW]
        job.existing_rows = counts[LicenceImportOutcome.EXISTING]
        job.problem_rows = counts[LicenceImportOutcome.PROBLEM]
        job.limited_access_rows = sum(1 for row in rows if row.limited_access)
        job.save()
    return job


def _checked_rows(job: LicenceImport) -> list[CheckedRow]:
    limit = settings.LICENCE_IMPORT_MAX_ROWS
    kind = PurePath(job.file.name).suffix.lstrip(".")
    checker = RowChecker(department=job.department, today=timezone.localdate())
    rows: list[CheckedRow] = []
    with job.file.open("rb") as stream:
        table = open_table(stream, kind)
        positions = column_positions(table.headers)
        for number, values in table.rows:
            if not any(value not in (None, "") and str(value).strip() for value in values):
                continue  # a blank line between rows, or Excel's formatted empty rows
            if len(rows) >= limit:
                raise ImportFileError(
                    _(
                        "The file has more than %(limit)d rows of licences: split it and "
                        "import the parts one by one."
                    )
                    % {"limit": limit}
                )
            cells = {
                column.key: values[positions[column.header]]
                if positions[column.header] < len(values)
                else None
                for column in COLUMNS
            }
            rows.append(checker.check(number, cells))
            if len(rows) % PROGRESS_EVERY == 0:
                LicenceImport.objects.filter(pk=job.pk).update(
                    processed_rows=len(rows), updated_at=timezone.now()
                )
    if not rows:
        raise ImportFileError(_("The file holds no licence below its header row."))
    checker.finish(rows)
    return rows


def licence_import_confirm(*, job: LicenceImport, actor: Actor, repush: bool) -> LicenceImport:
    """The admin confirms a checked import: its rows without problems are imported by a
    Celery task; with ``repush`` each new licence is also pushed to its supervision
    departments (R1), as a decision would be."""
    _refuse_unless_admin(actor)
    if job.state == LicenceImportState.CHECKED and job.new_rows == 0:
        raise ValidationError(_("No row of this file is left to import."))
    now = timezone.now()
    with transaction.atomic():
        won = LicenceImport.objects.filter(
            pk=job.pk, state=LicenceImportState.CHECKED, new_rows__gt=0
        ).update(
            state=LicenceImportState.IMPORTING,
            repush=bool(repush),
            confirmed_by=actor.user,
            confirmed_by_label=actor.label,
            confirmed_at=now,
            processed_rows=0,
            updated_at=now,
        )
        if not won:
            raise ImportConflict(_("This import was already confirmed or discarded."))
        job.refresh_from_db()
        audit_record(
            actor=import_actor(job),
            action="licence_import.confirm",
            obj=job,
            details={
                "file": job.file_name,
                "sha256": job.file_hash,
                "rows": job.total_rows,
                "to_import": job.new_rows,
                "repush": job.repush,
            },
            at=now,
        )
        _enqueue_run(job)
    return job


def licence_import_discard(*, job: LicenceImport, actor: Actor) -> LicenceImport:
    """Drop an import that was not confirmed; the same file may then be uploaded again."""
    _refuse_unless_admin(actor)
    won = LicenceImport.objects.filter(
        pk=job.pk, state__in=[LicenceImportState.CHECKED, LicenceImportState.CHECKING]
    ).update(state=LicenceImportState.DISCARDED, updated_at=timezone.now())
    if not won:
        raise ImportConflict(_("Only an import not yet confirmed can be discarded."))
    job.refresh_from_db()
    return job


def licence_import_stalled(job: LicenceImport, *, now: datetime.datetime | None = None) -> bool:
    """Whether the task of a checking or importing job has stopped reporting progress."""
    if job.state not in (LicenceImportState.CHECKING, LicenceImportState.IMPORTING):
        return False
    return job.updated_at < (now or timezone.now()) - STALLED_AFTER


def licence_import_resume(*, job: LicenceImport, actor: Actor) -> None:
    """Start a stalled task again: the check starts over, the import carries on after the
    last batch written (a batch is written whole or not at all)."""
    _refuse_unless_admin(actor)
    if not licence_import_stalled(job):
        raise ImportConflict(_("This import is not stalled: it is still going on, or done."))
    with transaction.atomic():
        LicenceImport.objects.filter(pk=job.pk).update(updated_at=timezone.now())
        if job.state == LicenceImportState.CHECKING:
            _enqueue_check(job)
        else:
            _enqueue_run(job)


def import_actor(job: LicenceImport) -> Actor:
    """Who the import acts as: the admin who confirmed it, for the approval department."""
    user = job.confirmed_by or job.uploaded_by
    return Actor(department=job.department, role=StaffRole.PLATFORM_ADMIN, user=user)
