from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.services import pushes_auto_claim_overdue


class Command(BaseCommand):
    help = "Auto-claim every pending push whose claim deadline has passed (R4), once."

    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        claimed = pushes_auto_claim_overdue(now=timezone.now())
        self.stdout.write(f"已自动认领 {claimed} 条超时推送。")
