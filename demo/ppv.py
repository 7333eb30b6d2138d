"""Demo data for the PPV: one final, signed and sent PPV and one draft, on the demo
psychologist's cases that came from an accepted referral. Idempotent: a case that already has a
PPV is left alone. Called from demo/cases.py after the case side's cases exist."""

import uuid

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseStatus, Ppv, ReferralStatus
from cases.ppv.services import (
    custody_holders,
    finalise_ppv,
    institution_leaders,
    save_ppv,
    send_ppv,
    start_ppv,
)

BATCH = uuid.UUID("0b5c3e0e-6f5d-4c6a-9d7e-2f1a4b8c9d10")

SECTIONS = {
    "examination_period": "Fire uger i efteråret",
    "sources_methods": (
        "Samtale med {name} (to gange), samtale med forældrene, observation i klassen og i "
        "frikvarteret, samtale med klasselærer og læsevejleder, WISC-V og sprogvurdering."
    ),
    "child_perspective": (
        "{name} fortæller, at det er svært at vide, hvad man skal, når der er mange ting på én "
        "gang. Det bedste ved skolen er matematik og frikvartererne med en fast makker."
    ),
    "parents_perspective": (
        "Forældrene oplever et barn, der er træt og irritabel efter skole, men som trives i "
        "weekenderne. De ønsker mere forudsigelighed i skoledagen."
    ),
    "cognitive_development": (
        "Testningen viser et samlet begavelsesniveau inden for normalområdet med en relativ "
        "styrke i perceptuel ræsonnering og en svaghed i arbejdshukommelse."
    ),
    "language_development": (
        "Alderssvarende ordforråd og sætningsdannelse. Sprogforståelsen falder, når "
        "instruktioner er lange og gives til hele klassen."
    ),
    "social_emotional_development": (
        "{name} søger kontakt og har venner, men trækker sig, når legen bliver uforudsigelig. "
        "Frustration vises som uro i overgange."
    ),
    "school": "Går i almenklasse med faste makkerpar og pausekort, hvilket har hjulpet delvist.",
    "family": "Bor med begge forældre og en lillebror. Familien samarbejder godt med skolen.",
    "health_leisure": "Ingen kendte helbredsproblemer. Går til svømning én gang om ugen.",
    "summary": (
        "{name}s vanskeligheder hænger sammen med en svag arbejdshukommelse, der gør lange "
        "instruktioner og skift svære. Støtten bør sigte mod struktur og korte beskeder."
    ),
    "recommendations": (
        "Visuel dagsplan, instruktioner i korte trin, forberedelse før overgange og en fast "
        "voksen i frikvarteret. Opfølgning med PPR efter tre måneder."
    ),
}


def _cases(psychologist) -> list[Case]:
    return list(
        Case.objects.filter(
            assigned=psychologist,
            status=CaseStatus.OPEN,
            referrals__status=ReferralStatus.ACCEPTED,
        )
        .select_related("child__institution")
        .distinct()
        .order_by("pk")[:2]
    )


@transaction.atomic
def seed_ppvs(organisation) -> None:
    psychologist = organisation.users.get("psychologist")
    if psychologist is None:
        return
    for index, case in enumerate(_cases(psychologist)):
        if Ppv.objects.filter(case=case).exists():
            continue
        name = case.child.first_name
        ppv = start_ppv(case=case, by=psychologist)
        texts = {key: value.format(name=name) for key, value in SECTIONS.items()}
        if index == 1:
            # A draft under way: the second half is not written yet.
            texts = dict(list(texts.items())[:5])
        ppv = save_ppv(ppv, by=psychologist, data=texts, version=ppv.version)
        if index == 1:
            continue
        ppv = finalise_ppv(
            ppv,
            by=psychologist,
            version=ppv.version,
            signed_name=str(psychologist),
            signed_title=psychologist.title or "Psykolog",
            signed_on=timezone.localdate(),
        )
        send_ppv(
            ppv,
            by=psychologist,
            guardians=custody_holders(ppv),
            leaders=institution_leaders(ppv),
            batch=BATCH,
        )
