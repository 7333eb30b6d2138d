"""The effect goal "Større andel forebyggende indsatser" (28 % → 40 %) is measured as seed 004
§1 means it – spending on prevention against spending on special offers (measure
``prevention_spending_share``) – instead of by PPR's courses. The course share stays as its own
goal, "Andel forebyggende PPR-forløb" (measure ``preventive_courses_share``), with no target:
the plan sets none for it. A goal the leader has changed to another measure is left alone."""

from django.db import migrations

KEY = "forebyggelse-andel"
COURSES_KEY = "forebyggende-forloeb"
DESCRIPTION = (
    "Udgifterne på det specialiserede område frigøres til forebyggelse: fra 28 % forebyggelse "
    "(1. kvartal 2018) til 40 % (ultimo 2020). Målt som udgiften til forebyggelse i procent af "
    "udgiften til forebyggelse og specialtilbud tilsammen; PPR-lederen indtaster årets udgift "
    "til forebyggelse, udgiften til specialtilbud beregnes af placeringerne."
)
OLD_DESCRIPTION = (
    "Udgifterne på det specialiserede område frigøres til forebyggelse: fra 28 % forebyggelse "
    "(1. kvartal 2018) til 40 % (ultimo 2020). Her målt på PPR's forløb efter niveau."
)
COURSES_DESCRIPTION = (
    "PPR's forløb på primært eller sekundært forebyggelsesniveau i procent af alle PPR's forløb "
    "startet i året. Et eget mål ved siden af andelen af udgifterne; planen sætter intet måltal."
)


def forward(apps, schema_editor):
    EffectGoal = apps.get_model("reports", "EffectGoal")
    Beacon = apps.get_model("indsatser", "Beacon")
    EffectGoal.objects.filter(measure_key="prevention_share").update(
        measure_key="preventive_courses_share"
    )
    goal = EffectGoal.objects.filter(key=KEY, measure_key="preventive_courses_share").first()
    if goal is not None:
        goal.measure_key = "prevention_spending_share"
        if goal.description == OLD_DESCRIPTION:
            goal.description = DESCRIPTION
        goal.save(update_fields=["measure_key", "description"])
    courses, created = EffectGoal.objects.get_or_create(
        key=COURSES_KEY,
        defaults={
            "name": "Andel forebyggende PPR-forløb",
            "description": COURSES_DESCRIPTION,
            "unit": "procent",
            "direction": "hoejere",
            "measurement": "automatisk",
            "measure_key": "preventive_courses_share",
            "order": max(EffectGoal.objects.values_list("order", flat=True), default=0) + 1,
        },
    )
    if created:
        courses.beacons.set(Beacon.objects.filter(number__in=[2, 3]))


def backward(apps, schema_editor):
    EffectGoal = apps.get_model("reports", "EffectGoal")
    EffectGoal.objects.filter(key=COURSES_KEY, measurements__isnull=True).delete()
    goal = EffectGoal.objects.filter(key=KEY, measure_key="prevention_spending_share").first()
    if goal is not None:
        goal.measure_key = "preventive_courses_share"
        if goal.description == DESCRIPTION:
            goal.description = OLD_DESCRIPTION
        goal.save(update_fields=["measure_key", "description"])
    EffectGoal.objects.filter(measure_key="preventive_courses_share").update(
        measure_key="prevention_share"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_goals_retire_prevention_spending_plan_tokens"),
        ("indsatser", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
