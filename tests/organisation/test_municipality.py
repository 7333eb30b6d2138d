"""The municipality row comes from the cache on every page (ppr/generations.py), and a saved
change shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ppr import generations
from ppr.organisation.models import Municipality

pytestmark = pytest.mark.django_db


def municipality_queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return sum('"organisation_municipality"' in q["sql"] for q in queries.captured_queries)


def test_the_row_is_read_once_and_a_saved_change_shows_at_once(cast, client_as):
    client = client_as(cast.psychologist)
    assert municipality_queries(client) >= 1  # made and read
    assert municipality_queries(client) == 0  # from the cache

    municipality = Municipality.current()
    municipality.name = "Nordvig Kommune"
    municipality.save()

    assert "Nordvig Kommune" in client.get("/").content.decode()
    assert Municipality.current().name == "Nordvig Kommune"


def test_a_value_built_before_a_renewal_is_not_served_after_it() -> None:
    """``cached`` keeps the generation it read before building: a renewal while it builds
    leaves the old value unused."""
    builds = []

    def build() -> str:
        builds.append(1)
        if len(builds) == 1:
            generations.renew("test-values")  # a save elsewhere, while this one builds
        return f"value {len(builds)}"

    assert generations.cached("test-values", build, timeout=60) == "value 1"
    assert generations.cached("test-values", build, timeout=60) == "value 2"
    assert generations.cached("test-values", build, timeout=60) == "value 2"
    assert len(builds) == 2
