"""System check W001: warn while this year or next year has no official calendar (R0), naming
the days off that are provisional until the year's notice is loaded."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError, transaction

from .calendar import package_covers, uncovered_years
from .selectors import calendar_years_ahead, provisional_days_text


def _provisional_rule(year: int) -> str:
    days = provisional_days_text(year)
    if not days:
        return "该年度暂按周一至周五计算工作日。"
    return (
        f"以下休息日系依《全国年节及纪念日放假办法》推算，为暂定：{days}。"
        "调休安排未知，其余周一至周五暂按工作日计算。"
    )


def calendar_coverage_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if app_configs is not None and not any(config.name == "workdays" for config in app_configs):
        return []
    years = calendar_years_ahead()
    try:
        # The savepoint keeps a failed query from poisoning an outer PostgreSQL transaction.
        with transaction.atomic():
            missing = uncovered_years(years)
    except DatabaseError:
        # Before `migrate` (or with the database down) only the package can tell.
        missing = [year for year in years if not package_covers(year)]
    return [
        CheckWarning(
            f"{year}年的法定节假日安排尚未导入：{_provisional_rule(year)}"
            "请导入国务院放假通知（manage.py import_workdays）。",
            hint=(
                "CSV 表头为 date,is_working_day,note，每个放假日和调休上班日各一行；"
                "通知已公布但无需导入时，也可由管理员在管理后台登记该年度。"
            ),
            obj="workdays",
            id="workdays.W001",
        )
        for year in missing
    ]
