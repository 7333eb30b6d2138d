"""Helpers for the visitation tests: offers, a case with a final PPV, a filled-in application."""

from decimal import Decimal
from typing import Any

from cases.models import Case
from tests.cases.ppv_fixtures import draft, finalise, ppv_case
from visitation import services
from visitation.models import Offer, OfferKind, ParentsPosition, SupportApplication


def offer(cast: Any, **overrides: Any) -> Offer:
    values: dict[str, Any] = {
        "name": "Kastanjeklassen",
        "kind": OfferKind.SPECIAL_CLASS,
        "institution": cast.school,
        "target_group": "Elever med autismespektrumforstyrrelse, 0.–6. klasse.",
        "min_age": 6,
        "max_age": 13,
        "grades": "0.–6. klasse",
        "places": 8,
        "yearly_price": Decimal("385000.00"),
        "own": True,
    }
    values.update(overrides)
    return Offer.objects.create(**values)


def case_with_final_ppv(cast: Any) -> Case:
    """Åse's open case at the cast's school with a final PPV signed today."""
    case = ppv_case(cast)
    finalise(draft(cast, case), cast.psychologist)
    return case


FILLED = {
    "requested_kind": OfferKind.SPECIAL_CLASS,
    "requested_from": "",
    "request_details": "Åse har brug for en mindre gruppe med faste voksne hele skoledagen.",
    "plan_goals": "Åse deltager i fællesskabet i mindst tre lektioner om dagen.",
    "plan_actions": "Støttelærer i dansk og matematik, pauseplan og fast makker.",
    "plan_period": "august–oktober 2026",
    "plan_evaluation": "Evalueret i oktober: målene er kun delvist nået trods støtten.",
    "plan_evaluated_with": ["elev", "foraeldre", "ppr"],
    "parents_position": ParentsPosition.AGREE,
    "parents_view": "Forældrene ønsker en plads i en specialklasse tæt på hjemmet.",
    "child_view": "Åse siger, at der er for meget larm i klassen.",
}


def filled_application(cast: Any, case: Case | None = None, **overrides: Any) -> SupportApplication:
    """A complete draft by the school leader, ready to submit."""
    case = case or case_with_final_ppv(cast)
    application = services.start_application(child=case.child, by=cast.school_leader)
    data = {**FILLED, "requested_from": None, **overrides}
    return services.save_draft(
        application, by=cast.school_leader, data=data, version=application.version
    )


def submitted_application(cast: Any, case: Case | None = None) -> SupportApplication:
    application = filled_application(cast, case)
    return services.submit_application(application, by=cast.school_leader)
