from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from audit.admin import AuditEventAdmin
from audit.models import AuditEvent, AuditTrailIsAppendOnly
from audit.services import audit_record, verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(staff_user: Any) -> AuditEvent:
    return audit_record(actor=staff_user, action="push.send", details={"to": "scjg"})


def test_saving_a_recorded_event_again_is_refused(event: AuditEvent) -> None:
    event.action = "push.withdraw"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()

    loaded = AuditEvent.objects.get(pk=event.pk)
    loaded.details = {}
    with pytest.raises(AuditTrailIsAppendOnly):
        loaded.save(update_fields=["details"])
    assert AuditEvent.objects.get(pk=event.pk).action == "push.send"


def test_deleting_an_event_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event: AuditEvent) -> None:
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="push.withdraw")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "x"})
    event.action = "push.withdraw"
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.get(pk=event.pk).action == "push.send"
    assert verify_chain().ok


def test_an_event_cannot_be_written_around_the_chain(staff_user: Any) -> None:
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.create(id=1, actor_label="forger", action="push.send")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_create([AuditEvent(id=1, actor_label="forger", action="x")])
    assert not AuditEvent.objects.exists()


def test_the_actor_cannot_be_deleted_while_audited(event: AuditEvent, staff_user: Any) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        staff_user.delete()


def test_the_admin_only_shows_events(admin_client: Client, event: AuditEvent) -> None:
    changelist = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    detail = admin_client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))

    assert changelist.status_code == 200
    assert "push.send" in changelist.content.decode()
    assert detail.status_code == 200
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    posted = admin_client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "push.withdraw"}
    )
    assert posted.status_code == 403
    deleted = admin_client.post(
        reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    bulk = admin_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.get(pk=event.pk).action == "push.send"


def test_the_admin_grants_no_write_permission_and_no_actions(admin_user: Any) -> None:
    model_admin = AuditEventAdmin(AuditEvent, admin.site)
    request = RequestFactory().get("/")
    request.user = admin_user

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}


def test_users_and_departments_without_events_can_still_be_deleted(
    staff_user: Any, other_department: Any
) -> None:
    audit_record(actor=None, action="push.send")

    staff_user.delete()
    other_department.delete()

    assert AuditEvent.objects.count() == 1
