"""Helpers for the placement tests: a granted decision through the whole route (Åse), and
other children's granted decisions made directly (to fill an offer's places)."""

from datetime import date
from typing import Any

from django.utils import timezone

from tests.cases.case_fixtures import cpr_born, make_case
from tests.cases.ppv_fixtures import draft, finalise
from visitation import services
from visitation.models import (
    ApplicationStatus,
    Committee,
    Decision,
    DecisionOutcome,
    Offer,
    SupportApplication,
)

from .factories import submitted_application

FACTS = "Åse har trods et års støtte i klassen ikke nået handleplanens mål."
ASSESSMENT = "Behovet kan ikke dækkes i den almene undervisning."


def granted(cast: Any, chosen: Offer, starts_on: date) -> Decision:
    """Åse's application recommended and granted a place in ``chosen`` from ``starts_on``
    (the decision places her at once when there is room)."""
    application = submitted_application(cast)
    committee = services.save_committee(committee=Committee(name="Udvalget"), by=cast.ppr_leader)
    meeting = services.plan_meeting(
        committee=committee, held_on=date.today(), place="", by=cast.ppr_leader
    )
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    services.recommend(
        entry=entry, recommendation="bevilg", offer=chosen, note="Dokumenteret.", by=cast.ppr_leader
    )
    return services.decide(
        application=application,
        outcome=DecisionOutcome.GRANTED,
        offer=chosen,
        starts_on=starts_on,
        facts=FACTS,
        assessment=ASSESSMENT,
        by=cast.ppr_leader,
    )


def other_grant(cast: Any, chosen: Offer, starts_on: date, **case: Any) -> Decision:
    """Another child's granted decision for ``chosen``, without the route before it."""
    case.setdefault("child__cpr", cpr_born(date(2016, 5, 2)))
    other = make_case(cast, assigned=cast.psychologist, **case)
    ppv = finalise(draft(cast, other), cast.psychologist)
    application = SupportApplication.objects.create(
        child=other.child,
        case=other,
        institution=cast.school,
        author=cast.school_leader,
        status=ApplicationStatus.DECIDED,
        ppv=ppv,
        submitted_at=timezone.now(),
        submitted_by=cast.school_leader,
    )
    return Decision.objects.create(
        application=application,
        outcome=DecisionOutcome.GRANTED,
        offer=chosen,
        starts_on=starts_on,
        review_on=services.review_deadline(starts_on),
        facts=FACTS,
        rules_applied=services.DEFAULT_RULES,
        assessment=ASSESSMENT,
        appeal_guidance="Klagevejledning.",
        decided_on=date.today(),
        decided_by=cast.ppr_leader,
    )
