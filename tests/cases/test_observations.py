"""Tidlig opsporing (issue 25, seed 004 §3.1–3.3): dated observations on a child – a health
visitor's screening, a daycare's sprogvurdering or BTU-skema, a trivselsvurdering – that can
lead to a Børnelineal rating, an indstilling or a TRIO henvisning, and show what they led to."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import (
    EarlyObservation,
    RaterProfession,
    Referral,
    ReferralStatus,
    RulerRating,
    observed_children,
)
from cases.observations import services
from meetings.models import ForumReferral, ForumReferralStatus
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import CaseFactory, ChildFactory, EarlyObservationFactory
from tests.conftest import SESSION_QUERIES
from tests.meetings.factories import forum

pytestmark = pytest.mark.django_db


def observation_data(**changes):
    return {
        "observed_on": date.today().isoformat(),
        "kind": "sprogvurdering",
        "finding": "bekymring",
        "text": "Bruger få ord og sjældent sætninger med mere end to ord.",
        "client_token": str(uuid.uuid4()),
    } | changes


def create_url(child) -> str:
    return reverse("cases:observation-create", kwargs={"pk": child.pk})


def list_url(child) -> str:
    return reverse("cases:child-observations", kwargs={"pk": child.pk})


# --- Recording ---------------------------------------------------------------------------------


def test_the_daycare_records_a_sprogvurdering_with_its_profession(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    response = client_as(cast.daycare_leader).post(create_url(child), observation_data())
    observation = EarlyObservation.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == f"{list_url(child)}#observation-{observation.pk}"
    assert (
        observation.kind,
        observation.finding,
        observation.recorded_by,
        observation.profession,
        observation.institution,
    ) == (
        "sprogvurdering",
        "bekymring",
        cast.daycare_leader,
        RaterProfession.INSTITUTION_LEADER,
        cast.daycare,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, child_id=child.pk, purpose="tidlig opsporing"
    ).exists()


def test_the_health_visitor_records_a_screening_of_a_child_without_a_case(cast, client_as):
    child = ChildFactory(institution=cast.daycare)  # district Vest; no case, no referral
    client = client_as(cast.health_visitor)
    page = client.get(create_url(child)).content.decode()
    # She is offered the screening only: the daycare's own tools are the daycare's.
    assert "Sundhedsplejens screening" in page and "BTU-skema" not in page
    response = client.post(create_url(child), observation_data(kind="screening"))
    assert response.status_code == 302
    observation = EarlyObservation.objects.get(child=child)
    assert observation.profession == RaterProfession.HEALTH_VISITOR
    assert not child.cases.exists()


def test_a_health_visitor_cannot_record_a_btu_skema(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    response = client_as(cast.health_visitor).post(create_url(child), observation_data(kind="btu"))
    assert response.status_code == 400
    assert "Vælg en type observation fra listen." in response.content.decode()
    assert not EarlyObservation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "Beskriv kort, hvad I har set."),
        ({"finding": "katastrofe"}, "Vælg et resultat fra listen."),
        ({"finding": ""}, "Vælg et resultat: ingen bekymring, opmærksomhed eller bekymring."),
        ({"kind": ""}, "Vælg en type observation."),
        ({"observed_on": "31-02-2026"}, "Skriv en gyldig dato."),
        ({"observed_on": (date.today() + timedelta(days=3)).isoformat()}, "fremtiden"),
        ({"text": "x" * 5001}, "Beskrivelsen må højst være"),
        ({"client_token": ""}, "Formularen er udløbet. Prøv igen."),
    ],
)
def test_bad_input_is_refused_in_danish_and_nothing_is_saved(cast, client_as, changes, message):
    child = ChildFactory(institution=cast.daycare)
    response = client_as(cast.daycare_leader).post(create_url(child), observation_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EarlyObservation.objects.exists()


def test_a_double_submit_saves_one_observation(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    client = client_as(cast.daycare_leader)
    data = observation_data()
    first = client.post(create_url(child), data)
    second = client.post(create_url(child), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert EarlyObservation.objects.count() == 1


def test_the_service_refuses_who_may_not_record(cast):
    child = ChildFactory(institution=cast.daycare)
    for user in (cast.psychologist, cast.social_worker, cast.school_leader, cast.administrator):
        with pytest.raises(PermissionDenied):
            services.record_observation(
                child=child, by=user, kind="btu", finding="ingen", text="Trives."
            )
    with pytest.raises(ValidationError):
        services.record_observation(
            child=child, by=cast.daycare_leader, kind="screening", finding="ingen", text="x"
        )
    assert not EarlyObservation.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("psychologist", 403),  # reads the child's observations (its case), records none
        ("secretary", 403),
        ("social_worker", 403),
        ("administrator", 403),
        ("other_leader", 404),  # another school's child: nothing about it
        ("school_leader", 404),  # the daycare's child is not the school's
    ],
)
def test_who_may_not_record_gets_403_or_404_and_nothing_is_saved(cast, client_as, role, status):
    child = ChildFactory(institution=cast.daycare, first_name="Hemmelig")
    CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)
    response = client_as(getattr(cast, role)).post(create_url(child), observation_data())
    assert response.status_code == status
    assert "Hemmelig" not in response.content.decode()
    assert not EarlyObservation.objects.exists()


# --- Reading -----------------------------------------------------------------------------------


def test_who_reads_a_childs_observations(cast):
    child = ChildFactory(institution=cast.school)
    CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)
    observation = EarlyObservationFactory(child=child, recorded_by=cast.teacher)
    readers = {
        name
        for name in (
            "psychologist",
            "colleague",
            "outsider",
            "ppr_leader",
            "secretary",
            "school_leader",
            "other_leader",
            "teacher",
            "social_worker",
            "health_visitor",
            "administrator",
            "parent",
        )
        if EarlyObservation.objects.visible_to(getattr(cast, name)).filter(pk=observation.pk)
    }
    assert readers == {
        "psychologist",
        "colleague",
        "ppr_leader",
        "school_leader",
        "teacher",
        "social_worker",
        "health_visitor",
    }
    assert set(observed_children(cast.health_visitor)) >= {child}


def test_a_restricted_childs_observations_are_hidden_from_everyone(cast, client_as):
    from rights.models import Restriction

    child = ChildFactory(institution=cast.school)
    observation = EarlyObservationFactory(child=child, recorded_by=cast.teacher)
    Restriction.objects.create(child=child, reason="Bestrider", restricted_by=cast.ppr_leader)
    for user in (cast.ppr_leader, cast.school_leader, cast.teacher, cast.social_worker):
        assert not EarlyObservation.objects.visible_to(user).filter(pk=observation.pk).exists()
        assert client_as(user).get(list_url(child)).status_code == 404


def test_the_result_suggests_a_colour_but_never_red(cast):
    colours = {
        finding: EarlyObservationFactory.build(finding=finding).suggested_colour
        for finding in ("ingen", "opmaerksomhed", "bekymring")
    }
    assert colours == {"ingen": "groen", "opmaerksomhed": "groen", "bekymring": "gul"}


def test_the_childs_page_lists_its_observations_and_audits_the_read(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    EarlyObservationFactory(child=child, recorded_by=cast.daycare_leader, finding="bekymring")
    EarlyObservationFactory(
        child=child, recorded_by=cast.health_visitor, kind="screening", finding="ingen"
    )
    other = EarlyObservationFactory(child=ChildFactory(institution=cast.daycare))
    response = client_as(cast.health_visitor).get(list_url(child))
    page = response.content.decode()
    assert response.status_code == 200
    assert "BTU-skema" in page and "Sundhedsplejens screening" in page
    assert "Ingen bekymring" in page and "<strong>Bekymring</strong>" in page
    assert f"observation-{other.pk}" not in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, child_id=child.pk, purpose="tidlig opsporing"
    ).exists()


def test_the_secretary_and_the_administrator_see_no_observation(cast, client_as):
    child = ChildFactory(institution=cast.school, first_name="Hemmelig")
    EarlyObservationFactory(child=child, recorded_by=cast.teacher)
    for user in (cast.secretary, cast.administrator, cast.other_leader):
        response = client_as(user).get(list_url(child))
        assert response.status_code == 404
        assert "Hemmelig" not in response.content.decode()


# --- What an observation leads to -------------------------------------------------------------


def test_a_rating_from_an_observation_is_prefilled_and_linked_back(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    observation = EarlyObservationFactory(
        child=child, recorded_by=cast.health_visitor, kind="screening", finding="bekymring"
    )
    client = client_as(cast.health_visitor)
    url = reverse("cases:child-rating-create", kwargs={"pk": child.pk})
    url += f"?observation={observation.pk}"
    form = client.get(url).context["form"]
    assert form["colour"].value() == "gul"  # bekymring: a child at risk, not yet known
    assert form["context"].value() == "screening"
    assert observation.text in form["rationale"].value()
    data = {
        "colour": "gul",
        "rated_on": date.today().isoformat(),
        "context": "screening",
        "rationale": "Bekymring ved screeningen.",
        "client_token": str(uuid.uuid4()),
    }
    first = client.post(url, data)
    second = client.post(url, data)  # a double submit
    assert first.status_code == second.status_code == 302
    rating = RulerRating.objects.get(child=child)
    observation.refresh_from_db()
    assert observation.rating == rating
    assert rating.profession == RaterProfession.HEALTH_VISITOR
    page = client.get(list_url(child)).content.decode()
    assert "Børnelineal-vurdering" in page and "Giv en Børnelineal-vurdering" not in page


def test_a_rating_cannot_be_linked_to_another_childs_observation(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    elsewhere = EarlyObservationFactory(child=ChildFactory(institution=cast.daycare))
    url = reverse("cases:child-rating-create", kwargs={"pk": child.pk})
    response = client_as(cast.health_visitor).get(f"{url}?observation={elsewhere.pk}")
    assert response.status_code == 404


def test_the_daycare_starts_an_indstilling_from_an_observation_once(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    observation = EarlyObservationFactory(child=child, recorded_by=cast.daycare_leader)
    client = client_as(cast.daycare_leader)
    url = reverse("cases:observation-referral", kwargs={"pk": observation.pk})
    first = client.post(url)
    second = client.post(url)
    referral = Referral.objects.get(child=child)
    assert (
        first["Location"]
        == second["Location"]
        == reverse("cases:referral-update", kwargs={"pk": referral.pk})
    )
    assert referral.status == ReferralStatus.DRAFT
    assert observation.text in referral.concern
    observation.refresh_from_db()
    assert observation.referral == referral


def test_ppr_and_partners_do_not_start_an_institutions_indstilling(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    observation = EarlyObservationFactory(child=child, recorded_by=cast.daycare_leader)
    url = reverse("cases:observation-referral", kwargs={"pk": observation.pk})
    for user in (cast.ppr_leader, cast.health_visitor, cast.social_worker):
        assert client_as(user).post(url).status_code == 403
    assert client_as(cast.school_leader).post(url).status_code == 404
    assert not Referral.objects.exists()


def test_the_leader_takes_an_observation_to_the_trio_as_a_drafted_henvisning(cast, client_as):
    child = ChildFactory(institution=cast.daycare)
    observation = EarlyObservationFactory(child=child, recorded_by=cast.daycare_leader)
    client = client_as(cast.daycare_leader)
    url = reverse("meetings:observation-henvisning", kwargs={"pk": observation.pk})
    assert client.get(url).status_code == 200
    target = forum("sparring_ppr")
    first = client.post(url, {"forum": target.pk})
    second = client.post(url, {"forum": target.pk})
    draft = ForumReferral.objects.get()
    assert draft.status == ForumReferralStatus.DRAFT and draft.forum == target
    assert (
        first["Location"]
        == second["Location"]
        == reverse("meetings:forumreferral-finish", kwargs={"pk": draft.pk})
    )
    observation.refresh_from_db()
    assert observation.forum_referral == draft
    # Without every custody holder's consent the draft is anonymous: it does not name the child.
    assert draft.child is None and child.first_name not in draft.rationale


def test_a_henvisning_needs_a_forum_of_the_institution(cast, client_as):
    observation = EarlyObservationFactory(
        child=ChildFactory(institution=cast.daycare), recorded_by=cast.daycare_leader
    )
    url = reverse("meetings:observation-henvisning", kwargs={"pk": observation.pk})
    school_forum = forum("tvaerfagligt_skoleteam")  # a school's forum, not the daycare's
    for data, message in (({}, "Vælg det forum"), ({"forum": school_forum.pk}, "Vælg et forum")):
        response = client_as(cast.daycare_leader).post(url, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not ForumReferral.objects.exists()


# --- The overview ------------------------------------------------------------------------------


def overview(client, query: str = ""):
    return client.get(reverse("cases:observation-overview") + query)


def test_the_overview_shows_recent_observations_with_concern_by_default(cast, client_as):
    concern = EarlyObservationFactory(
        child=ChildFactory(institution=cast.school, first_name="Bekymret"),
        recorded_by=cast.teacher,
        kind="trivsel",
        finding="bekymring",
    )
    EarlyObservationFactory(
        child=ChildFactory(institution=cast.school, first_name="Trivelig"),
        recorded_by=cast.teacher,
        kind="trivsel",
        finding="ingen",
    )
    EarlyObservationFactory(
        child=ChildFactory(institution=cast.other_school, first_name="Fremmed"),
        recorded_by=cast.other_leader,
        kind="trivsel",
    )
    client = client_as(cast.school_leader)
    page = overview(client).content.decode()
    assert "Bekymret" in page and "Trivelig" not in page and "Fremmed" not in page
    everything = overview(client, "?resultat=").content.decode()
    assert "Bekymret" in everything and "Trivelig" in everything and "Fremmed" not in everything
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, child_id=concern.child_id, purpose="tidlig opsporing"
    ).exists()


def test_a_bad_filter_is_answered_in_danish_with_no_rows(cast, client_as):
    EarlyObservationFactory(
        child=ChildFactory(institution=cast.school, first_name="Bekymret"), recorded_by=cast.teacher
    )
    response = overview(client_as(cast.school_leader), "?fra=9999-12-31&type=ukendt")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bekymret" not in page
    assert "Vælg et gyldigt valg" in page or "gyldig" in page


@pytest.mark.parametrize("rows", [1, 30])
def test_the_overview_makes_the_same_number_of_queries_for_1_or_30_rows(
    cast, client_as, django_assert_num_queries, rows
):
    for number in range(rows):
        EarlyObservationFactory(
            child=ChildFactory(institution=cast.school),
            recorded_by=cast.teacher,
            kind="trivsel",
            observed_on=date.today() - timedelta(days=number),
        )
    client = client_as(cast.school_leader)
    overview(client)  # warm the session and the option caches
    # The same for 1 row or 30 (measured on SQLite): no query per row; plus the session.
    with django_assert_num_queries(7 + SESSION_QUERIES):
        response = overview(client)
    assert response.status_code == 200
    # The institution filter offers the leader's own school (one of the 7 queries).
    assert (
        f'<option value="{cast.school.pk}">{cast.school.name}</option>' in response.content.decode()
    )


def test_the_childs_page_makes_a_fixed_number_of_queries(
    cast, client_as, django_assert_num_queries
):
    child = ChildFactory(institution=cast.daycare)
    for _ in range(3):
        EarlyObservationFactory(child=child, recorded_by=cast.daycare_leader)
    client = client_as(cast.daycare_leader)
    client.get(list_url(child))
    with django_assert_num_queries(6 + SESSION_QUERIES):
        assert client.get(list_url(child)).status_code == 200
