"""The decision (afgørelse): made only after the committee's recommendation and any
partshøring; granted with an offer, a start and a review date (at most a year on), refused, or
another intervention; reasons name the facts and the rules; the appeal guidance comes from the
municipality's own name and contact; made once; an appeal is registered with its outcome."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ppr.organisation.models import Municipality
from visitation import services
from visitation.models import ApplicationStatus, Committee, Decision

from .factories import offer, submitted_application

pytestmark = pytest.mark.django_db

FACTS = "Åse har trods et års støtte i klassen ikke nået handleplanens mål; PPV'en anbefaler en mindre gruppe."
ASSESSMENT = "Behovet kan ikke dækkes i den almene undervisning."


def _recommended(cast, recommendation: str = "bevilg"):
    application = submitted_application(cast)
    committee = services.save_committee(committee=Committee(name="Udvalget"), by=cast.ppr_leader)
    meeting = services.plan_meeting(
        committee=committee, held_on=date.today(), place="", by=cast.ppr_leader
    )
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    chosen = offer(cast)
    services.recommend(
        entry=entry,
        recommendation=recommendation,
        offer=chosen if recommendation == "bevilg" else None,
        note="Behovet er dokumenteret.",
        by=cast.ppr_leader,
    )
    return application, chosen


def test_a_grant_names_offer_start_review_reasons_and_appeal_guidance(cast):
    Municipality.objects.update_or_create(
        pk=1, defaults={"ppr_name": "PPR Nordvig", "ppr_address": "Rådhusvej 1, 9990 Nordvig"}
    )
    application, chosen = _recommended(cast)
    start = date.today() + timedelta(days=30)
    decision = services.decide(
        application=application,
        outcome="bevilget",
        offer=chosen,
        starts_on=start,
        facts=FACTS,
        assessment=ASSESSMENT,
        by=cast.ppr_leader,
    )
    assert decision.review_on == start.replace(year=start.year + 1)
    assert "forvaltningslovens §§ 22–24" in decision.rules_applied
    assert "Klagenævnet for Specialundervisning" in decision.appeal_guidance
    assert "4 uger" in decision.appeal_guidance
    assert "PPR Nordvig (Rådhusvej 1, 9990 Nordvig)" in decision.appeal_guidance
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    # Twice is once.
    again = services.decide(
        application=application,
        outcome="afslaaet",
        facts=FACTS,
        assessment=ASSESSMENT,
        by=cast.ppr_leader,
    )
    assert again.pk == decision.pk and Decision.objects.count() == 1


def test_a_grant_without_an_offer_or_start_is_refused_and_nothing_is_saved(cast):
    application, _chosen = _recommended(cast)
    with pytest.raises(ValidationError) as refused:
        services.decide(
            application=application,
            outcome="bevilget",
            facts=FACTS,
            assessment=ASSESSMENT,
            by=cast.ppr_leader,
        )
    assert "En bevilling skal have tilbud, start og revurderingsdato." in str(refused.value)
    assert not Decision.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ON_AGENDA


def test_a_refusal_against_the_parents_waits_for_the_hearing(cast):
    application, _chosen = _recommended(cast, recommendation="afslaa")
    with pytest.raises(ValidationError) as blocked:
        services.decide(
            application=application,
            outcome="afslaaet",
            facts=FACTS,
            assessment=ASSESSMENT,
            by=cast.ppr_leader,
        )
    assert "skal partshøres" in str(blocked.value)
    hearing = services.start_hearing(
        application=application, material="Forventet afslag", by=cast.ppr_leader
    )
    with pytest.raises(ValidationError):
        services.decide(
            application=application,
            outcome="afslaaet",
            facts=FACTS,
            assessment=ASSESSMENT,
            by=cast.ppr_leader,
            today=hearing.deadline,
        )
    decision = services.decide(
        application=application,
        outcome="afslaaet",
        facts=FACTS,
        assessment=ASSESSMENT,
        by=cast.ppr_leader,
        today=hearing.deadline + timedelta(days=1),
    )
    assert decision.offer is None and decision.review_on is None


def test_only_the_ppr_leader_decides(cast):
    application, _chosen = _recommended(cast)
    with pytest.raises(PermissionDenied) as refused:
        services.decide(
            application=application,
            outcome="afslaaet",
            facts=FACTS,
            assessment=ASSESSMENT,
            by=cast.school_leader,
        )
    assert refused.type is PermissionDenied
    assert not Decision.objects.exists()


def test_an_appeal_is_registered_with_its_outcome(cast):
    application, chosen = _recommended(cast)
    decision = services.decide(
        application=application,
        outcome="bevilget",
        offer=chosen,
        starts_on=date.today() + timedelta(days=10),
        facts=FACTS,
        assessment=ASSESSMENT,
        by=cast.ppr_leader,
    )
    with pytest.raises(ValidationError):
        services.register_appeal(
            decision=decision, received_on=date.today() - timedelta(days=1), by=cast.ppr_leader
        )
    appeal = services.register_appeal(
        decision=decision, received_on=date.today(), by=cast.ppr_leader
    )
    assert appeal.outcome == "verserer"
    appeal = services.record_appeal_outcome(
        appeal=appeal,
        outcome="stadfaestet",
        outcome_on=date.today() + timedelta(days=40),
        note="Klagenævnet stadfæstede.",
        by=cast.ppr_leader,
    )
    assert appeal.get_outcome_display() == "Stadfæstet"


def test_the_leader_decides_on_the_agenda_item_page_and_bad_input_is_named_at_its_field(
    cast, client_as
):
    application, chosen = _recommended(cast)
    entry = application.agenda_entries.get()
    client = client_as(cast.ppr_leader)
    url = reverse("visitation:entry-decide", args=[entry.pk])
    bad = client.post(
        url, {"outcome": "bevilget", "offer": chosen.pk, "facts": "", "assessment": ""}
    )
    assert bad.status_code == 400
    assert "Beskriv de faktiske forhold (forvaltningslovens § 24)." in bad.content.decode()
    assert not Decision.objects.exists()
    data = {
        "outcome": "bevilget",
        "offer": chosen.pk,
        "starts_on": (date.today() + timedelta(days=14)).isoformat(),
        "facts": FACTS,
        "assessment": ASSESSMENT,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # double submit: one decision
    assert Decision.objects.count() == 1
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Klagenævnet for Specialundervisning" in page
    # The member reads the decision; only the leader decides.
    assert client_as(cast.social_worker).post(url, data).status_code == 404
