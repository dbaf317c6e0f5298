"""The import of licences in force: every row's problems before anything is written (unknown
item, bad credit code, dates out of order, a licence number repeated or taken), then the
import in batches — supervision code, counterparty, R7 access check, audit events (R20),
pushes (R1) only when the admin chose 补推 — which a second run, or a second import of the
same file, leaves as it is."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.imports.services import licence_import_confirm, licence_import_upload
from approvals.imports.writing import _import_batch
from approvals.models import Licence, LicenceImport, LicenceStatusChange
from audit.models import AuditEvent
from audit.services import verify_chain
from counterparties.models import Counterparty
from linzi_platform.errors import DomainConflict
from notifications.models import Push
from organizations.scoping import actor_for_user
from supervision.models import CounterpartyListing, ListingType
from tests.approvals.import_helpers import (
    csv_bytes,
    import_checked,
    import_done,
    individual_row,
    problems_of,
    row,
    upload_file,
    xlsx_bytes,
)
from tests.factories import ApprovalItemFactory, DepartmentFactory, record_licence

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_today")]


def confirmed(job: LicenceImport, admin, *, repush: bool = False) -> LicenceImport:
    return licence_import_confirm(job=job, actor=actor_for_user(admin), repush=repush)


# --------------------------------------------------------------------------- the check


def test_each_kind_of_problem_is_named_in_chinese_on_its_row(
    platform_admin, approval_department, food_item
):
    rows = [
        row(1),
        row(2, item="网吧经营许可"),
        row(3, credit_code="91370305MA3C8Q7X0A"),
        row(4, valid_from="2024-03-15", valid_to="2023-03-14"),
        row(5, licence_date="2027-01-05"),
        row(6, licence_no="JY-SAME"),
        row(7, licence_no="JY-SAME"),
        row(8, licence_date="2024-02-30"),
        row(9, valid_to="2025-06-30"),
        row(10, contact_phone="12345"),
        row(11, credit_code="", id_number=""),
        row(12, item=""),
    ]
    job = import_checked(platform_admin, approval_department, xlsx_bytes(rows))
    assert (job.state, job.total_rows, job.new_rows, job.problem_rows) == ("checked", 12, 1, 11)
    problems = problems_of(job)
    assert problems[3] == ["事项名称：未知事项“网吧经营许可”：划转事项目录中没有这个事项。"]
    assert problems[4] == ["统一社会信用代码：统一社会信用代码校验位错误。"]
    assert problems[5] == ["有效期止：有效期截止日期不能早于起始日期。"]
    assert problems[6] == ["许可日期：许可日期不能晚于今天。"]
    assert (
        problems[7]
        == problems[8]
        == ["许可文（编）号：该许可文（编）号在文件中重复出现（第 7、8 行）。"]
    )
    assert problems[9] == ["许可日期：“2024-02-30”不是有效日期：请按 2024-03-15 的格式填写。"]
    assert problems[10] == ["有效期止：该许可已于 2025-06-30 到期：只导入仍在有效期内的许可。"]
    assert problems[11] == [
        "联系电话：请填写 11 位手机号（如 13812345678）或带区号的固定电话（如 0533-7181234）。"
    ]
    assert problems[12] == [
        "统一社会信用代码、身份证号码：请填写统一社会信用代码（单位）或身份证号（个人）。"
    ]
    assert problems[13] == ["事项名称：请填写事项名称。"]
    assert 2 not in problems


def test_the_messages_are_those_of_a_decision(platform_admin, approval_department, food_item):
    job = import_checked(
        platform_admin,
        approval_department,
        xlsx_bytes([row(1, credit_code="91370305MA3C8Q7X0A", valid_to="2023-01-01")]),
    )
    [messages] = problems_of(job).values()
    assert "统一社会信用代码：统一社会信用代码校验位错误。" in messages
    assert "有效期止：有效期截止日期不能早于起始日期。" in messages


def test_a_number_taken_by_another_licence_is_a_problem_and_the_same_licence_is_skipped(
    platform_admin, approval_clerk, approval_department, food_item
):
    kept = record_licence(approval_clerk, food_item, licence_no="JY-KEPT")
    same = row(
        1,
        licence_no="JY-KEPT",
        name=kept.counterparty.name,
        credit_code=kept.counterparty.credit_code,
        licence_date=kept.licence_date.isoformat(),
        valid_from=kept.valid_from.isoformat(),
        valid_to="",
    )
    job = import_checked(platform_admin, approval_department, xlsx_bytes([same, row(2)]))
    assert (job.new_rows, job.existing_rows, job.problem_rows) == (1, 1, 0)
    assert job.rows.get(row_number=2).licence == kept

    other = import_checked(
        platform_admin, approval_department, xlsx_bytes([row(3, licence_no="JY-KEPT")])
    )
    [message] = problems_of(other)[2]
    assert message.startswith("许可文（编）号：该许可文（编）号已登记为另一项许可（食品经营许可，")
    assert "同一审批部门的许可文（编）号不得重复" in message


def test_an_id_number_excel_turned_into_a_number_is_a_problem(
    platform_admin, approval_department, food_item
):
    job = import_checked(
        platform_admin,
        approval_department,
        xlsx_bytes([individual_row(1, id_number=370305198502011230)]),
    )
    [messages] = problems_of(job).values()
    assert messages == [
        "身份证号码：Excel 把身份证号码存成了数字，末几位可能已丢失："
        "请将该列设为文本格式后重新填写。"
    ]


def test_dates_are_read_as_excel_and_chinese_exports_write_them(
    platform_admin, approval_department, food_item
):
    rows = [
        row(1, licence_date=datetime.datetime(2024, 3, 15), valid_from=datetime.date(2024, 3, 15)),
        row(2, licence_date="2024/3/15", valid_from="2024年3月15日", valid_to="长期"),
        row(3, licence_date="20240315", valid_from="2024.03.15", valid_to=""),
        row(4, licence_date=45366, valid_from="2024-03-15 00:00:00"),
    ]
    job = import_checked(platform_admin, approval_department, xlsx_bytes(rows))
    assert (job.new_rows, job.problem_rows) == (4, 0), problems_of(job)
    values = {r.row_number: r.values for r in job.rows.all()}
    assert {v["licence_date"] for v in values.values()} == {"2024-03-15"}
    assert values[3]["valid_to"] is None and values[4]["valid_to"] is None


def test_an_item_is_found_by_its_official_code_and_an_integrated_one_needs_its_face_info(
    platform_admin, approval_department, food_item, supervision_department
):
    ApprovalItemFactory(
        code="one-licence",
        name="一业一证综合许可",
        integrated_licence=True,
        supervision_departments=[supervision_department],
    )
    rows = [
        row(1, item="370305-XK-001"),
        row(2, item="一业一证综合许可"),
        row(3, item="一业一证综合许可", licence_title="超市综合许可证", licence_scope="食品销售"),
    ]
    job = import_checked(platform_admin, approval_department, xlsx_bytes(rows))
    assert (job.new_rows, job.problem_rows) == (2, 1)
    [messages] = problems_of(job).values()
    assert messages[0].startswith("证照名称、许可范围：")


def test_an_item_without_a_supervision_department_is_a_problem(platform_admin, approval_department):
    ApprovalItemFactory(code="orphan", name="无人监管的事项")
    job = import_checked(
        platform_admin, approval_department, xlsx_bytes([row(1, item="无人监管的事项")])
    )
    [messages] = problems_of(job).values()
    assert messages == ["事项名称：该事项尚未配置负责监管部门。"]


def test_only_platform_admins_upload(approval_clerk, approval_department, food_item):
    with pytest.raises(PermissionDenied) as refused:
        licence_import_upload(
            actor=actor_for_user(approval_clerk),
            department=approval_department,
            upload=upload_file(xlsx_bytes([row()])),
        )
    assert "只有平台管理员" in str(refused.value)


def test_the_department_must_be_an_approval_department(
    platform_admin, supervision_department, food_item
):
    with pytest.raises(ValidationError) as refused:
        licence_import_upload(
            actor=actor_for_user(platform_admin),
            department=supervision_department,
            upload=upload_file(xlsx_bytes([row()])),
        )
    assert refused.value.message_dict == {"department": ["请选择发证的行政审批部门。"]}


# --------------------------------------------------------------------------- the import


def test_confirmed_rows_become_licences_with_everything_a_decision_records_but_the_pushes(
    platform_admin, approval_department, food_item, supervision_department, settings
):
    settings.LICENCE_IMPORT_BATCH_SIZE = 2  # three batches
    listed = Counterparty.objects.create(
        kind="organisation",
        name="已列入经营异常的公司",
        credit_code=row(3)["统一社会信用代码"],
        contact_name="李四",
        contact_phone="13912345678",
    )
    CounterpartyListing.objects.create(
        counterparty=listed,
        listing_type=ListingType.ANOMALY,
        department=supervision_department,
        source_document="临市监异〔2026〕1号",
        listed_on=datetime.date(2026, 10, 1),
        created_by_label="scjg",
        created_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )
    rows = [row(1), row(2), row(3), individual_row(4), row(5, item="不存在")]
    job = import_checked(platform_admin, approval_department, xlsx_bytes(rows))
    assert (job.new_rows, job.problem_rows, job.limited_access_rows) == (4, 1, 1)
    events = AuditEvent.objects.count()

    job = import_done(confirmed(job, platform_admin))

    assert (job.state, job.imported_rows, job.processed_rows, job.pushes_sent) == ("done", 4, 4, 0)
    licences = Licence.objects.filter(department=approval_department).order_by("licence_no")
    assert licences.count() == 4
    assert Push.objects.count() == 0
    first = licences[0]
    assert first.item == food_item and first.status == "valid"
    assert first.licence_date == first.valid_from == datetime.date(2024, 3, 15)
    assert timezone.localtime(first.decided_at) == datetime.datetime(2024, 3, 15, tzinfo=SHANGHAI)
    assert len(first.supervision_code) >= 16
    assert len({licence.supervision_code for licence in licences}) == 4
    # Counterparties: created, and the one on record kept as it was.
    assert Counterparty.objects.get(credit_code=row(1)["统一社会信用代码"]).contact_name == "王五"
    listed.refresh_from_db()
    assert listed.name == "已列入经营异常的公司"
    # R7: the access check of the listings, recorded on the licence.
    third = licences.get(counterparty=listed)
    assert third.access_level == "restricted"
    assert third.access_reasons[0]["source_document"] == "临市监异〔2026〕1号"
    assert licences.exclude(pk=third.pk).filter(access_level="normal").count() == 3
    # R20: one event per licence, the confirmation and the end.
    new = AuditEvent.objects.filter(pk__gt=0).order_by("id")[events:]
    actions = [event.action for event in new]
    assert actions.count("licence.import") == 4
    assert actions[0] == "licence_import.confirm" and actions[-1] == "licence_import.finish"
    imported = AuditEvent.objects.filter(action="licence.import", object_id=str(first.pk)).get()
    assert (
        imported.details["licence_no"] == first.licence_no and imported.details["import"] == job.pk
    )
    assert imported.department_id == approval_department.pk
    assert verify_chain().ok
    assert LicenceStatusChange.objects.filter(licence=first, to_status="valid").count() == 1
    # The rows know their licences; the one with a problem none.
    assert job.rows.filter(outcome="imported", licence__isnull=False).count() == 4
    assert job.rows.get(row_number=6).outcome == "problem"


def test_an_imported_licence_is_verified_publicly_by_its_supervision_code(
    platform_admin, approval_department, food_item
):
    job = import_done(
        confirmed(
            import_checked(platform_admin, approval_department, xlsx_bytes([row(1)])),
            platform_admin,
        )
    )
    licence = Licence.objects.get(import_rows__job=job)
    page = Client().get(reverse("public:verify", args=[licence.supervision_code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert licence.licence_no in html and "食品经营许可" in html


def test_补推_pushes_each_licence_to_its_supervision_departments(
    platform_admin, approval_department, food_item, supervision_department
):
    health = DepartmentFactory(code="wsjk-import", name="测试卫生健康局")
    food_item.supervision_departments.add(health)
    job = import_checked(platform_admin, approval_department, xlsx_bytes([row(1), row(2)]))
    job = import_done(confirmed(job, platform_admin, repush=True))
    assert job.pushes_sent == 4
    pushes = Push.objects.filter(kind="approval_decision")
    assert pushes.count() == 4
    assert set(pushes.values_list("receiver__code", flat=True)) == {"scjg-test", "wsjk-import"}
    push = pushes.filter(receiver=health).first()
    licence = Licence.objects.get(pk=push.payload["licence_id"])
    assert push.payload["supervision_code"] == licence.supervision_code
    assert push.sender == approval_department and push.state == "pending"
    assert AuditEvent.objects.filter(action="push.send").count() == 4


def test_importing_the_same_file_again_changes_nothing(
    platform_admin, approval_department, food_item
):
    content = xlsx_bytes([row(1), row(2)])
    job = import_done(
        confirmed(import_checked(platform_admin, approval_department, content), platform_admin)
    )
    counts = (Licence.objects.count(), AuditEvent.objects.count(), Push.objects.count())

    again, created = licence_import_upload(
        actor=actor_for_user(platform_admin),
        department=approval_department,
        upload=upload_file(content),
    )

    assert (again, created) == (job, False)
    assert LicenceImport.objects.count() == 1
    assert (Licence.objects.count(), AuditEvent.objects.count(), Push.objects.count()) == counts


def test_the_same_rows_in_another_file_are_recognised_and_nothing_is_left_to_import(
    platform_admin, approval_department, food_item
):
    first = import_checked(platform_admin, approval_department, xlsx_bytes([row(1), row(2)]))
    import_done(confirmed(first, platform_admin))
    counts = (Licence.objects.count(), AuditEvent.objects.count(), Push.objects.count())

    second = import_checked(
        platform_admin, approval_department, csv_bytes([row(2), row(1)]), "再次导出.csv"
    )

    assert (second.new_rows, second.existing_rows, second.problem_rows) == (0, 2, 0)
    with pytest.raises(ValidationError):
        confirmed(second, platform_admin)
    assert (Licence.objects.count(), AuditEvent.objects.count(), Push.objects.count()) == counts


def test_a_second_run_and_a_run_after_a_crash_write_nothing_twice(
    platform_admin, approval_department, food_item, settings
):
    settings.LICENCE_IMPORT_BATCH_SIZE = 2
    job = confirmed(
        import_checked(
            platform_admin, approval_department, xlsx_bytes([row(n) for n in range(1, 6)])
        ),
        platform_admin,
    )
    # A worker wrote one batch and died: the job is still importing, two rows done.
    assert _import_batch(job.pk) is True
    job.refresh_from_db()
    assert (job.state, job.processed_rows, Licence.objects.count()) == ("importing", 2, 2)

    job = import_done(job)
    job = import_done(job)  # the broker delivered the task twice

    assert (job.state, job.imported_rows, job.processed_rows) == ("done", 5, 5)
    assert Licence.objects.count() == 5
    assert AuditEvent.objects.filter(action="licence.import").count() == 5
    assert AuditEvent.objects.filter(action="licence_import.finish").count() == 1


def test_a_licence_recorded_between_the_check_and_the_import_is_not_imported_twice(
    platform_admin, approval_clerk, approval_department, food_item
):
    job = confirmed(
        import_checked(platform_admin, approval_department, xlsx_bytes([row(1), row(2)])),
        platform_admin,
    )
    record_licence(approval_clerk, food_item, licence_no=row(2)["许可文（编）号"])
    job = import_done(job)
    assert (job.imported_rows, job.problem_rows) == (1, 1)
    assert Licence.objects.filter(licence_no=row(2)["许可文（编）号"]).count() == 1


def test_a_confirmed_import_cannot_be_confirmed_again(
    platform_admin, approval_department, food_item
):
    job = confirmed(
        import_checked(platform_admin, approval_department, xlsx_bytes([row(1)])), platform_admin
    )
    with pytest.raises(DomainConflict):
        confirmed(LicenceImport.objects.get(pk=job.pk), platform_admin)


@pytest.mark.services
def test_two_workers_on_the_same_import_take_turns_on_postgresql(
    require_postgres, transactional_db, platform_admin, approval_department, food_item, settings
):
    settings.LICENCE_IMPORT_BATCH_SIZE = 3
    job = confirmed(
        import_checked(
            platform_admin, approval_department, xlsx_bytes([row(n) for n in range(1, 21)])
        ),
        platform_admin,
    )
    errors = []

    def work() -> None:
        try:
            import_done(job)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    job.refresh_from_db()
    assert (job.state, job.imported_rows) == ("done", 20)
    assert Licence.objects.count() == 20
    assert AuditEvent.objects.filter(action="licence.import").count() == 20
