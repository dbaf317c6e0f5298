from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.models import Department
from organizations.services import api_client_create


class Command(BaseCommand):
    help = "Create an API key for a partner system of one department; prints the key last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department", required=True, help="department code")
        parser.add_argument("--name", required=True, help="name of the client system")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["department"].strip()
        name = options["name"].strip()
        if not name:
            raise CommandError("--name：客户端系统名称不能为空。")
        if len(name) > 50:
            raise CommandError("--name：客户端系统名称不能超过 50 个字符。")
        department = Department.objects.filter(code=code).first()
        if department is None:
            known = ", ".join(Department.objects.values_list("code", flat=True))
            raise CommandError(f"--department：部门代码“{code}”不存在。可用代码：{known}")
        if not department.active:
            raise CommandError(f"--department：部门“{department.name}”已停用。")
        client, key = api_client_create(department=department, name=name)
        self.stdout.write(
            f"已为 {department.name} 创建 API 客户端“{client.name}”（前缀 {client.prefix}）。"
        )
        self.stdout.write("密钥只显示这一次，请妥善保存：")
        self.stdout.write(key)
