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


def decision(cast: Any, case: Case | None = None, *, outcome: str = "bevilget", **kw: Any) -> Any:
    """A submitted application put on a committee's agenda, recommended as the parents wish
    (no partshøring) and decided by the PPR leader: granted with the offer by default."""
    from datetime import date, timedelta

    from visitation.models import Committee

    application = submitted_application(cast, case)
    committee, _ = Committee.objects.get_or_create(name="Visitationsudvalget")
    meeting = services.plan_meeting(
        committee=committee, held_on=date.today(), place="", by=cast.ppr_leader
    )
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    chosen = kw.pop("offer", None) or Offer.objects.filter(name="Kastanjeklassen").first()
    if chosen is None:
        chosen = offer(cast)
    recommendation = {"bevilget": "bevilg", "afslaaet": "afslaa", "anden": "anden"}[outcome]
    services.recommend(
        entry=entry,
        recommendation=recommendation,
        offer=chosen if outcome == "bevilget" else None,
        note="Behovet er dokumenteret.",
        by=cast.ppr_leader,
    )
    if outcome != "bevilget":
        services.start_hearing(application=application, material="Forventet.", by=cast.ppr_leader)
        from visitation.models import Hearing

        hearing = Hearing.objects.get(application=application)
        services.record_hearing_answer(
            hearing=hearing, answered_on=date.today(), answer="Vi er uenige.", by=cast.ppr_leader
        )
    return services.decide(
        application=application,
        outcome=outcome,
        offer=chosen if outcome == "bevilget" else None,
        starts_on=kw.pop("starts_on", date.today() + timedelta(days=14))
        if outcome == "bevilget"
        else None,
        other_intervention="Støtte i klassen" if outcome == "anden" else "",
        facts="Åse har ikke nået handleplanens mål trods støtten.",
        assessment="Behovet kan ikke dækkes i den almene undervisning.",
        by=cast.ppr_leader,
        **kw,
    )


def placement(
    cast: Any,
    chosen: Offer,
    starts_on: Any,
    *,
    ended_on: Any = None,
    end_reason: str = "",
) -> Any:
    """A child placed in ``chosen`` from ``starts_on`` (ended, if given), straight in the
    database: a draft application and a granted decision behind it, as the reports need."""
    from datetime import timedelta

    from tests.cases.case_fixtures import cpr_born, make_case
    from visitation.models import Decision, Placement, school_year_of

    case = make_case(
        cast, assigned=cast.psychologist, child__cpr=cpr_born(starts_on.replace(year=2016))
    )
    application = SupportApplication.objects.create(
        child=case.child, case=case, institution=cast.school, author=cast.school_leader
    )
    granted = Decision.objects.create(
        application=application,
        outcome="bevilget",
        offer=chosen,
        starts_on=starts_on,
        review_on=starts_on + timedelta(days=365),
        facts="Behovet er dokumenteret.",
        rules_applied=services.DEFAULT_RULES,
        assessment="Behovet kan ikke dækkes i den almene undervisning.",
        appeal_guidance=services.appeal_guidance(),
        decided_on=starts_on - timedelta(days=30),
        decided_by=cast.ppr_leader,
    )
    return Placement.objects.create(
        child=case.child,
        case=case,
        offer=chosen,
        decision=granted,
        starts_on=starts_on,
        school_year=school_year_of(starts_on),
        review_on=starts_on + timedelta(days=365),
        ended_on=ended_on,
        end_reason=end_reason,
        ended_by=cast.ppr_leader if ended_on else None,
        created_by=cast.ppr_leader,
    )
