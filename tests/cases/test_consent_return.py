"""From the consent error of a referral draft straight to where the consent is registered, and
back to the draft (a ``next`` address that must stay on this site)."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cases.models import Consent, Guardian
from tests.cases.factories import ChildFactory
from tests.cases.referral_fixtures import child_with_consent, draft
from tests.cases.test_referral_views import form_data
from tests.conftest import client_for


def update_url(referral) -> str:
    return reverse("cases:referral-update", kwargs={"pk": referral.pk})


def consent_url(guardian, back: str = "") -> str:
    url = reverse("cases:consent-create", kwargs={"pk": guardian.pk})
    return f"{url}?{urlencode({'next': back})}" if back else url


CONSENT = {"scope": "indstilling", "given_on": "2026-01-10", "form": "skriftligt"}


def test_the_consent_error_links_to_each_missing_consent_and_back_to_the_draft(cast) -> None:
    referral = draft(cast, child=child_with_consent(cast, consent=False))
    response = client_for(cast.school_leader).post(
        update_url(referral), form_data(referral, action="submit")
    )
    assert response.status_code == 400
    for guardian in Guardian.objects.filter(child=referral.child):
        link = consent_url(guardian, update_url(referral)).replace("&", "&amp;")
        assert f'href="{link}"' in response.text
        assert f"Registrér samtykke fra {guardian.name}" in response.text


def test_registering_the_consent_returns_to_the_draft(cast) -> None:
    referral = draft(cast, child=child_with_consent(cast, consent=False))
    guardian = Guardian.objects.filter(child=referral.child).first()
    client = client_for(cast.school_leader)
    page = client.get(consent_url(guardian, update_url(referral))).text
    assert f'name="next" value="{update_url(referral)}"' in page
    assert f'href="{update_url(referral)}">Tilbage til indstillingen' in page
    response = client.post(consent_url(guardian), {**CONSENT, "next": update_url(referral)})
    assert response.status_code == 302 and response["Location"] == update_url(referral)
    assert Consent.objects.filter(guardian=guardian).exists()


@pytest.mark.parametrize(
    "evil", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_a_next_address_off_this_site_is_ignored(cast, evil: str) -> None:
    referral = draft(cast, child=child_with_consent(cast, consent=False))
    guardian = Guardian.objects.filter(child=referral.child).first()
    client = client_for(cast.school_leader)
    assert "evil" not in client.get(consent_url(guardian, evil)).text
    response = client.post(consent_url(guardian), {**CONSENT, "next": evil})
    child_page = reverse("cases:child-detail", kwargs={"pk": referral.child_id})
    assert response.status_code == 302 and response["Location"] == child_page + "#foraeldre"


def test_without_a_custody_holder_the_error_links_to_adding_one_then_consent_then_back(
    cast,
) -> None:
    referral = draft(cast, child=ChildFactory(institution=cast.school))
    client = client_for(cast.school_leader)
    page = client.get(referral.get_absolute_url()).text
    guardian_url = reverse("cases:guardian-create", kwargs={"pk": referral.child_id})
    back = referral.get_absolute_url()
    assert f'href="{guardian_url}?{urlencode({"next": back})}"' in page
    response = client.post(
        guardian_url, {"name": "Anne Hansen", "relation": "mor", "has_custody": "on", "next": back}
    )
    guardian = Guardian.objects.get(child=referral.child)
    assert response.status_code == 302
    assert response["Location"] == consent_url(guardian, back)
    assert client.post(consent_url(guardian), {**CONSENT, "next": back})["Location"] == back


def test_staff_of_another_institution_get_no_consent_links_and_404(cast) -> None:
    referral = draft(cast, child=child_with_consent(cast, consent=False))
    guardian = Guardian.objects.filter(child=referral.child).first()
    assert client_for(cast.other_leader).get(consent_url(guardian, "/")).status_code == 404
