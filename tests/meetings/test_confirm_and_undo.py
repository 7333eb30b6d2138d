"""Issue 18: destructive or sending actions ask first (a DKFDS modal; without JavaScript a GET
confirmation page that POSTs), and cancelling a meeting or withdrawing a consent can be undone
("Fortryd") for a few minutes."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Consent
from meetings import services
from meetings.models import ConferenceMeeting
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState, Notification
from tests.cases.factories import ChildFactory, ConsentFactory, GuardianFactory
from tests.conftest import client_for

from .factories import at

pytestmark = pytest.mark.django_db


def _consent(cast):
    guardian = GuardianFactory(child=ChildFactory(institution=cast.school), name="Lise Berg")
    return ConsentFactory(guardian=guardian, recorded_by=cast.teacher)


# --- Withdrawing a consent ---------------------------------------------------------------------


def test_without_javascript_withdrawing_asks_on_a_page_that_posts(cast) -> None:
    consent = _consent(cast)
    url = reverse("cases:consent-withdraw", args=[consent.pk])
    page = client_for(cast.teacher).get(url)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, private"
    html = page.content.decode()
    assert "Træk samtykket tilbage?" in html and "Lise Berg" in html
    assert f'<form method="post" action="{url}">' in html
    consent.refresh_from_db()
    assert consent.is_active  # asking changes nothing


def test_the_child_page_links_to_the_question_and_holds_the_modal(cast) -> None:
    consent = _consent(cast)
    url = reverse("cases:consent-withdraw", args=[consent.pk])
    html = (
        client_for(cast.teacher)
        .get(reverse("cases:child-detail", args=[consent.guardian.child_id]))
        .content.decode()
    )
    modal = f"bekraeft-samtykke-{consent.pk}"
    assert f'href="{url}" data-module="modal" data-target="{modal}"' in html
    assert f'class="fds-modal" id="{modal}" aria-hidden="true" role="dialog"' in html
    assert f'aria-labelledby="{modal}-titel"' in html


def test_a_withdrawal_is_undone_within_minutes_and_not_later(cast) -> None:
    consent = _consent(cast)
    client = client_for(cast.teacher)
    child_page = reverse("cases:child-detail", args=[consent.guardian.child_id])
    undo = reverse("cases:consent-undo-withdraw", args=[consent.pk])
    client.post(reverse("cases:consent-withdraw", args=[consent.pk]))
    consent.refresh_from_db()
    assert not consent.is_active
    assert undo in client.get(child_page).content.decode()
    assert client.post(undo).status_code == 302
    consent.refresh_from_db()
    assert consent.is_active and consent.withdrawn_at is None

    client.post(reverse("cases:consent-withdraw", args=[consent.pk]))
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert undo not in client.get(child_page).content.decode()
        response = client.post(undo, follow=True)
        assert "kan kun fortrydes de første minutter" in response.content.decode()
    consent.refresh_from_db()
    assert not consent.is_active


def test_another_school_cannot_withdraw_or_undo(cast) -> None:
    consent = _consent(cast)
    outsider = client_for(cast.other_leader)
    assert outsider.get(reverse("cases:consent-withdraw", args=[consent.pk])).status_code == 404
    undo = reverse("cases:consent-undo-withdraw", args=[consent.pk])
    assert outsider.post(undo).status_code == 404
    assert Consent.objects.get().is_active


# --- Cancelling a meeting ----------------------------------------------------------------------


def test_without_javascript_cancelling_asks_first(cast, conference) -> None:
    url = reverse("meetings:conference-cancel", args=[conference.pk])
    page = client_for(cast.school_leader).get(url).content.decode()
    assert "Aflys mødet?" in page and f'<form method="post" action="{url}">' in page
    conference.refresh_from_db()
    assert conference.cancelled_at is None
    detail = client_for(cast.school_leader).get(conference.get_absolute_url()).content.decode()
    assert f'href="{url}" data-module="modal"' in detail


def test_who_may_not_cancel_gets_403_for_the_question_too(cast, conference) -> None:
    url = reverse("meetings:conference-cancel", args=[conference.pk])
    assert client_for(cast.teacher).get(url).status_code == 403
    assert client_for(cast.other_leader).get(url).status_code == 404


def test_a_cancelled_meeting_is_restored_by_fortryd_with_its_notat_deadline(cast, series) -> None:
    conference = services.schedule_conference(
        series=series,
        starts_at=at(7, 13),
        ends_at=at(7, 15),
        room="Lokale 1",
        by=cast.school_leader,
    )
    client = client_for(cast.school_leader)
    client.post(reverse("meetings:conference-cancel", args=[conference.pk]))
    notat = Deadline.objects.for_subject(conference).get(kind=DeadlineKind.NOTAT)
    assert notat.state == DeadlineState.CANCELLED
    undo = reverse("meetings:conference-uncancel", args=[conference.pk])
    assert undo in client.get(conference.get_absolute_url()).content.decode()
    assert client.post(undo).status_code == 302
    conference.refresh_from_db()
    notat.refresh_from_db()
    assert conference.cancelled_at is None and notat.state == DeadlineState.OPEN
    assert Notification.objects.filter(
        recipient=cast.psychologist, message__contains="alligevel ikke aflyst"
    ).exists()


def test_fortryd_comes_too_late_after_a_few_minutes(cast, conference) -> None:
    services.cancel_meeting(meeting=conference, by=cast.school_leader)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        client = client_for(cast.school_leader)
        assert (
            "Fortryd aflysningen" not in client.get(conference.get_absolute_url()).content.decode()
        )
        client.post(reverse("meetings:conference-uncancel", args=[conference.pk]))
    assert ConferenceMeeting.objects.get().cancelled_at is not None


def test_only_who_may_cancel_may_undo(cast, conference) -> None:
    services.cancel_meeting(meeting=conference, by=cast.school_leader)
    undo = reverse("meetings:conference-uncancel", args=[conference.pk])
    assert client_for(cast.teacher).post(undo).status_code == 403
    assert ConferenceMeeting.objects.get().cancelled_at is not None


# --- Visitation decisions ----------------------------------------------------------------------


def test_each_visitation_decision_asks_in_a_modal_that_submits_its_form(cast) -> None:
    from tests.cases.referral_fixtures import received

    referral = received(cast)
    page = client_for(cast.ppr_leader).get(reverse("cases:referral-visitate", args=[referral.pk]))
    html = page.content.decode()
    for decision in ("accept", "reject", "redirect"):
        modal = f"bekraeft-{decision}-{referral.pk}"
        assert f'id="visitation-{decision}"' in html
        assert f'data-target="{modal}"' in html and f'id="{modal}"' in html
        assert f'type="submit" form="visitation-{decision}"' in html
