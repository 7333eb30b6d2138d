""""Glad i skole – IGEN" (seed 002, DOMAIN.md): at 10 % unlawful absence the school involves its
support model, the koordinerende TRIO. The default 10 % step now drafts the TRIO's henvisning
to the Tværfagligt skoleteam; a step the leader has changed (or pointed elsewhere) is left."""

from decimal import Decimal

from django.db import migrations

FORUM = "tvaerfagligt_skoleteam"


def forward(apps, schema_editor):
    Step = apps.get_model("indsatser", "AbsenceProcedureStep")
    Step.objects.filter(
        threshold_percent=Decimal(10), responsible_role="institutionsleder", refer_to_forum=""
    ).update(refer_to_forum=FORUM)


def backward(apps, schema_editor):
    Step = apps.get_model("indsatser", "AbsenceProcedureStep")
    Step.objects.filter(refer_to_forum=FORUM).update(refer_to_forum="")


class Migration(migrations.Migration):
    dependencies = [("indsatser", "0007_absencecase_grade_and_more")]

    operations = [migrations.RunPython(forward, backward)]
