"""Files for the import of licences in force: rows as the template's columns, written as an
Excel workbook or a CSV file, and the import driven through its services."""

import csv
import datetime
import io
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from approvals.imports.columns import COLUMNS, HEADERS
from approvals.imports.services import licence_import_check, licence_import_upload
from approvals.imports.writing import licence_import_run
from approvals.models import LicenceImport
from organizations.scoping import actor_for_user
from tests.factories import valid_credit_code, valid_id_number

TODAY = datetime.date(2026, 11, 24)


def row(n: int = 1, **changes: Any) -> dict[str, Any]:
    """A valid row of the template, keyed by header; ``changes`` by column key."""
    values = {
        "licence_no": f"JY1370305{n:07d}",
        "item": "食品经营许可",
        "name": f"临淄齐鲁食品有限公司{n}",
        "credit_code": valid_credit_code(f"91370305MA{n:07d}"),
        "id_number": "",
        "contact_name": "王五",
        "contact_phone": "0533-7181234",
        "licence_date": "2024-03-15",
        "valid_from": "2024-03-15",
        "valid_to": "2029-03-14",
        "licence_title": "",
        "licence_scope": "",
    }
    values.update(changes)
    return {column.header: values[column.key] for column in COLUMNS}


def individual_row(n: int = 1, **changes: Any) -> dict[str, Any]:
    values = {
        "name": "王小明",
        "credit_code": "",
        "id_number": valid_id_number(f"370305198502{n:02d}123"[:17]),
        **changes,
    }
    return row(n, **values)


def xlsx_bytes(rows: Iterable[dict[str, Any]], headers: Iterable[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    headers = list(headers)
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Iterable[dict[str, Any]], *, encoding: str = "utf-8", headers: Iterable[str] = HEADERS
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    headers = list(headers)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(header, "") for header in headers])
    return buffer.getvalue().encode(encoding)


def upload_file(content: bytes, name: str = "存量许可.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def import_checked(admin, department, content: bytes, name: str = "存量许可.xlsx"):
    """Upload and check a file through the services (the check task's work, in place)."""
    job, _created = licence_import_upload(
        actor=actor_for_user(admin), department=department, upload=upload_file(content, name)
    )
    licence_import_check(job_id=job.pk)
    return LicenceImport.objects.get(pk=job.pk)


def import_done(job: LicenceImport) -> LicenceImport:
    licence_import_run(job_id=job.pk)
    return LicenceImport.objects.get(pk=job.pk)


def problems_of(job: LicenceImport) -> dict[int, list[str]]:
    """Each problem row's problems as "column：message" texts, by row number."""
    return {
        found.row_number: [f"{p['column']}：{p['message']}" for p in found.problems]
        for found in job.rows.filter(outcome="problem")
    }
