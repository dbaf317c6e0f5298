"""A real Celery worker checks an import of licences in force, then is SIGKILLed in the middle
of the import: the batch it was writing is rolled back whole, the message it had not
acknowledged is delivered again, and the next worker carries on after the last batch
committed — every licence once, one audit event each (R20), the chain intact."""

from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from approvals.imports.services import licence_import_confirm, licence_import_upload
from approvals.models import Licence, LicenceImport
from audit.models import AuditEvent
from audit.services import verify_chain
from organizations.models import StaffRole
from organizations.scoping import actor_for_user
from tests.approvals.import_helpers import row, upload_file, xlsx_bytes
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
)
from tests.reliability.helpers import process_env, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BATCH = 40
ROWS = 100
ADVISORY_KEY = 104_020


def waiting_on_the_test() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND objid = %s "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [ADVISORY_KEY],
        )
        return cursor.fetchone()[0] > 0


def other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def stop_at_licence(require_postgres):
    """The INSERT of one chosen licence waits for an advisory lock the test holds."""

    def install(licence_no: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE FUNCTION import_wait() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN PERFORM pg_advisory_xact_lock_shared({ADVISORY_KEY}); RETURN NEW; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER import_wait BEFORE INSERT ON approvals_licence FOR EACH ROW "
                "WHEN (NEW.licence_no = %s) EXECUTE FUNCTION import_wait()",
                [licence_no],
            )
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])

    def release() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
            cursor.execute("DROP TRIGGER IF EXISTS import_wait ON approvals_licence")
            cursor.execute("DROP FUNCTION IF EXISTS import_wait()")

    yield install, release
    release()


def test_a_worker_killed_in_the_middle_of_an_import_loses_and_repeats_nothing(
    require_redis, stop_at_licence, workers
):
    install, release = stop_at_licence
    approval = ApprovalDepartmentFactory(code="xzsp-import-kill", name="杀进程测试行政审批服务局")
    market = DepartmentFactory(code="scjg-import-kill")
    ApprovalItemFactory(code="food-kill", name="食品经营许可", supervision_departments=[market])
    admin = StaffFactory(department=approval, role=StaffRole.PLATFORM_ADMIN).user
    env = process_env(
        broker_url=require_redis,
        CELERY_VISIBILITY_TIMEOUT="3",
        LICENCE_IMPORT_BATCH_SIZE=str(BATCH),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),  # the uploaded file, where the test keeps it
    )
    rows = [row(n) for n in range(1, ROWS + 1)]
    worker = workers.start(env)

    job, _created = licence_import_upload(
        actor=actor_for_user(admin), department=approval, upload=upload_file(xlsx_bytes(rows))
    )
    wait_until(
        lambda: LicenceImport.objects.get(pk=job.pk).state == "checked",
        what="the worker to check the file",
    )
    install(rows[BATCH + 10]["许可文（编）号"])  # inside the second batch
    licence_import_confirm(
        job=LicenceImport.objects.get(pk=job.pk), actor=actor_for_user(admin), repush=False
    )
    wait_until(waiting_on_the_test, what="the import to reach its second batch")
    assert Licence.objects.count() == BATCH

    workers.kill(worker)
    release()
    wait_until(lambda: other_backends() == 0, what="the killed worker's connection to end")
    assert Licence.objects.count() == BATCH
    assert LicenceImport.objects.get(pk=job.pk).processed_rows == BATCH

    workers.start(env)
    wait_until(
        lambda: LicenceImport.objects.get(pk=job.pk).state == "done",
        what="the redelivered import to finish",
    )
    job.refresh_from_db()
    assert (job.imported_rows, job.processed_rows) == (ROWS, ROWS)
    numbers = Counter(Licence.objects.values_list("licence_no", flat=True))
    assert numbers == Counter({r["许可文（编）号"]: 1 for r in rows})
    events = Counter(
        AuditEvent.objects.filter(action="licence.import").values_list("object_id", flat=True)
    )
    assert len(events) == ROWS and set(events.values()) == {1}
    assert AuditEvent.objects.filter(action="licence_import.finish").count() == 1
    assert verify_chain().ok
