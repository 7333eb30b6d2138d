"""The nightly CPR refresh (cases.tasks.refresh_custody_from_cpr) of open cases' children: a
new custody holder is created, one who lost custody gets an end date, a new protection removes
the stored address; each change is recorded on the case and shown on its timeline. A closed
case is not refreshed; the register down changes nothing; the lookup off does nothing."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.children import services
from cases.models import CaseStatus, CustodyChange, CustodyChangeKind, Guardian
from cases.tasks import refresh_custody_from_cpr
from ppr.cpr import standin
from ppr.cpr.standin import Entry, StandIn
from tests.cases.case_fixtures import make_case
from tests.conftest import client_for
from tests.cpr.helpers import register_on

NEW_HOLDER = "0909791005"


@pytest.fixture
def register(settings: Any) -> Iterator[StandIn]:
    with register_on(settings) as stand_in:
        yield stand_in


def _case_with_mother(cast):
    case = make_case(cast, child__cpr=standin.CHILD, child__first_name="Freja")
    services.add_guardian(
        child=case.child,
        by=cast.school_leader,
        name="Mette Standin",
        relation="mor",
        has_custody=True,
        address="Skolevej 1, 8000 Aarhus C",
        cpr=standin.MOTHER,
    )
    return case


def test_a_custody_holder_missing_here_is_added_and_recorded(cast, register) -> None:
    case = _case_with_mother(cast)
    assert refresh_custody_from_cpr() == {"children": 1, "changes": 1, "failed": 0, "not_found": 0}
    father = Guardian.objects.get(child=case.child, relation="far")
    assert father.name == "Jonas Hemmelig" and father.name_address_protected
    assert father.address == "" and father.holds_custody
    change = CustodyChange.objects.get()
    assert (change.case, change.guardian, change.kind) == (case, father, CustodyChangeKind.GAINED)
    # Run twice: nothing more changes.
    assert refresh_custody_from_cpr()["changes"] == 0


def test_lost_custody_and_a_new_protection_are_applied_and_on_the_timeline(cast, register) -> None:
    case = _case_with_mother(cast)
    refresh_custody_from_cpr()
    # In the register now: the father's custody ended, another holder gained it, the mother is
    # protected.
    register.register[standin.CHILD] = Entry(
        "Freja Marie",
        "Standin",
        "2015-05-15",
        mother=standin.MOTHER,
        custody=[("3", ""), ("5", NEW_HOLDER)],
    )
    register.register[standin.MOTHER] = Entry("Mette", "Standin", "1985-03-02", protected=True)
    register.register[NEW_HOLDER] = Entry("Bodil", "Plejemor", "1979-09-09")
    result = refresh_custody_from_cpr()
    assert result["changes"] == 3 and result["failed"] == 0
    guardians = {g.name: g for g in Guardian.objects.filter(child=case.child)}
    assert guardians["Jonas Hemmelig"].custody_ended_on == timezone.localdate()
    assert not guardians["Jonas Hemmelig"].holds_custody
    assert guardians["Mette Standin"].name_address_protected
    assert guardians["Mette Standin"].address == ""
    assert guardians["Bodil Plejemor"].relation == "anden" and guardians["Bodil Plejemor"].has_cpr
    kinds = set(CustodyChange.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"fik", "mistede", "beskyttet"}
    html = client_for(cast.ppr_leader).get(reverse("cases:case-detail", args=[case.pk])).text
    assert "Forældremyndighed: Jonas Hemmelig" in html
    assert "Har ikke længere forældremyndighed" in html
    assert "Har fået navne- og adressebeskyttelse" in html
    assert (
        f"Jonas Hemmelig</strong> (Far, forældremyndighed ophørt {timezone.localdate():%d.%m.%Y})"
        in html
    )
    assert "Skolevej" not in html and standin.MOTHER not in html


def test_a_closed_case_is_not_refreshed(cast, register) -> None:
    case = _case_with_mother(cast)
    type(case).objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, outcome="afsluttet_uden_videre"
    )
    assert refresh_custody_from_cpr()["children"] == 0
    assert not CustodyChange.objects.exists()


def test_the_register_down_changes_nothing(cast, register) -> None:
    case = _case_with_mother(cast)
    register.down = True
    assert refresh_custody_from_cpr() == {"children": 1, "changes": 0, "failed": 1, "not_found": 0}
    assert Guardian.objects.filter(child=case.child).count() == 1
    assert not CustodyChange.objects.exists()


def test_the_lookup_off_does_nothing(cast, settings: Any) -> None:
    _case_with_mother(cast)
    settings.PPR_CPR_LOOKUP = "off"
    assert refresh_custody_from_cpr()["children"] == 0


def test_the_refresh_is_in_the_beat_schedule(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["cases-cpr-custody-refresh"]
    assert entry["task"] == "cases.tasks.refresh_custody_from_cpr"
    assert entry["schedule"] == 86400.0
