"""The appeal page: the PPR leader registers a complaint about a decision (received, from whom)
and later its outcome at Klagenævnet for Specialundervisning; errors stand at their fields; every
read and change is audited; nobody else opens the page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from ppr.audit.models import AuditAction, AuditEvent
from visitation.models import Appeal

from .factories import decision

pytestmark = pytest.mark.django_db


def test_the_leader_registers_an_appeal_and_its_outcome(cast, client_as):
    granted = decision(cast)
    client = client_as(cast.ppr_leader)
    url = reverse("visitation:decision-appeals", args=[granted.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Der er ikke registreret nogen klage over afgørelsen." in page.content.decode()

    bad = client.post(url, {"received_on": "", "appellant": ""})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert 'id="id_received_on_error"' in body
    assert "Vælg datoen, klagen blev modtaget." in body
    assert "Vælg, hvem der klager." in body
    too_early = client.post(
        url,
        {
            "received_on": (granted.decided_on - timedelta(days=1)).isoformat(),
            "appellant": "foraeldremyndighed",
        },
    )
    assert too_early.status_code == 400
    assert (
        "Klagen kan ikke være modtaget før afgørelsen blev truffet." in too_early.content.decode()
    )
    assert not Appeal.objects.exists()

    done = client.post(
        url,
        {
            "received_on": date.today().isoformat(),
            "appellant": "foraeldremyndighed",
            "appellant_name": "Birgit Ærø",
        },
    )
    assert done.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.appellant, appeal.appellant_name, appeal.outcome) == (
        "foraeldremyndighed",
        "Birgit Ærø",
        "verserer",
    )
    assert appeal.recorded_by == cast.ppr_leader
    page = client.get(url).content.decode()
    assert "Birgit Ærø" in page and "Verserer" in page

    outcome_url = reverse("visitation:appeal-outcome", args=[appeal.pk])
    prefix = f"klage{appeal.pk}"
    bad = client.post(outcome_url, {f"{prefix}-outcome": "", f"{prefix}-outcome_on": ""})
    assert bad.status_code == 400
    assert "Vælg klagens udfald." in bad.content.decode()
    assert f'id="id_{prefix}-outcome_on_error"' in bad.content.decode()
    ok = client.post(
        outcome_url,
        {
            f"{prefix}-outcome": "hjemvist",
            f"{prefix}-outcome_on": date.today().isoformat(),
            f"{prefix}-note": "Hjemvist til fornyet behandling.",
        },
    )
    assert ok.status_code == 302
    appeal.refresh_from_db()
    assert appeal.get_outcome_display() == "Hjemvist"
    assert appeal.outcome_on == date.today()
    # Audited: the page's read of the decision, the registration and the outcome.
    events = AuditEvent.objects.filter(actor=cast.ppr_leader)
    assert events.filter(action=AuditAction.VIEW, purpose="klagesag").exists()
    assert events.filter(action=AuditAction.CREATE, purpose="klagesag").count() == 1
    assert events.filter(action=AuditAction.UPDATE, purpose="klagesag").count() == 1


def test_only_the_ppr_leader_opens_the_appeal_page(cast, client_as):
    granted = decision(cast)
    url = reverse("visitation:decision-appeals", args=[granted.pk])
    for user in (cast.psychologist, cast.secretary, cast.school_leader, cast.social_worker):
        assert client_as(user).get(url).status_code == 403
    assert "Klager over afgørelsen" in (
        client_as(cast.ppr_leader).get(granted.application.get_absolute_url()).content.decode()
    )
    assert "Klager over afgørelsen" not in (
        client_as(cast.school_leader).get(granted.application.get_absolute_url()).content.decode()
    )
