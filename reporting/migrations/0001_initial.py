"""MonthlyReport and Reminder, moved here from the notifications app with their tables
(Meta.db_table): the state is created, the database is left as it is, and the content types
(admin log, permissions) are renamed in place so nothing that points at them breaks."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("monthlyreport", "reminder")


def content_types_to_reporting(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        old = ContentType.objects.filter(app_label="notifications", model=model)
        if ContentType.objects.filter(app_label="reporting", model=model).exists():
            old.delete()  # the new one was made already; the old one is stale
        else:
            old.update(app_label="reporting")


def content_types_to_notifications(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        ContentType.objects.filter(app_label="reporting", model=model).update(
            app_label="notifications"
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0009_monthly_report_and_reminder_move_to_reporting"),
        ("organizations", "0004_department_successor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MonthlyReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('version', models.PositiveIntegerField(verbose_name='version')),
                        ('compiled_at', models.DateTimeField(verbose_name='compiled at')),
                        ('compiled_by_label', models.CharField(max_length=150, verbose_name='compiled by')),
                        ('data', models.JSONField(verbose_name='figures')),
                    ],
                    options={
                        'verbose_name': 'monthly report',
                        'verbose_name_plural': 'monthly reports',
                        'db_table': 'notifications_monthlyreport',
                        'ordering': ['-month', '-version'],
                        'constraints': [models.UniqueConstraint(fields=('month', 'version'), name='report_month_version')],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_type', models.CharField(max_length=60, verbose_name='object type')),
                        ('object_id', models.CharField(max_length=40, verbose_name='object id')),
                        ('deadline', models.DateTimeField(verbose_name='deadline')),
                        ('sent_at', models.DateTimeField(verbose_name='sent at')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.department', verbose_name='department')),
                    ],
                    options={
                        'verbose_name': 'reminder',
                        'verbose_name_plural': 'reminders',
                        'db_table': 'notifications_reminder',
                        'constraints': [models.UniqueConstraint(fields=('object_type', 'object_id'), name='reminder_once')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_reporting, content_types_to_notifications),
    ]
