"""The benchmark's own data: 30 departments and a push table of a province-scale year.

Pushes, overdue records and feedback go in with COPY (psycopg2 `copy_expert`), so a million
rows take a minute or two rather than an hour of ORM inserts. The shape is realistic: sent
times spread over the last year, deadlines one working day later, most claimed in time,
some auto-claimed, a few pending, and one block of overdue pending pushes for the sweep.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from approvals.models import ApprovalItem, Licence
from counterparties.models import Counterparty, CounterpartyKind
from counterparties.validators import credit_code_check_char
from organizations.models import ApiClient, Department, DepartmentKind, StaffMembership, StaffRole
from workdays.calendar import CALENDAR_TZ

SUPERVISION_DEPARTMENTS = 29
BIG = "S01"
SMALL = "S02"
APPROVAL = "A00"
COPY_CHUNK = 100_000


@dataclass(frozen=True)
class Scale:
    """Row counts of one run; `factor` 1.0 is the full benchmark."""

    big_inbox: int
    small_inbox: int
    other_inbox: int
    approval_inbox: int
    overdue_pending: int
    licences: int
    counterparties: int

    @classmethod
    def of(cls, factor: float) -> Scale:
        def n(full: int, floor: int) -> int:
            return max(floor, int(full * factor))

        return cls(
            big_inbox=n(1_000_000, 1_000),
            small_inbox=n(10_000, 100),
            other_inbox=n(1_500, 20),
            approval_inbox=n(30_000, 100),
            overdue_pending=n(100_000, 200),
            licences=n(20_000, 100),
            counterparties=n(10_000, 100),
        )

    @property
    def total_pushes(self) -> int:
        return (
            self.big_inbox
            + self.small_inbox
            + self.other_inbox * (SUPERVISION_DEPARTMENTS - 2)
            + self.approval_inbox
            + self.overdue_pending
        )


@dataclass
class Seeded:
    """What the figures need to find again."""

    now: datetime.datetime
    approval: Department
    big: Department
    small: Department
    keys: dict[str, str] = field(default_factory=dict)  # department code -> API key
    items: list[ApprovalItem] = field(default_factory=list)
    credit_codes: list[str] = field(default_factory=list)
    users: dict[str, object] = field(default_factory=dict)
    pushes: int = 0


def credit_code(number: int) -> str:
    first17 = f"9137030{number:010d}"
    return first17 + credit_code_check_char(first17)


def seed_reference_data(*, scale: Scale, now: datetime.datetime) -> Seeded:
    approval = Department.objects.create(
        code=APPROVAL, name="区行政审批服务局", kind=DepartmentKind.APPROVAL
    )
    supervision = Department.objects.bulk_create(
        Department(code=f"S{i:02d}", name=f"监管部门{i:02d}", kind=DepartmentKind.SUPERVISION)
        for i in range(1, SUPERVISION_DEPARTMENTS + 1)
    )
    by_code = {d.code: d for d in supervision}
    seeded = Seeded(now=now, approval=approval, big=by_code[BIG], small=by_code[SMALL])
    for department in (approval, seeded.big, seeded.small):
        _client, key = ApiClient.objects.create_key(
            name=f"bench-{department.code}", department=department
        )
        seeded.keys[department.code] = key
    user_model = get_user_model()
    for department in (approval, seeded.big, seeded.small):
        user = user_model.objects.create_user(
            username=f"bench-{department.code.lower()}", email="", password=None
        )
        StaffMembership.objects.create(user=user, department=department, role=StaffRole.CLERK)
        seeded.users[department.code] = user
    # The home pages of P3 as each role: heads of the approval, the big and the small
    # department, the admin.
    for department, role in (
        (approval, StaffRole.HEAD),
        (seeded.big, StaffRole.HEAD),
        (seeded.small, StaffRole.HEAD),
        (approval, StaffRole.PLATFORM_ADMIN),
    ):
        user = user_model.objects.create_user(
            username=f"bench-{department.code.lower()}-{role}", email="", password=None
        )
        StaffMembership.objects.create(user=user, department=department, role=role)
        seeded.users[f"{department.code}:{role}"] = user
    rng = random.Random(9)  # noqa: S311 - reproducible test data, not secrets
    items = ApprovalItem.objects.bulk_create(
        ApprovalItem(
            code=f"BENCH-{i:03d}",
            name=f"基准事项{i:03d}",
            legal_basis="《行政许可法》",
            conditions="-",
            procedure="-",
            time_limit="5个工作日",
            fees="不收费",
            materials="-",
        )
        for i in range(50)
    )
    for item in items:
        item.supervision_departments.set(rng.sample(supervision[2:], k=rng.randint(1, 3)))
    seeded.items = items
    seeded.credit_codes = [credit_code(i) for i in range(scale.counterparties)]
    parties = Counterparty.objects.bulk_create(
        (
            Counterparty(
                kind=CounterpartyKind.ORGANISATION,
                name=f"基准企业{i:06d}",
                credit_code=code,
                contact_name="张三",
                contact_phone="13800000000",
            )
            for i, code in enumerate(seeded.credit_codes)
        ),
        batch_size=5000,
    )
    Licence.objects.bulk_create(
        (
            Licence(
                item=items[i % len(items)],
                counterparty=parties[i % len(parties)],
                department=approval,
                licence_no=f"临审{i:08d}",
                supervision_code=f"bench{i:012d}",
                licence_date=(now - datetime.timedelta(days=i % 365)).date(),
                valid_from=(now - datetime.timedelta(days=i % 365)).date(),
                decided_by_label="bench",
                decided_at=now - datetime.timedelta(days=i % 365),
            )
            for i in range(scale.licences)
        ),
        batch_size=5000,
    )
    return seeded


def _timestamp(moment: datetime.datetime) -> str:
    return moment.isoformat()


OFFICE_CLOSE = datetime.time(17, 30)


def _claim_deadline(sent: datetime.datetime) -> datetime.datetime:
    """Close of office on the next weekday, as the working-day calendar makes it (R0.1);
    holidays are left out, the shape is what matters here."""
    day = sent.astimezone(CALENDAR_TZ).date() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, OFFICE_CLOSE, tzinfo=CALENDAR_TZ)


PAYLOAD = (
    '{{"licence_id": {licence},'
    ' "item": {{"code": "BENCH-{item:03d}", "name": "基准事项{item:03d}"}},'
    ' "approval_department": {{"code": "A00", "name": "区行政审批服务局"}},'
    ' "counterparty": {{"name": "基准企业{party:06d}", "credit_code": "{code}",'
    ' "contact_name": "张三", "contact_phone": "13800000000"}},'
    ' "licence_no": "临审{licence:08d}", "licence_date": "{day}", "valid_from": "{day}",'
    ' "valid_to": null, "decided_at": "{sent}"}}'
)

PUSH_COLUMNS = (
    "kind, sender_id, receiver_id, sent_at, sent_by_label, deadline, state, state_rank, "
    "claimed_at, claimed_by_label, overdue, claim_working_minutes, title, payload, "
    "subject_type, subject_id, counterparty_name, counterparty_code, reference_no, item_code, "
    "fanned_out_at"
)


def _push_rows(
    *, plan: list[tuple[int, int, str, int, bool]], scale: Scale, now: datetime.datetime
) -> Iterator[list[object]]:
    """One CSV row per push. `plan`: (sender, receiver, kind, count, overdue_block)."""
    rng = random.Random(2026)  # noqa: S311 - reproducible test data, not secrets
    codes = [credit_code(i) for i in range(scale.counterparties)]
    year = 365 * 86400
    # Settled and overdue pushes were sent at least five days ago, so that their deadline
    # (the next weekday's close of office) has passed whatever today is.
    settled = 5 * 86400
    for sender, receiver, kind, count, overdue_block in plan:
        for _n in range(count):
            licence = rng.randrange(scale.licences)
            party = licence % scale.counterparties
            item = licence % 50
            if overdue_block:
                sent = now - datetime.timedelta(seconds=rng.randint(settled, 90 * 86400))
                state, rank, claimed, label, overdue, minutes = "pending", 0, None, "", "f", None
            elif rng.random() < 0.01:  # still inside its claim window
                sent = now - datetime.timedelta(seconds=rng.randint(60, 12 * 3600))
                state, rank, claimed, label, overdue, minutes = "pending", 0, None, "", "f", None
            else:
                sent = now - datetime.timedelta(seconds=rng.randint(settled, year))
                if rng.random() < 0.85:
                    minutes = rng.randint(5, 480)
                    claimed = _timestamp(sent + datetime.timedelta(minutes=minutes))
                    state, rank, label, overdue = "claimed", 1, "bench clerk", "f"
                else:
                    claimed = _timestamp(_claim_deadline(sent))
                    state, rank, label, overdue, minutes = "auto_claimed", 1, "system", "t", None
            sent_text = _timestamp(sent)
            yield [
                kind,
                sender,
                receiver,
                sent_text,
                "bench",
                _timestamp(_claim_deadline(sent)),
                state,
                rank,
                claimed if claimed is not None else r"\N",
                label,
                overdue,
                minutes if minutes is not None else r"\N",
                f"基准事项{item:03d} · 基准企业{party:06d}",
                PAYLOAD.format(
                    licence=licence,
                    item=item,
                    party=party,
                    code=codes[party],
                    day=sent.date().isoformat(),
                    sent=sent_text,
                ),
                "approvals.licence",
                licence,
                f"基准企业{party:06d}",
                codes[party],
                f"临审{licence:08d}",
                f"BENCH-{item:03d}",
                sent_text,  # fanned out when sent: the fan-out sweep has nothing to do
            ]


def _copy(table: str, columns: str, rows: Iterator[list[object]]) -> int:
    total = 0
    with connection.cursor() as cursor:
        while True:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            n = 0
            for row in rows:
                writer.writerow(row)
                n += 1
                if n == COPY_CHUNK:
                    break
            if n == 0:
                return total
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )
            total += n
            if n < COPY_CHUNK:
                return total


def seed_pushes(*, seeded: Seeded, scale: Scale) -> int:
    """COPY the push table, then derive overdue records and feedback from it in SQL."""
    from supervision.push_kinds import SUPERVISION_ACTION

    departments = list(Department.objects.filter(kind=DepartmentKind.SUPERVISION).order_by("code"))
    approval = seeded.approval.pk
    plan: list[tuple[int, int, str, int, bool]] = [
        (approval, seeded.big.pk, "approval_decision", scale.big_inbox, False),
        (approval, seeded.small.pk, "approval_decision", scale.small_inbox, False),
    ]
    others = [d for d in departments if d.code not in (BIG, SMALL)]
    plan += [(approval, d.pk, "approval_decision", scale.other_inbox, False) for d in others]
    share = max(1, scale.approval_inbox // len(departments))
    plan += [(d.pk, approval, SUPERVISION_ACTION, share, False) for d in departments]
    # The sweep's work: overdue pending pushes to everyone but the two inbox-page departments.
    block = max(1, scale.overdue_pending // len(others))
    plan += [(approval, d.pk, "approval_decision", block, True) for d in others]
    total = _copy(
        "notifications_push", PUSH_COLUMNS, _push_rows(plan=plan, scale=scale, now=seeded.now)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notifications_overduerecord
                (department_id, obligation, object_type, object_id, deadline, recorded_at)
            SELECT receiver_id, 'claim', 'notifications.push', id::text, deadline, deadline
            FROM notifications_push WHERE state = 'auto_claimed'
            """
        )
        cursor.execute(
            """
            INSERT INTO notifications_feedback
                (push_id, answering_department_id, text, raised_by_label, raised_at,
                 answer_deadline, status, answered_at)
            SELECT id, sender_id, '请核实许可信息', 'bench clerk', sent_at + interval '1 hour',
                   sent_at + interval '1 day',
                   CASE WHEN id % 10 = 0 THEN 'open' ELSE 'answered' END,
                   CASE WHEN id % 10 = 0 THEN NULL ELSE sent_at + interval '3 hours' END
            FROM notifications_push WHERE id % 100 = 7 AND state <> 'pending'
            """
        )
    seeded.pushes = total
    return total


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        for table in (
            "notifications_push",
            "notifications_overduerecord",
            "notifications_feedback",
            "approvals_licence",
            "approvals_counterparty",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


REPORTED_MONTHS = 12


def seed_monthly_reports(*, now: datetime.datetime, months: int = REPORTED_MONTHS) -> int:
    """The compiled monthly reports of the months before this one, as the beat leaves them on
    the 1st of each month (R18): a head's home page reads past months' rates from them. Only
    the figures are compiled here (no sweep first, no notices), so the pushes the sweep of P2
    must find stay pending."""
    from reporting.models import MonthlyReport
    from reporting.reports import previous_month, report_figures

    month = now.astimezone(CALENDAR_TZ).date().replace(day=1)
    for _n in range(months):
        month = previous_month(datetime.datetime.combine(month, OFFICE_CLOSE, tzinfo=CALENDAR_TZ))
        figures = report_figures(month=month)
        MonthlyReport.objects.create(
            month=month,
            version=1,
            compiled_at=now,
            compiled_by_label="system",
            data={**figures, "compiled_at": now.isoformat()},
        )
    return months


def seed(*, factor: float) -> tuple[Seeded, Scale]:
    scale = Scale.of(factor)
    now = timezone.now()
    seeded = seed_reference_data(scale=scale, now=now)
    seed_pushes(seeded=seeded, scale=scale)
    vacuum_analyze()
    seed_monthly_reports(now=now)
    return seeded, scale


def payload_sample() -> dict:
    """The payload one seeded push carries (used by the docs and a sanity check)."""
    return json.loads(
        PAYLOAD.format(licence=1, item=1, party=1, code=credit_code(1), day="2026-01-01", sent="x")
    )
