"""A real Celery worker checks an import of licences in force, then is SIGKILLed in the middle
of the import: the batch it was writing is rolled back whole, the message it had not
acknowledged is delivered again, and the next worker carries on after the last batch
committed — every licence once, one audit event each (R20), the chain intact."""

from collections import Counter

import pytest
from django.conf import settings

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
from tests.reliability.helpers import (
    gate_install,
    gate_release,
    other_backends,
    process_env,
    wait_until,
    waiting_at_gate,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BATCH = 40
ROWS = 100
ADVISORY_KEY = 104_020


def waiting_on_the_test() -> bool:
    return waiting_at_gate(ADVISORY_KEY)


@pytest.fixture
def stop_at_licence(require_postgres):
    """The INSERT of one chosen licence waits for an advisory lock the test holds."""

    def install(licence_no: str) -> None:
        gate_install(
            key=ADVISORY_KEY,
            name="import_wait",
            table="approvals_licence",
            event="INSERT",
            when="NEW.licence_no = %s",
            params=[licence_no],
        )

    def release() -> None:
        gate_release(name="import_wait", table="approvals_licence")

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
