from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workdays.csv_import import WorkdaysCsvError, read_workdays_csv
from workdays.services import calendar_import_notice


class Command(BaseCommand):
    # W001 would only repeat, before the result, what this command reports itself.
    requires_system_checks: list[str] = []
    help = (
        "导入国务院放假通知（CSV，表头 date,is_working_day,note；is_working_day 取 1/0、"
        "true/false 或 是/否）。先校验全部行，任何一行有误则不导入任何数据；"
        "文件中出现的每个年度都登记为已导入。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE.csv", help="CSV 文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            rows = read_workdays_csv(path)
        except WorkdaysCsvError as exc:
            raise CommandError(str(exc)) from exc
        summary = calendar_import_notice(rows=rows, by=None, source=path.name)
        years = "、".join(f"{year}年" for year in summary.years)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入 {summary.total} 行：新增 {summary.created} 条，更新 {summary.updated} 条。"
            )
        )
        self.stdout.write(f"已登记为已导入的年度：{years}。")
