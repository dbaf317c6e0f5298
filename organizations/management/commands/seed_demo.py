from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from organizations.demo import DEMO_PASSWORD, seed_departments_and_staff


class Command(BaseCommand):
    help = "Load the demo departments, staff and catalog; running it twice creates nothing twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print logins")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            logins = seed_departments_and_staff()
            self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
            if options["quiet_logins"]:
                return
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
            for username, full_name, department, role in logins:
                self.stdout.write(f"  {username:<16} {full_name:<10} {department} · {role}")
