"""The Counterparty model moved from approvals to counterparties without touching the table.

An existing database (at the migrations of the release before the move, with data) migrates
in place: the same table, the same rows and ids, the foreign keys still resolving, no table
created, dropped, altered or rebuilt (SQLite rebuilds a table for many ALTERs).
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counterparties.models import Counterparty
from counterparties.validators import credit_code_check_char

TABLE = "approvals_counterparty"
# The newest migration of each app concerned before the move.
BEFORE_THE_MOVE = [
    ("approvals", "0002_item_official_code"),
    ("supervision", "0003_suspension_end_and_unique_documents"),
    ("counterparties", None),
]
# The migrations of the move itself: later migrations of these apps (new tables of their own)
# are no part of what is checked here.
THE_MOVE = [
    ("approvals", "0003_counterparty_moved"),
    ("supervision", "0004_counterparty_moved"),
    ("counterparties", "0001_initial"),
]
TABLES = (TABLE, "approvals_licence", "supervision_counterpartylisting")
CREDIT_CODE = "91370305MA3C8Q7X2" + credit_code_check_char("91370305MA3C8Q7X2")


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # what is applied now
    return executor


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _table_identities() -> dict[str, object]:
    """Something that changes when a table is recreated: PostgreSQL's oid, SQLite's root page
    (a rebuild creates ``new__<table>`` on fresh pages and renames it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, oid FROM pg_class WHERE relname = ANY(%s)", [list(TABLES)]
            )
        else:
            placeholders = ", ".join(["%s"] * len(TABLES))
            cursor.execute(
                "SELECT name, rootpage FROM sqlite_master "
                f"WHERE type = 'table' AND name IN ({placeholders})",
                list(TABLES),
            )
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_migrates_in_place() -> None:
    try:
        executor = _migrate(BEFORE_THE_MOVE)
        old = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
        assert not any(model._meta.app_label == "counterparties" for model in old.get_models())

        department = old.get_model("organizations", "Department").objects.create(
            code="approval", name="行政审批服务局", kind="approval"
        )
        supervisor = old.get_model("organizations", "Department").objects.create(
            code="market", name="市场监管局", kind="supervision"
        )
        item = old.get_model("approvals", "ApprovalItem").objects.create(
            code="food",
            name="食品经营许可",
            legal_basis="《食品安全法》",
            conditions="-",
            procedure="-",
            time_limit="20个工作日",
            fees="不收费",
            materials="-",
        )
        old_counterparty = old.get_model("approvals", "Counterparty").objects.create(
            kind="organisation",
            name="淄博齐鲁食品有限公司",
            credit_code=CREDIT_CODE,
            contact_name="张伟",
            contact_phone="13812345678",
        )
        now = timezone.now()
        licence = old.get_model("approvals", "Licence").objects.create(
            item=item,
            counterparty=old_counterparty,
            department=department,
            licence_no="JY13703050001",
            supervision_code="before-the-move",
            licence_date=datetime.date(2026, 11, 2),
            valid_from=datetime.date(2026, 11, 2),
            decided_by_label="王丽华",
            decided_at=now,
        )
        listing = old.get_model("supervision", "CounterpartyListing").objects.create(
            counterparty=old_counterparty,
            listing_type="anomaly",
            department=supervisor,
            source_document="临市监异〔2026〕1号",
            listed_on=datetime.date(2026, 11, 3),
            created_by_label="李强",
            created_at=now,
        )
        content_type = old.get_model("contenttypes", "ContentType").objects.get(
            app_label="approvals", model="counterparty"
        )
        identities = _table_identities()

        with CaptureQueriesContext(connection) as queries:
            _migrate(THE_MOVE)

        schema_changes = [
            query["sql"]
            for query in queries.captured_queries
            if query["sql"]
            .lstrip()
            .upper()
            .startswith(("CREATE", "ALTER", "DROP", 'INSERT INTO "NEW__'))
        ]
        assert schema_changes == []
        assert _table_identities() == identities
        assert Counterparty._meta.db_table == TABLE

        counterparty = Counterparty.objects.get(pk=old_counterparty.pk)
        assert (counterparty.name, counterparty.credit_code) == (
            "淄博齐鲁食品有限公司",
            CREDIT_CODE,
        )
        assert counterparty.licences.get().pk == licence.pk
        assert counterparty.listings.get().pk == listing.pk
        # The content type moved with the model and kept its id (admin history, permissions).
        ContentType.objects.clear_cache()
        moved = ContentType.objects.get_for_model(Counterparty)
        assert (moved.pk, moved.app_label) == (content_type.pk, "counterparties")
        assert not ContentType.objects.filter(app_label="approvals", model="counterparty").exists()
    finally:
        _migrate(_latest())
        ContentType.objects.clear_cache()
