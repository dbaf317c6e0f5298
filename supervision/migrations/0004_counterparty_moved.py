"""The counterparty foreign keys point at counterparties.Counterparty (moved from approvals).

State only: the referenced table is the same (``approvals_counterparty``), so no column or
constraint changes, and SQLite rebuilds no table. Runs before approvals drops the model from
its state, so no state ever holds a key to a deleted model.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("counterparties", "0001_initial"),
        ("supervision", "0003_suspension_end_and_unique_documents"),
    ]
    run_before = [("approvals", "0003_counterparty_moved")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='counterpartylisting',
                    name='counterparty',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='listings', to='counterparties.counterparty', verbose_name='counterparty'),
                ),
                migrations.AlterField(
                    model_name='legacycase',
                    name='counterparty',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='legacy_cases', to='counterparties.counterparty', verbose_name='counterparty'),
                ),
                migrations.AlterField(
                    model_name='supervisionaction',
                    name='counterparty',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='supervision_actions', to='counterparties.counterparty', verbose_name='counterparty'),
                ),
            ],
            database_operations=[],
        ),
    ]
