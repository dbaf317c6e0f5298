import logging

from celery import shared_task
from django.utils import timezone

from .services import verifications_sweep as sweep

logger = logging.getLogger(__name__)


@shared_task(name="credit.verifications_sweep")
def verifications_sweep() -> dict[str, int]:
    """Beat: verifications past their 10-working-day deadline are marked overdue (R11) and
    rectifications past theirs go to the revocation queue (R12). Safe to run twice."""
    result = sweep(now=timezone.now())
    if result["overdue"] or result["unmet"]:
        logger.info(
            "credit sweep: %s verification(s) overdue, %s rectification(s) expired",
            result["overdue"],
            result["unmet"],
        )
    return result
