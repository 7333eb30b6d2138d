"""Follow-ups nothing else records (a henvisning's, an agenda item's) are marked done by hand."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings import services as meeting_services
from ppr.audit.models import AuditAction, AuditEvent
from ppr.deadlines import calendar, services
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from tests.deadlines.factories import deadline
from tests.meetings.factories import cast_trio, forum, own_response

pytestmark = pytest.mark.django_db


def _henvisning(cast):
    cast_trio(cast)  # the teacher refers as the school's TRIO
    return meeting_services.refer_to_forum(
        institution=cast.school,
        forum=forum("tvaerfagligt_skoleteam"),
        child=None,
        anonymous_description="Dreng, 3. klasse",
        referred_on=calendar.today(),
        rationale="Trives ikke i frikvartererne.",
        ruler_colour="gul",
        follow_up_on=calendar.today() + timedelta(days=14),
        by=cast.teacher,
        own=own_response(),
    )


def _follow_up(cast) -> Deadline:
    return Deadline.objects.for_subject(_henvisning(cast)).get(kind=DeadlineKind.OPFOELGNING)


def test_mine_frister_offers_to_mark_a_henvisnings_follow_up_done(cast, client_as) -> None:
    follow_up = _follow_up(cast)
    automatic = deadline(responsible=cast.teacher, kind=DeadlineKind.ANDET, title="Anden opgave")
    page = client_as(cast.teacher).get(reverse("deadlines:deadline-list")).content.decode()
    done_url = reverse("deadlines:deadline-complete", kwargs={"pk": follow_up.pk})
    assert done_url in page
    assert reverse("deadlines:deadline-complete", kwargs={"pk": automatic.pk}) not in page


def test_the_responsible_marks_the_follow_up_done_and_it_is_audited(cast, client_as) -> None:
    follow_up = _follow_up(cast)
    url = reverse("deadlines:deadline-complete", kwargs={"pk": follow_up.pk})
    client = client_as(cast.teacher)
    assert "Markér som udført" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.state == DeadlineState.MET and follow_up.met_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(follow_up.pk), actor=cast.teacher
    ).exists()
    # Done means done: the sweep reminds no one about it, and a second click changes nothing.
    assert services.sweep()["near"] == 0
    again = client.post(url)
    assert again.status_code == 400
    assert "allerede lukket" in again.content.decode()


def test_an_agenda_items_follow_up_is_marked_done_too(cast) -> None:
    from meetings.models import Decision
    from tests.meetings.factories import AgendaItemFactory, ConferenceFactory, SeriesFactory

    series = SeriesFactory(
        institution=cast.school, created_by=cast.school_leader, standing=[cast.psychologist]
    )
    conference = ConferenceFactory(
        series=series, created_by=cast.school_leader, participants=[cast.psychologist]
    )
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    meeting_services.decide_item(
        item=item,
        decision=Decision.FOLLOW_UP,
        by=cast.psychologist,
        version=item.version,
        responsible=cast.psychologist,
        follow_up_on=calendar.today() + timedelta(days=7),
    )
    follow_up = Deadline.objects.for_subject(item).get()
    services.complete_deadline(deadline=follow_up, by=cast.psychologist)
    follow_up.refresh_from_db()
    assert follow_up.state == DeadlineState.MET


def test_deadlines_a_domain_verb_closes_cannot_be_marked_done_by_hand(cast, client_as) -> None:
    ppv_like = deadline(responsible=cast.psychologist, kind=DeadlineKind.PPV)
    with pytest.raises(ValidationError, match="lukkes af sig selv"):
        services.complete_deadline(deadline=ppv_like, by=cast.psychologist)
    url = reverse("deadlines:deadline-complete", kwargs={"pk": ppv_like.pk})
    client = client_as(cast.psychologist)
    assert "lukkes af sig selv" in client.get(url).content.decode()
    assert client.post(url).status_code == 400
    ppv_like.refresh_from_db()
    assert ppv_like.state == DeadlineState.OPEN


def test_only_the_responsible_or_the_ppr_leader_may_mark_it_done(cast, client_as) -> None:
    follow_up = _follow_up(cast)
    with pytest.raises(PermissionDenied):
        services.complete_deadline(deadline=follow_up, by=cast.school_leader)
    url = reverse("deadlines:deadline-complete", kwargs={"pk": follow_up.pk})
    assert client_as(cast.school_leader).post(url).status_code == 404
    services.complete_deadline(deadline=follow_up, by=cast.ppr_leader)
    follow_up.refresh_from_db()
    assert follow_up.state == DeadlineState.MET
