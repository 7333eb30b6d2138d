"""Filter selects take their options from the cache (ppr/options.py) and never show stale ones
after a save, nor accept a value the field's queryset refuses."""

import pytest
from django.contrib.auth.models import update_last_login
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ppr.accounts.models import Role
from ppr.organisation.models import Institution, InstitutionKind
from tests.factories import InstitutionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = reverse("cases:case-list")


def options(response, field: str) -> dict[str, str]:
    widget = response.context["filter"].form.fields[field].widget
    return {str(value): str(label) for value, label in widget.choices}


def option_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"visning": "alle"}).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "organisation_institution"' in q["sql"] and "ORDER BY" in q["sql"]
    ]


def test_the_options_are_read_once_and_then_come_from_the_cache(cast, client_as):
    client = client_as(cast.ppr_leader)
    assert len(option_queries(client)) == 1
    assert option_queries(client) == []


def test_a_login_does_not_rebuild_the_options(cast, client_as):
    client = client_as(cast.ppr_leader)
    option_queries(client)
    update_last_login(None, cast.psychologist)  # what every login does
    assert option_queries(client) == []


def test_a_new_or_renamed_institution_shows_at_once(cast, client_as):
    client = client_as(cast.ppr_leader)
    client.get(URL, {"visning": "alle"})  # the lists are cached now
    new = InstitutionFactory(name="Nyskolen", district=cast.vest, kind=InstitutionKind.SKOLE)
    cast.school.name = "Vestervang Skole (ny)"
    cast.school.save()

    shown = options(client.get(URL, {"visning": "alle"}), "institution")

    assert shown[str(new.pk)] == "Nyskolen"
    assert shown[str(cast.school.pk)] == "Vestervang Skole (ny)"
    assert shown[""] == "Alle institutioner"  # the empty choice leads, as before


def test_a_new_case_worker_shows_and_the_null_choice_stays(cast, client_as):
    client = client_as(cast.ppr_leader)
    client.get(URL, {"visning": "alle"})
    newcomer = MembershipFactory(
        role=Role.PSYCHOLOGIST, team=cast.team_vest, user__first_name="Nyansat"
    ).user

    shown = options(client.get(URL, {"visning": "alle"}), "sagsbehandler")

    assert "Nyansat" in shown[str(newcomer.pk)]
    assert list(shown)[:2] == ["", "null"]  # "Alle", then "Ikke tildelt"


def test_an_option_gone_stale_is_refused_by_the_field(cast, client_as):
    client = client_as(cast.ppr_leader)
    gone = InstitutionFactory(name="Lukket skole", district=cast.vest)
    client.get(URL, {"visning": "alle"})
    Institution.objects.filter(pk=gone.pk)._raw_delete(Institution.objects.db)  # no signal

    response = client.get(URL, {"visning": "alle", "institution": gone.pk})

    assert str(gone.pk) in options(response, "institution")  # still offered until it expires
    assert "institution" in response.context["filter"].form.errors
    assert len(response.context["table"].page.object_list) == 0


# --- The rendered selects (includes/option_field.html): kept by {% cache %} per generation ------


def filter_form(response, label: str = "Filtrér sager") -> str:
    return response.content.decode().split(f'aria-label="{label}"')[1].split("</form>")[0]


def select_renders(response) -> int:
    """How many selects Django's Select rendered through its template for the response."""
    return sum(1 for t in response.templates if t.name == "django/forms/widgets/select.html")


def test_the_rendered_option_selects_come_from_the_cache(cast, client_as):
    client = client_as(cast.ppr_leader)
    first = client.get(URL, {"visning": "alle"})
    again = client.get(URL, {"visning": "alle"})
    # District, institution and case worker come rendered from the cache; the four small
    # selects of fixed choices (status, colour, age, waiting time) are rendered each time.
    assert select_renders(first) - select_renders(again) == 3
    assert filter_form(again) == filter_form(first)


def test_a_new_institution_and_case_worker_show_in_the_rendered_selects(cast, client_as):
    client = client_as(cast.ppr_leader)
    client.get(URL, {"visning": "alle"})  # the selects are rendered and cached now
    new = InstitutionFactory(name="Nyskolen", district=cast.vest, kind=InstitutionKind.SKOLE)
    newcomer = MembershipFactory(
        role=Role.PSYCHOLOGIST, team=cast.team_vest, user__first_name="Nyansat"
    ).user

    content = client.get(URL, {"visning": "alle"}).content.decode()

    assert f'<option value="{new.pk}">Nyskolen</option>' in content
    assert f'<option value="{newcomer.pk}">Nyansat' in content


def test_the_chosen_option_stays_chosen_in_the_rendered_selects(cast, client_as):
    client = client_as(cast.ppr_leader)
    school, other = cast.school, cast.other_school
    for chosen, not_chosen in ((school, other), (other, school), (school, other)):
        content = client.get(URL, {"visning": "alle", "institution": chosen.pk}).content.decode()
        assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in content
        assert f'<option value="{not_chosen.pk}">{not_chosen.name}</option>' in content
    select = filter_form(client.get(URL, {"visning": "alle"})).split('id="id_institution"')[1]
    select = select.split("</select>")[0]
    assert select.count(" selected>") == 1  # none chosen: the empty choice
    assert '<option value="" selected>Alle institutioner</option>' in select


def test_a_refused_value_is_rendered_afresh_with_its_error(cast, client_as):
    client = client_as(cast.ppr_leader)
    client.get(URL, {"visning": "alle"})
    response = client.get(URL, {"visning": "alle", "institution": "999999"})
    assert "institution" in response.context["filter"].form.errors
    assert select_renders(response) == 5  # the refused select among those rendered afresh
    assert 'id="id_institution_error"' in response.content.decode()
    assert 'id="id_institution_error"' not in client.get(URL).content.decode()


def test_the_queue_and_the_audit_log_keep_their_option_selects_rendered(cast, client_as):
    for user, url, label, rendered_afresh in (
        (cast.secretary, reverse("cases:referral-queue"), "Filtrér modtagelsen", 5),
        (cast.ppr_leader, reverse("audit:event-list"), "Søg i adgangsloggen", 1),
    ):
        client = client_as(user)
        first = client.get(url)
        again = client.get(url)
        assert select_renders(again) == rendered_afresh, url
        assert filter_form(again, label) == filter_form(first, label)
