"""Koordineringskonferencer: consent for named opgaver, decisions in the room over htmx."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, ConferenceMeeting, Decision
from ppr.deadlines import calendar
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from tests.cases.factories import ChildFactory

from .factories import AgendaItemFactory, forum, give_meeting_consent

pytestmark = pytest.mark.django_db


def _add(client, conference, **data):
    payload = {
        "title": "Uro i timerne",
        "description": "",
        "child": "",
        "anonymous_description": "",
        **data,
    }
    return client.post(reverse("meetings:item-create", args=[conference.pk]), payload)


def test_staff_add_an_anonymous_opgave(cast, conference, client_as) -> None:
    response = _add(client_as(cast.teacher), conference, anonymous_description="pige, 2. klasse")
    assert response.status_code == 302
    item = AgendaItem.objects.get()
    assert item.is_anonymous and item.position == 1 and item.submitted_by == cast.teacher


def test_a_named_opgave_without_consent_is_refused_with_a_danish_message(
    cast, conference, child, client_as
) -> None:
    response = _add(client_as(cast.teacher), conference, child=child.pk)
    assert response.status_code == 200
    assert "Uden samtykke skal opgaven være anonym" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_consent_from_only_one_of_two_custody_holders_is_not_enough(
    cast, conference, child
) -> None:
    mother, father = give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    father.consents.update(withdrawn_on=calendar.today())
    with pytest.raises(ValidationError):
        services.add_agenda_item(meeting=conference, title="Trivsel", child=child, by=cast.teacher)


def test_consent_for_another_meeting_is_not_enough(cast, conference, child) -> None:
    give_meeting_consent(child, "Tværfagligt skoleteam", recorded_by=cast.teacher)
    with pytest.raises(ValidationError):
        services.add_agenda_item(meeting=conference, title="Trivsel", child=child, by=cast.teacher)


def test_a_named_opgave_with_consent_for_this_meeting_is_accepted(
    cast, conference, child, client_as
) -> None:
    give_meeting_consent(child, conference.series.name.upper(), recorded_by=cast.teacher)
    response = _add(client_as(cast.teacher), conference, child=child.pk)
    assert response.status_code == 302
    assert AgendaItem.objects.get().child == child


def test_a_child_from_another_school_cannot_be_named(cast, conference) -> None:
    stranger = ChildFactory(institution=cast.other_school)
    give_meeting_consent(stranger, conference.series.name, recorded_by=cast.other_leader)
    with pytest.raises(ValidationError):
        services.add_agenda_item(
            meeting=conference, title="Trivsel", child=stranger, by=cast.ppr_leader
        )


@pytest.mark.parametrize("text", ["Drengen 0102151234 er urolig", "Drengen 010215-1234 er urolig"])
def test_an_anonymous_opgave_with_a_cpr_number_is_refused(
    cast, conference, client_as, text
) -> None:
    response = _add(client_as(cast.teacher), conference, description=text)
    assert response.status_code == 200
    assert "ligner et CPR-nummer" in response.content.decode()
    assert not AgendaItem.objects.exists()


def _decision(item, **data):
    prefix = f"punkt-{item.pk}"
    values = {
        "decision": Decision.FOLLOW_UP,
        "forum": "",
        "responsible": "",
        "follow_up_on": "",
        "decision_note": "",
        "version": item.version,
        **data,
    }
    return {f"{prefix}-{key}": value for key, value in values.items()}


def test_a_decision_over_htmx_returns_the_updated_item_and_opens_a_deadline(
    cast, conference, client_as
) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    due = calendar.today() + timedelta(days=14)
    response = client_as(cast.psychologist).post(
        reverse("meetings:item-decide", args=[item.pk]),
        _decision(
            item,
            decision=Decision.START_INTERVENTION,
            responsible=cast.psychologist.pk,
            follow_up_on=due.isoformat(),
        ),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="punkt-{item.pk}"' in html and "<html" not in html
    assert "Igangsæt en indsats" in html
    item.refresh_from_db()
    assert item.decision == Decision.START_INTERVENTION and item.version == 2
    deadline = Deadline.objects.for_subject(item).get()
    assert (deadline.kind, deadline.due, deadline.responsible) == (
        DeadlineKind.OPFOELGNING,
        due,
        cast.psychologist,
    )


def test_a_decision_without_javascript_redirects_to_the_item(cast, conference, client_as) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    response = client_as(cast.school_leader).post(
        reverse("meetings:item-decide", args=[item.pk]), _decision(item, decision=Decision.CLOSE)
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#punkt-{item.pk}")
    item.refresh_from_db()
    assert item.decision == Decision.CLOSE


def test_a_decision_without_follow_up_shows_errors_in_the_fragment(
    cast, conference, client_as
) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    response = client_as(cast.psychologist).post(
        reverse("meetings:item-decide", args=[item.pk]),
        _decision(item),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Angiv en opfølgningsdato." in response.content.decode()
    item.refresh_from_db()
    assert item.decision == ""


def test_referring_to_a_forum_needs_a_forum(cast, conference, client_as) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    due = (calendar.today() + timedelta(days=7)).isoformat()
    data = _decision(
        item, decision=Decision.REFER_FORUM, responsible=cast.school_leader.pk, follow_up_on=due
    )
    client = client_as(cast.psychologist)
    response = client.post(
        reverse("meetings:item-decide", args=[item.pk]), data, headers={"HX-Request": "true"}
    )
    assert "Vælg det forum" in response.content.decode()
    data[f"punkt-{item.pk}-forum"] = forum("sparring_ppr").pk
    client.post(
        reverse("meetings:item-decide", args=[item.pk]), data, headers={"HX-Request": "true"}
    )
    item.refresh_from_db()
    assert item.forum.code == "sparring_ppr"


def test_a_parallel_edit_is_refused_not_overwritten(cast, conference) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    services.decide_item(item=item, decision=Decision.CLOSE, version=1, by=cast.psychologist)
    with pytest.raises(ValidationError, match="En anden har ændret punktet"):
        services.decide_item(item=item, decision=Decision.CLOSE, version=1, by=cast.school_leader)


def test_changing_the_follow_up_replaces_the_deadline(cast, conference) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    first, second = calendar.today() + timedelta(days=7), calendar.today() + timedelta(days=21)
    services.decide_item(
        item=item,
        decision=Decision.FOLLOW_UP,
        responsible=cast.psychologist,
        follow_up_on=first,
        version=1,
        by=cast.psychologist,
    )
    services.decide_item(
        item=item,
        decision=Decision.FOLLOW_UP,
        responsible=cast.psychologist,
        follow_up_on=second,
        version=2,
        by=cast.psychologist,
    )
    states = dict(Deadline.objects.for_subject(item).values_list("due", "state"))
    assert states == {first: DeadlineState.CANCELLED, second: DeadlineState.OPEN}
    services.decide_item(item=item, decision=Decision.CLOSE, version=3, by=cast.psychologist)
    assert not Deadline.objects.for_subject(item).outstanding().exists()


def test_staff_cannot_decide_but_see_the_meeting(cast, conference, client_as) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    client = client_as(cast.teacher)
    page = client.get(conference.get_absolute_url())
    assert page.status_code == 200
    assert "Gem beslutning" not in page.content.decode()
    assert (
        client.post(reverse("meetings:item-decide", args=[item.pk]), _decision(item)).status_code
        == 403
    )


def test_the_meeting_page_lists_items_without_extra_queries_per_item(
    cast, conference, client_as
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(cast.psychologist)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(conference.get_absolute_url()).status_code == 200
        return len(captured)

    AgendaItemFactory(meeting=conference, position=1, submitted_by=cast.teacher)
    queries()  # warm up: the municipality row, the session
    one = queries()
    for position in range(2, 8):
        AgendaItemFactory(meeting=conference, position=position, submitted_by=cast.teacher)
    assert queries() == one
    assert one <= 30


def test_leader_schedules_a_conference_and_participants_are_invited(
    cast, series, client_as
) -> None:
    day = (calendar.today() + timedelta(days=10)).isoformat()
    response = client_as(cast.school_leader).post(
        reverse("meetings:conference-create", args=[series.pk]),
        {"day": day, "start": "13:00", "end": "15:00", "room": "Lokale 3"},
    )
    assert response.status_code == 302
    meeting = ConferenceMeeting.objects.get()
    assert set(meeting.participants.all()) == set(series.standing_participants.all())
    assert cast.psychologist.notifications.filter(message__contains=series.name).exists()


def test_a_conference_that_ends_before_it_starts_is_refused(cast, series, client_as) -> None:
    day = (calendar.today() + timedelta(days=10)).isoformat()
    response = client_as(cast.school_leader).post(
        reverse("meetings:conference-create", args=[series.pk]),
        {"day": day, "start": "15:00", "end": "13:00", "room": "Lokale 3"},
    )
    assert response.status_code == 200
    assert "Mødet skal slutte efter det begynder." in response.content.decode()
    assert not ConferenceMeeting.objects.exists()
