"""The start page: the leader's referrals by status, PPR intake's queue, one's own drafts."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import Referral
from tests.cases.referral_fixtures import draft, in_status, submitted
from tests.conftest import client_for


def home(user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.text


def test_the_leader_sees_own_referrals_by_status(cast) -> None:
    submitted(cast)
    submitted(cast)
    in_status(cast, "afvist")
    page = home(cast.school_leader)
    assert "Institutionens indstillinger" in page
    assert "Indsendt: 2" in page and "Afvist: 1" in page
    assert "Institutionens indstillinger" in home(cast.other_leader)
    assert "Indsendt: 2" not in home(cast.other_leader)


def test_intake_sees_the_queue_count_and_the_oldest_waiting(cast) -> None:
    old = submitted(cast)
    submitted(cast)
    Referral.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    for user in (cast.secretary, cast.ppr_leader):
        page = home(user)
        assert "<strong>2</strong> indstillinger venter" in page
        assert "9 dage siden" in page


def test_other_roles_see_no_referral_panels(cast) -> None:
    submitted(cast)
    for user in (cast.psychologist, cast.administrator, cast.social_worker):
        page = home(user)
        assert "Modtagelse af indstillinger" not in page
        assert "Institutionens indstillinger" not in page


def test_the_author_sees_their_drafts_with_the_expiry_date(cast) -> None:
    referral = draft(cast)
    page = home(cast.teacher)
    assert "Mine kladder" in page and f"Indstilling nr. {referral.pk}" in page
    assert "Mine kladder" not in home(cast.school_leader)
