import logging

from celery import shared_task
from django.utils import timezone

from coordination.inquiries.services import inquiries_deem_consent

logger = logging.getLogger(__name__)


@shared_task(name="coordination.inquiries_deem_consent")
def deem_consent_overdue_inquiries() -> int:
    """Beat, every 5 minutes: the R16 sweep. Idempotent by construction."""
    deemed = inquiries_deem_consent(now=timezone.now())
    if deemed:
        logger.info("%s unanswered inquiries became deemed consent", deemed)
    return deemed
