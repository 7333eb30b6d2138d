"""Demo data for tidlig opsporing (seed 004 §3.1–3.3): a health visitor's screenings and the
demo daycare's and school's sprogvurdering, BTU-skemaer and trivselsvurdering – some that led to
a Børnelineal rating or an indstilling, some that did not. Idempotent (client tokens)."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from cases.models import Child, EarlyObservation, RatingContext, Referral, ReferralStatus
from cases.observations.services import link_rating, rating_rationale, record_observation
from cases.ratings.services import rate_child

TOKENS = uuid.UUID("5d1b1c52-8f0e-4c39-9a3c-3f6a0c8e2b71")


@dataclass(frozen=True)
class DemoObservation:
    first: str
    last: str
    by: str  # the demo user's key
    kind: str
    finding: str
    days_ago: int
    text: str
    #: "rating": the observation led to a Børnelineal rating; "referral": to the child's draft.
    led_to: str = ""


OBSERVATIONS = [
    DemoObservation(
        "Storm",
        "Hedegaard",
        "health_visitor",
        "screening",
        "bekymring",
        40,
        "Screening ved 4-årsbesøget: Storm har svært ved at sidde stille og koncentrere sig, "
        "sover uroligt og har mange konflikter i børnehaven ifølge forældrene. Forældrene er "
        "bekymrede og vil gerne have sparring.",
        "rating",
    ),
    DemoObservation(
        "Asta",
        "Nørgaard",
        "pedagogue",
        "sprogvurdering",
        "bekymring",
        21,
        "Sprogvurdering (3-års): Asta forstår enkle beskeder, men bruger få ord og sjældent "
        "sætninger med mere end to ord. Udtalen er utydelig, og hun trækker sig fra samtaler i "
        "gruppen.",
        "referral",
    ),
    DemoObservation(
        "Lily",
        "Kirkegaard",
        "pedagogue",
        "btu",
        "opmaerksomhed",
        14,
        "BTU-skema: Lily er glad og tryg i de voksnes selskab, men leger mest alene og søger "
        "sjældent de andre børn. Vi holder øje og laver små legegrupper på stuen.",
    ),
    DemoObservation(
        "Bertram",
        "Vinther",
        "pedagogue",
        "btu",
        "ingen",
        60,
        "BTU-skema: Bertram trives, indgår i lege med de andre børn og udvikler sig alderssvarende.",
    ),
    DemoObservation(
        "Agnes",
        "Søgaard",
        "teacher",
        "trivsel",
        "opmaerksomhed",
        7,
        "Trivselsvurdering i 4.A: Agnes har været mere stille siden efterårsferien og har haft "
        "flere fraværsdage. Klasselæreren taler med forældrene og følger op om fire uger.",
    ),
    DemoObservation(
        "Bertram",
        "Vinther",
        "health_visitor",
        "screening",
        "ingen",
        120,
        "Screening ved besøget: Alderssvarende udvikling; ingen bekymring.",
    ),
]


def token(*parts: object) -> uuid.UUID:
    return uuid.uuid5(TOKENS, "-".join(str(p) for p in parts))


def seed(organisation) -> None:
    """A few observations on the demo daycare's and school's children."""
    today = timezone.localdate()
    for number, spec in enumerate(OBSERVATIONS):
        child = (
            Child.objects.filter(first_name=spec.first, last_name=spec.last, fictitious=True)
            .select_related("institution")
            .first()
        )
        user = organisation.users.get(spec.by)
        if child is None or user is None:
            continue
        key = token("observation", number, spec.first, spec.last)
        if EarlyObservation.objects.filter(client_token=key).exists():
            continue
        observation = record_observation(
            child=child,
            by=user,
            kind=spec.kind,
            finding=spec.finding,
            text=spec.text,
            observed_on=today - timedelta(days=spec.days_ago),
            client_token=key,
        )
        if spec.led_to == "rating":
            rating = rate_child(
                child=child,
                by=user,
                colour=observation.suggested_colour,
                context=RatingContext.SCREENING,
                rationale=rating_rationale(observation),
                rated_on=observation.observed_on,
                client_token=token("observation-rating", number),
            )
            link_rating(observation, rating, by=user)
        elif spec.led_to == "referral":
            draft = Referral.objects.filter(child=child, status=ReferralStatus.DRAFT).first()
            if draft is not None:
                EarlyObservation.objects.filter(pk=observation.pk).update(referral=draft)
