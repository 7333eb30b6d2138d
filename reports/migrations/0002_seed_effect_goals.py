"""The municipality's effect goals (DOMAIN.md "Effect goals and reports", seed 004 §1).

The plan states its goals for 1. kvartal 2018 → ultimo 2020; a deployment runs its own plan
period, so the goals are seeded with the baseline in 2025 and the target in 2028 and the PPR
leader corrects values and years on the goal's page. Existing rows are left alone, so running
the migration on a database where the leader has edited a goal changes nothing.
"""

from decimal import Decimal

from django.db import migrations

BASELINE_YEAR = 2025
TARGET_YEAR = 2028

# key, name, unit, direction, baseline, target, measurement, measure_key, beacons, description
GOALS = [
    (
        "indstillinger-ppr",
        "Færre indstillinger til PPR",
        "antal", "lavere", Decimal(400), Decimal(320), "automatisk", "ppr_referrals", [2, 3],
        "Antallet af indstillinger til PPR nedbringes med 20 % – fra 400 til 320 om året "
        "(udviklingsplanen: resultat ultimo 2020).",
    ),
    (
        "indstillinger-bup",
        "Færre henvisninger til børne- og ungdomspsykiatrien",
        "antal", "lavere", Decimal(36), Decimal(20), "automatisk", "bup_referrals", [3, 4],
        "Antallet af indstillinger til børne- og ungdomspsykiatrien falder fra 36 til 20.",
    ),
    (
        "forebyggelse-andel",
        "Større andel forebyggende indsatser",
        "procent", "hoejere", Decimal(28), Decimal(40), "automatisk", "prevention_share", [2, 3],
        "Udgifterne på det specialiserede område frigøres til forebyggelse: fra 28 % forebyggelse "
        "(1. kvartal 2018) til 40 % (ultimo 2020). Her målt på PPR's forløb efter niveau.",
    ),
    (
        "stoette-serviceloven",
        "Færre børn med behov for støtte efter serviceloven",
        "antal", "lavere", Decimal(1100), Decimal(1000), "manuel", "", [1, 4],
        "Antallet af børn og unge, der har behov for støtte efter Lov om Social Service, "
        "reduceres med 10 % – fra 1100 til 1000. Tallet kommer fra det sociale område.",
    ),
    (
        "udgift-specialtilbud",
        "Lavere udgift til specialtilbud",
        "mio_kr", "lavere", Decimal(50), Decimal(40), "manuel", "", [1, 3],
        "Flere børn og unge inkluderes, så udgiften til kommunens specialtilbud reduceres fra "
        "50 mio. kr. til 40 mio. kr. årligt. Tallet kommer fra økonomiafdelingen.",
    ),
    (
        "afgangsproeve",
        "Flere elever aflægger afgangsprøven",
        "procent", "hoejere", None, Decimal(95), "manuel", "", [1, 2],
        "95 % af eleverne aflægger Folkeskolens Afgangsprøve. Tallet kommer fra skoleområdet.",
    ),
    (
        "ulovligt-fravaer",
        "Ulovligt skolefravær til et minimum",
        "antal", "lavere", None, None, "automatisk", "unlawful_absence", [1, 2],
        "Det ulovlige skolefravær nedbringes til et minimum. Det præcise måltal fastsættes på "
        "baggrund af en analyse af fraværet.",
    ),
]


def seed_goals(apps, schema_editor):
    EffectGoal = apps.get_model("reports", "EffectGoal")
    Beacon = apps.get_model("indsatser", "Beacon")
    beacons = {b.number: b for b in Beacon.objects.all()}
    for order, (key, name, unit, direction, baseline, target, measurement, measure_key, numbers, text) in enumerate(GOALS, start=1):
        goal, created = EffectGoal.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "description": text,
                "unit": unit,
                "direction": direction,
                "baseline_value": baseline,
                "baseline_year": BASELINE_YEAR if baseline is not None else None,
                "target_value": target,
                "target_year": TARGET_YEAR if target is not None else None,
                "measurement": measurement,
                "measure_key": measure_key,
                "order": order,
            },
        )
        if created:
            goal.beacons.set([beacons[n] for n in numbers if n in beacons])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("indsatser", "0002_seed_beacons_catalogue_procedure"),
    ]

    operations = [migrations.RunPython(seed_goals, migrations.RunPython.noop)]
