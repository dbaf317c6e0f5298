import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workdays.calendar import CALENDAR_TZ, add_working_days, uncovered_years
from workdays.selectors import provisional_days_text

# Deadlines in the policy are a few working days; this only stops a typo from spinning.
MAX_WORKING_DAYS = 1000


def _parse_start(raw: str) -> dt.datetime:
    try:
        start = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise CommandError(
            f"参数 START：“{raw}”不是有效的 ISO 8601 时间，"
            "应类似 2026-09-30T10:00 或 2026-09-30T10:00+08:00。"
        ) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=CALENDAR_TZ)
    return start


def _parse_n(raw: str) -> int:
    try:
        n = int(raw.strip())
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_WORKING_DAYS:
        raise CommandError(f"参数 N：“{raw}”无效，应为 1 至 {MAX_WORKING_DAYS} 之间的整数。")
    return n


class Command(BaseCommand):
    # W001 would only repeat, before the result, what this command reports itself.
    requires_system_checks: list[str] = []
    help = (
        "计算“START 之后 N 个工作日内”的期限：START 当日不计入，期限为第 N 个工作日的"
        "下班时间，按北京时间以 ISO 8601 输出。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "start", metavar="START", help="事件时间，如 2026-09-30T10:00（不带时区按北京时间）"
        )
        parser.add_argument("n", metavar="N", help="工作日数（正整数）")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _parse_start(options["start"])
        n = _parse_n(options["n"])
        deadline = add_working_days(start, n)
        first_year = start.astimezone(CALENDAR_TZ).year
        for year in uncovered_years(range(first_year, deadline.year + 1)):
            days = provisional_days_text(year)
            if days:
                self.stderr.write(
                    f"注意：{year}年的法定节假日安排尚未导入，以下休息日为推算（暂定）：{days}；"
                    "调休安排未知。"
                )
            else:
                self.stderr.write(
                    f"注意：{year}年的法定节假日安排尚未导入，该年度按周一至周五计算工作日。"
                )
        self.stdout.write(deadline.isoformat())
