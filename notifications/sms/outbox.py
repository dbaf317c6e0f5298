"""The SMS outbox: rows recorded in the transaction of what they announce, sent after commit
by a task and retried by the beat, like the e-mail deliveries (notifications/tasks.py).

- At most one message per person per subject: `SmsDelivery`'s unique constraint on
  (recipient, subject_key) decides, so a sweep that runs twice records one row.
- Only staff who keep SMS reminders on and have a mobile number get one.
- Office hours only (WORKDAY_OPEN–WORKDAY_CLOSE on working days, R0): a message recorded or
  retried outside them waits for the next opening; it is never dropped.
- The gateway's answer decides: sent; a temporary failure retried with backoff until
  SMS_MAX_ATTEMPTS; a refusal (invalid or blacklisted number…) recorded as refused for good,
  with the reason, for the admins (admin: SMS deliveries, filter by status).
"""

import datetime
import logging
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import StaffMembership, StaffRole
from workdays.calendar import CALENDAR_TZ, is_office_hours, office_hours_next

from ..models import SmsDelivery, SmsKind, SmsStatus
from .backends import SmsMessage, SmsRefused, SmsTemporaryError, sms_backend

logger = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(hours=2)


def sms_template_id(kind: str) -> str:
    """The gateway template of a kind of message (settings SMS_TEMPLATE_*)."""
    return {
        SmsKind.DEADLINE_TODAY: settings.SMS_TEMPLATE_DEADLINE_TODAY,
        SmsKind.AUTO_CLAIMED: settings.SMS_TEMPLATE_AUTO_CLAIMED,
    }[kind]


def sms_day_label(moment: datetime.datetime) -> str:
    """ "12月1日": the date as a text message names it."""
    local = moment.astimezone(CALENDAR_TZ)
    return _("%(month)s/%(day)s") % {"month": local.month, "day": local.day}


def sms_departments_record(
    *,
    kind: str,
    params: Mapping[int, Mapping[str, str]],
    subject_key: str,
    now: datetime.datetime,
    roles: Sequence[str] | None = None,
) -> int:
    """Record one message of `kind` for each opted-in staff member of each department in
    `params` (department id → the template's parameters), in the caller's transaction;
    a person who already has one for `subject_key` gets no second. Returns the rows tried."""
    if not params:
        return 0
    members = StaffMembership.objects.filter(
        department_id__in=list(params),
        user__is_active=True,
        sms_reminders=True,
    ).exclude(mobile="")
    if roles is not None:
        members = members.filter(role__in=roles)
    template_id = sms_template_id(kind)
    due = office_hours_next(now)
    rows = [
        SmsDelivery(
            recipient_id=user_id,
            department_id=department_id,
            phone=mobile,
            kind=kind,
            template_id=template_id,
            params=dict(params[department_id]),
            subject_key=subject_key,
            next_attempt_at=due,
            created_at=now,
        )
        for user_id, department_id, mobile in members.values_list(
            "user_id", "department_id", "mobile"
        )
    ]
    if rows:
        SmsDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        sms_enqueue()
    return len(rows)


def sms_auto_claimed_record(
    *, receiver_counts: Mapping[int, int], names: Mapping[int, str], now: datetime.datetime
) -> int:
    """Tell the heads and clerks of each department whose pushes were just auto-claimed
    (R4), once per person per day: the first batch of the day names its count."""
    day = now.astimezone(CALENDAR_TZ).date()
    return sms_departments_record(
        kind=SmsKind.AUTO_CLAIMED,
        params={
            department_id: {
                "department": names.get(department_id, ""),
                "count": str(count),
                "date": sms_day_label(now),
            }
            for department_id, count in receiver_counts.items()
        },
        subject_key=f"auto-claimed:{day.isoformat()}",
        now=now,
        roles=[StaffRole.HEAD, StaffRole.CLERK],
    )


def sms_enqueue() -> None:
    from ..tasks import send_pending_sms

    if any(
        getattr(getattr(callback, "__self__", None), "name", None) == send_pending_sms.name
        for _ids, callback, _robust in connection.run_on_commit
    ):
        return
    # robust: the rows are committed; a broker outage only delays them until the beat.
    transaction.on_commit(send_pending_sms.delay, robust=True)


def sms_backoff(attempts: int) -> datetime.timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4 … minutes, at most 2 hours."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _skip_locked(queryset: QuerySet) -> QuerySet:
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def sms_send_pending(*, now: datetime.datetime | None = None) -> int:
    """Send every due message once; return how many the gateway accepted.

    Outside office hours nothing is sent: the due rows wait for the next opening. Each row is
    sent in a transaction of its own with the row locked (skipping rows another worker
    holds), so two workers never send the same one.
    """
    now = now or timezone.now()
    pending = SmsDelivery.objects.filter(status=SmsStatus.PENDING)
    if not is_office_hours(now):
        opening = office_hours_next(now)
        pending.filter(next_attempt_at__lt=opening).update(next_attempt_at=opening)
        return 0
    backend = sms_backend()
    max_attempts = settings.SMS_MAX_ATTEMPTS
    sent = 0
    while True:
        with transaction.atomic():
            due = pending.filter(next_attempt_at__lte=now).order_by("next_attempt_at", "pk")
            delivery = _skip_locked(due).first()
            if delivery is None:
                return sent
            delivery.attempts += 1
            message = SmsMessage(
                phone=delivery.phone,
                template_id=delivery.template_id,
                params={key: str(value) for key, value in delivery.params.items()},
                reference=str(delivery.pk),
            )
            try:
                delivery.gateway_message_id = backend.send(message)
            except SmsRefused as exc:
                delivery.status = SmsStatus.REFUSED
                delivery.last_error = _refusal_reason(exc)
            except Exception as exc:  # SmsTemporaryError or any other transport failure
                kind = "" if isinstance(exc, SmsTemporaryError) else f"{type(exc).__name__}: "
                delivery.last_error = f"{kind}{exc}"[:2000]
                if delivery.attempts >= max_attempts:
                    delivery.status = SmsStatus.FAILED
                else:
                    retry_at = now + sms_backoff(delivery.attempts)
                    delivery.next_attempt_at = office_hours_next(retry_at)
            else:
                delivery.status = SmsStatus.SENT
                delivery.sent_at = now
                delivery.last_error = ""
                sent += 1
            if delivery.status != SmsStatus.SENT:
                logger.info("SMS %s not sent: %s", delivery.pk, delivery.last_error)
            delivery.save(
                update_fields=[
                    "attempts",
                    "status",
                    "last_error",
                    "next_attempt_at",
                    "sent_at",
                    "gateway_message_id",
                ]
            )


def _refusal_reason(exc: SmsRefused) -> str:
    reason = str(exc) or _("no reason given")
    if exc.code:
        text = _("The SMS platform refused it (code %(code)s): %(reason)s")
        return (text % {"code": exc.code, "reason": reason})[:2000]
    return (_("The SMS platform refused it: %(reason)s") % {"reason": reason})[:2000]


def sms_deliveries_retry(*, ids: Sequence[int], now: datetime.datetime) -> int:
    """An admin sends failed or refused messages again (e.g. once the gateway has lifted a block):
    pending from the next office-hours moment, with fresh attempts."""
    count = SmsDelivery.objects.filter(
        pk__in=ids, status__in=[SmsStatus.FAILED, SmsStatus.REFUSED]
    ).update(status=SmsStatus.PENDING, attempts=0, next_attempt_at=office_hours_next(now))
    if count:
        sms_enqueue()
    return count
