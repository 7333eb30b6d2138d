"""The support model's forums (seed 004, Bilag 4 and 5): the municipality's starting configuration."""

from django.db import migrations


def create_forums(apps, schema_editor):
    from meetings.forums import ensure_default_forums

    ensure_default_forums(apps.get_model("meetings", "SupportForum"))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(create_forums, migrations.RunPython.noop)]
