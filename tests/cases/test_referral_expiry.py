"""Unfinished drafts expire (default 30 days) with one warning to the author a week before."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import Referral, ReferralEvent
from cases.referrals import services
from cases.tasks import expire_referral_drafts
from ppr.audit.models import AuditAction, AuditEvent
from ppr.deadlines.models import Notification
from ppr.organisation.models import Municipality
from tests.cases.referral_fixtures import draft, submitted


def age(referral: Referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(updated_at=timezone.now() - timedelta(days=days))


def test_a_draft_untouched_for_23_days_warns_its_author_once(cast) -> None:
    referral = draft(cast)
    age(referral, 23)
    assert expire_referral_drafts() == {"warned": 1, "deleted": 0, "form_drafts": 0}
    assert expire_referral_drafts() == {"warned": 0, "deleted": 0, "form_drafts": 0}
    warning = Notification.objects.get(recipient=cast.teacher)
    assert "bliver slettet" in warning.message
    assert referral.child.last_name not in warning.message
    referral.refresh_from_db()
    assert referral.expiry_warned_at is not None


def test_a_fresh_draft_is_left_alone(cast) -> None:
    age(draft(cast), 22)
    assert expire_referral_drafts() == {"warned": 0, "deleted": 0, "form_drafts": 0}
    assert not Notification.objects.exists()


def test_a_draft_untouched_for_30_days_is_deleted_and_audited(cast) -> None:
    referral = draft(cast)
    age(referral, 30)
    assert expire_referral_drafts() == {"warned": 0, "deleted": 1, "form_drafts": 0}
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not ReferralEvent.objects.filter(referral_id=referral.pk).exists()
    row = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert row.child_id == referral.child_id and row.object_id == str(referral.pk)


def test_submitted_referrals_never_expire(cast) -> None:
    referral = submitted(cast)
    age(referral, 400)
    assert expire_referral_drafts() == {"warned": 0, "deleted": 0, "form_drafts": 0}
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_the_expiry_follows_the_municipalitys_setting(cast) -> None:
    municipality = Municipality.current()
    municipality.referral_draft_expiry_days = 60
    municipality.save()
    referral = draft(cast)
    age(referral, 45)
    assert expire_referral_drafts() == {"warned": 0, "deleted": 0, "form_drafts": 0}
    age(referral, 54)
    assert expire_referral_drafts() == {"warned": 1, "deleted": 0, "form_drafts": 0}
    age(referral, 60)
    assert expire_referral_drafts() == {"warned": 0, "deleted": 1, "form_drafts": 0}


def test_touching_a_warned_draft_restarts_the_clock_and_the_warning(cast) -> None:
    referral = draft(cast)
    age(referral, 25)
    expire_referral_drafts()
    referral.refresh_from_db()
    services.save_draft(referral, by=cast.teacher, data={"concern": "Stadig aktuel"}, version=1)
    assert expire_referral_drafts() == {"warned": 0, "deleted": 0, "form_drafts": 0}
    with time_machine.travel(timezone.now() + timedelta(days=24)):
        assert expire_referral_drafts() == {"warned": 1, "deleted": 0, "form_drafts": 0}
    assert Notification.objects.filter(recipient=cast.teacher).count() == 2


@pytest.mark.parametrize("days", [29, 30, 31])
def test_the_boundary_is_whole_days(cast, days: int) -> None:
    referral = draft(cast)
    age(referral, days)
    result = expire_referral_drafts()
    assert result["deleted"] == (1 if days >= 30 else 0)
