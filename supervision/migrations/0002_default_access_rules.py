from django.db import migrations


def create_rules(apps, schema_editor):
    AccessRule = apps.get_model("supervision", "AccessRule")
    for listing_type, level, note in [
        ("anomaly", "restricted", "经营异常名录：限制准入"),
        ("dishonest", "strict", "失信名单：严格准入"),
    ]:
        AccessRule.objects.get_or_create(
            listing_type=listing_type, defaults={"access_level": level, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
