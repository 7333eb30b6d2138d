"""Demo data for the case side: open and closed cases with journal entries and rating histories.

``seed_cases(organisation)`` runs after the referral side has created its fictitious children
(demo/cases.py calls it last). It works on every fictitious child:

- a child whose referral was accepted already has an open case: it gets a journal and ratings;
- a child with a referral still in the flow (draft, submitted, received, rejected, redirected)
  is left alone;
- a child with no referral gets a case opened directly by PPR (as the secretary does for a
  parent's own request); every fourth also has an older closed case with an outcome.
- the social worker and the health visitor of district Vest each rate two children of their
  district (``PARTNER_RATINGS``), so the Børnelineal reads across professions.

Everything goes through the services, and is idempotent: journal entries and ratings carry
deterministic client tokens, and open_case returns the open case if there is one.
"""

import random
import uuid
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from cases.casework.services import close_case, open_case
from cases.journal.services import add_journal_entry, correct_journal_entry
from cases.models import (
    Case,
    CaseOutcome,
    CaseStatus,
    Child,
    JournalKind,
    RatingContext,
    ReferralStatus,
)
from cases.models.access import partner_district_ids
from cases.ratings.services import rate_child
from ppr.accounts.models import User
from ppr.organisation.models import DAYCARE_KINDS, SCHOOL_KINDS

TOKENS = uuid.UUID("5d1b7a52-8f0e-4f8e-9a51-6a0f2c1e9d33")

#: The referral flow owns these children until PPR accepts the referral.
IN_FLOW = (
    ReferralStatus.DRAFT,
    ReferralStatus.SUBMITTED,
    ReferralStatus.RECEIVED,
    ReferralStatus.REJECTED,
    ReferralStatus.REDIRECTED,
)

JOURNAL = [
    (
        JournalKind.SAMTALE,
        "Samtale med eleven",
        "Samtale med {name} om skoledagen. {name} fortæller, at frikvartererne er svære, og at det hjælper at have en fast makker.",
    ),
    (
        JournalKind.OBSERVATION,
        "Observation i klassen",
        "Observation i dansktimen (45 min.). {name} går i gang med opgaven efter fælles instruktion, men mister fokus efter ca. 10 minutter og søger kontakt til sidemanden.",
    ),
    (
        JournalKind.TELEFON,
        "Telefonsamtale med forældrene",
        "Telefonsamtale med mor. Forældrene oplever, at {name} er træt efter skole og har svært ved at falde i søvn. Aftalt at drøfte det på netværksmødet.",
    ),
    (
        JournalKind.MOEDE,
        "Netværksmøde",
        "Møde med forældre, klasselærer og AKT-vejleder. Aftalt: fast struktur på dagen, pausekort og opfølgning om seks uger.",
    ),
    (
        JournalKind.TEST,
        "Testning",
        "Kognitiv testning gennemført over to formiddage. {name} var motiveret og samarbejdede godt. Resultaterne indgår i den pædagogisk-psykologiske vurdering.",
    ),
    (
        JournalKind.KORRESPONDANCE,
        "Mail fra skolen",
        "Skolen skriver, at {name} har haft en bedre periode efter de nye tiltag, men at fraværet stadig er højere end i klassen generelt.",
    ),
    (
        JournalKind.ANDET,
        "Sparring med klasseteamet",
        "Sparring med klasseteamet om overgange i løbet af dagen. Teamet afprøver visuel dagsplan og varsling før skift.",
    ),
]

#: The partners' ratings (seed 004 §3: the Børnelineal is used across professions): the demo's
#: social worker rates two pupils with open PPR cases in the cross-professional work, the
#: health visitor two daycare children after a screening, both in district Vest, so a child's
#: Børnelineal page and the report show ratings from more than one profession.
PARTNER_RATINGS = [
    (
        "social_worker",
        SCHOOL_KINDS,
        RatingContext.PARTNER,
        [
            (
                "gul",
                "Familien har søgt rådgivning; barnet er i risiko, men der er ingen sag hos os.",
            ),
            ("roed", "Underretning modtaget; familien har brug for støtte ud over skolens."),
        ],
    ),
    (
        "health_visitor",
        DAYCARE_KINDS,
        RatingContext.SCREENING,
        [
            ("groen", "Sprog og motorik alderssvarende ved screeningen; trives i børnehaven."),
            (
                "gul",
                "Sent sprog ved screeningen; forældrene er bekymrede. Følges op om tre måneder.",
            ),
        ],
    ),
]

RATING_RATIONALE = {
    "groen": "Trivslen er stabil; de almene tilbud og klassens tiltag er nok.",
    "gul": "Trivslen svinger; der er risiko, men behovet er endnu ikke afklaret.",
    "roed": "Der er et afklaret behov for særlig støtte ud over det almene.",
}


def token(*parts: object) -> uuid.UUID:
    return uuid.uuid5(TOKENS, "-".join(str(p) for p in parts))


def _caseworker_for(child: Child, organisation, rng: random.Random) -> User | None:
    users = organisation.users
    if rng.random() < 0.12:
        return None  # unassigned: the PPR leader's start page shows these
    if child.institution.district.name == "Øst":
        return users.get("psychologist_oest")
    choices = [
        users.get("psychologist"),
        users.get("psychologist_team"),
        users.get("speech_therapist"),
    ]
    return rng.choice([u for u in choices if u is not None] or [None])


def _spread(start: date, end: date, k: int, count: int) -> date:
    """The k-th of ``count`` dates spread evenly after ``start`` up to ``end``."""
    span = max((end - start).days, 0)
    return start + timedelta(days=(k + 1) * span // (count + 1))


def _journal_and_ratings(case: Case, organisation, *, start: date, end: date) -> None:
    """A few journal entries and a rating history between ``start`` and ``end``."""
    # Seeded by the case alone, so a second run makes the same choices (and the same tokens).
    rng = random.Random(case.pk)
    users = organisation.users
    author = case.assigned or users.get("psychologist") or users["ppr_leader"]
    name = case.child.first_name
    count = rng.randint(2, 6)
    for k in range(count):
        kind, title, text = JOURNAL[(case.child_id + k) % len(JOURNAL)]
        entry = add_journal_entry(
            case=case,
            by=author,
            occurred_on=_spread(start, end, k, count),
            kind=kind,
            title=title,
            text=text.format(name=name),
            client_token=token("journal", case.pk, k),
        )
        if k == 0 and case.child_id % 3 == 0 and entry.version == 1:
            correct_journal_entry(
                entry=entry,
                by=author,
                expected_version=1,
                text=entry.text + " (Rettet: samtalen foregik med begge forældre.)",
                reason="Præcisering af hvem der deltog",
            )
    colour_path = rng.choice(
        [
            ["gul", "roed", "roed", "gul"],
            ["gul", "gul", "groen"],
            ["roed", "roed", "gul", "gul", "groen"],
            ["groen", "gul", "roed"],
        ]
    )
    steps = rng.randint(2, len(colour_path))
    for k, colour in enumerate(colour_path[:steps]):
        rate_child(
            child=case.child,
            by=author,
            colour=colour,
            context=RatingContext.CASE if k else RatingContext.REFERRAL,
            rationale=RATING_RATIONALE[colour],
            rated_on=start if k == 0 else _spread(start, end, k - 1, steps - 1),
            case=case,
            client_token=token("rating", case.pk, k),
        )


@transaction.atomic
def seed_cases(organisation) -> None:
    """Add open and closed cases with journals and Børnelineal histories to the demo children."""
    leader = organisation.users["ppr_leader"]
    secretary = organisation.users.get("secretary", leader)
    now = timezone.now()
    today = timezone.localdate()
    children = (
        Child.objects.filter(fictitious=True).select_related("institution__district").order_by("pk")
    )
    for index, child in enumerate(children):
        rng = random.Random(child.pk)
        case = Case.objects.filter(child=child, status=CaseStatus.OPEN).first()
        if case is not None:
            # Opened by the referral side (an accepted referral): give it a journal and ratings.
            _journal_and_ratings(
                case, organisation, start=timezone.localtime(case.opened_at).date(), end=today
            )
            continue
        if (
            child.referrals.filter(status__in=IN_FLOW).exists()
            or Case.objects.filter(child=child).exists()
        ):
            continue  # still in the referral flow, or seeded before (closed only)
        if index % 4 == 3:
            # An earlier course that ended; every other of these children came back later.
            old = open_case(
                child=child, by=secretary, assignee=_caseworker_for(child, organisation, rng)
            )
            opened = now - timedelta(days=rng.randint(400, 700))
            closed = opened + timedelta(days=rng.randint(90, 250))
            Case.objects.filter(pk=old.pk).update(opened_at=opened)
            _journal_and_ratings(
                old,
                organisation,
                start=timezone.localtime(opened).date(),
                end=timezone.localtime(closed).date(),
            )
            close_case(
                case=old,
                by=leader,
                outcome=rng.choice(CaseOutcome.values),
                note="Forløbet er afsluttet efter opfølgning med skolen og forældrene.",
            )
            Case.objects.filter(pk=old.pk).update(closed_at=closed)
            if index % 8 != 3:
                continue
        case = open_case(
            child=child, by=secretary, assignee=_caseworker_for(child, organisation, rng)
        )
        opened = now - timedelta(days=rng.randint(5, 240))
        Case.objects.filter(pk=case.pk).update(opened_at=opened)
        _journal_and_ratings(case, organisation, start=timezone.localtime(opened).date(), end=today)
    _partner_ratings(organisation, today)


def _partner_ratings(organisation, today: date) -> None:
    """The social worker's and the health visitor's ratings (``PARTNER_RATINGS``): children in
    their district, the pupils with an open case first, each rated once (client tokens)."""
    for key, kinds, context, ratings in PARTNER_RATINGS:
        rater = organisation.users.get(key)
        if rater is None:
            continue
        children = Child.objects.filter(
            fictitious=True,
            institution__kind__in=kinds,
            institution__district_id__in=partner_district_ids(rater),
        ).order_by("pk")
        with_case = children.filter(cases__status=CaseStatus.OPEN).values_list("pk", flat=True)
        everyone = children.values_list("pk", flat=True)
        picked = list(dict.fromkeys([*with_case, *everyone]))[: len(ratings)]
        for k, (pk, (colour, rationale)) in enumerate(zip(picked, ratings, strict=False)):
            rate_child(
                child=Child.objects.get(pk=pk),
                by=rater,
                colour=colour,
                context=context,
                rationale=rationale,
                rated_on=today - timedelta(days=14 * (k + 1)),
                client_token=token("partner-rating", key, pk),
            )
