"""The sweeps registry: every app registers its periodic sweeps, each under the task name the
beat runs it with, and the monthly report settles deadlines through the registry (R18)."""

import datetime

import pytest

from linzi_platform.celery import app
from notifications.sweeps import Sweep, sweep_register, sweeps, sweeps_settle_deadlines

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_sweeps_under_a_task_the_beat_runs():
    registered = {sweep.task: sweep.settles_deadlines for sweep in sweeps()}
    assert registered == {
        "notifications.auto_claim_overdue": True,
        "notifications.mark_overdue_feedback": True,
        "supervision.suspensions_end": False,
        "credit.verifications_sweep": True,
        "coordination.inquiries_deem_consent": True,
        "notifications.send_reminders": False,
        "notifications.fan_out_missing": False,
    }
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert set(registered) <= scheduled
    app.loader.import_default_modules()  # the tasks modules, as a worker finds them
    assert set(registered) <= set(app.tasks)


def test_settling_deadlines_runs_only_the_sweeps_that_charge_them(monkeypatch):
    import notifications.sweeps as registry

    monkeypatch.setattr(registry, "_SWEEPS", {})
    ran: list[str] = []
    sweep_register(Sweep("a", lambda *, now: ran.append("a")))
    sweep_register(Sweep("b", lambda *, now: ran.append("b"), settles_deadlines=False))
    sweep_register(Sweep("c", lambda *, now: ran.append("c")))
    sweeps_settle_deadlines(now=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC))
    assert ran == ["a", "c"]
