import logging

from celery import shared_task
from django.utils import timezone

from supervision.actions.services import suspensions_end_due

logger = logging.getLogger(__name__)


@shared_task(name="supervision.suspensions_end")
def suspensions_end() -> int:
    """Beat: suspension orders past their last day end and their licences return to valid at
    the start of the next day, Asia/Shanghai (R8). Safe to run twice or concurrently."""
    ended = suspensions_end_due(now=timezone.now())
    if ended:
        logger.info("suspension sweep: %s suspension order(s) ended", ended)
    return ended
