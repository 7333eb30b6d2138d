"""Implausible values are refused with a Danish message that says what is odd (issue 18), and
every date typed into a form lies in a plausible range (issue 19)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.children.forms import ChildForm
from cases.children.services import record_consent
from cases.models import Consent
from cases.ppv import services as ppv_services
from ppr.forms import EventDateField
from tests.cases.factories import GuardianFactory

from .ppv_fixtures import draft, private_storage  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def child_form(cast, cpr: str) -> ChildForm:
    data = {
        "cpr": cpr,
        "first_name": "Ida",
        "last_name": "Holm",
        "institution": cast.school.pk,
    }
    return ChildForm(data, institutions=[cast.school])


@time_machine.travel(date(2026, 12, 6), tick=False)
def test_a_cpr_that_makes_a_child_111_years_old_is_refused_and_says_so(cast) -> None:
    form = child_form(cast, "010115-1234")  # 1 January 1915
    assert not form.is_valid()
    assert form.errors["cpr"] == [
        "CPR-nummeret giver et barn på 111 år (født 01.01.1915). PPR arbejder med børn og unge "
        "op til 18 år. Tjek CPR-nummeret."
    ]


@time_machine.travel(date(2026, 12, 6), tick=False)
def test_a_child_older_than_ppr_serves_is_refused_and_one_of_18_is_not(cast) -> None:
    assert "19 år" in child_form(cast, "051207-4234").errors["cpr"][0]  # 19 the day before
    assert child_form(cast, "071207-4234").is_valid(), "18 years old"


def test_a_consent_dated_before_the_child_was_born_is_refused(cast) -> None:
    guardian = GuardianFactory(child__cpr="1403154321")  # born 14.03.2015
    with pytest.raises(ValidationError) as error:
        record_consent(
            guardian=guardian,
            by=cast.school_leader,
            scope="indstilling",
            given_on=date(2014, 5, 1),
            form="skriftlig",
        )
    assert error.value.message_dict["given_on"] == [
        "Samtykket er dateret 01.05.2014, før barnet blev født (14.03.2015). Tjek datoen."
    ]
    assert not Consent.objects.exists()


def test_a_ppv_signed_long_before_its_case_is_refused(cast, private_storage) -> None:  # noqa: F811
    ppv = draft(cast)
    with pytest.raises(ppv_services.FinalisationBlocked) as blocked:
        ppv_services.finalise_ppv(
            ppv,
            by=cast.psychologist,
            version=ppv.version,
            signed_name="Maja Løvstrøm",
            signed_title="Autoriseret psykolog",
            signed_on=date(2020, 6, 1),
        )
    opened = ppv.case.opened_at.astimezone().date()
    assert blocked.value.message_dict["signed_on"] == [
        f"Underskriften er dateret 01.06.2020, før sagen blev oprettet ({opened:%d.%m.%Y}). "
        "Tjek datoen."
    ]
    ppv.refresh_from_db()
    assert not ppv.is_final


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01", "Datoen 01.01.0001 ligger mere end 25 år tilbage. Tjek årstallet."),
        ("9999-12-31", "Datoen 31.12.9999 ligger mere end 5 år ude i fremtiden. Tjek årstallet."),
    ],
)
def test_every_form_date_outside_the_plausible_range_is_refused(typed, message) -> None:
    with pytest.raises(ValidationError) as error:
        EventDateField().clean(typed)
    assert error.value.messages == [message]


def test_an_event_that_happened_cannot_lie_in_the_future() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValidationError, match="fremtiden"):
        EventDateField(happened=True).clean(tomorrow.isoformat())
    assert EventDateField().clean(tomorrow.isoformat()) == tomorrow
