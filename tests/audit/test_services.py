import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from audit.services import AuditEntry, audit_record, audit_record_many, verify_chain
from organizations.models import ApiClient, Department
from organizations.scoping import actor_for_api_client, actor_for_user

pytestmark = pytest.mark.django_db


def chain_head() -> AuditChainHead:
    return AuditChainHead.objects.get(pk=1)


def test_first_event_links_to_the_genesis_hash(staff_user: Any) -> None:
    event = audit_record(actor=staff_user, action="push.send")

    assert event.id == 1
    assert event.prev_hash == GENESIS_HASH
    assert len(event.hash) == 64
    assert (chain_head().last_event_id, chain_head().last_hash) == (1, event.hash)


def test_each_event_links_to_the_previous_events_hash(staff_user: Any) -> None:
    events = [audit_record(actor=staff_user, action=f"step.{n}") for n in range(5)]

    assert [event.id for event in events] == [1, 2, 3, 4, 5]
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
    assert chain_head().last_hash == events[-1].hash
    assert verify_chain() == verify_chain(batch_size=2)
    assert verify_chain().ok
    assert verify_chain().checked == 5


def test_a_user_is_recorded_with_the_department_of_their_membership(
    staff_user: Any, audit_department: Department
) -> None:
    event = audit_record(actor=staff_user, action="push.claim", object_type="x.y", object_id=7)

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == staff_user
    assert event.actor_label == "audit-clerk"
    assert event.department == audit_department
    assert (event.object_type, event.object_id) == ("x.y", "7")


def test_an_explicit_department_overrides_the_users(
    staff_user: Any, other_department: Department
) -> None:
    event = audit_record(actor=staff_user, action="push.claim", department=other_department)

    assert event.department_id == other_department.pk


def test_a_user_without_membership_has_no_department(db: None) -> None:
    admin = get_user_model().objects.create_superuser(username="root-admin", password="x")

    event = audit_record(actor=admin, action="catalog.change")

    assert (event.actor_label, event.department_id) == ("root-admin", None)


def test_no_actor_is_recorded_as_the_system(db: None) -> None:
    event = audit_record(actor=None, action="push.auto_claim")

    assert (event.actor_id, event.actor_label, event.department_id) == (None, "system", None)


def test_an_api_client_is_labelled_api_and_its_name(audit_department: Department) -> None:
    client, _key = ApiClient.objects.create_key(name="scjg-gateway", department=audit_department)

    event = audit_record(actor=client, action="push.claim")

    assert event.actor_id is None
    assert event.actor_label == "api:scjg-gateway"
    assert event.department_id == audit_department.pk


def test_any_object_with_a_name_and_department_counts_as_an_api_client(
    audit_department: Department,
) -> None:
    client = SimpleNamespace(name="webhook-bridge", department=audit_department)

    event = audit_record(actor=client, action="feedback.send")

    assert (event.actor_label, event.department_id) == ("api:webhook-bridge", audit_department.pk)


def test_scoping_actors_are_accepted(staff_user: Any, audit_department: Department) -> None:
    client, _key = ApiClient.objects.create_key(name="gateway", department=audit_department)

    by_user = audit_record(actor=actor_for_user(staff_user), action="letter.send")
    by_client = audit_record(actor=actor_for_api_client(client), action="letter.send")

    assert (by_user.actor_id, by_user.actor_label) == (staff_user.pk, "audit-clerk")
    assert by_user.department_id == audit_department.pk
    assert (by_client.actor_id, by_client.actor_label) == (None, "api:gateway")
    assert by_client.department_id == audit_department.pk


def test_an_unknown_actor_is_refused(db: None) -> None:
    with pytest.raises(TypeError):
        audit_record(actor=object(), action="push.send")


def test_obj_gives_the_object_type_and_id(staff_user: Any, audit_department: Department) -> None:
    event = audit_record(actor=staff_user, action="department.change", obj=audit_department)

    assert event.object_type == "organizations.department"
    assert event.object_id == str(audit_department.pk)


def test_details_are_stored_as_the_json_they_read_back_as(staff_user: Any) -> None:
    details = {
        "reason": "逾期自动认领",
        "count": 3,
        "ratio": 0.1,
        "round": 2.0,
        "huge": 1e20,
        "amount": Decimal("12.50"),
        "on": datetime.date(2026, 10, 8),
        "ids": (1, 2),
        5: "int key",
    }

    event = audit_record(actor=staff_user, action="push.claim", details=details)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.details == event.details
    assert stored.details["amount"] == "12.50"
    assert stored.details["ids"] == [1, 2]
    assert stored.details["5"] == "int key"
    assert stored.compute_hash() == event.hash
    assert verify_chain().ok


def test_the_time_round_trips_to_the_microsecond(staff_user: Any) -> None:
    at = datetime.datetime(2026, 9, 30, 10, 0, 0, 123456, tzinfo=datetime.UTC)

    event = audit_record(actor=staff_user, action="push.send", at=at)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.at == at
    assert stored.compute_hash() == event.hash


def test_a_naive_time_is_refused(staff_user: Any) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        audit_record(actor=staff_user, action="push.send", at=datetime.datetime(2026, 1, 1))
    assert not AuditEvent.objects.exists()


def test_the_event_is_rolled_back_with_the_callers_transaction(staff_user: Any) -> None:
    kept = audit_record(actor=staff_user, action="push.send")

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=staff_user, action="push.claim")
        raise RuntimeError("the change failed")

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["push.send"]
    assert (chain_head().last_event_id, chain_head().last_hash) == (1, kept.hash)
    after = audit_record(actor=staff_user, action="push.claim")
    assert (after.id, after.prev_hash) == (2, kept.hash)
    assert verify_chain().ok


def test_the_event_commits_with_the_callers_transaction(staff_user: Any) -> None:
    with transaction.atomic():
        audit_record(actor=staff_user, action="push.send")
        audit_record(actor=staff_user, action="push.claim")

    assert AuditEvent.objects.count() == 2
    assert verify_chain().ok


def test_record_many_chains_every_event(
    staff_user: Any, audit_department: Department, other_department: Department
) -> None:
    first = audit_record(actor=staff_user, action="push.send")
    entries = [
        AuditEntry("notifications.push", n, {"n": n}, other_department if n % 2 else None)
        for n in range(1200)
    ]

    count = audit_record_many(actor=None, action="push.auto_claim", entries=entries)

    assert count == 1200
    events = list(AuditEvent.objects.order_by("id"))
    assert [event.id for event in events] == list(range(1, 1202))
    assert events[1].prev_hash == first.hash
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
    assert events[2].object_id == "1"
    assert events[2].department_id == other_department.pk
    assert events[1].department_id is None
    assert {event.actor_label for event in events[1:]} == {"system"}
    assert chain_head().last_hash == events[-1].hash
    result = verify_chain(batch_size=100)
    assert (result.ok, result.checked) == (True, 1201)


def test_record_many_uses_the_call_department_unless_an_entry_names_one(
    staff_user: Any, audit_department: Department, other_department: Department
) -> None:
    entries = [
        AuditEntry.for_object(audit_department, details={"why": "x"}),
        AuditEntry.for_object(audit_department, department=audit_department),
    ]

    audit_record_many(
        actor=staff_user, action="export", entries=entries, department=other_department
    )

    departments = list(AuditEvent.objects.order_by("id").values_list("department_id", flat=True))
    assert departments == [other_department.pk, audit_department.pk]


def test_record_many_with_no_entries_records_nothing(db: None) -> None:
    assert audit_record_many(actor=None, action="push.auto_claim", entries=[]) == 0
    assert not AuditEvent.objects.exists()


def test_record_many_is_rolled_back_with_the_callers_transaction(staff_user: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record_many(
            actor=None,
            action="push.auto_claim",
            entries=[AuditEntry("a.b", 1), AuditEntry("a.b", 2)],
        )
        raise RuntimeError("the sweep failed")

    assert not AuditEvent.objects.exists()
    assert chain_head().last_event_id == 0


def test_a_missing_chain_head_is_rebuilt_from_the_newest_event(staff_user: Any) -> None:
    first = audit_record(actor=staff_user, action="push.send")
    AuditChainHead.objects.all().delete()

    second = audit_record(actor=staff_user, action="push.claim")

    assert (second.id, second.prev_hash) == (2, first.hash)
    assert verify_chain().ok
