"""The Celery tasks of an import of licences in force: the check of the rows, then the
import. Both are safe to run again (a broker that delivers twice, an admin who starts a
stalled task): see ``services.licence_import_check`` and ``writing.licence_import_run``."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import licence_import_check
from .writing import licence_import_run

logger = logging.getLogger(__name__)


@shared_task(name="approvals.licence_import_check", ignore_result=True)
def licence_import_check_task(job_id: int) -> None:
    licence_import_check(job_id=job_id)


@shared_task(
    name="approvals.licence_import_run",
    ignore_result=True,
    # The database went away under a batch: the batch was rolled back; carry on later.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=5,
)
def licence_import_run_task(job_id: int) -> None:
    job = licence_import_run(job_id=job_id)
    if job is not None:
        logger.info(
            "licence import %s: %s imported, %s already recorded, %s with problems",
            job.pk,
            job.imported_rows,
            job.existing_rows,
            job.problem_rows,
        )
