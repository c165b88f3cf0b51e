"""Seed the disaggregation code lists (gcmhub/indicators/codelists.py)."""

from django.db import migrations


def seed_code_lists(apps, schema_editor):
    from gcmhub.indicators.codelists import seed

    seed(apps.get_model("indicators", "Dimension"), apps.get_model("indicators", "DimensionCode"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed_code_lists, migrations.RunPython.noop)]
