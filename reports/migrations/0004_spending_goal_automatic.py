"""The effect goal "Lavere udgift til specialtilbud" (50 → 40 mio. kr.) is measured from the
placements in special offers (reports/measures.py ``special_offer_spending``) instead of typed
in by hand. A goal the leader has already switched stays as it is; manual measurements typed
in before are kept in the table (not shown while the goal is automatic)."""

from django.db import migrations

KEY = "udgift-specialtilbud"
DESCRIPTION = (
    "Flere børn og unge inkluderes, så udgiften til kommunens specialtilbud reduceres fra "
    "50 mio. kr. til 40 mio. kr. årligt. Tallet beregnes af placeringerne i specialtilbud "
    "× tilbuddets årlige pris, forholdsmæssigt efter dagene i året."
)
OLD_DESCRIPTION = (
    "Flere børn og unge inkluderes, så udgiften til kommunens specialtilbud reduceres fra "
    "50 mio. kr. til 40 mio. kr. årligt. Tallet kommer fra økonomiafdelingen."
)


def automatic(apps, schema_editor):
    EffectGoal = apps.get_model("reports", "EffectGoal")
    goal = EffectGoal.objects.filter(key=KEY, measurement="manuel").first()
    if goal is None:
        return
    goal.measurement = "automatisk"
    goal.measure_key = "special_offer_spending"
    if goal.description == OLD_DESCRIPTION:
        goal.description = DESCRIPTION
    goal.save(update_fields=["measurement", "measure_key", "description"])


def manual(apps, schema_editor):
    EffectGoal = apps.get_model("reports", "EffectGoal")
    goal = EffectGoal.objects.filter(key=KEY, measure_key="special_offer_spending").first()
    if goal is None:
        return
    goal.measurement = "manuel"
    goal.measure_key = ""
    if goal.description == DESCRIPTION:
        goal.description = OLD_DESCRIPTION
    goal.save(update_fields=["measurement", "measure_key", "description"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_text_limits")]

    operations = [migrations.RunPython(automatic, manual)]
