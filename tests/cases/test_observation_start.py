"""Registrér en observation (issue 25, seed 004 §3.1–3.3): from the Tidlig opsporing overview a
health visitor or a daycare's or school's leader or staff finds a child – one without any
observation yet – with the child picker (by name or the whole CPR number, always posted and
audited) among the children they may record observations on, and goes on to its form."""

import pytest
from django.urls import reverse

from cases.models import EarlyObservation
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import ChildFactory
from tests.cases.test_observations import observation_data
from tests.conftest import SESSION_QUERIES, client_for

pytestmark = pytest.mark.django_db

START = reverse("cases:observation-start")
OVERVIEW = reverse("cases:observation-overview")
NOT_FOUND = "Ingen børn fundet – tjek stavningen eller CPR-nummeret."


def find(client, term: str, **extra):
    return client.post(START, {"find": "1", "q": term}, **extra)


def htmx_find(client, term: str):
    return find(client, term, HTTP_HX_REQUEST="true")


def create_url(child) -> str:
    return reverse("cases:observation-create", kwargs={"pk": child.pk})


@pytest.mark.parametrize(
    ("role", "institution", "kind"),
    [
        ("daycare_leader", "daycare", "sprogvurdering"),
        ("teacher", "school", "trivsel"),
        ("health_visitor", "daycare", "screening"),
    ],
)
def test_each_recording_role_goes_from_the_overview_to_a_new_childs_form(
    cast, role, institution, kind
) -> None:
    user = getattr(cast, role)
    child = ChildFactory(institution=getattr(cast, institution), first_name="Viggo")
    client = client_for(user)
    overview = client.get(OVERVIEW).text
    assert f'href="{START}"' in overview and "Registrér en observation" in overview
    page = client.get(START)
    assert page.status_code == 200 and 'type="search"' in page.text
    assert f'hx-post="{START}"' in page.text and "Viggo" not in page.text
    found = htmx_find(client, "viggo")
    assert f'value="{child.pk}"' in found.text and "1 barn fundet" in found.text
    chosen = client.post(START, {"child": child.pk, "q": "viggo"})
    assert chosen.status_code == 302 and chosen["Location"] == create_url(child)
    assert not child.observations.exists()
    saved = client.post(create_url(child), observation_data(kind=kind))
    assert saved.status_code == 302
    assert EarlyObservation.objects.get(child=child).recorded_by == user


def test_without_javascript_the_search_button_shows_the_whole_page_with_results(cast) -> None:
    viggo = ChildFactory(institution=cast.daycare, first_name="Viggo", last_name="Thomsen")
    response = find(client_for(cast.daycare_leader), "viggo thom")
    assert response.status_code == 200 and "<html" in response.text
    assert f'value="{viggo.pk}"' in response.text and 'value="viggo thom"' in response.text


def test_the_health_visitor_finds_her_districts_children_only(cast) -> None:
    daycare = ChildFactory(institution=cast.daycare, first_name="Viggo")
    school = ChildFactory(institution=cast.school, first_name="Viggo")
    elsewhere = ChildFactory(institution=cast.other_school, first_name="Viggo")  # district Øst
    response = htmx_find(client_for(cast.health_visitor), "viggo")
    assert f'value="{daycare.pk}"' in response.text and f'value="{school.pk}"' in response.text
    assert f'value="{elsewhere.pk}"' not in response.text


def test_a_child_outside_scope_is_not_found_and_its_existence_does_not_show(cast) -> None:
    """By name, by CPR or by a posted key, a child of another institution answers exactly as a
    child that does not exist."""
    # A name no Faker first name matches: the signed-in user's own name is random (da_DK).
    other = ChildFactory(institution=cast.other_school, first_name="Fremmedbarn", cpr="0202161234")
    client = client_for(cast.daycare_leader)
    by_name, nobody = htmx_find(client, "fremmedbarn"), htmx_find(client, "ingenbarn")
    assert NOT_FOUND in by_name.text and by_name.text == nobody.text
    by_cpr = htmx_find(client, "020216-1234")
    assert NOT_FOUND in by_cpr.text and 'name="child"' not in by_cpr.text
    assert by_cpr.text == htmx_find(client, "030316-1234").text
    chosen = client.post(START, {"child": other.pk})
    missing = client.post(START, {"child": other.pk + 1000})
    assert chosen.status_code == missing.status_code == 400
    assert "Vælg et barn fra listen." in chosen.text and "Fremmedbarn" not in chosen.text
    # The health visitor of another district does not reach it either (no case, no form).
    assert client_for(cast.health_visitor).post(START, {"child": other.pk}).status_code == 400
    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH)
    assert not searches.filter(child_id=other.pk).exists()


def test_a_cpr_search_is_posted_and_audited_without_the_cpr_number(cast) -> None:
    viggo = ChildFactory(institution=cast.daycare, cpr="0101221234")
    response = htmx_find(client_for(cast.health_visitor), "010122-1234")
    assert f'value="{viggo.pk}"' in response.text and "010122-1234" not in response.text
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert (event.actor, event.term, event.child_id, event.purpose) == (
        cast.health_visitor,
        "cpr=010122-xxxx",
        viggo.pk,
        "tidlig opsporing",
    )
    texts = " ".join(
        str(value) for row in AuditEvent.objects.values_list() for value in row if value
    )
    assert "0101221234" not in texts and "010122-1234" not in texts


def test_a_missing_choice_is_refused_in_danish_at_the_picker(cast) -> None:
    response = client_for(cast.teacher).post(START, {"q": ""})
    assert response.status_code == 400
    assert 'id="id_child_error"' in response.text and 'id="form-errors"' in response.text
    assert "Find barnet, og vælg det på listen." in response.text


def test_a_child_not_in_ppr_sag_is_explained_and_who_may_register_is_linked(cast) -> None:
    register = reverse("cases:child-create")
    leader = client_for(cast.daycare_leader).get(START).text
    assert "Findes barnet ikke i PPR Sag?" in leader and f'href="{register}"' in leader
    visitor = client_for(cast.health_visitor).get(START).text
    assert "Findes barnet ikke i PPR Sag?" in visitor and f'href="{register}"' not in visitor
    assert "Kontakt barnets dagtilbud eller skole eller PPR's sekretariat" in visitor


@pytest.mark.parametrize(
    "role", ["social_worker", "psychologist", "ppr_leader", "secretary", "administrator"]
)
def test_roles_that_do_not_record_get_no_action_and_403(cast, role) -> None:
    client = client_for(getattr(cast, role))
    assert client.get(START).status_code == 403
    assert find(client, "viggo").status_code == 403
    assert f'href="{START}"' not in client.get(OVERVIEW).text


def test_the_page_and_the_search_make_a_fixed_number_of_queries(
    cast, django_assert_num_queries
) -> None:
    client = client_for(cast.health_visitor)
    ChildFactory(institution=cast.daycare, first_name="Ida")
    child = ChildFactory(institution=cast.daycare)
    client.get(START)  # warm the session
    # The user and their memberships; the search: the children and the audit event.
    with django_assert_num_queries(2 + SESSION_QUERIES):
        assert client.get(START).status_code == 200
    htmx_find(client, "ida")
    with django_assert_num_queries(4 + SESSION_QUERIES) as one:
        htmx_find(client, "ida")
    ChildFactory.create_batch(15, institution=cast.school, first_name="Ida")
    with django_assert_num_queries(len(one.captured_queries)):
        assert htmx_find(client, "ida").text.count('name="child"') == 16
    # The choice: the user, their memberships and the child.
    with django_assert_num_queries(3 + SESSION_QUERIES):
        assert client.post(START, {"child": child.pk}).status_code == 302
