from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("web", "DataVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("counter", models.BigIntegerField(default=0)),
                ("stamp", models.CharField(default="initial", max_length=32)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
