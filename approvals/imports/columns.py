"""The columns of an import file and the downloadable template (R2: what a licence holds).

The headers are the file's contract with the approval department's export, so they are
Chinese whatever the interface language: a file must have exactly these columns, in any
order (``files.check_headers``).
"""

import datetime
import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..models import ApprovalItem


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    example: str
    note: str
    text: bool = True  # the template formats the column as text (codes keep their digits)


COLUMNS: tuple[Column, ...] = (
    Column(
        "licence_no",
        "许可文（编）号",
        "JY13703050012345",
        "必填，不超过 64 个字符；同一审批部门内不得重复。",
    ),
    Column(
        "item", "事项名称", "食品经营许可", "必填，须与事项目录中的事项名称（或事项编码）一致。"
    ),
    Column("name", "行政相对人名称", "临淄齐鲁食品有限公司", "必填。"),
    Column(
        "credit_code",
        "统一社会信用代码",
        "91370305MA3C8Q7X02",
        "单位填写，18 位；个人留空并填写身份证号码。",
    ),
    Column("id_number", "身份证号码", "", "个人填写，18 位；单位留空。请将本列设为文本格式。"),
    Column("contact_name", "联系人", "王五", "必填。"),
    Column("contact_phone", "联系电话", "0533-7181234", "必填：手机号或带区号的固定电话。"),
    Column(
        "licence_date", "许可日期", "2024-03-15", "必填，格式 2024-03-15，不能晚于今天。", False
    ),
    Column("valid_from", "有效期起", "2024-03-15", "必填，格式 2024-03-15。", False),
    Column(
        "valid_to",
        "有效期止",
        "2029-03-14",
        "长期有效的留空或填“长期”；不能早于有效期起，已届满的许可不导入。",
        False,
    ),
    Column("licence_title", "证照名称", "", "一业一证（综合许可）事项必填，其他事项留空。"),
    Column("licence_scope", "许可范围", "", "一业一证（综合许可）事项必填，其他事项留空。"),
)
HEADERS = tuple(column.header for column in COLUMNS)
BY_KEY = {column.key: column for column in COLUMNS}
TEMPLATE_FILE_NAME = "存量许可导入模板.xlsx"
_PARENTHESES = str.maketrans({"(": "（", ")": "）"})


def normalize_header(value: object) -> str:
    """A header as typed: spaces dropped, half-width parentheses read as full-width."""
    text = "" if value is None else str(value)
    return re.sub(r"\s+", "", text).translate(_PARENTHESES)


def header(key: str) -> str:
    return BY_KEY[key].header


def template_workbook(*, today: datetime.date) -> bytes:
    """The template: the headers and one example row (an item of the catalog when there is
    one), with a sheet explaining each column and listing the catalog's items."""
    items = list(
        ApprovalItem.objects.filter(active=True)
        .order_by("name", "code")
        .values_list("name", "official_code", "integrated_licence")
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "存量许可"
    sheet.append(list(HEADERS))
    example = {column.key: column.example for column in COLUMNS}
    if items:
        example["item"] = items[0][0]
        if items[0][2]:
            example["licence_title"], example["licence_scope"] = "食品经营许可证", "预包装食品销售"
    example["licence_date"] = example["valid_from"] = today.replace(day=1).isoformat()
    example["valid_to"] = today.replace(year=today.year + 5, day=1).isoformat()
    sheet.append([example[column.key] for column in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[letter].width = max(14, len(column.header) * 2 + 4)
        if column.text:
            # Text, so that Excel keeps an ID number's 18 digits instead of rounding them.
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "填写要求"])
    for column in COLUMNS:
        notes.append([column.header, column.note])
    notes.append([])
    notes.append(
        [
            "说明",
            "第一行为列名，请勿修改；示例行导入前请删除。"
            "支持 .xlsx 和 CSV（UTF-8 或 GB18030 编码）。",
        ]
    )
    notes.append([])
    notes.append(["事项目录中的事项", "事项编码"])
    for name, official_code, _integrated in items:
        notes.append([name, official_code])
    for cell in notes[1]:
        cell.font = bold
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 80
    for row in notes.iter_rows(min_row=2, max_col=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
