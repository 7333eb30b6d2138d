"""The name search matches the case's copy of the child's name (issue 20).

On PostgreSQL, a GIN trigram index on ``UPPER(child_sort_name)`` serves the search's
``icontains`` (``UPPER(child_sort_name::text) LIKE UPPER('%…%')``), so the matching cases come
from the index together with the case's visibility columns (assigned, team) instead of every
child's name being scanned (bench/NOTES.md, 6 Dec 2026, evening). Other databases skip it.
"""

from django.db import migrations

INDEX = "cases_case_child_sort_name_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case"
        " USING gin (UPPER(child_sort_name) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_text_limits"),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
