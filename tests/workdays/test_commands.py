import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from workdays.calendar import is_working_day
from workdays.models import CalendarYear, WorkdayOverride

pytestmark = pytest.mark.django_db

HEADER = "date,is_working_day,note\n"


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "notice.csv"
    path.write_bytes(text.encode(encoding))
    return path


def import_workdays(path: Path | str) -> str:
    out = StringIO()
    call_command("import_workdays", str(path), stdout=out)
    return out.getvalue()


def deadline(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("deadline", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def nothing_was_imported() -> bool:
    return not WorkdayOverride.objects.exists() and not CalendarYear.objects.exists()


# import_workdays: success.


def test_importing_a_notice_creates_overrides_and_marks_the_year_loaded(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER + "2027-01-01,0,元旦\n2027-02-06,是,春节调休上班\n2027-02-08,false,春节\n",
    )
    output = import_workdays(path)
    assert "已导入 3 行：新增 3 条，更新 0 条。" in output
    assert "2027年" in output
    assert is_working_day(dt.date(2027, 1, 1)) is False
    assert is_working_day(dt.date(2027, 2, 6)) is True
    assert WorkdayOverride.objects.get(date=dt.date(2027, 2, 6)).note == "春节调休上班"
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2027]


def test_importing_again_updates_existing_overrides(tmp_path):
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_working_day=True, note="旧")
    path = write_csv(tmp_path, HEADER + "2027-01-01,否,元旦\n2027-01-02,1,\n")
    assert "已导入 2 行：新增 1 条，更新 1 条。" in import_workdays(path)
    override = WorkdayOverride.objects.get(date=dt.date(2027, 1, 1))
    assert (override.is_working_day, override.note) == (False, "元旦")


def test_every_year_in_the_file_is_marked_loaded(tmp_path):
    path = write_csv(tmp_path, HEADER + "2027-12-31,0,\n2028-01-01,TRUE,\n")
    import_workdays(path)
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == [2027, 2028]


def test_an_excel_file_with_bom_gbk_slashed_dates_and_no_note_column_is_accepted(tmp_path):
    path = write_csv(
        tmp_path, "date,is_working_day,note\r\n2027/1/1,0,元旦\r\n2027/2/6,1\r\n", "gbk"
    )
    import_workdays(path)
    assert WorkdayOverride.objects.get(date=dt.date(2027, 1, 1)).note == "元旦"
    assert WorkdayOverride.objects.get(date=dt.date(2027, 2, 6)).is_working_day is True
    bom = write_csv(tmp_path, "\ufeff" + HEADER + "2027-10-01,0,国庆节\n")
    import_workdays(bom)
    assert WorkdayOverride.objects.filter(date=dt.date(2027, 10, 1)).exists()


# import_workdays: every error names the problem and imports nothing.


def test_an_invalid_date_names_its_line_and_nothing_is_imported(tmp_path):
    path = write_csv(tmp_path, HEADER + "2027-01-01,0,元旦\n2027-02-30,0,不存在\n")
    with pytest.raises(CommandError, match="第 3 行：日期“2027-02-30”无效"):
        import_workdays(path)
    assert nothing_was_imported()


def test_a_badly_formatted_date_is_refused(tmp_path):
    path = write_csv(tmp_path, HEADER + "01/02/2027,0,\n")
    with pytest.raises(CommandError, match="第 2 行：日期“01/02/2027”格式不正确"):
        import_workdays(path)
    assert nothing_was_imported()


def test_an_unknown_working_day_flag_is_refused(tmp_path):
    path = write_csv(tmp_path, HEADER + "2027-01-01,maybe,\n")
    with pytest.raises(CommandError, match="第 2 行：is_working_day“maybe”无效"):
        import_workdays(path)
    assert nothing_was_imported()


def test_every_bad_row_is_reported_at_once(tmp_path):
    path = write_csv(tmp_path, HEADER + "2027-13-01,0,\n2027-01-02,1,\n2027-01-03,,\n")
    with pytest.raises(CommandError) as excinfo:
        import_workdays(path)
    message = str(excinfo.value)
    assert "未导入任何数据" in message
    assert "第 2 行" in message
    assert "第 4 行：is_working_day 为空" in message
    assert "第 3 行" not in message
    assert nothing_was_imported()


def test_a_row_with_too_many_columns_is_refused(tmp_path):
    path = write_csv(tmp_path, HEADER + "2027-01-01,0,元旦,放假\n")
    with pytest.raises(CommandError, match=r"第 2 行：应有 3 列.*实际为 4 列"):
        import_workdays(path)
    assert nothing_was_imported()


def test_a_note_longer_than_the_column_is_refused(tmp_path):
    path = write_csv(tmp_path, HEADER + "2027-01-01,0," + "长" * 201 + "\n")
    with pytest.raises(CommandError, match="第 2 行：备注超过 200 个字"):
        import_workdays(path)
    assert nothing_was_imported()


def test_a_date_given_twice_is_refused_naming_both_lines(tmp_path):
    path = write_csv(tmp_path, HEADER + "2027-01-01,0,\n2027-01-02,0,\n2027-1-1,1,\n")
    with pytest.raises(CommandError, match="第 4 行：日期“2027-1-1”与第 2 行重复"):
        import_workdays(path)
    assert nothing_was_imported()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        import_workdays(tmp_path / "absent.csv")


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(CommandError, match="是一个目录"):
        import_workdays(tmp_path)


def test_a_wrong_header_is_refused(tmp_path):
    path = write_csv(tmp_path, "日期,是否工作日,备注\n2027-01-01,0,\n")
    with pytest.raises(CommandError, match="第 1 行：表头应为“date,is_working_day,note”"):
        import_workdays(path)
    assert nothing_was_imported()


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="文件为空"):
        import_workdays(write_csv(tmp_path, ""))


def test_a_file_with_only_the_header_is_refused(tmp_path):
    with pytest.raises(CommandError, match="没有数据行"):
        import_workdays(write_csv(tmp_path, HEADER + "\n"))


# deadline.


def test_deadline_prints_the_spec_example_in_iso_8601():
    assert deadline("2026-09-30T10:00", "1") == ("2026-10-08T17:30:00+08:00\n", "")


def test_deadline_converts_a_start_with_an_offset_to_beijing_time():
    assert deadline("2026-09-30T02:00:00Z", "1")[0] == "2026-10-08T17:30:00+08:00\n"
    # 20:00 UTC on Sep 30 is already Oct 1 in Beijing: the event day is a holiday.
    assert deadline("2026-09-30T20:00+00:00", "10")[0] == "2026-10-20T17:30:00+08:00\n"


def test_deadline_counts_ten_working_days():
    assert deadline("2026-02-13T10:00", "10")[0] == "2026-03-05T17:30:00+08:00\n"


@pytest.mark.usefixtures("package_stops_at_2026")
def test_deadline_into_an_uncovered_year_names_its_provisional_days_off_on_stderr():
    """R0: New Year's Day 2027 is off by law even before the notice; 调休 stays unknown."""
    out, err = deadline("2026-12-31T10:00", "1")
    assert out == "2027-01-04T17:30:00+08:00\n"
    assert "2027年的法定节假日安排尚未导入" in err
    assert "元旦 1月1日、春节 2月5日至8日、清明节 4月5日" in err


@pytest.mark.parametrize("start", ["2026-09-31T10:00", "yesterday", ""])
def test_deadline_refuses_a_bad_start_naming_the_argument(start: str):
    with pytest.raises(CommandError, match="参数 START"):
        deadline(start, "1")


@pytest.mark.parametrize("n", ["0", "-1", "abc", "1.5", "1001"])
def test_deadline_refuses_a_bad_number_of_days_naming_the_argument(n: str):
    with pytest.raises(CommandError, match="参数 N"):
        deadline("2026-09-30T10:00", n)
