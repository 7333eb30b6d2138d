"""Cannot attend a tirsdagsmøde: swap (the colleague accepts), substitute, afbud, a cancelled
meeting; and the agenda with its 90 minutes. Everyone concerned is notified."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import tuesdays
from meetings.models import (
    Discussion,
    Profession,
    SeatState,
    SwapRequest,
    SwapState,
    TuesdayMeeting,
    TuesdaySeat,
)
from ppr.accounts.models import Role
from ppr.deadlines.models import Notification
from tests.conftest import client_for
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _meeting(cast, days: int, people):
    starts = timezone.now() + timedelta(days=days)
    meeting = TuesdayMeeting.objects.create(
        district=cast.vest,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        room="Rådhuset",
        created_by=cast.ppr_leader,
    )
    for user, profession in people:
        TuesdaySeat.objects.create(meeting=meeting, user=user, profession=profession)
    return meeting


@pytest.fixture
def team(cast):
    second = user_with_role(Role.SOCIAL_WORKER, district=cast.vest)
    third = user_with_role(Role.SOCIAL_WORKER, district=cast.vest)
    first_meeting = _meeting(
        cast,
        14,
        [
            (cast.social_worker, Profession.SOCIAL_WORKER),
            (second, Profession.SOCIAL_WORKER),
            (cast.health_visitor, Profession.HEALTH_VISITOR),
            (cast.psychologist, Profession.PSYCHOLOGIST),
        ],
    )
    later_meeting = _meeting(
        cast,
        28,
        [
            (third, Profession.SOCIAL_WORKER),
            (second, Profession.SOCIAL_WORKER),
            (cast.health_visitor, Profession.HEALTH_VISITOR),
            (cast.psychologist, Profession.PSYCHOLOGIST),
        ],
    )
    return {"second": second, "third": third, "first": first_meeting, "later": later_meeting}


def _seat(meeting, user):
    return meeting.seats.get(user=user, state=SeatState.ACTIVE)


def _messages(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("message", flat=True))


def test_a_swap_takes_effect_only_when_the_colleague_accepts(cast, team) -> None:
    mine = _seat(team["first"], cast.social_worker)
    theirs = _seat(team["later"], team["third"])
    swap = tuesdays.request_swap(
        seat=mine, colleague=team["third"], counter_seat=theirs, by=cast.social_worker
    )
    mine.refresh_from_db()
    assert mine.user == cast.social_worker  # still mine until accepted
    assert any("spørger" in m for m in _messages(team["third"]))

    tuesdays.accept_swap(swap=swap, by=team["third"])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.user, theirs.user) == (team["third"], cast.social_worker)
    assert SwapRequest.objects.get().state == SwapState.ACCEPTED
    assert any("sagt ja" in m for m in _messages(cast.social_worker))
    # The others at both meetings are told who comes instead.
    assert any("i stedet for" in m for m in _messages(cast.health_visitor))
    assert any("i stedet for" in m for m in _messages(team["second"]))


def test_only_the_colleague_can_accept(cast, team) -> None:
    swap = tuesdays.request_swap(
        seat=_seat(team["first"], cast.social_worker),
        colleague=team["third"],
        by=cast.social_worker,
    )
    with pytest.raises(PermissionDenied):
        tuesdays.accept_swap(swap=swap, by=cast.social_worker)


def test_a_declined_swap_leaves_the_seat_and_tells_the_one_who_asked(cast, team) -> None:
    mine = _seat(team["first"], cast.social_worker)
    swap = tuesdays.request_swap(seat=mine, colleague=team["third"], by=cast.social_worker)
    tuesdays.decline_swap(swap=swap, by=team["third"])
    mine.refresh_from_db()
    assert mine.user == cast.social_worker
    assert any("kan ikke bytte" in m for m in _messages(cast.social_worker))
    with pytest.raises(ValidationError):
        tuesdays.accept_swap(swap=swap, by=team["third"])


def test_a_colleague_already_at_the_meeting_cannot_take_the_seat(cast, team) -> None:
    with pytest.raises(ValidationError, match="deltager allerede"):
        tuesdays.request_swap(
            seat=_seat(team["first"], cast.social_worker),
            colleague=team["second"],
            by=cast.social_worker,
        )


def test_a_colleague_of_another_profession_cannot_take_the_seat(cast, team) -> None:
    with pytest.raises(ValidationError, match="er ikke socialrådgiver"):
        tuesdays.request_swap(
            seat=_seat(team["first"], cast.social_worker),
            colleague=cast.colleague,
            by=cast.social_worker,
        )


def test_a_substitute_takes_the_seat_and_everyone_is_told(cast, team) -> None:
    seat = _seat(team["first"], cast.social_worker)
    tuesdays.substitute(seat=seat, substitute=team["third"], by=cast.social_worker)
    seat.refresh_from_db()
    assert seat.user == team["third"]
    assert any("i sit sted" in m for m in _messages(team["third"]))
    assert any("i stedet for" in m for m in _messages(cast.psychologist))


def test_afbud_gives_up_the_seat_and_notifies_the_others(cast, team) -> None:
    seat = _seat(team["first"], cast.social_worker)
    tuesdays.cancel_attendance(seat=seat, by=cast.social_worker)
    seat.refresh_from_db()
    assert seat.state == SeatState.CANCELLED
    for other in (team["second"], cast.health_visitor, cast.psychologist):
        assert any(m.startswith("Afbud fra") for m in _messages(other))
    assert not any(m.startswith("Afbud fra") for m in _messages(cast.social_worker))


def test_someone_elses_seat_cannot_be_given_away(cast, team) -> None:
    with pytest.raises(PermissionDenied):
        tuesdays.cancel_attendance(seat=_seat(team["first"], cast.social_worker), by=team["second"])


def test_the_leader_cancels_a_meeting_and_all_participants_are_told(cast, team) -> None:
    tuesdays.cancel_meeting(meeting=team["first"], by=cast.ppr_leader)
    team["first"].refresh_from_db()
    assert team["first"].is_cancelled
    for person in (cast.social_worker, team["second"], cast.health_visitor, cast.psychologist):
        assert any("er aflyst" in m for m in _messages(person))


def test_cancelling_a_tirsdagsmoede_asks_first_in_a_modal_or_on_a_page(cast, team) -> None:
    meeting = team["first"]
    url = reverse("meetings:tuesday-cancel", args=[meeting.pk])
    client = client_for(cast.ppr_leader)
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{url}" data-module="modal" data-target="bekraeft-aflys-{meeting.pk}"' in detail
    page = client.get(url)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, private"
    html = page.content.decode()
    assert "Aflys tirsdagsmødet?" in html and f'<form method="post" action="{url}">' in html
    meeting.refresh_from_db()
    assert not meeting.is_cancelled  # asking changes nothing
    assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled


def test_swap_pages_without_javascript(cast, team, client_as) -> None:
    seat = _seat(team["first"], cast.social_worker)
    asker = client_as(cast.social_worker)
    assert asker.get(reverse("meetings:seat-swap", args=[seat.pk])).status_code == 200
    response = asker.post(
        reverse("meetings:seat-swap", args=[seat.pk]),
        {"colleague": team["third"].pk, "counter_seat": ""},
    )
    assert response.status_code == 302
    swap = SwapRequest.objects.get()
    answer = client_as(team["third"]).post(
        reverse("meetings:swap-respond", args=[swap.pk, "accepter"])
    )
    assert answer.status_code == 302
    seat.refresh_from_db()
    assert seat.user == team["third"]


def test_swap_form_without_a_colleague_shows_a_danish_error(cast, team, client_as) -> None:
    seat = _seat(team["first"], cast.social_worker)
    response = client_as(cast.social_worker).post(reverse("meetings:seat-swap", args=[seat.pk]), {})
    assert response.status_code == 200
    assert "Vælg en kollega eller en plads at bytte med." in response.content.decode()
    assert not SwapRequest.objects.exists()


def _agenda(rows, **extra):
    data = {
        "droeftelse-TOTAL_FORMS": len(rows),
        "droeftelse-INITIAL_FORMS": 0,
        "droeftelse-MIN_NUM_FORMS": 0,
        "droeftelse-MAX_NUM_FORMS": 8,
    }
    for index, (keywords, priority, minutes) in enumerate(rows):
        data |= {
            f"droeftelse-{index}-keywords": keywords,
            f"droeftelse-{index}-priority": priority,
            f"droeftelse-{index}-minutes": minutes,
            f"droeftelse-{index}-presenter": "",
        }
    return data | {"timekeeper": "", "any_other_business": ""} | extra


def test_the_agenda_divides_exactly_90_minutes(cast, team, client_as) -> None:
    meeting = team["first"]
    client = client_as(cast.psychologist)
    url = reverse("meetings:tuesday-agenda", args=[meeting.pk])
    wrong = client.post(url, _agenda([("Skilsmisse, søskende", 1, 40), ("Skolevægring", 2, 40)]))
    assert wrong.status_code == 200
    assert (
        "De 90 minutter skal fordeles helt mellem drøftelserne: summen er nu 80 minutter."
        in wrong.content.decode()
    )
    assert not Discussion.objects.exists()
    right = client.post(
        url,
        _agenda(
            [("Skilsmisse, søskende", 2, 40), ("Skolevægring", 1, 30), ("Sprog", 3, 20)],
            timekeeper=cast.health_visitor.pk,
        ),
    )
    assert right.status_code == 302
    assert list(meeting.discussions.values_list("priority", "minutes")) == [
        (1, 30),
        (2, 40),
        (3, 20),
    ]
    meeting.refresh_from_db()
    assert meeting.timekeeper == cast.health_visitor


@pytest.mark.parametrize("keywords", ["Pige 0102151234, angst", "Pige 010215-1234, angst"])
def test_the_agenda_refuses_a_cpr_number(cast, team, client_as, keywords) -> None:
    response = client_as(cast.psychologist).post(
        reverse("meetings:tuesday-agenda", args=[team["first"].pk]), _agenda([(keywords, 1, 90)])
    )
    assert response.status_code == 200
    assert "ligner et CPR-nummer" in response.content.decode()
    assert not Discussion.objects.exists()


def test_the_service_refuses_a_cpr_number_in_any_other_business(cast, team) -> None:
    with pytest.raises(ValidationError):
        tuesdays.save_agenda(
            meeting=team["first"],
            discussions=[],
            any_other_business="Sag 010215-1234",
            by=cast.psychologist,
        )


def test_a_tuesday_meeting_has_no_link_to_a_child() -> None:
    related = {
        field.related_model._meta.label
        for field in TuesdayMeeting._meta.get_fields()
        if field.related_model
    }
    related |= {
        field.related_model._meta.label
        for field in Discussion._meta.get_fields()
        if field.related_model
    }
    assert "cases.Child" not in related and "cases.Case" not in related


# --- Issue 18: a known child's name is refused, not only a CPR number ---------------------------


@pytest.mark.parametrize(
    "keywords",
    [
        "Viggo Thomsen fra 4.B, angst",
        "viggo thomsen – skolevægring",
        "Thomsen, Viggo: fravær",
        "VIGGO THOMSEN",
    ],
)
def test_the_agenda_refuses_a_known_childs_full_name_at_the_field(
    cast, team, client_as, keywords
) -> None:
    from tests.cases.factories import ChildFactory

    ChildFactory(first_name="Viggo", last_name="Thomsen", institution=cast.other_school)
    response = client_as(cast.psychologist).post(
        reverse("meetings:tuesday-agenda", args=[team["first"].pk]), _agenda([(keywords, 1, 90)])
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    [message] = formset.forms[0].errors["keywords"]
    assert "for- og efternavn på et barn" in message and "anonym" in message
    # The message does not say which child (no institution, class or other name).
    assert "Viggo" not in message and cast.other_school.name not in message
    assert not Discussion.objects.exists()


def test_a_child_with_two_first_names_is_caught_by_the_first_and_the_last_name(cast, team) -> None:
    from tests.cases.factories import ChildFactory

    ChildFactory(first_name="Anne Sofie", last_name="Møller Jensen", institution=cast.school)
    with pytest.raises(ValidationError, match="for- og efternavn"):
        tuesdays.save_agenda(
            meeting=team["first"],
            discussions=[],
            any_other_business="Kort om Anne fra 2.A – Anne Møller Jensen græder meget",
            by=cast.psychologist,
        )


def test_a_first_name_alone_or_an_unknown_full_name_is_accepted(cast, team) -> None:
    from tests.cases.factories import ChildFactory

    ChildFactory(first_name="Viggo", last_name="Thomsen", institution=cast.school)
    for text in ("Viggo har svært ved overgange", "Viggo Hansen", "dreng, 4.B, Thomsen-familien"):
        tuesdays.save_agenda(
            meeting=team["first"],
            discussions=[tuesdays.DiscussionInput(keywords=text, priority=1, minutes=90)],
            by=cast.psychologist,
        )


def test_the_name_check_is_one_query_whatever_the_number_of_children(
    cast, team, django_assert_num_queries
) -> None:
    from cases.children.anonymity import names_a_known_child
    from tests.cases.factories import ChildFactory

    ChildFactory.create_batch(20, institution=cast.school)
    with django_assert_num_queries(1):
        assert not names_a_known_child("Pige fra 3. klasse med ondt i maven om mandagen")
