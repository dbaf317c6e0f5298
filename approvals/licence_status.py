"""A licence's status after its decision (R8): changes, suspensions' ends and 变更 are
recorded, audited (R20) and pushed to every department supervising the licence."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from linzi_platform.errors import DomainConflict
from notifications.services import push_send
from organizations.scoping import Actor

from . import push_kinds
from .models import Licence, LicenceStatus, LicenceStatusChange
from .services import counterparty_snapshot, licence_subject

# A revoked, withdrawn or cancelled licence is final; a suspended one can still end so.
FINAL_STATUSES = frozenset(
    {LicenceStatus.REVOKED, LicenceStatus.WITHDRAWN, LicenceStatus.CANCELLED}
)


class LicenceStatusConflict(DomainConflict):
    """The licence's current status does not allow the change (a form shows it on the
    licence it names)."""

    field = "licence"


def licence_status_change_refusal(licence: Licence) -> str | None:
    """Why the licence's status can no longer change, or None."""
    if licence.status in FINAL_STATUSES:
        return _("The licence is already %(status)s; its status can no longer change.") % {
            "status": LicenceStatus(licence.status).label
        }
    return None


def licence_change_status(
    *,
    licence: Licence,
    to_status: LicenceStatus,
    reason: str,
    actor: Actor,
    notify_except: Any = None,
) -> Licence:
    """Change a licence's status and push the change to every department supervising it.

    A final status (revoked, withdrawn, cancelled) is never overwritten: LicenceStatusConflict.
    """
    with transaction.atomic():
        current = Licence.objects.select_for_update().get(pk=licence.pk)
        if current.status == to_status:
            return current
        refusal = licence_status_change_refusal(current)
        if refusal:
            raise LicenceStatusConflict(refusal)
        from_status = current.status
        Licence.objects.filter(pk=current.pk).update(status=to_status)
        current.status = to_status
        _record_and_push_change(
            current,
            from_status=from_status,
            reason=reason,
            actor=actor,
            notify_except=notify_except,
        )
    return current


def licence_record_change(
    *, licence: Licence, reason: str, actor: Actor, notify_except: Any = None
) -> Licence:
    """A change to a licence that keeps its status (变更): recorded and pushed like one."""
    with transaction.atomic():
        current = Licence.objects.select_for_update().get(pk=licence.pk)
        refusal = licence_status_change_refusal(current)
        if refusal:
            raise LicenceStatusConflict(refusal)
        _record_and_push_change(
            current,
            from_status=current.status,
            reason=reason,
            actor=actor,
            notify_except=notify_except,
        )
    return current


def _record_and_push_change(
    licence: Licence, *, from_status: str, reason: str, actor: Actor, notify_except: Any = None
) -> None:
    now = timezone.now()
    LicenceStatusChange.objects.create(
        licence=licence,
        from_status=from_status,
        to_status=licence.status,
        reason=reason,
        changed_by_label=actor.label,
        changed_at=now,
    )
    audit_record(
        actor=actor,
        action="licence.status_change",
        obj=licence,
        details={"from": from_status, "to": str(licence.status), "reason": reason[:500]},
        at=now,
    )
    receivers = [
        department
        for department in licence.item.supervision_departments.filter(active=True).order_by("code")
        if department != notify_except and department != actor.department
    ]
    push_send(
        kind=push_kinds.LICENCE_STATUS_CHANGE,
        sender=actor.department,
        receivers=receivers,
        payload={
            "licence_id": licence.pk,
            "item": {"code": licence.item.code, "name": licence.item.name},
            "counterparty": counterparty_snapshot(licence.counterparty),
            "licence_no": licence.licence_no,
            "from_status": from_status,
            "to_status": str(licence.status),
            "reason": reason,
            "changed_at": timezone.localtime(now).isoformat(),
        },
        subject=licence_subject(licence),
        actor=actor,
        sent_at=now,
    )
