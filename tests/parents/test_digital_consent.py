"""Digital consent in the parents' portal: given with the text shown, "Digitalt via MitID",
once however often it is sent; withdrawn as staff withdraw it, with the meetings' own check."""

import pytest
from django.urls import reverse

from cases.models import Consent, ConsentForm, ConsentScope
from indsatser.services import missing_consent
from meetings.services import has_meeting_consent
from parents.consent import consent_text, digest
from ppr.audit.models import AuditAction, AuditEvent
from tests.parents.portal_fixtures import meeting_consent

pytestmark = pytest.mark.django_db


def give_url(family):
    return reverse("parents:child-consent", kwargs={"pk": family.pia.pk})


def posted(scope, family, meeting=""):
    text = consent_text(scope, family.asta, meeting)
    return {"scope": scope, "meeting_name": meeting, "text_digest": digest(text), "accept": "on"}


def test_the_page_offers_the_referral_the_named_meetings_and_a_course(
    cast, family, client_as
) -> None:
    response = client_as(cast.parent).get(give_url(family))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Indstilling til PPR" in text and family.series_name in text
    assert "Deltagelse i et forløb" in text


def test_the_text_is_shown_before_consent_and_stored_word_for_word(cast, family, client_as) -> None:
    client = client_as(cast.parent)
    shown = client.get(give_url(family), {"formaal": "moede", "moede": family.series_name})
    expected = consent_text(ConsentScope.MEETING, family.asta, family.series_name)
    assert shown.status_code == 200 and expected in shown.content.decode()

    response = client.post(give_url(family), posted("moede", family, family.series_name))

    assert response.status_code == 302
    consent = Consent.objects.get(guardian=family.pia)
    assert consent.form == ConsentForm.DIGITAL
    assert consent.get_form_display() == "Digitalt via MitID"
    assert consent.text == expected
    assert consent.meeting_name == family.series_name
    assert consent.recorded_by == cast.parent and consent.recorded_at is not None
    assert AuditEvent.objects.filter(
        actor=cast.parent, action=AuditAction.CREATE, child_id=family.asta.pk
    ).exists()


def test_a_double_submit_creates_one_consent(cast, family, client_as) -> None:
    client = client_as(cast.parent)
    for _ in range(2):
        assert client.post(give_url(family), posted("indstilling", family)).status_code == 302
    assert Consent.objects.filter(guardian=family.pia).count() == 1


def test_without_the_tick_or_with_a_changed_text_nothing_is_saved(cast, family, client_as) -> None:
    client = client_as(cast.parent)
    unticked = {**posted("indstilling", family), "accept": ""}
    response = client.post(give_url(family), unticked)
    assert response.status_code == 400
    assert "Sæt flueben, hvis du vil give samtykket." in response.content.decode()

    stale = {**posted("indstilling", family), "text_digest": digest("en anden tekst")}
    response = client.post(give_url(family), stale)
    assert response.status_code == 400
    assert "Teksten er blevet ændret" in response.content.decode()
    assert not Consent.objects.filter(guardian=family.pia).exists()


def test_a_meeting_not_offered_for_the_child_is_refused(cast, family, client_as) -> None:
    client = client_as(cast.parent)
    assert (
        client.post(give_url(family), posted("moede", family, "Et andet møde")).status_code == 404
    )
    assert not Consent.objects.exists()


def test_withdrawing_stops_the_meeting_from_naming_the_child(cast, family, client_as) -> None:
    meeting_consent(family.father, family.series_name, cast.school_leader)
    client = client_as(cast.parent)
    client.post(give_url(family), posted("moede", family, family.series_name))
    assert has_meeting_consent(family.asta, family.series_name)
    consent = Consent.objects.get(guardian=family.pia)
    url = reverse(
        "parents:child-consent-withdraw", kwargs={"pk": family.pia.pk, "consent": consent.pk}
    )

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None and consent.withdrawn_at is not None
    assert not has_meeting_consent(family.asta, family.series_name)
    page = client.get(reverse("parents:child", kwargs={"pk": family.pia.pk})).content.decode()
    assert f"Nej, ikke på “{family.series_name}”" in page

    undo = reverse(
        "parents:child-consent-undo", kwargs={"pk": family.pia.pk, "consent": consent.pk}
    )
    assert client.post(undo).status_code == 302
    assert has_meeting_consent(family.asta, family.series_name)


def test_a_parent_cannot_withdraw_the_other_custody_holders_consent(
    cast, family, client_as
) -> None:
    meeting_consent(family.father, family.series_name, cast.school_leader)
    theirs = Consent.objects.get(guardian=family.father)
    url = reverse(
        "parents:child-consent-withdraw", kwargs={"pk": family.pia.pk, "consent": theirs.pk}
    )
    assert client_as(cast.parent).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_on is None


def test_course_consent_lets_the_child_be_enrolled(cast, family, client_as) -> None:
    meeting_consent(family.father, family.series_name, cast.school_leader)
    Consent.objects.filter(guardian=family.father).update(
        scope=ConsentScope.COURSE, meeting_name=""
    )
    assert missing_consent(family.asta) == [f"{family.pia.name} har ikke givet samtykke."]

    client_as(cast.parent).post(give_url(family), posted("forloeb", family))

    assert missing_consent(family.asta) == []


def test_staff_see_the_digital_consent_with_the_others(cast, family, client_as) -> None:
    client_as(cast.parent).post(give_url(family), posted("indstilling", family))

    response = client_as(cast.school_leader).get(
        reverse("cases:child-detail", kwargs={"pk": family.asta.pk})
    )

    text = response.content.decode()
    assert "Digitalt via MitID" in text
    assert consent_text(ConsentScope.REFERRAL, family.asta) in text
