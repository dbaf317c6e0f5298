"""P6: the import of licences in force (存量许可导入) — an Excel file of N licences taken from
upload to the last licence written, through the same services the admin pages call, next
to a raw COPY of the same rows into the licence table."""

from __future__ import annotations

import csv
import datetime
import io
import secrets
import time

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from approvals.imports.columns import COLUMNS, HEADERS
from approvals.imports.services import licence_import_confirm, licence_import_upload
from approvals.models import Licence, LicenceImport
from audit.models import AuditEvent
from counterparties.models import Counterparty
from organizations.models import StaffRole
from organizations.scoping import actor_for_user

from .figures import Figure, fmt_seconds
from .seed import Seeded, credit_code

FULL_ROWS = 50_000
# --quick (scale 0.1) imports 2,000 rows; the test's scale 0.01, 200.
QUICK_ROWS_PER_SCALE = 20_000
FIRST_DATE = datetime.date(2023, 1, 1)
COPY_COLUMNS = (
    "item_id, counterparty_id, department_id, licence_no, supervision_code, licence_date, "
    "valid_from, valid_to, status, decided_by_label, decided_at, access_level, access_reasons"
)
# The import's throughput is at least this share of the raw COPY of the same rows.
TARGET_RATIO = 0.01


def import_rows(factor: float) -> int:
    if factor >= 1:
        return FULL_ROWS
    return max(200, round(QUICK_ROWS_PER_SCALE * factor))


def _rows(seeded: Seeded, count: int) -> list[dict[str, str]]:
    """Licences of the seeded items, half for counterparties on record, half for new ones."""
    known = seeded.credit_codes
    rows = []
    for i in range(count):
        day = FIRST_DATE + datetime.timedelta(days=i % 700)
        if i % 2:
            name, code = f"基准企业{i % len(known):06d}", known[i % len(known)]
        else:
            name, code = f"存量企业{i:06d}", credit_code(5_000_000 + i)
        rows.append(
            {
                "licence_no": f"存量{i:08d}",
                "item": seeded.items[i % len(seeded.items)].name,
                "name": name,
                "credit_code": code,
                "id_number": "",
                "contact_name": "张三",
                "contact_phone": "13800000000",
                "licence_date": day.isoformat(),
                "valid_from": day.isoformat(),
                "valid_to": (day + datetime.timedelta(days=6 * 365)).isoformat(),
                "licence_title": "",
                "licence_scope": "",
            }
        )
    return rows


def _workbook(rows: list[dict[str, str]]) -> bytes:
    # Not write_only: that mode leaves out the sheet's <dimension>, which Excel and most
    # exporters write, and openpyxl then reads the whole sheet once more to find its size.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "存量许可"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([row[column.key] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _copy_reference(seeded: Seeded, rows: list[dict[str, str]]) -> float:
    """COPY the same licences (numbered apart) for the counterparties the import recorded."""
    items = {item.name: item.pk for item in seeded.items}
    parties = dict(
        Counterparty.objects.filter(credit_code__in={r["credit_code"] for r in rows}).values_list(
            "credit_code", "pk"
        )
    )
    decided_at = timezone.now().isoformat()
    started = time.perf_counter()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(
            (
                items[row["item"]],
                parties[row["credit_code"]],
                seeded.approval.pk,
                f"参照{row['licence_no']}",
                secrets.token_urlsafe(12),
                row["licence_date"],
                row["valid_from"],
                row["valid_to"],
                "valid",
                "bench",
                decided_at,
                "normal",
                "[]",
            )
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY approvals_licence ({COPY_COLUMNS}) FROM STDIN WITH (FORMAT csv)", buffer
        )
    return time.perf_counter() - started


def p6_licence_import(*, seeded: Seeded, rows: int) -> Figure:
    """Upload, check and import (the Celery tasks run in place, as a worker would run them),
    from the file's bytes to the job marked done; then the raw COPY."""
    from linzi_platform.celery import app as celery_app

    data = _rows(seeded, rows)
    content = _workbook(data)
    admin = seeded.users[f"{seeded.approval.code}:{StaffRole.PLATFORM_ADMIN}"]
    actor = actor_for_user(admin)
    events_before = AuditEvent.objects.count()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        started = time.perf_counter()
        job, _created = licence_import_upload(
            actor=actor,
            department=seeded.approval,
            upload=SimpleUploadedFile("存量许可.xlsx", content),
        )
        checked = time.perf_counter()
        job = LicenceImport.objects.get(pk=job.pk)
        licence_import_confirm(job=job, actor=actor, repush=False)
        finished = time.perf_counter()
    finally:
        celery_app.conf.task_always_eager = eager
    job = LicenceImport.objects.get(pk=job.pk)
    if job.state != "done" or job.imported_rows != rows:
        raise RuntimeError(f"the import ended {job.state} with {job.imported_rows} of {rows}")
    ours = finished - started
    reference = _copy_reference(seeded, data)
    if Licence.objects.filter(licence_no__startswith="参照").count() != rows:
        raise RuntimeError("the reference COPY did not write every row")
    ours_rate, reference_rate = rows / ours, rows / reference
    ratio = ours_rate / reference_rate
    return Figure(
        key="P6",
        name=f"licence import, {rows:,} rows of Excel (licences/s)",
        ours=f"{ours_rate:,.0f}/s ({fmt_seconds(ours)})",
        reference=f"{reference_rate:,.0f}/s ({fmt_seconds(reference)})",
        ratio=ratio,
        target=f">= {TARGET_RATIO} of raw COPY",
        passed=ratio >= TARGET_RATIO,
        note=(
            f"file {len(content) / 1024 / 1024:.1f} MB; upload and check of the rows "
            f"{fmt_seconds(checked - started)}, import {fmt_seconds(finished - checked)} in "
            f"batches of {settings.LICENCE_IMPORT_BATCH_SIZE} "
            f"({AuditEvent.objects.count() - events_before:,} audit events); half the "
            "counterparties new; no push (补推 off)"
        ),
    )
