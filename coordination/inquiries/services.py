"""Inquiry letters (函询, Art. 12, R16) — every write; the rules live here."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditEntry, audit_record, audit_record_many
from coordination.models import (
    Inquiry,
    InquiryState,
)
from coordination.services import (
    INQUIRY_DEFAULT_WORKING_DAYS,
    INQUIRY_MAX_WORKING_DAYS,
    INQUIRY_MIN_WORKING_DAYS,
    SWEEP_BATCH_SIZE,
    TITLE_MAX,
    CoordinationConflict,
    InquiryDeemedConsent,
    _department_of,
    _notify,
    _text,
    _user,
    local_time,
)
from linzi_platform.field_errors import add_error as _add
from linzi_platform.field_errors import raise_if_errors as _raise_if
from notifications.models import (
    NoticeKind,
    Obligation,
    OverdueRecord,
)
from notifications.services import (
    DepartmentNotice,
    departments_notify,
    for_update_skip_locked,
)
from organizations.models import Department
from organizations.scoping import Actor
from workdays.calendar import add_working_days


def inquiry_send(
    *,
    actor: Actor,
    receiver: Department | None,
    subject: str,
    question: str,
    reply_working_days: int | None = INQUIRY_DEFAULT_WORKING_DAYS,
) -> Inquiry:
    """Send an inquiry letter to another department; its reply deadline is computed once,
    `reply_working_days` working days after sending (R0.1), and stored."""
    sender = _department_of(actor)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if receiver is None:
        _add(errors, "receiver", _("Choose the receiving department."))
    elif receiver.pk == sender.pk:
        _add(errors, "receiver", _("An inquiry goes to another department."))
    elif not receiver.active:
        _add(errors, "receiver", _("%(name)s is not active.") % {"name": receiver.name})
    subject = _text(errors, "subject", subject, limit=TITLE_MAX)
    question = _text(errors, "question", question)
    days = INQUIRY_DEFAULT_WORKING_DAYS if reply_working_days is None else reply_working_days
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not INQUIRY_MIN_WORKING_DAYS <= days <= INQUIRY_MAX_WORKING_DAYS
    ):
        _add(errors, "reply_working_days", _("Give 1 to 30 working days."))
    _raise_if(errors)
    deadline = add_working_days(now, days)
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            sender=sender,
            receiver=receiver,
            subject=subject,
            question=question,
            reply_working_days=days,
            sent_by=_user(actor),
            sent_by_label=actor.label,
            sent_at=now,
            deadline=deadline,
        )
        audit_record(
            actor=actor,
            action="inquiry.send",
            obj=inquiry,
            details={
                "receiver": receiver.code,
                "subject": subject,
                "working_days": days,
                "deadline": deadline.isoformat(),
            },
            at=now,
        )
        _notify(
            [receiver],
            title=_("Inquiry letter from %(sender)s: %(subject)s")
            % {"sender": sender.name, "subject": subject},
            body=_("Please reply by %(deadline)s; without a reply it is deemed consent.")
            % {"deadline": local_time(deadline)},
            url=reverse("coordination:inquiry-detail", args=[inquiry.pk]),
            now=now,
        )
    return inquiry


def inquiry_reply(*, actor: Actor, inquiry: Inquiry, text: str) -> Inquiry:
    """The receiver answers by the deadline: one conditional UPDATE decides. After the
    deadline the letter is deemed consent (if the sweep has not run yet, it runs for this
    letter now) and the reply is refused, naming the time."""
    department = _department_of(actor)
    if department.pk != inquiry.receiver_id:
        raise PermissionDenied(_("Only the receiving department replies to this inquiry."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    text = _text(errors, "text", text)
    _raise_if(errors)
    with transaction.atomic():
        won = Inquiry.objects.filter(
            pk=inquiry.pk, receiver=department, state=InquiryState.OPEN, deadline__gte=now
        ).update(
            state=InquiryState.ANSWERED,
            reply=text,
            replied_by=_user(actor),
            replied_by_label=actor.label,
            replied_at=now,
        )
        if won:
            audit_record(
                actor=actor,
                action="inquiry.reply",
                obj=inquiry,
                details={"sender": inquiry.sender.code, "text": text[:500]},
                at=now,
            )
            _notify(
                [inquiry.sender],
                title=_("%(receiver)s replied to your inquiry: %(subject)s")
                % {"receiver": department.name, "subject": inquiry.subject},
                body=text[:1000],
                url=reverse("coordination:inquiry-detail", args=[inquiry.pk]),
                now=now,
            )
    inquiry.refresh_from_db()
    if won:
        return inquiry
    if inquiry.state == InquiryState.OPEN and inquiry.deadline < now:
        inquiries_deem_consent(now=now, only_ids=[inquiry.pk])
        inquiry.refresh_from_db()
    if inquiry.state == InquiryState.DEEMED_CONSENT:
        raise InquiryDeemedConsent(
            _(
                "The reply deadline has passed: this inquiry became deemed consent at "
                "%(when)s, and the silence is recorded against your department."
            )
            % {"when": local_time(inquiry.deemed_consent_at or inquiry.deadline)}
        )
    raise CoordinationConflict(
        _("This inquiry was already answered by %(who)s at %(when)s.")
        % {"who": inquiry.replied_by_label, "when": local_time(inquiry.replied_at)}
    )


def inquiries_deem_consent(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = SWEEP_BATCH_SIZE,
    only_ids: Sequence[int] | None = None,
) -> int:
    """Turn every open inquiry whose deadline has passed into deemed consent (视为同意, R16);
    return how many.

    Set-based and batched like the auto-claim sweep: each batch locks its rows (skipping rows
    another sweep or a reply holds), flips them in one UPDATE, charges the silence to the
    receiving department, writes the audit events and both sides' notices in bulk. Safe to
    run twice or concurrently.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            overdue = Inquiry.objects.filter(state=InquiryState.OPEN, deadline__lt=now)
            if only_ids is not None:
                overdue = overdue.filter(pk__in=only_ids)
            rows = list(
                for_update_skip_locked(overdue.order_by("deadline", "pk")).values_list(
                    "pk", "sender_id", "receiver_id", "deadline", "subject"
                )[:batch_size]
            )
            if not rows:
                return total
            ids = [pk for pk, *_rest in rows]
            Inquiry.objects.filter(pk__in=ids, state=InquiryState.OPEN).update(
                state=InquiryState.DEEMED_CONSENT, deemed_consent_at=F("deadline")
            )
            OverdueRecord.objects.bulk_create(
                [
                    OverdueRecord(
                        department_id=receiver_id,
                        obligation=Obligation.INQUIRY_REPLY,
                        object_type="coordination.inquiry",
                        object_id=str(pk),
                        deadline=deadline,
                        recorded_at=now,
                    )
                    for pk, _sender_id, receiver_id, deadline, _subject in rows
                ],
                ignore_conflicts=True,
            )
            departments = Department.objects.in_bulk(
                {sender_id for _pk, sender_id, *_r in rows}
                | {receiver_id for _pk, _s, receiver_id, *_r in rows}
            )
            audit_record_many(
                actor=None,
                action="inquiry.deemed_consent",
                entries=[
                    AuditEntry(
                        object_type="coordination.inquiry",
                        object_id=str(pk),
                        details={
                            "sender": departments[sender_id].code,
                            "deadline": deadline.isoformat(),
                            "overdue": True,
                        },
                        department=departments[receiver_id],
                    )
                    for pk, sender_id, receiver_id, deadline, _subject in rows
                ],
                at=now,
            )
            notices = []
            for pk, sender_id, receiver_id, deadline, subject in rows:
                url = reverse("coordination:inquiry-detail", args=[pk])
                when = local_time(deadline)
                notices.append(
                    DepartmentNotice(
                        sender_id,
                        _("No reply from %(receiver)s, deemed consent: %(subject)s")
                        % {"receiver": departments[receiver_id].name, "subject": subject},
                        _("The reply deadline %(when)s passed without a reply.") % {"when": when},
                        url,
                        kind=NoticeKind.COORDINATION,
                    )
                )
                notices.append(
                    DepartmentNotice(
                        receiver_id,
                        _("Inquiry deemed consent without your reply: %(subject)s")
                        % {"subject": subject},
                        _(
                            "The reply deadline %(when)s passed; the silence is recorded "
                            "against your department."
                        )
                        % {"when": when},
                        url,
                        kind=NoticeKind.COORDINATION,
                    )
                )
            departments_notify(notices=notices, now=now)
        total += len(rows)
        if len(rows) < batch_size:
            return total
