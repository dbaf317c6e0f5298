"""The registry of periodic sweeps. Each app registers its own in `AppConfig.ready()`, named
by the Celery task the beat runs it with (linzi_platform/celery.py); code that must run them
all — the monthly report settles every deadline before it counts (R18) — iterates the
registry instead of importing a higher app by name."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sweep:
    task: str  # the beat's task name, e.g. "credit.verifications_sweep"
    run: Callable[..., object]  # keyword-only `now`; set-based, safe to run twice or at once
    # It charges missed deadlines (auto-claim R4, overdue records): the report runs it first.
    settles_deadlines: bool = True


_SWEEPS: dict[str, Sweep] = {}


def sweep_register(sweep: Sweep) -> None:
    """Called from an app's `AppConfig.ready()`; registering the same task again replaces it."""
    _SWEEPS[sweep.task] = sweep


def sweeps() -> list[Sweep]:
    """In registration order (the order of INSTALLED_APPS)."""
    return list(_SWEEPS.values())


def sweeps_settle_deadlines(*, now: datetime.datetime) -> None:
    """Run every sweep that charges missed deadlines, so none is left open at `now`."""
    for sweep in sweeps():
        if sweep.settles_deadlines:
            sweep.run(now=now)
