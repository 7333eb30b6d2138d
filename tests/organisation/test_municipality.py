"""The municipality row comes from the cache on every page (ppr/generations.py), and a saved
change shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.organisation import seed_organisation
from ppr import generations
from ppr.organisation.models import Municipality

pytestmark = pytest.mark.django_db


def municipality_queries(client) -> int:
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


def test_many_values_are_read_with_their_generation_in_one_round_trip(monkeypatch) -> None:
    """``cached_many`` reads the generation and every part together and builds only the parts
    it does not hold for the current generation."""
    builds: list[str] = []

    def build(part: str):
        return lambda: builds.append(part) or f"{part} {len(builds)}"

    parts = {"a": build("a"), "b": build("b")}
    first = generations.cached_many("test-many", parts, timeout=60)
    assert first == {"a": "a 1", "b": "b 2"}

    reads = []
    get_many = generations.cache.get_many
    monkeypatch.setattr(
        generations.cache, "get_many", lambda keys: reads.append(keys) or get_many(keys)
    )
    assert generations.cached_many("test-many", parts, timeout=60) == first
    assert len(reads) == 1 and builds == ["a", "b"]

    generations.cache.delete("ppr:generation-value:test-many:b")  # evicted
    assert generations.cached_many("test-many", parts, timeout=60) == {"a": "a 1", "b": "b 3"}
    generations.renew("test-many")
    assert generations.cached_many("test-many", parts, timeout=60) == {"a": "a 4", "b": "b 5"}


def test_the_administrator_edits_pprs_contact_details_where_the_municipality_is_edited(
    cast, client_as
):
    municipality = Municipality.current()
    html = (
        client_as(cast.administrator)
        .get(reverse("admin:organisation_municipality_change", args=[municipality.pk]))
        .content.decode()
    )
    for field in ("ppr_name", "ppr_address", "ppr_phone", "ppr_email"):
        assert f'name="{field}"' in html


def test_the_demo_municipality_has_pprs_name_address_and_contact_details():
    seed_organisation()
    municipality = Municipality.current()
    assert municipality.ppr_sender == "PPR Nordvig"
    assert (
        municipality.ppr_contact == "Rådhusvej 1, 9990 Nordvig · Tlf. 72 00 00 00 · ppr@nordvig.dk"
    )
