"""A guardian's CPR number (optional; how a custody holder's MitID login finds the child), the
name and address protection flag and the end of custody, from the staff guardian form."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import Guardian
from tests.cases.factories import ChildFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CPR = "120785-1234"


def add(cast, child, **data):
    url = reverse("cases:guardian-create", kwargs={"pk": child.pk})
    return client_for(cast.teacher).post(
        url, {"name": "Pia Holm", "relation": "mor", "has_custody": "on", **data}
    )


def test_the_cpr_number_is_stored_encrypted_and_hashed_never_in_clear(cast) -> None:
    child = ChildFactory(institution=cast.school)
    response = add(cast, child, cpr=CPR, name_address_protected="on")

    assert response.status_code == 302
    guardian = Guardian.objects.get()
    assert guardian.cpr == CPR and guardian.has_cpr and guardian.name_address_protected
    stored = Guardian.objects.values_list("cpr_encrypted", "cpr_hash").get()
    assert all("1207851234" not in value and CPR not in value for value in stored)
    assert list(Guardian.objects.with_cpr("1207851234")) == [guardian]
    page = client_for(cast.teacher).get(reverse("cases:child-detail", kwargs={"pk": child.pk}))
    assert "1207851234" not in page.text and CPR not in page.text


def test_without_a_cpr_number_the_guardian_matches_no_login(cast) -> None:
    add(cast, ChildFactory(institution=cast.school))

    guardian = Guardian.objects.get()
    assert (guardian.cpr, guardian.cpr_hash, guardian.has_cpr) == ("", "", False)
    assert not guardian.name_address_protected


def test_an_invalid_cpr_number_is_refused_in_danish_and_nothing_is_saved(cast) -> None:
    response = add(cast, ChildFactory(institution=cast.school), cpr="320185-1234")

    assert response.status_code == 400
    assert "Ugyldigt CPR-nummer. Skriv det som ddmmåå-xxxx." in response.text
    assert not Guardian.objects.exists()


def test_custody_that_ended_is_recorded_and_not_held_from_that_day(cast) -> None:
    add(cast, ChildFactory(institution=cast.school), cpr=CPR, custody_ended_on="2024-08-01")

    guardian = Guardian.objects.get()
    assert guardian.custody_ended_on == date(2024, 8, 1) and not guardian.holds_custody
    assert not Guardian.objects.holding_custody().exists()
    assert Guardian.objects.holding_custody(on=date(2024, 7, 31)).get() == guardian


def test_rekey_moves_guardians_to_the_new_key(cast, settings) -> None:
    settings.FIELD_ENCRYPTION_KEY = "old-field-key-0123456789"
    add(cast, ChildFactory(institution=cast.school), cpr=CPR)
    settings.FIELD_ENCRYPTION_KEY = "new-field-key-9876543210,old-field-key-0123456789"
    assert Guardian.objects.with_cpr(CPR).exists()  # found under the old key meanwhile

    call_command("rekey_cpr")
    settings.FIELD_ENCRYPTION_KEY = "new-field-key-9876543210"

    guardian = Guardian.objects.with_cpr(CPR).get()
    assert guardian.cpr == CPR
    call_command("rekey_cpr", "--check")
