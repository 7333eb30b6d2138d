"""Consent per guardian, and the consent gate on submitting a referral."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Consent, ReferralStatus
from cases.referrals import services
from tests.cases.factories import ChildFactory, ConsentFactory, GuardianFactory
from tests.cases.referral_fixtures import child_with_consent, draft
from tests.conftest import client_for


def consent_url(guardian) -> str:
    return reverse("cases:consent-create", kwargs={"pk": guardian.pk})


def test_a_consent_is_recorded_with_who_when_and_how(cast) -> None:
    guardian = GuardianFactory(child=ChildFactory(institution=cast.school))
    response = client_for(cast.teacher).post(
        consent_url(guardian),
        {"scope": "indstilling", "given_on": "2026-01-10", "form": "mundtligt", "note": "Telefon."},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.recorded_by == cast.teacher and consent.form == "mundtligt"
    assert str(consent.given_on) == "2026-01-10" and consent.is_active


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "indstilling", "form": "skriftligt"}, "Angiv datoen for samtykket."),
        (
            {"scope": "indstilling", "given_on": "2026-01-10"},
            "Vælg om samtykket er skriftligt eller mundtligt.",
        ),
        (
            {"scope": "moede", "given_on": "2026-01-10", "form": "skriftligt"},
            "Angiv hvilket møde samtykket gælder.",
        ),
        (
            {"scope": "indstilling", "given_on": "ikke-en-dato", "form": "skriftligt"},
            "Skriv en gyldig dato.",
        ),
    ],
)
def test_bad_consent_input_is_refused_in_danish(cast, data: dict, message: str) -> None:
    guardian = GuardianFactory(child=ChildFactory(institution=cast.school))
    response = client_for(cast.teacher).post(consent_url(guardian), data)
    assert response.status_code == 400 and message in response.text
    assert not Consent.objects.exists()


def test_a_consent_cannot_be_dated_in_the_future(cast) -> None:
    guardian = GuardianFactory(child=ChildFactory(institution=cast.school))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(cast.teacher).post(
        consent_url(guardian), {"scope": "indstilling", "given_on": tomorrow, "form": "skriftligt"}
    )
    assert response.status_code == 400
    assert "kan ikke ligge i fremtiden" in response.text


def test_a_consent_is_withdrawn_but_kept(cast) -> None:
    consent = ConsentFactory(guardian=GuardianFactory(child=ChildFactory(institution=cast.school)))
    response = client_for(cast.teacher).post(
        reverse("cases:consent-withdraw", kwargs={"pk": consent.pk})
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate() and not consent.is_active


def test_another_institution_cannot_touch_the_consent(cast) -> None:
    consent = ConsentFactory(guardian=GuardianFactory(child=ChildFactory(institution=cast.school)))
    client = client_for(cast.other_leader)
    assert (
        client.post(reverse("cases:consent-withdraw", kwargs={"pk": consent.pk})).status_code == 404
    )
    assert client.get(consent_url(consent.guardian)).status_code == 404


# --- The gate --------------------------------------------------------------------------------


def test_joint_custody_needs_both_consents(cast) -> None:
    child = child_with_consent(cast, consent=False)
    mother, father = child.guardians.order_by("name")
    ConsentFactory(guardian=mother)
    referral = draft(cast, child=child)
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.submit_referral(referral, by=cast.school_leader)
    assert "Mangler fra: Bo Hansen." in blocked.value.messages[0]
    ConsentFactory(guardian=father)
    assert (
        services.submit_referral(referral, by=cast.school_leader).status == ReferralStatus.SUBMITTED
    )


def test_single_custody_needs_only_the_custody_holder(cast) -> None:
    child = child_with_consent(cast, joint=False)
    referral = draft(cast, child=child)
    assert (
        services.submit_referral(referral, by=cast.school_leader).status == ReferralStatus.SUBMITTED
    )


def test_a_withdrawn_consent_does_not_count(cast) -> None:
    child = child_with_consent(cast)
    Consent.objects.filter(guardian__name="Bo Hansen").update(withdrawn_on=timezone.localdate())
    with pytest.raises(services.SubmissionBlocked):
        services.submit_referral(draft(cast, child=child), by=cast.school_leader)


def test_a_consent_for_a_meeting_is_not_a_consent_to_refer(cast) -> None:
    child = child_with_consent(cast)
    Consent.objects.filter(guardian__name="Bo Hansen").update(scope="moede", meeting_name="KK")
    with pytest.raises(services.SubmissionBlocked):
        services.submit_referral(draft(cast, child=child), by=cast.school_leader)


def test_no_custody_holder_at_all_blocks_submission(cast) -> None:
    referral = draft(cast, child=ChildFactory(institution=cast.school))
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.submit_referral(referral, by=cast.school_leader)
    assert "ikke registreret nogen forældremyndighedsindehaver" in blocked.value.messages[0]


def test_a_parents_own_request_needs_no_consent(cast) -> None:
    child = ChildFactory(institution=cast.school)
    GuardianFactory(child=child)
    referral = services.create_draft(
        child=child, by=cast.secretary, parent_request=True, parent_request_note="Mor ringede."
    )
    for field in services.DRAFT_FIELDS:
        setattr(referral, field, getattr(draft(cast), field))
    referral.save()
    submitted = services.submit_referral(referral, by=cast.secretary)
    assert submitted.status == ReferralStatus.SUBMITTED
