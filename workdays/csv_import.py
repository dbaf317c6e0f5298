"""Reading a year's holiday notice from CSV: every row is validated before anything is saved.

Format: header ``date,is_working_day,note``, then one row per date the notice names (each
holiday and each adjusted working weekend). Messages are for the admin at the command line,
hence in Chinese.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .models import WorkdayOverride

EXPECTED_HEADER = ("date", "is_working_day", "note")
WORKING_WORDS = frozenset({"1", "true", "是"})
DAY_OFF_WORDS = frozenset({"0", "false", "否"})
# Excel re-saves dates as 2027/1/1, so both separators and unpadded parts are accepted.
DATE_PATTERN = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
NOTE_MAX_LENGTH = WorkdayOverride._meta.get_field("note").max_length
MAX_ERRORS_SHOWN = 20


class WorkdaysCsvError(Exception):
    """The file cannot be imported; the message says why (and where) in Chinese."""


@dataclass(frozen=True)
class OverrideRow:
    line: int
    date: dt.date
    is_working_day: bool
    note: str


def read_workdays_csv(path: Path) -> list[OverrideRow]:
    """Read and validate `path`; raise WorkdaysCsvError listing every problem found."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise WorkdaysCsvError(f"找不到文件“{path}”。") from exc
    except IsADirectoryError as exc:
        raise WorkdaysCsvError(f"“{path}”是一个目录，不是 CSV 文件。") from exc
    except OSError as exc:
        raise WorkdaysCsvError(f"无法读取文件“{path}”：{exc.strerror or exc}。") from exc
    return parse_workdays_csv(_decode(raw))


def _decode(raw: bytes) -> str:
    # UTF-8 (with or without Excel's BOM) first; Excel on Chinese Windows saves GBK.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkdaysCsvError("无法识别文件编码：请将 CSV 保存为 UTF-8 编码。")


def _parse_date(value: str) -> dt.date:
    if not value:
        raise ValueError("日期为空")
    match = DATE_PATTERN.fullmatch(value)
    if match is None:
        raise ValueError(f"日期“{value}”格式不正确，应为 YYYY-MM-DD（例如 2027-01-01）")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{value}”无效") from None


def _parse_is_working_day(value: str) -> bool:
    word = value.lower()
    if word in WORKING_WORDS:
        return True
    if word in DAY_OFF_WORDS:
        return False
    if not value:
        raise ValueError("is_working_day 为空，应为 1/0、true/false 或 是/否")
    raise ValueError(f"is_working_day“{value}”无效，应为 1/0、true/false 或 是/否")


def _error_list(errors: list[str]) -> str:
    shown = "\n".join(errors[:MAX_ERRORS_SHOWN])
    hidden = len(errors) - MAX_ERRORS_SHOWN
    if hidden > 0:
        shown += f"\n……另有 {hidden} 处错误未列出。"
    return shown


def parse_workdays_csv(text: str) -> list[OverrideRow]:
    """Validate the whole CSV text; return its rows or raise WorkdaysCsvError."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[OverrideRow] = []
    errors: list[str] = []
    first_line_of: dict[dt.date, int] = {}
    header: list[str] | None = None
    try:
        for record in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if header is None:
                header = cells
                if tuple(cell.lower() for cell in cells) != EXPECTED_HEADER:
                    raise WorkdaysCsvError(
                        f"第 {line} 行：表头应为“{','.join(EXPECTED_HEADER)}”，"
                        f"实际为“{','.join(record)}”。"
                    )
                continue
            if len(cells) == 2:
                cells.append("")  # the note column may be left out
            if len(cells) != len(EXPECTED_HEADER):
                errors.append(
                    f"第 {line} 行：应有 3 列（date,is_working_day,note），实际为 {len(cells)} 列"
                    "（备注中含逗号时请用英文双引号括起来）。"
                )
                continue
            raw_date, raw_flag, note = cells
            problems: list[str] = []
            day: dt.date | None = None
            try:
                day = _parse_date(raw_date)
            except ValueError as exc:
                problems.append(str(exc))
            is_working = False
            try:
                is_working = _parse_is_working_day(raw_flag)
            except ValueError as exc:
                problems.append(str(exc))
            if NOTE_MAX_LENGTH is not None and len(note) > NOTE_MAX_LENGTH:
                problems.append(f"备注超过 {NOTE_MAX_LENGTH} 个字")
            if day is not None and day in first_line_of:
                problems.append(f"日期“{raw_date}”与第 {first_line_of[day]} 行重复")
            if problems or day is None:
                errors.append(f"第 {line} 行：{'；'.join(problems)}。")
                continue
            first_line_of[day] = line
            rows.append(OverrideRow(line=line, date=day, is_working_day=is_working, note=note))
    except csv.Error as exc:
        raise WorkdaysCsvError(f"第 {reader.line_num} 行：CSV 格式错误（{exc}）。") from exc
    if header is None:
        raise WorkdaysCsvError(
            f"文件为空：第一行应为表头“{','.join(EXPECTED_HEADER)}”，其后每个日期一行。"
        )
    if errors:
        raise WorkdaysCsvError("导入失败，未导入任何数据：\n" + _error_list(errors))
    if not rows:
        raise WorkdaysCsvError("文件只有表头，没有数据行：未导入任何数据。")
    return rows
