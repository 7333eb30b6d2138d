"""A child whose processing PPR has restricted (GDPR art. 18) in the parents' portal.

The rule chosen (what a municipality's DPO expects): restriction limits processing other than
storage, and showing the data subject's custody holders what they were already sent is not new
processing, so the parent still sees the child and the documents sent; but nothing new is
processed while the restriction lasts: no message, consent, hearing answer, parents'
perspective or own referral is accepted, each refused with the same Danish explanation and
nothing saved. Withdrawing a consent, which only lessens the processing, stays possible."""

import uuid
from typing import Any

import pytest
from django.urls import reverse

from cases.models import Consent, Referral, ReferralStatus
from messaging.models import Message, Thread
from parents.consent import consent_text, digest
from parents.models import PerspectiveInvitation
from ppr.access import RESTRICTED_FOR_PARENTS
from rights import services as rights
from tests.cases.factories import ReferralFactory
from tests.parents.portal_fixtures import hearing_for, meeting_consent
from visitation.models import HearingResponse

pytestmark = pytest.mark.django_db

SHOWN = "Behandlingen af oplysningerne om dit barn er begrænset"


def restrict(cast: Any, family: Any) -> None:
    rights.restrict(family.asta, by=cast.ppr_leader, reason="Forældrene bestrider PPV'en.")


def test_the_parent_still_sees_the_child_and_the_documents_sent(cast, family, client_as) -> None:
    restrict(cast, family)
    client = client_as(cast.parent)
    home = client.get(reverse("parents:home"))
    assert home.status_code == 200 and "Asta" in home.text
    page = client.get(reverse("parents:child", kwargs={"pk": family.pia.pk}))
    assert page.status_code == 200 and SHOWN in page.text and "artikel 18" in page.text
    ppv = client.get(
        reverse("parents:child-ppv", kwargs={"pk": family.pia.pk, "ppv": family.ppv.pk})
    )
    assert ppv.status_code == 200
    assert b"".join(ppv.streaming_content).startswith(b"%PDF")
    # Without the restriction the page says nothing of it.
    rights.lift(family.asta.restrictions.get(), by=cast.ppr_leader, reason="Afklaret.")
    page = client.get(reverse("parents:child", kwargs={"pk": family.pia.pk}))
    assert SHOWN not in page.text


def test_no_message_is_accepted_while_restricted(cast, family, client_as) -> None:
    restrict(cast, family)
    response = client_as(cast.parent).post(
        reverse("parent-messages:thread-create", kwargs={"child_pk": family.asta.pk}),
        {"subject": "Et spørgsmål", "body": "Hej", "client_token": str(uuid.uuid4())},
    )
    assert response.status_code == 400 and SHOWN in response.text
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_no_consent_is_given_but_one_may_be_withdrawn(cast, family, client_as) -> None:
    meeting_consent(family.pia, family.series_name, cast.school_leader)
    restrict(cast, family)
    client = client_as(cast.parent)
    text = consent_text("indstilling", family.asta, "")
    response = client.post(
        reverse("parents:child-consent", kwargs={"pk": family.pia.pk}),
        {"scope": "indstilling", "meeting_name": "", "text_digest": digest(text), "accept": "on"},
    )
    assert response.status_code in {200, 400} and SHOWN in response.text
    assert Consent.objects.filter(guardian=family.pia).count() == 1
    consent = Consent.objects.get(guardian=family.pia)
    withdraw = reverse(
        "parents:child-consent-withdraw", kwargs={"pk": family.pia.pk, "consent": consent.pk}
    )
    assert client.post(withdraw).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None


def test_no_hearing_answer_is_accepted_while_restricted(cast, family, client_as) -> None:
    hearing = hearing_for(cast, family.asta)
    restrict(cast, family)
    url = reverse("parents:child-hearing", kwargs={"pk": family.pia.pk, "hearing": hearing.pk})
    response = client_as(cast.parent).post(url, {"text": "Vi er uenige."})
    assert SHOWN in response.text and not HearingResponse.objects.exists()


def test_no_perspective_and_no_own_referral_while_restricted(cast, family, client_as) -> None:
    draft = ReferralFactory(child=family.asta, author=cast.teacher, parents_perspective="")
    invitation = PerspectiveInvitation.objects.create(
        referral=draft, guardian=family.pia, invited_by=cast.school_leader
    )
    restrict(cast, family)
    client = client_as(cast.parent)
    sent = client.post(
        reverse("parents:perspective", kwargs={"pk": invitation.pk}),
        {"text": "Derhjemme er hun glad.", "version": 1, "action": "send"},
    )
    assert SHOWN in sent.text
    autosave = client.post(
        reverse("parents:perspective-autosave", kwargs={"pk": invitation.pk}),
        {"text": "Derhjemme", "version": 1},
    )
    assert SHOWN in autosave.text
    invitation.refresh_from_db()
    assert invitation.text == "" and invitation.answered_at is None
    before = Referral.objects.count()
    own = client.post(
        reverse("parents:own-referral", kwargs={"child_pk": family.asta.pk}),
        {
            "concern": "Hun sover dårligt.",
            "strengths": "Hun tegner.",
            "child_perspective": "Klassen larmer.",
            "earlier_interventions": "Samtale med klasselæreren.",
            "requests": ["ppv"],
            "request_details": "",
            "client_token": str(uuid.uuid4()),
        },
    )
    assert own.status_code == 400 and SHOWN in own.text
    assert Referral.objects.count() == before
    assert not Referral.objects.filter(parent_request=True, status=ReferralStatus.SUBMITTED)


def test_the_message_is_the_one_ppr_access_defines() -> None:
    assert RESTRICTED_FOR_PARENTS.startswith(SHOWN)
