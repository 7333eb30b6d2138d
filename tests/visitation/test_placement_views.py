"""The placement pages: the offer's places per school year, its placed children and waiting
list; placing a waiting child (refused in Danish when full, over capacity with a reason); a
placement's page (audited read) and the review form (keeps its values on error, a double
submit saves one review). Exact query counts."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ppr.audit.models import AuditEvent
from visitation import placements
from visitation.models import Placement, PlacementReview

from .factories import offer
from .placement_factories import granted, other_grant
from .test_placements import PROGRESS, _start

pytestmark = pytest.mark.django_db


def _scene(cast):
    """A one-place offer: Åse placed in it, another child granted and waiting."""
    chosen = offer(cast, places=1)
    placement = Placement.objects.get(decision=granted(cast, chosen, _start()))
    waiting = other_grant(cast, chosen, _start(), child__first_name="Bertram")
    return chosen, placement, waiting


def test_the_offer_page_shows_places_per_school_year_placed_and_waiting_children(
    cast, client_as, django_assert_num_queries
):
    chosen, placement, waiting = _scene(cast)
    client = client_as(cast.ppr_leader)
    client.get(chosen.get_absolute_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(chosen.get_absolute_url())
    other_grant(cast, chosen, _start())  # a second child waiting: the same queries
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(chosen.get_absolute_url())
    html = response.content.decode()
    year = placements.shown_years()[0]
    assert f"{year}/{str(year + 1)[-2:]}" in html
    assert placement.child.name in html
    assert waiting.application.child.name in html
    assert reverse("visitation:decision-place", args=[waiting.pk]) in html
    assert AuditEvent.objects.filter(action="search", purpose="visitation").exists()


def test_a_teacher_sees_the_counts_but_no_child(cast, client_as):
    chosen, placement, waiting = _scene(cast)
    response = client_as(cast.teacher).get(chosen.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pladser pr. skoleår" in html
    assert placement.child.name not in html
    assert waiting.application.child.name not in html


def test_placing_a_waiting_child_in_a_full_offer_needs_the_leaders_reason(cast, client_as):
    _chosen, _placement, waiting = _scene(cast)
    client = client_as(cast.ppr_leader)
    url = reverse("visitation:decision-place", args=[waiting.pk])
    refused = client.post(url, {"override_reason": ""})
    assert refused.status_code == 400
    assert "Der er ingen ledige pladser i Kastanjeklassen" in refused.content.decode()
    assert not Placement.objects.filter(decision=waiting).exists()
    done = client.post(url, {"override_reason": "Akut behov."})
    placed = Placement.objects.get(decision=waiting)
    assert done.status_code == 302 and done["Location"] == placed.get_absolute_url()
    assert placed.over_capacity and placed.override_reason == "Akut behov."
    # Twice: the child is already placed.
    again = client.post(url, {"override_reason": "Akut behov."})
    assert again.status_code == 302 and Placement.objects.filter(decision=waiting).count() == 1


def test_the_placement_page_is_an_audited_read(cast, client_as, django_assert_num_queries):
    _chosen, placement, _waiting = _scene(cast)
    client = client_as(cast.psychologist)
    client.get(placement.get_absolute_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(placement.get_absolute_url())
    placements.review_placement(
        placement=placement,
        by=cast.psychologist,
        progress=PROGRESS,
        colour="gul",
        rationale="Stadig behov.",
        outcome="fortsaet",
    )
    with django_assert_num_queries(len(before.captured_queries)):  # reviews: the same queries
        response = client.get(placement.get_absolute_url())
    assert response.status_code == 200
    assert "Revurdér placeringen" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", object_type="visitation.Placement", object_id=str(placement.pk)
    ).exists()


def test_the_review_page_for_the_right_roles_only(cast, client_as, django_assert_num_queries):
    _chosen, placement, _waiting = _scene(cast)
    url = reverse("visitation:placement-review", args=[placement.pk])
    client = client_as(cast.psychologist)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert client_as(cast.school_leader).get(url).status_code == 403
    assert client_as(cast.other_leader).get(url).status_code == 404
    assert client_as(cast.teacher).get(url).status_code == 404


def test_a_refused_review_keeps_its_values_and_a_double_submit_saves_one(cast, client_as):
    _chosen, placement, _waiting = _scene(cast)
    client = client_as(cast.psychologist)
    url = reverse("visitation:placement-review", args=[placement.pk])
    token = str(uuid.uuid4())
    data = {
        "progress": PROGRESS,
        "colour": "gul",
        "rationale": "Stadig brug for gruppen.",
        "outcome": "aendr",
        "change_note": "",
        "next_review_on": "",
        "client_token": token,
    }
    refused = client.post(url, data)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "Beskriv, hvad der skal ændres i støtten." in html
    assert PROGRESS in html and "Stadig brug for gruppen." in html
    assert re.search(r'value="gul"[^>]*checked', html)
    assert not PlacementReview.objects.exists()
    data["outcome"] = "almen"
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and first["Location"] == placement.get_absolute_url()
    assert second.status_code == 302
    assert PlacementReview.objects.count() == 1
    placement.refresh_from_db()
    assert placement.end_reason == "almen"
