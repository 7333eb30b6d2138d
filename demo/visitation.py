"""Demo data for visitation: the municipality's special offers with places and prices,
applications for special support from Vestervang Skole on the basis of the demo's final PPVs
(one submitted, one draft), and children granted and placed in the offers (one placement due
for its yearly review). Idempotent: offers by name, applications one per child."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Case, CaseStatus, Ppv, PpvStatus
from cases.ppv.services import finalise_ppv, save_ppv, start_ppv
from demo.ppv import SECTIONS
from ppr.accounts.models import Role
from ppr.deadlines import calendar
from ppr.organisation.models import Institution
from visitation import services
from visitation.models import (
    Committee,
    Offer,
    OfferKind,
    ParentsPosition,
    Placement,
    SupportApplication,
)

COMMITTEE = "Visitationsudvalget for specialpædagogisk bistand"

OFFERS: list[dict[str, Any]] = [
    {
        "name": "Globen",
        "kind": OfferKind.SPECIAL_GROUP,
        "institution": "Børnehuset Mælkebøtten",
        "target_group": "Børn 0–5 år med betydelige og varige vanskeligheder i udviklingen.",
        "min_age": 0,
        "max_age": 5,
        "grades": "",
        "places": 10,
        "yearly_price": Decimal("325000"),
        "own": True,
    },
    {
        "name": "Kastanjeklassen",
        "kind": OfferKind.SPECIAL_CLASS,
        "institution": "Vestervang Skole",
        "target_group": "Elever med autismespektrumforstyrrelse, normalt begavede.",
        "min_age": 6,
        "max_age": 13,
        "grades": "0.–6. klasse",
        "places": 8,
        "yearly_price": Decimal("385000"),
        "own": True,
    },
    {
        "name": "Nordvig Specialskole, afdeling for generelle indlæringsvanskeligheder",
        "kind": OfferKind.SPECIAL_SCHOOL,
        "institution": "Nordvig Specialskole",
        "target_group": "Elever med generelle indlæringsvanskeligheder.",
        "min_age": 6,
        "max_age": 17,
        "grades": "0.–10. klasse",
        "places": 40,
        "yearly_price": Decimal("450000"),
        "own": True,
    },
    {
        "name": "Støtte i almenklassen, Østerbro Skole",
        "kind": OfferKind.SUPPORT_IN_CLASS,
        "institution": "Østerbro Skole",
        "target_group": "Elever med behov for støtte over 9 timer ugentligt i egen klasse.",
        "min_age": 6,
        "max_age": 16,
        "grades": "0.–9. klasse",
        "places": 12,
        "yearly_price": Decimal("210000"),
        "own": True,
    },
    {
        "name": "Heldagsskolen Fjordly (købte pladser)",
        "kind": OfferKind.SPECIAL_SCHOOL,
        "institution": "Nordvig Specialskole",
        "target_group": "Elever med svære sociale og emotionelle vanskeligheder.",
        "min_age": 7,
        "max_age": 17,
        "grades": "1.–10. klasse",
        "places": 3,
        "yearly_price": Decimal("720000"),
        "own": False,
    },
]

APPLICATION_TEXT = {
    "requested_kind": OfferKind.SPECIAL_CLASS,
    "requested_from": None,
    "request_details": (
        "{name} har trods støtte i klassen brug for en mindre gruppe med faste voksne og "
        "forudsigelige rammer hele skoledagen."
    ),
    "plan_goals": "{name} deltager i fællesskabet i mindst tre lektioner om dagen.",
    "plan_actions": "Støttelærer i dansk og matematik, pauseplan, fast makker i frikvarteret.",
    "plan_period": "august–november",
    "plan_evaluation": (
        "Evalueret med eleven, forældrene og PPR: målene er kun delvist nået trods støtten."
    ),
    "plan_evaluated_with": ["elev", "foraeldre", "ppr"],
    "parents_position": ParentsPosition.AGREE,
    "parents_view": "Forældrene ønsker en plads i Kastanjeklassen, tæt på hjemmet.",
    "child_view": "{name} siger, at der er for meget larm i klassen.",
}


def _offers(organisation: Any) -> dict[str, Offer]:
    offers = {}
    for values in OFFERS:
        institution = organisation.institutions.get(values["institution"]) or (
            Institution.objects.filter(name=values["institution"]).first()
        )
        if institution is None:
            continue
        offer, _ = Offer.objects.get_or_create(
            name=values["name"], defaults={**values, "institution": institution}
        )
        offers[offer.name] = offer
    return offers


def _cases(institution: Institution) -> list[Case]:
    """An open case with a final PPV (to submit), then another open case (a draft)."""
    finals = Ppv.objects.filter(status=PpvStatus.FINAL).values("case_id")
    open_cases = Case.objects.filter(status=CaseStatus.OPEN, child__institution=institution)
    first = open_cases.filter(pk__in=finals).order_by("pk").first()
    if first is None:
        return []
    second = open_cases.exclude(pk=first.pk).order_by("pk").first()
    return [first] if second is None else [first, second]


@transaction.atomic
def seed(organisation: Any) -> None:
    offers = _offers(organisation)
    leader = organisation.users.get("school_leader")
    school = organisation.institutions.get("Vestervang Skole")
    if leader is None or school is None:
        return
    for index, case in enumerate(_cases(school)):
        if SupportApplication.objects.filter(child=case.child).exists():
            continue
        application = services.start_application(child=case.child, by=leader)
        name = case.child.first_name
        data: dict[str, Any] = {
            key: value.format(name=name) if isinstance(value, str) else value
            for key, value in APPLICATION_TEXT.items()
        }
        data["requested_offer"] = offers.get("Kastanjeklassen")
        if index == 1:
            data = {key: data[key] for key in ("requested_kind", "request_details")}
        application = services.save_draft(
            application, by=leader, data=data, version=application.version
        )
        if index == 0:
            services.submit_application(application, by=leader)
    _committee(organisation)
    _placements(organisation, offers)


def _committee(organisation: Any) -> None:
    """The visitationsudvalg: the PPR leader chairs, the social worker sits on it; a meeting
    with the submitted applications on its agenda."""
    chair = organisation.users.get("ppr_leader")
    if chair is None:
        return
    committee = Committee.objects.filter(name=COMMITTEE).first() or services.save_committee(
        committee=Committee(name=COMMITTEE), by=chair
    )
    services.add_member(committee=committee, user=chair, function="formand", by=chair)
    member = organisation.users.get("social_worker")
    if member is not None:
        services.add_member(committee=committee, user=member, function="medlem", by=chair)
    meeting = services.plan_meeting(
        committee=committee,
        held_on=calendar.add_working_days(calendar.today(), 5),
        place="Rådhuset, mødelokale 2",
        by=chair,
    )
    for entry in services.build_agenda(meeting=meeting, by=chair):
        if not entry.presentation:
            services.present_case(
                entry=entry,
                presentation=(
                    f"{entry.application.child.first_name} har haft støtte i klassen siden "
                    "august. Handleplanen er evalueret, og PPV'en anbefaler en mindre gruppe."
                ),
                by=chair,
            )


# --- Placements: children placed in the offers, one due for its yearly review ----------------

#: The children placed in the demo's offers: (offer, months since the start). The first started
#: almost a year ago, so its review is due in a few days (a reminder from the outbox).
PLACEMENTS = [
    ("Kastanjeklassen", 12),
    ("Kastanjeklassen", 3),
    ("Heldagsskolen Fjordly (købte pladser)", 5),
]


def _placement_cases() -> list[Case]:
    """Open cases with a psychologist on them and without a PPV or an application, to place."""
    return list(
        Case.objects.filter(status=CaseStatus.OPEN, assigned__memberships__role=Role.PSYCHOLOGIST)
        .exclude(pk__in=Ppv.objects.values("case_id"))
        .exclude(child__in=SupportApplication.objects.values("child_id"))
        .select_related("child", "assigned")
        .distinct()
        .order_by("pk")[: len(PLACEMENTS)]
    )


def _final_ppv(case: Case, psychologist: Any) -> None:
    ppv = start_ppv(case=case, by=psychologist)
    texts = {key: value.format(name=case.child.first_name) for key, value in SECTIONS.items()}
    ppv = save_ppv(ppv, by=psychologist, data=texts, version=ppv.version)
    finalise_ppv(
        ppv,
        by=psychologist,
        version=ppv.version,
        signed_name=str(psychologist),
        signed_title=psychologist.title or "Psykolog",
        signed_on=calendar.today(),
    )


def _placements(organisation: Any, offers: dict[str, Offer]) -> None:
    """Children granted a place through the whole route (PPV, application, the committee's
    recommendation, the decision); the first placement started a year ago and is due for review."""
    chair = organisation.users.get("ppr_leader")
    leader = organisation.users.get("school_leader")
    if chair is None or leader is None:
        return
    if Placement.objects.exists():
        return
    committee = Committee.objects.filter(name=COMMITTEE).first()
    if committee is None:
        return
    meeting = services.plan_meeting(
        committee=committee,
        held_on=calendar.add_working_days(calendar.today(), -10),
        place="Rådhuset, mødelokale 2",
        by=chair,
    )
    today = calendar.today()
    for case, (offer_name, months_ago) in zip(_placement_cases(), PLACEMENTS, strict=False):
        offer = offers.get(offer_name)
        if offer is None:
            continue
        try:
            with transaction.atomic():
                _final_ppv(case, case.assigned)
                by = leader if case.child.institution_id in leader.institution_ids() else chair
                application = services.start_application(child=case.child, by=by)
                name = case.child.first_name
                data: dict[str, Any] = {
                    key: value.format(name=name) if isinstance(value, str) else value
                    for key, value in APPLICATION_TEXT.items()
                }
                data["requested_kind"] = offer.kind
                data["requested_offer"] = offer
                application = services.save_draft(
                    application, by=by, data=data, version=application.version
                )
                services.submit_application(application, by=by)
                entry = services.add_to_agenda(meeting=meeting, application=application, by=chair)
                services.recommend(
                    entry=entry,
                    recommendation="bevilg",
                    offer=offer,
                    note="Handleplanen er afprøvet og evalueret; PPV'en anbefaler tilbuddet.",
                    by=chair,
                )
                # The first review is due a year after the start: in three working days for
                # the placement that started a year ago.
                starts_on = calendar.add_months(today, -months_ago)
                if months_ago == 12:
                    starts_on = calendar.add_months(calendar.add_working_days(today, 3), -12)
                services.decide(
                    application=application,
                    outcome="bevilget",
                    offer=offer,
                    starts_on=starts_on,
                    facts=(
                        f"{name} har trods et års støtte i almenklassen ikke nået handleplanens "
                        "mål, og PPV'en anbefaler et specialtilbud."
                    ),
                    assessment="Behovet kan ikke dækkes i den almene undervisning.",
                    by=chair,
                )
        except ValidationError:
            continue
