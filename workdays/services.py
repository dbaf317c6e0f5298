"""Every write to the calendar."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from .csv_import import OverrideRow
from .models import CalendarYear, WorkdayOverride


@dataclass(frozen=True)
class CalendarImportSummary:
    created: int
    updated: int
    years: list[int]

    @property
    def total(self) -> int:
        return self.created + self.updated


@transaction.atomic
def calendar_import_notice(
    *, rows: Sequence[OverrideRow], by: AbstractBaseUser | None, source: str
) -> CalendarImportSummary:
    """Save validated rows as overrides and mark each year they touch as loaded.

    All or nothing: one transaction. Deadlines already stored on records are not touched (R0.1).
    """
    created = updated = 0
    for row in rows:
        _, was_created = WorkdayOverride.objects.update_or_create(
            date=row.date,
            defaults={"is_working_day": row.is_working_day, "note": row.note, "updated_by": by},
        )
        if was_created:
            created += 1
        else:
            updated += 1
    years = sorted({row.date.year for row in rows})
    now = timezone.now()
    for year in years:
        CalendarYear.objects.update_or_create(
            year=year, defaults={"loaded_at": now, "note": f"由 {source} 导入"}
        )
    audit_record(
        actor=by,
        action="workdays.import",
        object_type="workdays.calendaryear",
        object_id=",".join(str(year) for year in years),
        details={"source": source, "created": created, "updated": updated, "rows": len(rows)},
    )
    return CalendarImportSummary(created=created, updated=updated, years=years)
