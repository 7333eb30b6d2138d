"""Scale (issue 9): the case list sorts and pages by child name from an index, name search uses
trigram indexes.

- ``Case.child_sort_name`` copies the child's "last first" name onto the case, so "sorted by
  child, page 420" reads 25 rows from the index ``(status, child_sort_name, id)`` instead of
  joining and sorting every open case with its child.
- On PostgreSQL, GIN trigram indexes on ``UPPER(first_name)`` and ``UPPER(last_name)`` serve
  the name search's ``icontains`` (``UPPER(name::text) LIKE UPPER('%…%')``). pg_trgm is a
  trusted extension: the database owner may create it. Other databases skip this step.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "cases_child_first_name_trgm": "first_name",
    "cases_child_last_name_trgm": "last_name",
}


def fill_child_sort_name(apps, schema_editor):
    schema_editor.execute(
        "UPDATE cases_case SET child_sort_name = ("
        " SELECT cases_child.last_name || ' ' || cases_child.first_name"
        " FROM cases_child WHERE cases_child.id = cases_case.child_id)"
    )


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_child USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_referral_submitted_at_case_outcome_closed_at_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="child_sort_name",
            field=models.CharField(
                default="",
                editable=False,
                help_text="Kopi af barnets efternavn og fornavn, så sagslisten kan sortere og blade uden at slå børnene op.",
                max_length=201,
                verbose_name="barnets sorteringsnavn",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_child_sort_name, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["status", "child_sort_name", "id"], name="cases_case_status_c35887_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["child_sort_name", "id"], name="cases_case_child_s_40dc65_idx"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
