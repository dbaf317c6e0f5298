"""`seed_demo` reads its data files and writes exactly the demo database it always wrote:
every row of every model it touches, compared with the committed snapshot."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from tests.demo.snapshot import database_snapshot

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("seed_demo_snapshot.json")


def test_seed_demo_writes_the_same_demo_database_as_before(
    settings: LazySettings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    # Ids are part of the snapshot. A rolled-back test leaves PostgreSQL's sequences where
    # they were (SQLite rolls its counters back): start them from the tables' contents, as
    # on a fresh database.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    call_command("seed_demo", stdout=StringIO())
    found = json.loads(json.dumps(database_snapshot(), ensure_ascii=False, default=str))
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert {label: len(rows) for label, rows in found.items()} == {
        label: len(rows) for label, rows in expected.items()
    }
    for label, rows in expected.items():
        assert found[label] == rows, label
