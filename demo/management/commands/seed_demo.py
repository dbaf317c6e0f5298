from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from demo.seed import (
    demo_password,
    seed_credit_catalog,
    seed_departments_and_staff,
    seed_items,
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Load the demo departments, staff and catalog; running it twice creates nothing twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print logins")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            logins = seed_departments_and_staff()
            items = seed_items()
            seed_credit_catalog()
            self.stdout.write(
                self.style.SUCCESS(f"演示数据已就绪：{len(logins)} 个账号，{items} 个划转事项。")
            )
            if options["quiet_logins"]:
                return
            self.stdout.write(f"演示账号（密码均为 {demo_password()}）：")
            for username, full_name, department, role in logins:
                self.stdout.write(f"  {username:<16} {full_name:<10} {department} · {role}")
