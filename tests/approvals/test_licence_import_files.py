"""The import of licences in force refuses a file it cannot read with a message in Chinese
saying what to do — wrong columns, too large, not really Excel, an unknown encoding — and
records nothing; it reads Excel and CSV in UTF-8, UTF-8 with BOM and GB18030."""

import io
import zipfile

import pytest
from django.core.checks import Error
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from approvals.imports.checks import check_import_limits
from approvals.imports.columns import HEADERS, template_workbook
from approvals.imports.services import licence_import_check, licence_import_upload
from approvals.models import Licence, LicenceImport
from audit.models import AuditEvent
from organizations.scoping import actor_for_user
from tests.approvals.import_helpers import (
    TODAY,
    csv_bytes,
    import_checked,
    row,
    upload_file,
    xlsx_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_today", "food_item")]


def refusal(admin, department, content: bytes, name: str) -> str:
    """The upload's refusal, with nothing recorded."""
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        licence_import_upload(
            actor=actor_for_user(admin), department=department, upload=upload_file(content, name)
        )
    assert LicenceImport.objects.count() == 0
    assert Licence.objects.count() == 0
    assert AuditEvent.objects.count() == events
    return " ".join(refused.value.message_dict["file"])


def test_wrong_columns_are_refused_naming_each_missing_and_unknown_column(
    platform_admin, approval_department
):
    headers = [h for h in HEADERS if h not in ("联系电话", "有效期止")] + ["备注", "经办人"]
    message = refusal(
        platform_admin, approval_department, xlsx_bytes([row()], headers=headers), "旧系统.xlsx"
    )
    assert "文件的列与模板不一致" in message
    assert "缺少列：联系电话、有效期止。" in message
    assert "模板中没有的列：备注、经办人。" in message
    assert "请下载导入模板" in message


def test_a_repeated_column_is_refused(platform_admin, approval_department):
    headers = [*HEADERS, "联系人"]
    message = refusal(
        platform_admin, approval_department, csv_bytes([row()], headers=headers), "a.csv"
    )
    assert "重复的列：联系人。" in message


def test_headers_with_half_width_parentheses_and_spaces_are_the_templates(
    platform_admin, approval_department
):
    headers = [h.replace("（", "(").replace("）", ")") for h in HEADERS]
    headers[1] = f" {headers[1]} "
    data = dict(zip(headers, row().values(), strict=True))
    job = import_checked(platform_admin, approval_department, xlsx_bytes([data], headers=headers))
    assert (job.total_rows, job.new_rows) == (1, 1)


def test_a_20_mb_file_is_refused_with_the_limit_in_chinese(
    platform_admin, approval_department, settings
):
    assert settings.LICENCE_IMPORT_MAX_BYTES < 20 * 1024 * 1024
    content = csv_bytes([row()]) + b"x" * (20 * 1024 * 1024)
    message = refusal(platform_admin, approval_department, content, "big.csv")
    assert message == "文件超过 15.0\xa0MB，请拆分成几个文件后分批导入。"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 a PDF renamed",
        "许可文（编）号,事项名称\n".encode(),
        b"\x00\x01\x02 random bytes",
    ],
    ids=["pdf", "csv", "binary"],
)
def test_a_file_that_is_not_excel_but_named_xlsx_is_refused(
    platform_admin, approval_department, content
):
    message = refusal(platform_admin, approval_department, content, "许可.xlsx")
    assert "内容不是 Excel 工作簿" in message
    assert "可能是其他类型的文件改了扩展名" in message


def test_a_word_document_renamed_xlsx_is_refused(platform_admin, approval_department):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    message = refusal(platform_admin, approval_department, buffer.getvalue(), "许可.xlsx")
    assert "内容不是 Excel 工作簿" in message


def test_a_damaged_workbook_is_refused(platform_admin, approval_department):
    content = xlsx_bytes([row()])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, b"<broken" if info.filename.endswith("sheet1.xml") else data)
    message = refusal(platform_admin, approval_department, buffer.getvalue(), "许可.xlsx")
    assert "内容不是 Excel 工作簿" in message


def test_an_old_xls_workbook_is_refused_saying_how_to_save_it(platform_admin, approval_department):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    for name in ("许可.xls", "许可.xlsx"):
        message = refusal(platform_admin, approval_department, content, name)
        assert "旧版 Excel 97–2003 工作簿（.xls）" in message


@pytest.mark.parametrize("name", ["许可.pdf", "许可.txt", "许可"])
def test_another_type_of_file_is_refused(platform_admin, approval_department, name):
    message = refusal(platform_admin, approval_department, csv_bytes([row()]), name)
    assert message == "请上传 Excel 工作簿（.xlsx）或 CSV 文件。"


def test_an_empty_file_is_refused(platform_admin, approval_department):
    assert refusal(platform_admin, approval_department, b"", "a.csv") == "文件为空。"


def test_a_csv_in_utf16_is_refused_naming_the_encodings_to_use(platform_admin, approval_department):
    content = csv_bytes([row()], encoding="utf-16")
    message = refusal(platform_admin, approval_department, content, "a.csv")
    assert "无法识别 CSV 文件的编码" in message and "UTF-8" in message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gb18030(
    platform_admin, approval_department, encoding
):
    content = csv_bytes([row(1), row(2, name="淄博市临淄区齐鲁石化㐀餐饮店")], encoding=encoding)
    job = import_checked(platform_admin, approval_department, content, "许可.csv")
    assert (job.total_rows, job.new_rows, job.problem_rows) == (2, 2, 0)
    names = list(job.rows.order_by("row_number").values_list("counterparty_name", flat=True))
    assert names == ["临淄齐鲁食品有限公司1", "淄博市临淄区齐鲁石化㐀餐饮店"]


def test_a_tab_separated_export_is_read(platform_admin, approval_department):
    content = csv_bytes([row()]).decode().replace(",", "\t").encode()
    job = import_checked(platform_admin, approval_department, content, "许可.csv")
    assert (job.total_rows, job.new_rows) == (1, 1)


def test_a_file_with_headers_only_fails_its_check_in_chinese(platform_admin, approval_department):
    job = import_checked(platform_admin, approval_department, xlsx_bytes([]))
    assert job.state == "failed"
    assert job.error == "文件在列名行以下没有许可数据。"


def test_a_file_over_the_row_limit_fails_its_check(platform_admin, approval_department, settings):
    settings.LICENCE_IMPORT_MAX_ROWS = 2
    content = csv_bytes([row(1), row(2), row(3)])
    job = import_checked(platform_admin, approval_department, content, "a.csv")
    assert job.state == "failed"
    assert job.error == "文件超过 2 行许可数据，请拆分成几个文件后分批导入。"
    assert job.rows.count() == 0


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(
    platform_admin, approval_department
):
    job = import_checked(
        platform_admin, approval_department, xlsx_bytes([row(1), {}, row(2, item="不存在的事项")])
    )
    assert job.total_rows == 2
    assert list(job.rows.values_list("row_number", flat=True)) == [2, 4]


def test_the_template_has_the_headers_an_example_row_and_the_catalog(food_item):
    workbook = load_workbook(io.BytesIO(template_workbook(today=TODAY)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    example = dict(zip(HEADERS, rows[1], strict=True))
    assert example["事项名称"] == "食品经营许可"
    assert example["许可日期"] == "2026-11-01"
    assert sheet["E2"].number_format == "@"  # ID numbers keep their 18 digits
    notes = {r[0]: r[1] for r in workbook["填写说明"].iter_rows(values_only=True) if r and r[0]}
    assert "须与事项目录中的事项名称" in notes["事项名称"]
    assert notes["食品经营许可"] == "370305-XK-001"


def test_the_templates_example_row_passes_the_check(platform_admin, approval_department):
    job = import_checked(platform_admin, approval_department, template_workbook(today=TODAY))
    assert (job.total_rows, job.new_rows, job.problem_rows) == (1, 1, 0), job.rows.first().problems


def test_the_check_refuses_an_import_limit_the_request_limit_would_cut_off(settings):
    assert check_import_limits() == []
    settings.LICENCE_IMPORT_MAX_BYTES = settings.REQUEST_MAX_BYTES
    [error] = check_import_limits()
    assert isinstance(error, Error) and error.id == "approvals.E002"
    assert "REQUEST_MAX_BYTES" in error.msg


def test_a_stored_file_gone_from_the_server_fails_the_check_in_chinese(
    platform_admin, approval_department
):
    job, _created = licence_import_upload(
        actor=actor_for_user(platform_admin),
        department=approval_department,
        upload=upload_file(xlsx_bytes([row()])),
    )
    job.file.storage.delete(job.file.name)
    licence_import_check(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "服务器上已读取不到上传的文件，请重新上传。")
