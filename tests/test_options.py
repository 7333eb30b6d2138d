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


def options(response, field: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    widget = response.context["filter"].form.fields[field].widget
    return {str(value): str(label) for value, label in widget.choices}


def option_queries(client) -> list[str]:  # type: ignore[no-untyped-def]
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
