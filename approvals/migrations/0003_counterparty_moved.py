"""Counterparty now lives in the counterparties app (its 0001 takes over the table as is).

State only: Licence.counterparty points at counterparties.Counterparty, which uses the same
table, and the model leaves approvals' state. No table is created, dropped or rebuilt.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0002_item_official_code"),
        ("counterparties", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='licence',
                    name='counterparty',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='licences', to='counterparties.counterparty', verbose_name='counterparty'),
                ),
                migrations.DeleteModel(
                    name='Counterparty',
                ),
            ],
            database_operations=[],
        ),
    ]
