"""Concurrent retries of one POST with one Idempotency-Key on PostgreSQL: the unique
constraint on (principal, key) lets exactly one of them do the work."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from approvals.models import Licence
from audit.models import AuditEvent
from notifications.models import Push
from organizations.models import IdempotencyRecord
from tests.clients import api_key_for
from tests.notifications.test_api import licence_body

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THREADS = 20


def test_twenty_concurrent_retries_with_one_key_record_one_licence_and_one_set_of_pushes(
    require_postgres, approval_department, food_item
):
    key_header = f"Api-Key {api_key_for(approval_department)}"
    barrier = threading.Barrier(THREADS)
    responses: list[tuple[int, dict]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def retry() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=key_header)
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/licences/",
                licence_body(),
                format="json",
                HTTP_IDEMPOTENCY_KEY="retry-storm-1",
            )
            with lock:
                responses.append((response.status_code, response.json()))
        except BaseException as exc:  # a thread's failure must fail the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert len(responses) == THREADS
    assert {status for status, _ in responses} == {201}
    bodies = [body for _, body in responses]
    assert all(body == bodies[0] for body in bodies), "every retry answers the first response"
    assert Licence.objects.count() == 1
    licence = Licence.objects.get()
    assert bodies[0]["id"] == licence.pk
    assert Push.objects.filter(subject_id=str(licence.pk)).count() == 2
    assert Push.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="licence.decide").count() == 1
