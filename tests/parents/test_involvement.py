"""Parents taking part in referrals: the leader invites the custody holders to write the parents'
perspective into the school's draft (each sees that section only, read-only once sent), and a
parent refers their own child (forældreindstilling) into PPR's intake queue."""

import uuid
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import Consent, ConsentForm, Referral, ReferralStatus
from parents.models import ParentReferral, PerspectiveInvitation
from ppr.deadlines.models import Notification
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.cases.referral_fixtures import child_with_consent
from tests.conftest import client_for
from tests.parents.factories import give_custody

SECRET_CONCERN = "Hemmelig bekymring om Ida fra skolen"


def school_draft(cast, *, other_parent: bool = False) -> Referral:
    child = child_with_consent(cast)
    give_custody(cast.parent, child, email="pia@example.dk")
    if other_parent:
        give_custody(cast.other_parent, child, relation="far")
    return ReferralFactory(
        child=child, author=cast.teacher, concern=SECRET_CONCERN, parents_perspective=""
    )


def invite(cast, referral: Referral):
    url = reverse("involvement:invite", kwargs={"pk": referral.pk})
    return client_for(cast.school_leader).post(url)


def perspective_url(invitation: PerspectiveInvitation) -> str:
    return reverse("parents:perspective", kwargs={"pk": invitation.pk})


# --- Inviting --------------------------------------------------------------------------------


def test_the_leader_invites_and_the_parent_gets_a_task_without_content(
    cast, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PPR_SITE_URL = "https://ppr.kommune.example"
    referral = school_draft(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(cast, referral)
    assert response.status_code == 302
    invitation = PerspectiveInvitation.objects.get()
    notification = Notification.objects.get(recipient=cast.parent)
    assert notification.message == "Du har en ny opgave i PPR Sag"
    [email] = mail.outbox
    assert email.to == ["pia@example.dk"] and email.subject == "Du har en ny opgave i PPR Sag"
    assert f"https://ppr.kommune.example{perspective_url(invitation)}" in email.body
    child = referral.child
    for secret in (child.first_name, child.last_name, SECRET_CONCERN, referral.institution.name):
        assert secret not in email.body
    # The two custody holders of the fixture have no CPR number: they cannot be matched.
    assert PerspectiveInvitation.objects.count() == 1
    # Inviting again invites nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        invite(cast, referral)
    assert PerspectiveInvitation.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["teacher", "other_leader", "parent", "secretary"])
def test_only_the_institutions_leader_invites(cast, who: str) -> None:
    referral = school_draft(cast)
    url = reverse("involvement:invite", kwargs={"pk": referral.pk})
    status = client_for(getattr(cast, who)).post(url).status_code
    assert status in {403, 404} and not PerspectiveInvitation.objects.exists()


# --- The parent writes the section -----------------------------------------------------------


def test_the_parent_sees_only_the_parents_perspective_section(cast) -> None:
    referral = school_draft(cast)
    invite(cast, referral)
    invitation = PerspectiveInvitation.objects.get()
    client = client_for(cast.parent)
    page = client.get(perspective_url(invitation))
    assert page.status_code == 200 and "Forældrenes perspektiv" in page.text
    for hidden in (SECRET_CONCERN, referral.strengths, referral.plan_goals):
        assert hidden not in page.text
    # The rest of the referral stays a staff page.
    assert client.get(referral.get_absolute_url()).status_code == 403
    assert (
        client.get(reverse("cases:referral-update", kwargs={"pk": referral.pk})).status_code == 403
    )


def test_the_parent_writes_autosaves_sends_and_the_leader_sees_it(cast) -> None:
    referral = school_draft(cast)
    invite(cast, referral)
    invitation = PerspectiveInvitation.objects.get()
    client = client_for(cast.parent)
    autosave = client.post(
        reverse("parents:perspective-autosave", kwargs={"pk": invitation.pk}),
        {"text": "Derhjemme er hun glad", "version": 1},
    )
    assert autosave.status_code == 200 and 'data-autosave-state="saved"' in autosave.text
    invitation.refresh_from_db()
    assert invitation.text == "Derhjemme er hun glad" and invitation.answered_at is None
    # The leader sees the invitation but not an unsent text.
    edit = client_for(cast.school_leader).get(
        reverse("cases:referral-update", kwargs={"pk": referral.pk})
    )
    assert "ikke besvaret endnu" in edit.text and "Derhjemme er hun glad" not in edit.text
    sent = client.post(
        perspective_url(invitation),
        {"text": "Derhjemme er hun glad, men træt.", "version": 2, "action": "send"},
    )
    assert sent.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_at is not None and invitation.answered_by == cast.parent
    detail = client_for(cast.school_leader).get(referral.get_absolute_url())
    assert "Derhjemme er hun glad, men træt." in detail.text and "besvaret" in detail.text


def test_a_stale_save_is_a_conflict_and_overwrites_nothing(cast) -> None:
    referral = school_draft(cast)
    invite(cast, referral)
    invitation = PerspectiveInvitation.objects.get()
    client = client_for(cast.parent)
    url = reverse("parents:perspective-autosave", kwargs={"pk": invitation.pk})
    client.post(url, {"text": "Første vindue", "version": 1})
    stale = client.post(url, {"text": "Andet vindue", "version": 1})
    assert 'data-autosave-state="conflict"' in stale.text
    invitation.refresh_from_db()
    assert invitation.text == "Første vindue"


def test_sending_an_empty_text_is_refused_in_danish(cast) -> None:
    referral = school_draft(cast)
    invite(cast, referral)
    invitation = PerspectiveInvitation.objects.get()
    response = client_for(cast.parent).post(
        perspective_url(invitation), {"text": " ", "version": 1, "action": "send"}
    )
    assert response.status_code == 400
    assert "Skriv forældrenes perspektiv, før du sender det." in response.text
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_after_the_referral_is_sent_the_section_is_read_only(cast) -> None:
    referral = school_draft(cast)
    invite(cast, referral)
    invitation = PerspectiveInvitation.objects.get()
    client = client_for(cast.parent)
    client.post(perspective_url(invitation), {"text": "Vores syn", "version": 1, "action": "send"})
    # Sent to PPR (the submission's gates are tested with the referral).
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.SUBMITTED)
    page = client.get(perspective_url(invitation))
    assert page.status_code == 200 and "kan ikke længere ændres" in page.text
    assert "<textarea" not in page.text and "Vores syn" in page.text
    client.post(perspective_url(invitation), {"text": "Ændret", "version": 2, "action": "send"})
    autosave = client.post(
        reverse("parents:perspective-autosave", kwargs={"pk": invitation.pk}),
        {"text": "Ændret", "version": 2},
    )
    assert 'data-autosave-state="final"' in autosave.text
    invitation.refresh_from_db()
    assert invitation.text == "Vores syn"


def test_a_parent_of_another_child_gets_404_on_the_draft(cast) -> None:
    referral = school_draft(cast)
    invite(cast, referral)
    invitation = PerspectiveInvitation.objects.get()
    other = client_for(cast.other_parent)
    assert other.get(perspective_url(invitation)).status_code == 404
    autosave = reverse("parents:perspective-autosave", kwargs={"pk": invitation.pk})
    assert other.post(autosave, {"text": "x", "version": 1}).status_code == 404
    assert client_for(cast.psychologist).get(perspective_url(invitation)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.text == ""


def test_a_parent_whose_custody_ended_no_longer_reaches_the_section(cast) -> None:
    referral = school_draft(cast)
    invite(cast, referral)
    invitation = PerspectiveInvitation.objects.get()
    guardian = invitation.guardian
    guardian.has_custody = False
    guardian.save()
    assert client_for(cast.parent).get(perspective_url(invitation)).status_code == 404


# --- The parents' own referral --------------------------------------------------------------


def own_url(child) -> str:
    return reverse("parents:own-referral", kwargs={"child_pk": child.pk})


def own_data(**changes: object) -> dict[str, object]:
    return {
        "concern": "Hun sover dårligt og vil ikke i skole.",
        "strengths": "Hun tegner og er god til dyr.",
        "child_perspective": "Hun siger, at klassen er for larmende.",
        "earlier_interventions": "Samtale med klasselæreren i september.",
        "requests": ["ppv"],
        "request_details": "",
        "client_token": str(uuid.uuid4()),
        **changes,
    }


def test_a_parent_refers_their_own_child_into_the_intake_queue(cast) -> None:
    child = ChildFactory(institution=cast.school)
    guardian = give_custody(cast.parent, child)
    response = client_for(cast.parent).post(own_url(child), own_data())
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SUBMITTED and referral.parent_request
    assert referral.author == cast.parent and referral.child == child
    consent = Consent.objects.get(guardian=guardian)
    assert consent.form == ConsentForm.DIGITAL and consent.recorded_by == cast.parent
    assert "digitalt via MitID" in consent.note
    queue = client_for(cast.secretary).get(reverse("cases:referral-queue"))
    assert f"Nr. {referral.pk}" in queue.text or str(referral.pk) in queue.text
    assert "Forældreindstilling" in queue.text
    assert Notification.objects.filter(recipient=cast.secretary).exists()


def test_a_double_submit_of_the_parents_referral_creates_one(cast) -> None:
    child = ChildFactory(institution=cast.school)
    give_custody(cast.parent, child)
    client = client_for(cast.parent)
    data = own_data()
    client.post(own_url(child), data)
    client.post(own_url(child), data)
    assert Referral.objects.count() == 1 and ParentReferral.objects.count() == 1
    assert Consent.objects.count() == 1


def test_the_parents_referral_gives_danish_errors_at_the_fields_and_saves_nothing(cast) -> None:
    child = ChildFactory(institution=cast.school)
    give_custody(cast.parent, child)
    response = client_for(cast.parent).post(
        own_url(child), own_data(concern="  ", child_perspective="", requests=[])
    )
    assert response.status_code == 400
    for message in (
        "Skriv hvad I er bekymrede for.",
        "Skriv hvad jeres barn selv siger eller viser.",
        "Vælg hvad I ønsker af PPR.",
    ):
        assert message in response.text
    assert 'id="id_concern_error"' in response.text
    assert not Referral.objects.exists() and not Consent.objects.exists()


def test_a_parent_cannot_refer_another_child(cast) -> None:
    child = ChildFactory(institution=cast.school)
    give_custody(cast.parent, child)
    other = client_for(cast.other_parent)
    assert other.get(own_url(child)).status_code == 404
    assert other.post(own_url(child), own_data()).status_code == 404
    assert not Referral.objects.exists()


# --- The parents' own referral is PPR's, not the school's ------------------------------------


def parents_referral(cast: Any) -> Referral:
    child = ChildFactory(institution=cast.school)
    give_custody(cast.parent, child, email="pia@example.dk")
    client_for(cast.parent).post(own_url(child), own_data(concern=SECRET_CONCERN))
    return Referral.objects.get()


@pytest.mark.parametrize("who", ["school_leader", "teacher"])
def test_the_childs_institution_never_sees_the_parents_own_referral(cast, who: str) -> None:
    referral = parents_referral(cast)
    school_referral = ReferralFactory(child=referral.child, author=cast.teacher)
    client = client_for(getattr(cast, who))
    assert list(Referral.objects.visible_to(getattr(cast, who))) == [school_referral]
    listing = client.get(reverse("cases:referral-list"))
    assert listing.status_code == 200
    assert SECRET_CONCERN not in listing.text and f"Nr. {referral.pk}" not in listing.text
    for name in ("referral-detail", "referral-update"):
        response = client.get(reverse(f"cases:{name}", kwargs={"pk": referral.pk}))
        assert response.status_code == 404 and SECRET_CONCERN not in response.text
    child_page = client.get(reverse("cases:child-detail", kwargs={"pk": referral.child_id}))
    assert child_page.status_code == 200
    assert reverse("cases:referral-detail", kwargs={"pk": referral.pk}) not in child_page.text
    assert "Forældreindstilling" not in child_page.text
    # The leader's start page counts only the school's own referral (a draft).
    start = client_for(cast.school_leader).get(reverse("home")).text
    assert "Indsendt" not in start


def test_ppr_intake_sees_the_parents_own_referral(cast) -> None:
    referral = parents_referral(cast)
    for who in ("secretary", "ppr_leader"):
        user = getattr(cast, who)
        assert referral in Referral.objects.visible_to(user)
        page = client_for(user).get(reverse("cases:referral-detail", kwargs={"pk": referral.pk}))
        assert page.status_code == 200 and SECRET_CONCERN in page.text


def test_receiving_the_parents_referral_tells_the_parent_in_the_portal_and_not_the_school(
    cast, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PPR_SITE_URL = "https://ppr.kommune.example"
    referral = parents_referral(cast)
    guardian = ParentReferral.objects.get().guardian
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.secretary).post(
            reverse("cases:referral-receive", kwargs={"pk": referral.pk})
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED
    portal = reverse("parents:child", kwargs={"pk": guardian.pk})
    [notification] = Notification.objects.filter(recipient=cast.parent)
    assert notification.message == "Du har en ny besked i PPR Sag"
    assert notification.link == portal
    assert not Notification.objects.filter(recipient=cast.parent, link__contains="indstillinger")
    assert not Notification.objects.filter(recipient=cast.school_leader).exists()
    [email] = [m for m in mail.outbox if m.to == ["pia@example.dk"]]
    assert email.subject == "Du har en ny besked i PPR Sag"
    assert f"https://ppr.kommune.example{portal}" in email.body
    for secret in (referral.child.first_name, SECRET_CONCERN, referral.institution.name):
        assert secret not in email.body
    # The parent opens the link: their child's page, with the referral's step "received".
    page = client_for(cast.parent).get(portal)
    assert page.status_code == 200
