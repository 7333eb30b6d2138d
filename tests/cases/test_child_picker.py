"""Choosing a child for a new referral by searching (HTMX search-as-you-type or a plain POST)."""

from django.urls import reverse

from cases.models import Referral
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import ChildFactory
from tests.conftest import SESSION_QUERIES, client_for

START = reverse("cases:referral-create")


def find(client, term: str, **extra):
    return client.post(START, {"find": "1", "q": term}, **extra)


def test_the_start_page_has_a_search_field_and_no_dropdown_of_every_child(cast) -> None:
    ChildFactory(institution=cast.school, first_name="Viggo", last_name="Thomsen")
    page = client_for(cast.teacher).get(START).text
    assert 'type="search"' in page and 'hx-post="' + START + '"' in page
    assert "<select" not in page and "Viggo" not in page


def test_htmx_search_answers_with_matching_children_of_the_users_own_institution(cast) -> None:
    viggo = ChildFactory(institution=cast.school, first_name="Viggo", last_name="Thomsen")
    ChildFactory(institution=cast.school, first_name="Anna", last_name="Berg")
    elsewhere = ChildFactory(institution=cast.other_school, first_name="Viggo", last_name="Holm")
    response = find(client_for(cast.teacher), "vig", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'value="{viggo.pk}"' in response.text and f'value="{elsewhere.pk}"' not in response.text
    assert "Anna" not in response.text and "<html" not in response.text
    assert 'id="child-count"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "1 barn fundet" in response.text


def test_every_search_is_audited_with_its_term(cast) -> None:
    ChildFactory(institution=cast.school, first_name="Viggo", last_name="Thomsen")
    find(client_for(cast.teacher), "Thom", HTTP_HX_REQUEST="true")
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.actor == cast.teacher and event.term == "navn=Thom"
    assert event.purpose == "indstilling"


def test_without_javascript_the_search_button_shows_the_whole_page_with_results(cast) -> None:
    viggo = ChildFactory(institution=cast.school, first_name="Viggo", last_name="Thomsen")
    response = find(client_for(cast.teacher), "viggo thom")
    assert response.status_code == 200 and "<html" in response.text
    assert f'value="{viggo.pk}"' in response.text and 'value="viggo thom"' in response.text
    created = client_for(cast.teacher).post(START, {"child": viggo.pk, "q": "viggo thom"})
    assert created.status_code == 302 and Referral.objects.get().child == viggo


def test_a_cpr_number_is_searched_by_post_and_masked_in_the_audit_log(cast) -> None:
    viggo = ChildFactory(institution=cast.school, cpr="0101151234")
    response = find(client_for(cast.teacher), "010115-1234", HTTP_HX_REQUEST="true")
    assert f'value="{viggo.pk}"' in response.text
    assert "010115-1234" not in response.text
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.term == "cpr=010115-xxxx" and event.child_id == viggo.pk


def test_a_cpr_of_a_child_outside_the_users_scope_finds_nothing(cast) -> None:
    ChildFactory(institution=cast.other_school, cpr="0101151234")
    response = find(client_for(cast.teacher), "0101151234", HTTP_HX_REQUEST="true")
    assert "Ingen børn fundet" in response.text and 'name="child"' not in response.text


def test_a_short_or_digit_term_gets_a_danish_message_and_no_search(cast) -> None:
    client = client_for(cast.teacher)
    assert "Skriv mindst to bogstaver" in find(client, "v").text
    assert "Et CPR-nummer skal have 10 cifre" in find(client, "0101").text
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_many_matches_are_cut_at_the_limit_and_the_user_is_asked_to_be_precise(cast) -> None:
    ChildFactory.create_batch(21, institution=cast.school, first_name="Ida")
    response = find(client_for(cast.teacher), "ida", HTTP_HX_REQUEST="true")
    assert response.text.count('name="child"') == 20
    assert "der er flere end 20" in response.text


def test_the_search_has_a_constant_number_of_queries(cast, django_assert_num_queries) -> None:
    client = client_for(cast.teacher)
    ChildFactory(institution=cast.school, first_name="Ida")
    find(client, "ida", HTTP_HX_REQUEST="true")  # warm the session and the user's roles
    with django_assert_num_queries(4 + SESSION_QUERIES) as one:
        find(client, "ida", HTTP_HX_REQUEST="true")
    ChildFactory.create_batch(15, institution=cast.school, first_name="Ida")
    with django_assert_num_queries(len(one.captured_queries)):
        find(client, "ida", HTTP_HX_REQUEST="true")


def test_the_secretary_finds_any_child_and_records_a_parents_request(cast) -> None:
    child = ChildFactory(institution=cast.other_school, first_name="Viggo", last_name="Thomsen")
    client = client_for(cast.secretary)
    assert f'value="{child.pk}"' in find(client, "viggo", HTTP_HX_REQUEST="true").text
    response = client.post(START, {"child": child.pk, "parent_request_note": "Mor ringede."})
    assert response.status_code == 302 and Referral.objects.get(child=child).parent_request


def test_a_child_chosen_on_the_childs_page_is_shown_checked_and_the_read_is_audited(cast) -> None:
    viggo = ChildFactory(institution=cast.school, first_name="Viggo", last_name="Thomsen")
    page = client_for(cast.teacher).get(START + f"?child={viggo.pk}").text
    assert f'value="{viggo.pk}" checked' in page
    assert AuditEvent.objects.filter(child_id=viggo.pk, action=AuditAction.VIEW).exists()


def test_a_child_outside_scope_in_the_link_is_not_shown(cast) -> None:
    other = ChildFactory(institution=cast.other_school, first_name="Viggo")
    page = client_for(cast.teacher).get(START + f"?child={other.pk}").text
    assert f'id="id_child_{other.pk}"' not in page and "Viggo" not in page
    assert client_for(cast.teacher).get(START + "?child=99999999999999999999").status_code == 200


def test_refusing_a_missing_child_shows_the_error_at_the_picker(cast) -> None:
    response = client_for(cast.teacher).post(START, {"q": ""})
    assert response.status_code == 400
    assert 'id="id_child_error"' in response.text
    assert "Vælg hvilket barn indstillingen handler om." in response.text
