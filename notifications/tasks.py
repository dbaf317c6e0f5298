import datetime
import logging

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .background import pushes_auto_claim_overdue_in_background
from .fanout import pushes_fan_out_due, pushes_fan_out_missing
from .models import Delivery, DeliveryChannel, DeliveryStatus
from .services import for_update_skip_locked

logger = logging.getLogger(__name__)

# ignore_result=True on the tasks nobody waits for: besides storing nothing, an enqueue
# then never touches the result backend. With Redis down, subscribing to a result blocks the
# caller (a request's on_commit) ~20 s and then breaks the backend until the process
# restarts, while a bare publish fails at once; the outbox rows stay pending and the beat
# retry sweeps send them.

EMAIL_MAX_ATTEMPTS = 8


@shared_task(name="notifications.auto_claim_overdue", ignore_result=True)
def auto_claim_overdue() -> int:
    """Beat, every 5 minutes: the R4 sweep. Idempotent by construction."""
    claimed = pushes_auto_claim_overdue_in_background(now=timezone.now())
    if claimed:
        logger.info("auto-claimed %s overdue pushes", claimed)
    return claimed


@shared_task(name="notifications.fan_out_pushes", ignore_result=True)
def fan_out_pushes(push_ids: list[int] | None = None) -> int:
    """After a push's commit: its notices, e-mail and webhook rows (fanout.py), once, and
    those of every push its process's coalescing window left to it."""
    return pushes_fan_out_due(push_ids)


@shared_task(name="notifications.fan_out_missing", ignore_result=True)
def fan_out_missing() -> int:
    """Beat, every minute: fan out every push whose after-commit task never ran (a process
    killed after its commit, a broker outage). Idempotent; races the tasks safely."""
    done = pushes_fan_out_missing(now=timezone.now())
    if done:
        logger.warning("fanned out %s pushes missed after their commit", done)
    return done


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=min(2**attempts, 24 * 60))


@shared_task(name="notifications.send_pending_deliveries", ignore_result=True)
def deliveries_send_pending() -> int:
    """Send due e-mail outbox rows, each in a transaction of its own: the row is locked while
    it is sent, so two workers never send the same one, and a worker killed mid-run has
    recorded every e-mail it sent except the one in flight (sent again by the next run).
    A failure schedules a retry with exponential backoff."""
    sent = 0
    while True:
        with transaction.atomic():
            due = Delivery.objects.filter(
                channel=DeliveryChannel.EMAIL,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=timezone.now(),
            ).order_by("next_attempt_at", "pk")
            delivery = for_update_skip_locked(due).first()
            if delivery is None:
                return sent
            delivery.attempts += 1
            try:
                send_mail(delivery.subject, delivery.body, None, [delivery.address])
            except Exception as exc:  # any transport error is retried later
                delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if delivery.attempts >= EMAIL_MAX_ATTEMPTS:
                    delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = timezone.now() + _backoff(delivery.attempts)
            else:
                delivery.status = DeliveryStatus.SENT
                delivery.sent_at = timezone.now()
                sent += 1
            delivery.save(
                update_fields=["attempts", "status", "last_error", "next_attempt_at", "sent_at"]
            )


@shared_task(name="notifications.send_pending_webhooks", ignore_result=True)
def send_pending_webhooks() -> int:
    """After each push and on beat, every minute: POST due webhook deliveries (leased, not
    locked, during the HTTP calls); failures are retried with backoff for 24 hours."""
    from .webhooks import webhooks_send_pending

    return webhooks_send_pending()


@shared_task(name="notifications.mark_overdue_feedback", ignore_result=True)
def mark_overdue_feedback() -> int:
    from .feedback.services import feedback_mark_overdue

    return feedback_mark_overdue(now=timezone.now())


@shared_task(name="notifications.send_pending_sms", ignore_result=True)
def send_pending_sms() -> int:
    """After each recorded message and on beat, every minute: send due SMS deliveries
    (office hours only; failures retried with backoff, refusals kept for the admins)."""
    from .sms.outbox import sms_send_pending

    return sms_send_pending()
