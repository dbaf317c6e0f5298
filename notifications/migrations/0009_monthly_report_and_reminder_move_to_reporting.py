"""MonthlyReport and Reminder move to the reporting app (reporting/0001) with their tables:
this only takes them out of the notifications app's state; no table is touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0008_notice_resolution_answered"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="MonthlyReport"),
                migrations.DeleteModel(name="Reminder"),
            ],
            database_operations=[],
        ),
    ]
