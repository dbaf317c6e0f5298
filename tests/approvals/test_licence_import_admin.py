"""The admin pages of the import of licences in force: upload with the template, the check to
confirm (with 补推 offered), the progress the page reads from the database and a small script
polls, in Chinese, for platform administrators only."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from approvals.imports.columns import HEADERS
from approvals.imports.services import licence_import_check, licence_import_confirm
from approvals.imports.writing import _import_batch
from approvals.models import Licence, LicenceImport
from notifications.models import Push
from organizations.scoping import actor_for_user
from tests.approvals.import_helpers import import_checked, row, xlsx_bytes
from tests.clients import logged_in, sign_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_today", "food_item")]

UPLOAD = "admin:approvals_licenceimport_upload"


def url(name: str, job: LicenceImport | None = None) -> str:
    args = [job.pk] if job is not None else []
    return reverse(f"admin:approvals_licenceimport_{name}", args=args)


def upload(client: Client, content: bytes, name: str = "存量许可.xlsx", department=None, **extra):
    data = {"file": SimpleUploadedFile(name, content)}
    if department is not None:
        data["department"] = department.pk
    return client.post(reverse(UPLOAD), data, **extra)


def page_text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_no_inline_script_or_style(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "<style" not in html


@pytest.fixture
def admin_page(platform_admin) -> Client:
    return logged_in(platform_admin)


def test_the_upload_page_explains_the_steps_and_offers_the_template(admin_page):
    response = admin_page.get(reverse(UPLOAD), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    text = page_text(response)
    assert "存量许可导入" in text and "下载导入模板（Excel）" in text
    assert 'value="上传并检查"' in response.content.decode()
    assert "不超过 15.0 MB、100000 行" in text  # (the no-break space, collapsed)
    for header in HEADERS:
        assert header in text
    # The only approval department is chosen already.
    assert re.search(
        r'<option value="\d+" selected>测试行政审批服务局</option>', response.content.decode()
    )
    assert_no_inline_script_or_style(response.content.decode())


def test_the_template_downloads_as_an_excel_workbook_with_a_chinese_name(admin_page):
    response = admin_page.get(url("template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''%E5%AD%98%E9%87%8F" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert next(sheet.iter_rows(values_only=True)) == HEADERS


def test_upload_check_confirm_and_progress_through_the_pages(
    admin_page, approval_department, eager_tasks, django_capture_on_commit_callbacks
):
    content = xlsx_bytes([row(1), row(2), row(3, item="不存在的事项")])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_page, content, department=approval_department)
    job = LicenceImport.objects.get()
    # The progress page, which opens the check's result once the task is done (here at once).
    assert response.status_code == 302 and response["Location"] == url("progress", job)
    assert admin_page.get(response["Location"])["Location"] == url("preview", job)

    preview = admin_page.get(url("preview", job), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = preview.content.decode()
    text = page_text(preview)
    assert "文件行数 3" in text and "可导入 2" in text and "有问题（不导入） 1" in text
    assert "未知事项“不存在的事项”" in text
    assert 'name="repush"' in html and "同时向监管部门补推这些许可" in text
    assert 'data-confirm="现在导入 2 条许可吗？导入后不能撤销。"' in html
    assert_no_inline_script_or_style(html)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = admin_page.post(url("confirm", job))
    assert confirmed["Location"] == url("progress", job)
    assert Licence.objects.count() == 2 and Push.objects.count() == 0

    done = admin_page.get(url("progress", job), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page_text(done)
    assert "已导入" in text and "新导入许可 2" in text and "未向监管部门补推（未选择补推）" in text
    licence = Licence.objects.order_by("licence_no").first()
    assert reverse("public:verify", args=[licence.supervision_code]) in done.content.decode()
    listed = admin_page.get(
        reverse("admin:approvals_licence_changelist") + f"?import_rows__job={job.pk}"
    )
    assert listed.status_code == 200 and licence.licence_no in listed.content.decode()


def test_补推_chosen_on_the_page_sends_the_pushes(
    admin_page, approval_department, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_page, xlsx_bytes([row(1)]), department=approval_department)
    job = LicenceImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        admin_page.post(url("confirm", job), {"repush": "on"})
    assert Push.objects.filter(kind="approval_decision").count() == 1
    assert "已向监管部门补推 1 条推送。" in page_text(admin_page.get(url("progress", job)))


def test_the_progress_page_and_its_status_survive_a_reload(
    admin_page, approval_department, platform_admin, settings
):

    settings.LICENCE_IMPORT_BATCH_SIZE = 2
    upload(admin_page, xlsx_bytes([row(n) for n in range(1, 6)]), department=approval_department)
    job = LicenceImport.objects.get()
    checking = admin_page.get(url("status", job)).json()
    assert checking["state"] == "checking" and checking["running"] is True
    assert checking["url"] == url("progress", job)
    licence_import_check(job_id=job.pk)
    assert admin_page.get(url("status", job)).json()["url"] == url("preview", job)
    licence_import_confirm(job=job, actor=actor_for_user(platform_admin), repush=False)
    _import_batch(job.pk)  # one batch written, the task still going

    status = admin_page.get(url("status", job)).json()
    assert status == {
        "state": "importing",
        "state_label": "正在导入",
        "processed": 2,
        "total": 5,
        "percent": 40,
        "message": "正在导入：已处理 2 行，共 5 行。",
        "stalled": False,
        "running": True,
        "url": url("progress", job),
    }
    page = admin_page.get(url("progress", job), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert '<progress class="import-bar" id="import-bar"' in html
    assert 'max="5" value="2"' in html
    assert f'data-status-url="{url("status", job)}"' in html
    assert "js/licence_import.js" in html
    assert re.search(r"<form[^>]*data-progress-stalled hidden", html)
    assert_no_inline_script_or_style(html)


def test_a_stalled_import_offers_to_start_again_and_carries_on(
    admin_page,
    approval_department,
    platform_admin,
    eager_tasks,
    django_capture_on_commit_callbacks,
    import_today,
):

    upload(admin_page, xlsx_bytes([row(1), row(2)]), department=approval_department)
    job = LicenceImport.objects.get()
    licence_import_check(job_id=job.pk)
    licence_import_confirm(job=job, actor=actor_for_user(platform_admin), repush=False)
    # The broker lost the task: nothing moves.
    assert admin_page.post(url("resume", job)).status_code == 302
    assert Licence.objects.count() == 0  # not stalled yet: refused
    with time_machine.travel(import_today + datetime.timedelta(minutes=3), tick=False):
        status = admin_page.get(url("status", job)).json()
        assert status["stalled"] is True
        html = admin_page.get(url("progress", job)).content.decode()
        assert re.search(r"<form[^>]*data-progress-stalled>", html)
        assert "重新启动" in html
        with django_capture_on_commit_callbacks(execute=True):
            admin_page.post(url("resume", job))
    job.refresh_from_db()
    assert (job.state, Licence.objects.count()) == ("done", 2)


def test_uploading_the_same_file_again_shows_the_earlier_import(
    admin_page, approval_department, eager_tasks, django_capture_on_commit_callbacks
):
    content = xlsx_bytes([row(1)])
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_page, content, department=approval_department)
    job = LicenceImport.objects.get()
    again = upload(admin_page, content, department=approval_department)
    assert again["Location"] == url("preview", job)
    assert LicenceImport.objects.count() == 1
    shown = admin_page.get(again["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "该文件已于 2026-11-24 10:00 上传过" in page_text(shown)


def test_a_20_mb_file_gets_a_chinese_message_on_the_form_not_a_413(admin_page, approval_department):
    content = b"x" * (20 * 1024 * 1024)
    response = upload(admin_page, content, "存量许可.csv", department=approval_department)
    assert response.status_code == 200
    assert "文件超过 15.0\xa0MB，请拆分成几个文件后分批导入。" in response.content.decode()
    assert LicenceImport.objects.count() == 0


def test_a_renamed_file_and_wrong_columns_are_shown_on_the_form(admin_page, approval_department):
    renamed = upload(admin_page, b"%PDF-1.7 not excel", department=approval_department)
    assert renamed.status_code == 200
    assert "内容不是 Excel 工作簿" in renamed.content.decode()
    wrong = upload(
        admin_page, xlsx_bytes([row()], headers=HEADERS[:-1]), department=approval_department
    )
    assert "缺少列：许可范围。" in wrong.content.decode()
    assert LicenceImport.objects.count() == 0


def test_no_file_chosen_is_said_in_chinese(admin_page, approval_department):
    response = admin_page.post(reverse(UPLOAD), {"department": approval_department.pk})
    assert "请选择要导入的文件。" in response.content.decode()


def test_discarding_an_import_imports_nothing(admin_page, approval_department):

    upload(admin_page, xlsx_bytes([row(1)]), department=approval_department)
    job = LicenceImport.objects.get()
    licence_import_check(job_id=job.pk)
    response = admin_page.post(url("discard", job))
    assert response["Location"] == reverse("admin:approvals_licenceimport_changelist")
    job.refresh_from_db()
    assert job.state == "discarded" and Licence.objects.count() == 0


def test_the_list_of_imports_links_each_to_its_page(admin_page, approval_department):
    upload(admin_page, xlsx_bytes([row(1)]), department=approval_department)
    job = LicenceImport.objects.get()
    listing = admin_page.get(reverse("admin:approvals_licenceimport_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "存量许可.xlsx" in html and url("upload") in html and url("template") in html
    change = admin_page.get(reverse("admin:approvals_licenceimport_change", args=[job.pk]))
    assert change["Location"] == url("progress", job)
    assert admin_page.get(reverse("admin:approvals_licenceimport_add"))["Location"] == url("upload")


def test_department_staff_are_sent_to_the_admin_login(approval_clerk, approval_department):

    clerk = logged_in(approval_clerk)
    admin_user = StaffFactory(department=approval_department, role="platform_admin").user
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    job = import_checked(admin_user, approval_department, xlsx_bytes([row(1)]))
    for name in ("upload", "template"):
        response = clerk.get(url(name))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    for name in ("preview", "progress", "status", "confirm", "discard", "resume"):
        response = (
            clerk.post(url(name, job))
            if name in ("confirm", "discard", "resume")
            else clerk.get(url(name, job))
        )
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    job.refresh_from_db()
    assert job.state == "checked"


def test_staff_without_the_permission_are_refused(approval_department):
    membership = StaffFactory(department=approval_department, role="head")
    membership.user.is_staff = True
    membership.user.save()
    staff = sign_in(Client(), membership.user)
    for name in ("upload", "template"):
        assert staff.get(url(name)).status_code == 403
    assert LicenceImport.objects.count() == 0


def test_the_rows_with_problems_download_as_a_workbook(admin_page, approval_department):
    upload(
        admin_page,
        xlsx_bytes([row(1), row(2, item="不存在的事项", credit_code="123")]),
        "二月导出.xlsx",
        department=approval_department,
    )
    job = LicenceImport.objects.get()
    licence_import_check(job_id=job.pk)
    assert url("problems", job) in admin_page.get(url("preview", job)).content.decode()
    response = admin_page.get(url("problems", job))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''%E4%BA%8C%E6%9C%88" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0] == ("行号", "许可文（编）号", "行政相对人名称", "问题")
    assert rows[1][:3] == (3, row(2)["许可文（编）号"], "临淄齐鲁食品有限公司2")
    assert rows[1][3] == (
        "事项名称：未知事项“不存在的事项”：划转事项目录中没有这个事项。；"
        "统一社会信用代码：统一社会信用代码应为 18 位，当前 3 位。"
    )
