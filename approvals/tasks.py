import logging

from celery import shared_task
from django.utils import timezone

from .imports.tasks import licence_import_check_task, licence_import_run_task
from .opendata import open_data_generate_all

logger = logging.getLogger(__name__)

# Celery finds the tasks of this module; those of the import live with it.
__all__ = ["licence_import_check_task", "licence_import_run_task", "regenerate_open_data"]


@shared_task(name="approvals.regenerate_open_data")
def regenerate_open_data() -> dict[str, str]:
    """Beat, nightly at 02:00: rewrite every open-data file. Safe to run twice or at once:
    each file is replaced atomically, and the last writer wins with current data."""
    generated = open_data_generate_all(now=timezone.now())
    logger.info("open data regenerated: %s", ", ".join(f.dataset for f in generated))
    return {f.dataset: f.generated_at for f in generated}
