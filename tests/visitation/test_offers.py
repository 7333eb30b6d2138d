"""Offers (tilbud) as data: every member of staff reads them, the PPR leader adds, edits,
retires and reinstates them; a retired offer is kept, never deleted."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ppr.audit.models import AuditEvent
from visitation.models import Offer

from .factories import offer

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Globen",
    "kind": "specialgruppe",
    "target_group": "Børn 0–5 år med betydelige udviklingsforstyrrelser.",
    "min_age": "0",
    "max_age": "5",
    "grades": "",
    "places": "12",
    "yearly_price": "310000",
    "own": "on",
}


@pytest.mark.parametrize("role", ["teacher", "school_leader", "psychologist", "social_worker"])
def test_every_member_of_staff_reads_the_offers_with_places_and_price(cast, client_as, role):
    offer(cast)
    response = client_as(getattr(cast, role)).get(reverse("visitation:offer-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kastanjeklassen" in html
    assert "385.000 kr." in html


def test_the_administrator_does_not_read_the_offers(cast, client_as):
    response = client_as(cast.administrator).get(reverse("visitation:offer-list"))
    assert response.status_code == 403


def test_the_ppr_leader_adds_an_offer(cast, client_as):
    data = {**VALID, "institution": cast.daycare.pk}
    response = client_as(cast.ppr_leader).post(reverse("visitation:offer-create"), data)
    saved = Offer.objects.get(name="Globen")
    assert response.status_code == 302
    assert response["Location"] == saved.get_absolute_url()
    assert (saved.places, saved.yearly_price, saved.own) == (12, Decimal("310000"), True)
    assert AuditEvent.objects.filter(
        action="create", object_type="visitation.Offer", purpose="tilbudsoversigt"
    ).exists()


def test_a_bad_offer_is_refused_at_its_fields_in_danish_and_nothing_is_saved(cast, client_as):
    data = {**VALID, "institution": cast.daycare.pk, "places": "0", "min_age": "9", "name": ""}
    response = client_as(cast.ppr_leader).post(reverse("visitation:offer-create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dette felt er påkrævet." in html
    assert "Denne værdi skal være større end eller lig 1." in html
    assert not Offer.objects.exists()


def test_an_age_range_upside_down_is_refused(cast, client_as):
    data = {**VALID, "institution": cast.daycare.pk, "min_age": "6", "max_age": "5"}
    response = client_as(cast.ppr_leader).post(reverse("visitation:offer-create"), data)
    assert response.status_code == 400
    assert "Fra-alder skal være mindre end eller lig til-alder." in response.content.decode()
    assert not Offer.objects.exists()


def test_a_school_leader_cannot_add_or_retire_an_offer(cast, client_as):
    existing = offer(cast)
    client = client_as(cast.school_leader)
    data = {**VALID, "institution": cast.daycare.pk}
    assert client.post(reverse("visitation:offer-create"), data).status_code == 403
    assert client.post(reverse("visitation:offer-retire", args=[existing.pk])).status_code == 403
    assert Offer.objects.count() == 1
    existing.refresh_from_db()
    assert existing.retired_on is None


def test_a_retired_offer_is_kept_hidden_from_the_list_and_can_be_reinstated(cast, client_as):
    existing = offer(cast)
    client = client_as(cast.ppr_leader)
    client.post(reverse("visitation:offer-retire", args=[existing.pk]))
    client.post(reverse("visitation:offer-retire", args=[existing.pk]))  # twice: one change
    existing.refresh_from_db()
    assert existing.retired_on is not None
    assert AuditEvent.objects.filter(object_type="visitation.Offer", action="update").count() == 1
    assert "Kastanjeklassen" not in client.get(reverse("visitation:offer-list")).content.decode()
    shown = client.get(reverse("visitation:offer-list") + "?udfasede=1").content.decode()
    assert "Udfaset" in shown
    client.post(reverse("visitation:offer-reinstate", args=[existing.pk]))
    existing.refresh_from_db()
    assert existing.retired_on is None


def test_the_offer_list_costs_the_same_queries_for_one_offer_or_many(
    cast, client_as, django_assert_num_queries
):
    client = client_as(cast.psychologist)
    offer(cast)
    client.get(reverse("visitation:offer-list"))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("visitation:offer-list"))
    for number in range(5):
        offer(cast, name=f"Tilbud {number}", institution=cast.other_school)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("visitation:offer-list"))
