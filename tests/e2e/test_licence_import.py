"""The import of licences in force in a real browser, on a desktop and on a phone: upload,
the progress bar the page's script moves while the background task works (and which opens
the check's result, then the import's), under the Content-Security-Policy."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from approvals.imports import services as import_services
from approvals.imports.services import licence_import_check
from approvals.imports.writing import _import_batch, licence_import_run
from approvals.models import Licence, LicenceImport
from organizations.models import StaffRole
from tests.approvals.import_helpers import row, xlsx_bytes
from tests.clients import authenticator_for
from tests.e2e.browser import PHONE, csp_violations, log_in, no_horizontal_scroll, watch_csp
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": {"viewport": {"width": 1366, "height": 900}}, "phone": PHONE}


@pytest.mark.parametrize("device", VIEWPORTS)
def test_an_admin_imports_licences_in_force_and_watches_the_progress(
    new_page: Callable[..., Any], screenshot: Any, monkeypatch: Any, settings: Any, device: str
) -> None:
    approval = ApprovalDepartmentFactory(code="xzsp", name="区行政审批服务局")
    market = DepartmentFactory(code="scjg", name="区市场监督管理局")
    ApprovalItemFactory(code="food", name="食品经营许可", supervision_departments=[market])
    admin = StaffFactory(department=approval, role=StaffRole.PLATFORM_ADMIN).user
    admin.first_name, admin.is_staff, admin.is_superuser = "李管理", True, True
    admin.save()
    authenticator_for(admin)
    # The background tasks wait: the test plays the worker, step by step.
    monkeypatch.setattr(import_services, "_enqueue_check", lambda job: None)
    monkeypatch.setattr(import_services, "_enqueue_run", lambda job: None)
    settings.LICENCE_IMPORT_BATCH_SIZE = 2
    settings.LICENCE_IMPORT_MAX_BYTES = 100 * 1024
    rows = [
        row(1),
        row(2, item="网吧经营许可"),
        row(3),
        row(4, credit_code="91370305MA3C8Q7X0A", valid_to="2023-01-01"),
        row(5),
        row(6, licence_no="JY-TWICE"),
        row(7, licence_no="JY-TWICE"),
        row(8),
        row(9),
    ]
    page = new_page(**VIEWPORTS[device])
    reports = watch_csp(page)
    log_in(page, admin.username)

    page.goto(reverse("admin:approvals_licenceimport_upload"))
    expect(page.get_by_role("heading", name="存量许可导入")).to_be_visible()
    screenshot(page, "upload")
    chooser = page.get_by_label("导入文件（Excel 或 CSV）")
    # Too large: said at once, and not sent.
    chooser.set_input_files(
        files=[{"name": "大文件.csv", "mimeType": "text/csv", "buffer": b"x" * 200 * 1024}]
    )
    expect(page.get_by_role("alert")).to_have_text(
        "文件超过 100.0 KB，请拆分成几个文件后分批导入。"
    )
    page.get_by_role("button", name="上传并检查").click()
    assert LicenceImport.objects.count() == 0
    screenshot(page, "too-large")
    chooser.set_input_files(
        files=[
            {
                "name": "原审批系统导出.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": xlsx_bytes(rows),
            }
        ]
    )
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_text("正在读取文件……")).to_be_visible()
    screenshot(page, "checking")

    job = LicenceImport.objects.get()
    licence_import_check(job_id=job.pk)
    # The page's script sees the check done and opens its result.
    expect(page.get_by_role("heading", name="导入前核对")).to_be_visible()
    expect(page.get_by_text("未知事项“网吧经营许可”")).to_be_visible()
    screenshot(page, "preview")

    page.get_by_role("button", name="导入 5 条许可").click()  # the confirm() is accepted
    expect(page.get_by_text("正在导入：已处理 0 行，共 5 行。")).to_be_visible()
    _import_batch(job.pk)
    expect(page.get_by_text("正在导入：已处理 2 行，共 5 行。")).to_be_visible()
    assert page.locator("#import-bar").evaluate("bar => [bar.value, bar.max]") == [2, 5]
    screenshot(page, "importing")
    page.reload()  # the state is the database's: the bar is where it was
    expect(page.get_by_text("正在导入：已处理 2 行，共 5 行。")).to_be_visible()

    licence_import_run(job_id=job.pk)
    expect(page.get_by_text("状态：已导入")).to_be_visible()
    expect(page.get_by_text("未向监管部门补推（未选择补推）")).to_be_visible()
    expect(page.get_by_role("link", name="核验").first).to_be_visible()
    screenshot(page, "done")
    assert Licence.objects.count() == 5
    assert not csp_violations(page) and not reports, [*csp_violations(page), *reports]
    assert no_horizontal_scroll(page)
