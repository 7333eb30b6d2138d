"""Registering a child with the CPR lookup (SF1520 stand-in on 127.0.0.1): the number fills in
the name (HTMX, POST only), the leader confirms, the custody holders are created from the
register with their CPR numbers encrypted and hashed; a protected holder's address is neither
shown nor stored; not found, deceased and the service down leave a form that works by hand,
with a Danish message and nothing typed lost. The number is in no URL, log line or audit row."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from cases.models import Child, Guardian
from ppr import crypto
from ppr.audit.models import AuditAction, AuditEvent
from ppr.cpr import standin
from ppr.cpr.standin import StandIn
from tests.conftest import client_for
from tests.cpr.helpers import register_on

CREATE = reverse("cases:child-create")
LOOKUP = reverse("cases:child-cpr-lookup")
HTMX = {"HTTP_HX_REQUEST": "true"}
CHILD_CPR = "150515-4001"


@pytest.fixture
def register(settings: Any) -> Iterator[StandIn]:
    with register_on(settings) as stand_in:
        yield stand_in


def form(cast: Any, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "cpr": CHILD_CPR,
        "first_name": "",
        "last_name": "",
        "institution": cast.school.pk,
        "group": "2.A",
    }
    data.update(changes)
    return data


def _no_cpr_anywhere(number: str, caplog: pytest.LogCaptureFixture) -> None:
    digits = number.replace("-", "")
    for event in AuditEvent.objects.all():
        row = " ".join(str(value) for value in vars(event).values())
        assert digits not in row and number not in row and digits[6:] not in event.term
    assert digits not in caplog.text and number not in caplog.text


def test_the_form_offers_the_lookup_only_when_it_is_on(cast, settings: Any, register) -> None:
    client = client_for(cast.school_leader)
    html = client.get(CREATE).text
    assert f'hx-post="{LOOKUP}"' in html and "Slå op i CPR" in html
    settings.PPR_CPR_LOOKUP = "off"
    html = client.get(CREATE).text
    assert LOOKUP not in html and "Slå op i CPR" not in html


def test_the_lookup_fills_in_the_name_and_lists_the_custody_holders(
    cast, register, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = client_for(cast.school_leader).post(LOOKUP, form(cast, group="3.C"), **HTMX)
    assert response.status_code == 200
    html = response.text
    assert 'id="cpr-lookup"' in html and "<h1>" not in html  # the partial only
    assert 'value="Freja Marie"' in html and 'value="Standin"' in html
    assert "født 15.05.2015" in html and "Skolevej 1, 8000 Aarhus C" in html
    assert "Mette Standin (Mor)" in html and "Jonas Hemmelig (Far)" in html
    # The father's name and address protection: his address is neither shown nor sent.
    assert "Skjultvej" not in html and "Aalborg" not in html
    assert 'name="from_cpr"' in html and "checked" in html
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.purpose == "CPR-opslag ved registrering af barn" and event.term == ""
    _no_cpr_anywhere(CHILD_CPR, caplog)


def test_without_javascript_the_lookup_renders_the_whole_form_keeping_the_input(
    cast, register
) -> None:
    response = client_for(cast.school_leader).post(LOOKUP, form(cast, group="3.C"))
    html = response.text
    assert response.status_code == 200 and "<h1>Registrér barn</h1>" in html
    assert 'value="Freja Marie"' in html and 'value="3.C"' in html


def test_confirming_creates_the_child_and_the_custody_holders_from_the_register(
    cast, register, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    data = form(cast, first_name="Freja Marie", last_name="Standin", from_cpr="on")
    response = client_for(cast.school_leader).post(CREATE, data, follow=True)
    child = Child.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:child-detail", kwargs={"pk": child.pk})
    assert "med forældremyndighedsindehaverne fra CPR-registret" in response.text
    guardians = {g.relation: g for g in Guardian.objects.filter(child=child)}
    mother, father = guardians["mor"], guardians["far"]
    assert (
        mother.name == "Mette Standin"
        and mother.has_custody
        and mother.address.startswith("Skolevej 1")
    )
    assert father.name == "Jonas Hemmelig" and father.name_address_protected
    assert father.address == ""  # protected: not stored
    # CPR numbers stored like the child's: encrypted, with the keyed hash.
    assert father.cpr == "110783-1003" and father.cpr_hash == crypto.lookup_hash(standin.FATHER)
    assert standin.FATHER not in father.cpr_encrypted
    assert list(Guardian.objects.with_cpr(standin.MOTHER)) == [mother]
    # The child's page does not show the protected father's address (none is stored either).
    assert "Skjultvej" not in response.text
    _no_cpr_anywhere(CHILD_CPR, caplog)
    _no_cpr_anywhere("020385-1002", caplog)


def test_without_confirming_no_guardian_is_created(cast, register) -> None:
    data = form(cast, first_name="Freja", last_name="Standin")
    assert client_for(cast.school_leader).post(CREATE, data).status_code == 302
    assert Child.objects.get().first_name == "Freja" and not Guardian.objects.exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("010117-4321", "CPR-nummeret findes ikke i CPR-registret"),
        ("030312-4003", "CPR-registret melder personen med dette CPR-nummer død"),
        ("010116-4999", "CPR-registret svarer ikke lige nu. Udfyld navnet selv"),
    ],
)
def test_not_found_deceased_and_a_fault_keep_what_was_typed(
    cast, register, number: str, message: str
) -> None:
    data = form(cast, cpr=number, first_name="Selv", last_name="Skrevet")
    response = client_for(cast.school_leader).post(LOOKUP, data, **HTMX)
    assert response.status_code == 200 and message in response.text
    assert 'value="Selv"' in response.text and 'value="Skrevet"' in response.text
    assert 'name="from_cpr"' not in response.text


def test_the_service_down_the_form_still_works_by_hand(cast, register) -> None:
    register.down = True
    client = client_for(cast.school_leader)
    response = client.post(LOOKUP, form(cast, first_name="Hånd", last_name="Lavet"), **HTMX)
    assert "CPR-registret svarer ikke lige nu" in response.text
    assert 'value="Hånd"' in response.text
    response = client.post(CREATE, form(cast, first_name="Hånd", last_name="Lavet"))
    assert response.status_code == 302 and Child.objects.get().first_name == "Hånd"


def test_the_service_going_down_before_confirming_registers_the_child_all_the_same(
    cast, register
) -> None:
    register.down = True
    data = form(cast, first_name="Freja", last_name="Standin", from_cpr="on")
    response = client_for(cast.school_leader).post(CREATE, data, follow=True)
    assert Child.objects.filter(first_name="Freja").exists() and not Guardian.objects.exists()
    assert "Forældrene kunne ikke hentes fra CPR-registret lige nu" in response.text


def test_an_invalid_number_is_said_in_danish_and_not_looked_up(cast, register) -> None:
    client = client_for(cast.school_leader)
    response = client.post(LOOKUP, form(cast, cpr="123"), **HTMX)
    assert response.status_code == 200 and "Ugyldigt CPR-nummer" in response.text
    assert client.post(LOOKUP, form(cast, cpr="123")).status_code == 400
    assert register.requests == [] and not AuditEvent.objects.filter(action="search").exists()


def test_the_lookup_is_post_only_and_for_those_who_register_children(cast, register) -> None:
    assert client_for(cast.school_leader).get(LOOKUP).status_code == 405
    assert client_for(cast.psychologist).post(LOOKUP, form(cast), **HTMX).status_code == 403
    assert register.requests == []
