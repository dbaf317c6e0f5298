"""The monthly report of a month in which a department was merged (R18, R21): every
department with activity is listed, active or not, so the rows add up."""

import datetime

import pytest
import time_machine

from organizations.services import department_merge
from reporting.reports import monthly_report_compile
from tests.organizations.reorganisation_helpers import MERGE_AT, at, push, reorganisation_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(approval_department, platform_admin):
    """A merge on Wednesday 14 October with pending, claimed and overdue pushes, then pushes
    to the successor for the rest of the month."""
    with time_machine.travel(MERGE_AT, tick=False):
        scene = reorganisation_scene(approval_department)
        department_merge(department=scene.old, successor=scene.successor, by=platform_admin)
    push(approval_department, scene.successor, "2026-10-20T10:00")
    push(scene.successor, approval_department, "2026-10-21T10:00")
    with time_machine.travel(at("2026-11-01T08:00"), tick=False):
        report = monthly_report_compile(month=datetime.date(2026, 10, 1))
    return scene, report


def test_a_month_with_a_merge_lists_both_departments_and_its_rows_add_up(october):
    """R18, R21: sent = received across the department rows; the merged department keeps
    its rows for the month although it is inactive now."""
    scene, report = october
    pushes = report.data["pushes"]
    assert sum(row["sent"] or 0 for row in pushes) == sum(row.get("received", 0) for row in pushes)
    listed = {row["department"] for row in pushes}
    assert {scene.old.code, scene.successor.code, scene.approval.code} <= listed
    assert {row["department"] for row in report.data["departments"]} == listed


def test_every_accountability_row_of_the_month_has_its_departments_push_rows(october):
    """Art. 15, R4, R21: the overdue claim before the merge stays charged to the old
    department, the moved push left unclaimed is charged to the successor."""
    scene, report = october
    listed = {row["department"] for row in report.data["pushes"]}
    charged = {row["department"] for row in report.data["accountability"]}
    assert charged <= listed
    by_object = {row["object_id"]: row["department"] for row in report.data["accountability"]}
    assert by_object[str(scene.late.pk)] == scene.old.code
    assert by_object[str(scene.pending.pk)] == scene.successor.code


def test_the_merged_departments_history_stays_in_its_own_rows(october):
    scene, report = october
    received = {
        row["department"]: row
        for row in report.data["pushes"]
        if row["direction"] == "approval_to_supervision" and "received" in row
    }
    old = received[scene.old.code]
    assert (old["received"], old["claimed_on_time"], old["auto_claimed"]) == (2, 1, 1)
    successor = received[scene.successor.code]
    # The moved pending push (received on the 14th) and the one of the 20th, both unclaimed.
    assert (successor["received"], successor["auto_claimed"]) == (2, 2)
    sent = {
        row["department"]: row["sent"]
        for row in report.data["pushes"]
        if row["direction"] == "supervision_to_approval" and row["sent"] is not None
    }
    assert sent[scene.old.code] == 1
    assert sent[scene.successor.code] == 1
