"""The import of a confirmed file, batch by batch (``LICENCE_IMPORT_BATCH_SIZE`` rows).

Each batch is one transaction: its licences with their supervision codes, their
counterparties (found or created), the R7 access check of each, the start of their status
history, one audit event per licence (R20), the pushes when the admin chose to push them
again (R1), the rows marked done and the progress. A worker that dies loses at most the
batch in flight, which is rolled back whole; run again, the task carries on with the rows
not yet done. The job's row is locked for each batch, so two runs of the same import take
turns and never write a row twice.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import AuditEntry, audit_deferred, audit_record, audit_record_many
from counterparties.services import counterparties_get_or_create_many
from notifications.services import push_send
from organizations.models import Department
from organizations.scoping import Actor

from .. import push_kinds
from ..decision_checks import NormalAccess, counterparties_access
from ..models import (
    ApprovalItem,
    Licence,
    LicenceImport,
    LicenceImportOutcome,
    LicenceImportRow,
    LicenceImportState,
    LicenceStatus,
    LicenceStatusChange,
)
from ..services import decision_payload, licence_subject
from .columns import header
from .rows import existing_licences, number_taken_message
from .services import import_actor

logger = logging.getLogger(__name__)
# A batch that collides with a decision recorded at the same moment (the same number) is
# rolled back and checked again; more collisions in a row than this is not a race.
COLLISIONS_MAX = 3


def licence_import_run(*, job_id: int) -> LicenceImport | None:
    """Import the rows of a confirmed job that are not done yet; finish the job once none
    is left. Safe to run twice, and concurrently."""
    collisions = 0
    while True:
        try:
            with translation.override(settings.LANGUAGE_CODE):
                more = _import_batch(job_id)
        except IntegrityError:
            collisions += 1
            if collisions > COLLISIONS_MAX:
                raise
            logger.info("licence import %s: a batch collided, checking it again", job_id)
            continue
        collisions = 0
        if not more:
            break
    return _finish(job_id)


def _import_batch(job_id: int) -> bool:
    """Import the next batch; False when nothing is left to do."""
    with transaction.atomic(), audit_deferred():
        job = (
            LicenceImport.objects.select_for_update(of=("self",))
            .select_related("department", "confirmed_by", "uploaded_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state != LicenceImportState.IMPORTING:
            return False
        rows = list(
            job.rows.filter(outcome=LicenceImportOutcome.NEW).order_by("row_number")[
                : settings.LICENCE_IMPORT_BATCH_SIZE
            ]
        )
        if not rows:
            return False
        now = timezone.now()
        actor = import_actor(job)
        to_write, skipped, refused = _recheck(job, rows)
        licences = _licences_create(job, to_write, actor=actor, now=now)
        pushes = _push(licences, actor=actor, now=now) if job.repush else 0
        _rows_record(rows)
        LicenceImport.objects.filter(pk=job.pk).update(
            processed_rows=F("processed_rows") + len(rows),
            imported_rows=F("imported_rows") + len(licences),
            existing_rows=F("existing_rows") + skipped,
            problem_rows=F("problem_rows") + refused,
            pushes_sent=F("pushes_sent") + pushes,
            updated_at=now,
        )
    return True


def _rows_record(rows: list[LicenceImportRow]) -> None:
    """Each row's outcome and licence: on PostgreSQL one UPDATE … FROM (VALUES …) for the
    batch (bulk_update's CASE per row and column cost more than the licences themselves);
    a refused row, rare, also keeps the problem it was refused for."""
    refused = [row for row in rows if row.outcome == LicenceImportOutcome.PROBLEM]
    done = [row for row in rows if row.outcome != LicenceImportOutcome.PROBLEM]
    if refused:
        LicenceImportRow.objects.bulk_update(refused, ["outcome", "problems"])
    if not done:
        return
    if connection.vendor != "postgresql":
        LicenceImportRow.objects.bulk_update(done, ["outcome", "licence"])
        return
    table = LicenceImportRow._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(done))
    parameters = [part for row in done for part in (row.pk, row.outcome, row.licence_id)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET outcome = v.outcome, licence_id = v.licence_id "  # noqa: S608 - our table's name
            f"FROM (VALUES {values}) AS v (id, outcome, licence_id) WHERE r.id = v.id",
            parameters,
        )


def _recheck(job: LicenceImport, rows: list[LicenceImportRow]) -> tuple[list, int, int]:
    """What changed since the check: a number recorded meanwhile (the same licence is
    skipped, another is refused), an item taken out of the catalog. The rows to write, and
    how many were skipped and refused."""
    recorded = existing_licences(
        department=job.department, licence_nos=[row.values["licence_no"] for row in rows]
    )
    items = ApprovalItem.objects.filter(
        pk__in={row.values["item_id"] for row in rows}
    ).prefetch_related(
        Prefetch(
            "supervision_departments",
            queryset=Department.objects.filter(active=True).order_by("code"),
            to_attr="receivers",
        )
    )
    items_by_id = {item.pk: item for item in items}
    to_write, skipped, refused = [], 0, 0
    for row in rows:
        existing = recorded.get(row.values["licence_no"])
        item = items_by_id.get(row.values["item_id"])
        if existing is not None and existing.same_as(row.values):
            row.outcome, row.licence_id = LicenceImportOutcome.EXISTING, existing.pk
            skipped += 1
        elif existing is not None or item is None or not item.active:
            message = (
                number_taken_message(existing)
                if existing is not None
                else _("This item is no longer in the catalog.")
            )
            column = header("licence_no" if existing is not None else "item")
            row.problems = [*row.problems, {"column": column, "message": message}]
            row.outcome = LicenceImportOutcome.PROBLEM
            refused += 1
        else:
            to_write.append((row, item))
    return to_write, skipped, refused


def _licences_create(
    job: LicenceImport, to_write: list, *, actor: Actor, now: datetime.datetime
) -> list[Licence]:
    if not to_write:
        return []
    parties = counterparties_get_or_create_many(parties=[row.values for row, _item in to_write])
    access = counterparties_access(list({party.pk: party for party in parties.values()}.values()))
    licences = []
    for row, item in to_write:
        values = row.values
        party = parties[values["credit_code"] or values["id_number"]]
        checked = access.get(party.pk) or NormalAccess()
        licence_date = datetime.date.fromisoformat(values["licence_date"])
        licences.append(
            Licence(
                item=item,
                counterparty=party,
                department=job.department,
                licence_no=values["licence_no"],
                licence_date=licence_date,
                valid_from=datetime.date.fromisoformat(values["valid_from"]),
                valid_to=(
                    datetime.date.fromisoformat(values["valid_to"]) if values["valid_to"] else None
                ),
                integrated_licence=values.get("integrated_licence"),
                decided_by_label=actor.label,
                # Decided in the earlier system on the licence date: lists and reports keep
                # it in its own month, not in the month of the import.
                decided_at=timezone.make_aware(
                    datetime.datetime.combine(licence_date, datetime.time.min)
                ),
                access_level=checked.level,
                access_reasons=checked.reasons,
            )
        )
    created = Licence.objects.bulk_create(licences)
    if any(licence.pk is None for licence in created):  # no RETURNING on this database
        ids = dict(
            Licence.objects.filter(
                department=job.department, licence_no__in=[lic.licence_no for lic in licences]
            ).values_list("licence_no", "pk")
        )
        for licence in created:
            licence.pk = licence.id = ids[licence.licence_no]
    for (row, _item), licence in zip(to_write, created, strict=True):
        row.outcome, row.licence = LicenceImportOutcome.IMPORTED, licence
    LicenceStatusChange.objects.bulk_create(
        LicenceStatusChange(
            licence=licence,
            from_status="",
            to_status=LicenceStatus.VALID,
            reason=_("Licence in force imported from the earlier system"),
            changed_by_label=actor.label,
            changed_at=now,
        )
        for licence in created
    )
    audit_record_many(
        actor=actor,
        action="licence.import",
        entries=[
            AuditEntry.for_object(licence, details=_audit_details(job, row, licence))
            for (row, _item), licence in zip(to_write, created, strict=True)
        ],
        at=now,
    )
    return created


def _audit_details(job: LicenceImport, row: LicenceImportRow, licence: Licence) -> dict[str, Any]:
    return {
        "item": licence.item.code,
        "licence_no": licence.licence_no,
        "counterparty": licence.counterparty.code,
        "access": licence.access_level,
        "import": job.pk,
        "row": row.row_number,
        "repush": job.repush,
    }


def _push(licences: list[Licence], *, actor: Actor, now: datetime.datetime) -> int:
    """补推: each licence to its item's supervision departments, as a decision is (R1, R2)."""
    sent = 0
    for licence in licences:
        sent += len(
            push_send(
                kind=push_kinds.APPROVAL_DECISION,
                sender=licence.department,
                receivers=licence.item.receivers,
                payload=decision_payload(licence),
                subject=licence_subject(licence),
                actor=actor,
                sent_at=now,
            )
        )
    return sent


def _finish(job_id: int) -> LicenceImport | None:
    now = timezone.now()
    with transaction.atomic():
        won = LicenceImport.objects.filter(pk=job_id, state=LicenceImportState.IMPORTING).update(
            state=LicenceImportState.DONE, finished_at=now, updated_at=now
        )
        job = LicenceImport.objects.select_related("department").filter(pk=job_id).first()
        if won and job is not None:
            audit_record(
                actor=import_actor(job),
                action="licence_import.finish",
                obj=job,
                details={
                    "imported": job.imported_rows,
                    "already_recorded": job.existing_rows,
                    "problems": job.problem_rows,
                    "pushes": job.pushes_sent,
                },
                at=now,
            )
    return job
