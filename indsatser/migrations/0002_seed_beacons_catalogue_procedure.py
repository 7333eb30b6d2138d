"""Seed the five pejlemærker, the intervention catalogue and the absence procedure.

The texts come from DOMAIN.md and the source documents (seed 002 and 004). They are the
municipality's defaults: the PPR leader edits them in the application afterwards, so the
migration only creates rows that are missing (by their natural key) and never overwrites.
"""

from decimal import Decimal

from django.db import migrations

BEACONS = [
    (
        1,
        "Løsninger udviklet i tæt samarbejde med børn, familie og netværk, så tæt som muligt på det almene hverdagsliv",
        "PPR understøtter og fastholder løsninger så tæt på det almene hverdagsliv som muligt.\n"
        "I arbejdet med og omkring barnet fokuserer PPR både på barnet som individ, på barnets kontekst og på barnet i konteksten.\n"
        "I arbejdet med og omkring børnegrupper fokuserer PPR både på gruppen som fællesskab, på gruppens kontekst og på gruppen i konteksten.\n"
        "PPR inddrager og bringer aktivt barnets perspektiv i spil i afdækningen af ressourcer og vanskeligheder, i udviklingen af løsninger og i opfølgningen på dem.\n"
        "PPR samarbejder relevant og kontinuerligt med familien og det faglige og sociale netværk omkring barnet under hele forløbet.",
    ),
    (
        2,
        "Vidensbaseret og systematisk opmærksomhed på alle børns trivsel og udvikling, og opfølgning på bekymring",
        "PPR understøtter en fælles vidensbaseret tilgang til opfølgning på alle børn og børnefællesskabers trivsel, udvikling og læring for at sikre systematisk opsporing af børn i sårbare og udsatte positioner, særligt ved overgange og skift.\n"
        "PPR bidrager systematisk med faglig sparring i tværfaglige fora vedrørende tidlig opsporing og tidlig intervention.\n"
        "PPR understøtter systematisk kompetenceudvikling blandt fagprofessionelle med henblik på at identificere støttebehov og følge systematisk op på bekymring i nærmiljøet.",
    ),
    (
        3,
        "Målrettede og helhedsorienterede interventioner, der matcher behov og ressourcer hos barnet eller børnefællesskabet og konteksten",
        "PPR forestår dækkende og vidensbaserede interventioner af forebyggende, foregribende og mere indgribende karakter.\n"
        "PPR matcher fleksibelt indsatserne til behov og ressourcer hos barnet, børnefællesskabet og konteksten.\n"
        "PPR supplerer og bygger bro til kommunens øvrige tilbudsvifte på social-, sundheds- og almenområdet.\n"
        "PPR sikrer systematisk opfølgning på, om iværksatte interventioner fører til den ønskede udvikling hos barnet, i børnefællesskabet og konteksten.\n"
        "PPR sikrer, at specialiseret viden oversættes og omsættes til praksis i barnets nærmiljø.\n"
        "PPR understøtter systematisk opfølgning på interventioner, som fagprofessionelle i nærmiljøet forestår, særligt ved overgange og skift.",
    ),
    (
        4,
        "Tværfagligt koordineret og målrettet praksis, som skaber overskuelighed og kontinuitet for barn og familie",
        "PPR's virke baseres på et fælles sprog på tværs af aktører i kommunen og et fælles fokus på evaluering af interventionerne.\n"
        "Alle aktører kender egen og andres rolle, kompetencer og ansvar.\n"
        "En systematisk praksis for det tværfaglige samarbejde i konkrete forløb understøtter fælles mål, tæt koordinering og løbende opfølgning.\n"
        "Mål med interventionen og aktørernes roller er tydelige for og afstemt med barn og familie.\n"
        "Der sikres kontinuitet i forhold til de fagpersoner, der har kontakt med barn og familie.",
    ),
    (
        5,
        "Høj faglighed og tydelig faglig retning i PPR's virke",
        "PPR's virke baseres på et tydeligt beskrevet styringsgrundlag, der sætter mål, rammer og faglig retning.\n"
        "PPR har tydelige arbejdsgange samt rolle- og ansvarsfordeling internt og i det tværfaglige samarbejde.\n"
        "PPR's virke baseres på kvalificeret og kontinuerlig faglig ledelse og sparring.\n"
        "Kompetencerne i PPR imødekommer samlet set målgruppens behov.\n"
        "Organiseringen af PPR imødekommer målgruppens behov i relation til tilgængelighed og ydelsestyper.",
    ),
]

# (name, level, form, beacons, typical length, target group, description)
CATALOGUE = [
    (
        "Systematisk opsporing i dagtilbud og skoler",
        "groen",
        "konsultativ",
        [2, 4],
        "Løbende",
        "Alle børn i dagtilbud og skoler og de fagprofessionelle i supportmodellerne og de tværfaglige team.",
        "PPR deltager i supportmodellerne og de tværfaglige team, så børn i sårbare positioner opspores tidligt – med fælles sprog, fælles systematik og et fælles børnesyn.",
    ),
    (
        "Årlige besøg i Dagplejens legestuer",
        "groen",
        "konsultativ",
        [2],
        "To besøg om året",
        "Børn i dagplejen og deres dagplejere.",
        "PPR besøger Dagplejens legestuer to gange om året, giver sparring til dagplejerne og understøtter den tidlige opsporing af spæd- og småbørn.",
    ),
    (
        "Faglig fokuseret sparring for dagplejepædagoger",
        "groen",
        "konsultativ",
        [2, 3, 4],
        "Løbende efter aftale",
        "Dagplejepædagoger.",
        "Et koncept for faglig fokuseret sparring med udgangspunkt i BTU-skemaerne og inspireret af PA-analysen, så den tidlige opsporing i dagplejen styrkes.",
    ),
    (
        "Sparring i Sundhedsplejen",
        "gul",
        "konsultativ",
        [2, 4],
        "Fast sparring, fx en gang om måneden",
        "Sundhedsplejersker og familier med spæd- og småbørn i risiko.",
        "PPR yder faglig sparring til sundhedsplejerskerne om børn, der ikke er kendte, men som er i risiko, så en mere indgribende indsats kan forebygges.",
    ),
    (
        "Samarbejdsmodel for flygtningebørn med tegn på traume",
        "gul",
        "individuel",
        [1, 3, 4],
        "3–6 måneder",
        "Flygtningebørn og -unge, hvor man har mistanke om en traumerelateret problemstilling.",
        "En helhedsorienteret og tværfaglig indsats, der skal sikre, at barnet eller den unge udnytter sit potentiale i læringsmiljøet.",
    ),
    (
        "Individuelle samtaleforløb af kortere varighed",
        "gul",
        "individuel",
        [1, 3],
        "4–6 samtaler",
        "Børn og unge med et mindre og mere afgrænset støttebehov.",
        "Samtaleforløb, hvor problemerne vurderes ikke at være så komplekse, og hvor indsatsen er relevant for at løse konkrete, afgrænsede problemstillinger. Kan også gennemføres som hold, fx Cool Kids.",
    ),
    (
        "Forløb ved bekymrende fravær og skolevægring",
        "gul",
        "individuel",
        [2, 3, 4],
        "8–12 uger",
        "Elever på mellemtrinnet og i overbygningen med bekymrende fravær eller skolevægring.",
        "PPR's årsagsafdækning og et forløb med elev, forældre og skole, forankret i skolens supportmodel og TRIO og i fraværsprocedurerne “Glad i skole – IGEN”.",
    ),
    (
        "Skilsmissegrupper på dagtilbudsområdet",
        "gul",
        "gruppe",
        [1, 3],
        "8 gange",
        "Børn i dagtilbud, hvis forældre er gået fra hinanden.",
        "Gruppeforløb i dagtilbuddet, hvor børnene sammen med en voksen fra PPR og dagtilbuddet taler om at have to hjem.",
    ),
    (
        "Skilsmissegrupper i hvert skoledistrikt",
        "gul",
        "gruppe",
        [1, 3],
        "10 gange over et halvt år",
        "Skolebørn, hvis forældre er gået fra hinanden; et hold i hvert skoledistrikt.",
        "Gruppeforløb for skolebørn med skilte forældre, ledet af PPR sammen med en medarbejder fra skolen.",
    ),
    (
        "Støttende indsatser til anbragte børn",
        "roed",
        "individuel",
        [1, 3, 4],
        "6–12 måneder",
        "Plejeanbragte børn og unge.",
        "I samarbejde med lærere/pædagoger, plejefamilien (gerne med de biologiske forældre) og evt. familieplejekonsulenter skabes målrettede udviklingsforløb med fokus på læringsmiljøet omkring det anbragte barn og sparring med plejefamilien.",
    ),
    (
        "Individuelle indsatser for børn/unge i specialtilbud",
        "roed",
        "individuel",
        [1, 3, 4],
        "Efter behov, typisk et skoleår",
        "Børn og unge i specialtilbud.",
        "Individuelle indsatser, der bygger bro tilbage til almenområdet for børn og unge i specialtilbud.",
    ),
]

# (order, title, responsible role, threshold %, deadline in working days, description)
ABSENCE_STEPS = [
    (
        1,
        "Kontakt forældrene samme dag",
        "medarbejder",
        Decimal("0"),
        0,
        "Ved ulovligt fravær kontakter skolen forældrene samme dag for at finde årsagen og aftale, hvordan eleven kommer i skole igen.",
    ),
    (
        2,
        "Varsl forældrene og inddrag skolens supportmodel",
        "institutionsleder",
        Decimal("10"),
        5,
        "Ved 10 % ulovligt fravær i et kvartal indkalder skolelederen forældrene til et møde, varsler dem om konsekvenserne ved 15 % og inddrager skolens supportmodel (koordinerende TRIO).",
    ),
    (
        3,
        "Underret kommunen",
        "institutionsleder",
        Decimal("15"),
        3,
        "Ved 15 % ulovligt fravær i et kvartal underretter skolelederen kommunen, som tager stilling til en indsats og til standsning af børne- og ungeydelsen.",
    ),
    (
        4,
        "PPR's årsagsafdækning",
        "psykolog",
        Decimal("15"),
        20,
        "PPR afdækker årsagerne til fraværet sammen med elev, forældre og skole og foreslår en indsats, fx “Forløb ved bekymrende fravær og skolevægring”.",
    ),
]


def seed(apps, schema_editor):
    Beacon = apps.get_model("indsatser", "Beacon")
    Intervention = apps.get_model("indsatser", "Intervention")
    Step = apps.get_model("indsatser", "AbsenceProcedureStep")
    beacons = {}
    for number, title, description in BEACONS:
        beacons[number], _ = Beacon.objects.get_or_create(
            number=number, defaults={"title": title, "description": description}
        )
    for name, level, form, numbers, length, target, description in CATALOGUE:
        intervention, created = Intervention.objects.get_or_create(
            name=name,
            defaults={
                "level": level,
                "form": form,
                "typical_length": length,
                "target_group": target,
                "description": description,
            },
        )
        if created:
            intervention.beacons.set([beacons[number] for number in numbers])
    for order, title, role, threshold, days, description in ABSENCE_STEPS:
        Step.objects.get_or_create(
            order=order,
            defaults={
                "title": title,
                "responsible_role": role,
                "threshold_percent": threshold,
                "deadline_working_days": days,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("indsatser", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
