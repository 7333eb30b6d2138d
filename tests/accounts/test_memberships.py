"""A user's memberships: read on every request for access, named on the start page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ppr.accounts.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def membership_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if 'FROM "accounts_membership"' in q["sql"]]


def test_every_page_reads_the_memberships_alone_without_their_scopes(cast, client_as):
    client = client_as(cast.school_leader)
    client.get(reverse("cases:referral-list"))  # the session settles
    (sql,) = membership_queries(client, reverse("cases:referral-list"))
    assert "JOIN" not in sql


def test_the_start_page_names_each_role_and_its_place(cast, client_as):
    user = cast.psychologist
    for school in (cast.school, cast.other_school):
        MembershipFactory(user=user, role=Role.STAFF, institution=school)
    MembershipFactory(user=user, role=Role.SOCIAL_WORKER, district=cast.vest)
    client = client_as(user)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        content = client.get("/").content.decode()
    for scope in (cast.team_vest, cast.school, cast.other_school, cast.vest):
        assert f" – {scope}</li>" in content
    # The places' names: one query for each kind of place, not one per role.
    for table in ("organisation_institution", "organisation_district", "organisation_team"):
        reads = [q for q in queries.captured_queries if q["sql"].startswith(f'SELECT "{table}"')]
        assert len(reads) == 1, table
