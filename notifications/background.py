"""The R4 sweep as the beat runs it, beside the day's decisions (make bench, P7).

A full-speed sweep (`services.pushes_auto_claim_overdue`, batches of 5,000) is what an
operator's `manage.py auto_claim_overdue` runs. Beside the decisions it would stall them:
each batch writes its audit events on the one audit chain every decision locks too, and
holds that lock from its events to its commit; and it takes a whole core. The beat's sweep
and the monthly report's settling (R18) therefore:

- take batches of 1,000 rows, which hold the chain for tens of milliseconds;
- pause after each batch as long as the batch took, so they take at most about half a core
  (as PostgreSQL's autovacuum yields by its cost delay); 100,000 overdue pushes then take
  about a minute and a half beside a full ingest on two cores, well inside the beat's 5;
- run one at a time (a PostgreSQL advisory lock): the report's settling waits for the
  beat's sweep and then finds nothing left, rather than a second half-core sweeping beside it.
"""

import contextlib
import datetime
from collections.abc import Iterator

from django.db import connection

from .services import pushes_auto_claim_overdue

BACKGROUND_SWEEP_BATCH_SIZE = 1000
BACKGROUND_SWEEP_PAUSE = 1.0  # seconds paused per second a batch took
# The advisory lock the background sweeps take (any 64-bit number no other lock uses).
SWEEP_LOCK_KEY = 0x4C5A_5357_4545_5031


@contextlib.contextmanager
def one_background_sweep() -> Iterator[None]:
    """Wait until no other background sweep runs, and hold them off until the block ends.
    PostgreSQL only; elsewhere (the embedded SQLite, one writer at a time) it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [SWEEP_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_KEY])


def pushes_auto_claim_overdue_in_background(*, now: datetime.datetime | None = None) -> int:
    """The beat's R4 sweep (and the report's, R18): small batches, pauses, one at a time."""
    with one_background_sweep():
        return pushes_auto_claim_overdue(
            now=now, batch_size=BACKGROUND_SWEEP_BATCH_SIZE, pause=BACKGROUND_SWEEP_PAUSE
        )
