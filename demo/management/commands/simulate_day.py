"""A working day on the demo data, through the services only: decisions pushed to the
supervision departments, claims, feedback and answers, supervision information pushed back
and claimed, then the beat sweeps (e-mail and webhooks are left to the worker).

CI runs it after `seed_demo` and before `verify_audit`, so the audit chain checked there is
one the real code paths wrote."""

import datetime
import random
import secrets
from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from approvals.models import ApprovalItem
from approvals.services import DecisionInput, licence_decide
from audit.models import AuditEvent
from counterparties.validators import credit_code_check_char
from notifications.feedback.services import feedback_mark_overdue, feedback_raise, feedback_reply
from notifications.models import Push, PushState
from notifications.services import PushConflict, push_claim, pushes_auto_claim_overdue
from organizations.models import Department, DepartmentKind, StaffMembership, StaffRole
from organizations.scoping import Actor, actor_for_user
from supervision.actions.services import supervision_action_record
from supervision.models import ActionKind

CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 characters


def _credit_code(rng: random.Random) -> str:
    first17 = "91370305" + "".join(rng.choice(CODE_ALPHABET) for _ in range(9))
    return first17 + credit_code_check_char(first17)


class Command(BaseCommand):
    help = "模拟一个工作日：审批决定、认领、反馈、监管信息推送与定时任务，全部经由业务服务。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--decisions", type=int, default=40, help="审批决定数（默认 40）")
        parser.add_argument("--seed", type=int, default=None, help="随机数种子（便于复现）")

    def handle(self, *args: Any, decisions: int, seed: int | None, **options: Any) -> None:
        rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
        run = secrets.token_hex(3).upper()  # licence numbers stay unique across runs
        events_before = AuditEvent.objects.count()
        done: Counter[str] = Counter()
        with translation.override("zh-hans"):
            clerks = self._clerks()
            approval = Department.objects.filter(kind=DepartmentKind.APPROVAL, active=True)
            approval_actors = [clerks[d.pk] for d in approval if d.pk in clerks]
            if not approval_actors:
                raise CommandError("没有审批部门经办人：请先运行 manage.py seed_demo。")
            # Integrated-licence and important items need documents a simulation has not
            # got (face info, the R14 file); the plain items are most of the daily work.
            items = [
                item
                for item in ApprovalItem.objects.filter(
                    active=True, integrated_licence=False, supervision_departments__isnull=False
                )
                .distinct()
                .order_by("code")
                if not item.is_important
            ]
            if not items:
                raise CommandError("没有可办理的划转事项：请先运行 manage.py seed_demo。")

            for n in range(decisions):
                self._decide(rng, run, n, approval_actors, items, done)
            for department in Department.objects.filter(
                kind=DepartmentKind.SUPERVISION, active=True
            ).order_by("code"):
                if department.pk in clerks and rng.random() < 0.5:
                    self._report_supervision(rng, run, clerks[department.pk], done)
            self._work_the_inboxes(rng, clerks, done)

            now = timezone.now()
            done["auto_claimed"] += pushes_auto_claim_overdue(now=now)
            done["feedback_overdue"] += feedback_mark_overdue(now=now)

        added = AuditEvent.objects.count() - events_before
        summary = "，".join(f"{key} {value}" for key, value in sorted(done.items()))
        self.stdout.write(self.style.SUCCESS(f"模拟工作日完成：{summary}；新增审计记录 {added} 条"))

    @staticmethod
    def _clerks() -> dict[int, Actor]:
        """One active clerk per department, as the actor who works its inbox."""
        clerks: dict[int, Actor] = {}
        memberships = (
            StaffMembership.objects.filter(role=StaffRole.CLERK, user__is_active=True)
            .select_related("user", "department")
            .order_by("department_id", "pk")
        )
        for membership in memberships:
            clerks.setdefault(membership.department_id, actor_for_user(membership.user))
        return clerks

    @staticmethod
    def _decide(
        rng: random.Random,
        run: str,
        n: int,
        actors: list[Actor],
        items: list[ApprovalItem],
        done: Counter[str],
    ) -> None:
        today = timezone.localdate()
        item = rng.choice(items)
        # 告知承诺制 items carry the applicant's signed commitment letter (R2).
        commitment = (
            {"text": "本申请人承诺所提交材料真实有效。", "signed_at": timezone.now()}
            if item.notification_commitment
            else None
        )
        try:
            licence_decide(
                actor=rng.choice(actors),
                decision=DecisionInput(
                    item=item,
                    commitment=commitment,
                    counterparty={
                        "name": f"临淄模拟企业{run}{n:03d}有限公司",
                        "credit_code": _credit_code(rng),
                        "contact_name": "模拟联系人",
                        "contact_phone": f"0533-7{rng.randrange(10**6):06d}",
                    },
                    licence_no=f"SIM{run}{n:05d}",
                    licence_date=today,
                    valid_from=today,
                    valid_to=today + datetime.timedelta(days=5 * 365),
                    ordinary_procedure=True,
                ),
            )
        except (ValidationError, PermissionDenied):
            done["decisions_refused"] += 1
        else:
            done["decisions"] += 1

    @staticmethod
    def _report_supervision(rng: random.Random, run: str, actor: Actor, done: Counter[str]) -> None:
        kind = rng.choice([ActionKind.TRAINING, ActionKind.RULE_CHANGE])
        supervision_action_record(
            actor=actor,
            kind=kind,
            document_no=f"临模拟〔{timezone.localdate().year}〕{run}-{done['supervision'] + 1}号",
            decided_on=timezone.localdate(),
            summary="模拟工作日：业务培训或规范调整通知。",
        )
        done["supervision"] += 1

    @staticmethod
    def _work_the_inboxes(rng: random.Random, clerks: dict[int, Actor], done: Counter[str]) -> None:
        """Most pushes are claimed the same day, a few get a query that the sender answers,
        the rest wait for tomorrow (or the auto-claim at their deadline)."""
        pending = Push.objects.filter(state=PushState.PENDING).select_related("sender", "receiver")
        for push in pending.order_by("pk"):
            actor = clerks.get(push.receiver_id)
            if actor is None:
                continue
            roll = rng.random()
            if roll < 0.1:
                try:
                    feedback = feedback_raise(
                        push=push, actor=actor, text="请补充许可证正本扫描件。"
                    )
                except PushConflict:  # its 1-working-day window has closed
                    done["feedback_refused"] += 1
                else:
                    done["feedback"] += 1
                    sender = clerks.get(push.sender_id)
                    if sender is not None:
                        feedback_reply(feedback=feedback, actor=sender, text="已补充，请查收。")
                        done["feedback_answered"] += 1
            if roll < 0.8:
                try:
                    push_claim(push=push, actor=actor)
                except PushConflict:
                    done["claims_refused"] += 1
                else:
                    done["claims"] += 1
