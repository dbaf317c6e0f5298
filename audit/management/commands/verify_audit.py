from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import ChainProblem, verify_chain

PROBLEM_LABELS = {
    ChainProblem.MISSING_EVENTS: "记录缺失（被删除）",
    ChainProblem.BROKEN_LINK: "与前一条记录的哈希链接断开",
    ChainProblem.ALTERED: "记录内容与哈希不符（被篡改）",
    ChainProblem.MISSING_HEAD: "链头记录缺失",
    ChainProblem.TRUNCATED: "链尾记录缺失（被删除）",
    ChainProblem.UNCHAINED_EVENTS: "存在未入链的记录",
    ChainProblem.UNAVAILABLE_ALGORITHM: "本机不支持该记录的哈希算法，无法校验",
}


class Command(BaseCommand):
    help = "校验审计链：逐条重算哈希并检查前后链接，发现断点时以非零状态退出。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="每批读取的记录数（默认 5000）"
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        result = verify_chain(batch_size=batch_size)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：已校验 {result.checked} 条记录"))
            return
        label = PROBLEM_LABELS.get(result.problem, "未知问题") if result.problem else "未知问题"
        raise CommandError(
            f"审计链已损坏：已校验 {result.checked} 条完好记录；"
            f"第一条异常记录 ID：{result.first_broken_id}；原因：{label}（{result.reason}）"
        )
