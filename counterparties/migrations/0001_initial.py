"""The Counterparty model moves here from approvals without touching its table.

Only Django's state changes: the table keeps its name (``approvals_counterparty``), rows,
ids and indexes, so existing databases migrate in place. approvals' 0003 deletes the model
from its own state once every foreign key points here. The dependency on approvals' 0002 is
the move's history (the table is created there), not an import.
"""

from django.db import IntegrityError, migrations, models, transaction

import counterparties.validators


def _move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    # The ContentType row follows the model, keeping its id: admin history (LogEntry) and
    # permissions granted on counterparties stay attached to it.
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type = ContentType.objects.using(db).filter(app_label=source, model="counterparty")
    content_type = content_type.first()
    if content_type is None:
        return  # a fresh database: post_migrate creates the row later
    content_type.app_label = target
    try:
        with transaction.atomic(using=db):
            content_type.save(using=db, update_fields=["app_label"])
    except IntegrityError:
        # A row for the target already exists (made by post_migrate after an earlier move
        # back and forth): leave both, as Django's RenameContentType does;
        # remove_stale_contenttypes asks the admin what to do with the stale one.
        content_type.app_label = source


def content_type_forward(apps, schema_editor) -> None:
    _move_content_type(apps, schema_editor, source="approvals", target="counterparties")


def content_type_backward(apps, schema_editor) -> None:
    _move_content_type(apps, schema_editor, source="counterparties", target="approvals")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("approvals", "0002_item_official_code"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Counterparty',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('organisation', 'Organisation'), ('individual', 'Individual')], max_length=16, verbose_name='kind')),
                        ('name', models.CharField(db_index=True, max_length=200, verbose_name='name')),
                        ('credit_code', models.CharField(blank=True, max_length=18, null=True, unique=True, validators=[counterparties.validators.validate_credit_code], verbose_name='unified social credit code')),
                        ('id_number', models.CharField(blank=True, max_length=18, null=True, unique=True, validators=[counterparties.validators.validate_id_number], verbose_name='ID card number')),
                        ('contact_name', models.CharField(max_length=100, verbose_name='contact person')),
                        ('contact_phone', models.CharField(max_length=20, validators=[counterparties.validators.validate_phone], verbose_name='contact phone')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ],
                    options={
                        'verbose_name': 'counterparty',
                        'verbose_name_plural': 'counterparties',
                        'db_table': 'approvals_counterparty',
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('credit_code__isnull', False), ('id_number__isnull', True)), models.Q(('credit_code__isnull', True), ('id_number__isnull', False)), _connector='OR'), name='counterparty_exactly_one_code')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_forward, content_type_backward, elidable=False),
    ]
