"""The support model: forums as data, the PPR leader's edit page, TRIO henvisninger, bookings."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ForumMeeting, ForumReferral, MinutesPolicy, SupportForum
from ppr.deadlines import calendar
from ppr.deadlines.models import Deadline, DeadlineKind, Notification
from ppr.organisation.models import Municipality
from tests.cases.factories import ChildFactory
from tests.conftest import SESSION_QUERIES

from .factories import at, cast_trio, forum, give_meeting_consent, own_response, own_response_data

pytestmark = pytest.mark.django_db


def test_the_municipality_starts_with_five_school_and_four_daycare_forums(cast) -> None:
    forum("sparring_ppr")  # make sure they exist
    forums = list(SupportForum.objects.all())
    assert len(forums) == 7
    assert len([f for f in forums if f.fits(cast.school)]) == 5
    assert len([f for f in forums if f.fits(cast.daycare)]) == 4
    notat = SupportForum.objects.get(code="indstilling_bistand_ppr")
    assert notat.minutes_policy == MinutesPolicy.PPR_NOTAT and notat.requires_named_child


def test_ppr_leader_edits_a_forum_and_the_change_is_audited(cast, client_as) -> None:
    target = forum("sparring_ppr")
    data = {
        "name": "Sparring og vejledning v/PPR",
        "institution_kinds": ["skole", "dagtilbud", "klub"],
        "case_scope": "ikke_aktive",
        "children": target.children,
        "offers": target.offers,
        "participants": target.participants,
        "booked_by": target.booked_by,
        "chaired_by": target.chaired_by,
        "minutes_policy": "intet",
        "position": 30,
        "active": "on",
    }
    response = client_as(cast.ppr_leader).post(
        reverse("meetings:forum-update", args=[target.pk]), data
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert "klub" in target.institution_kinds
    assert target.updated_by == cast.ppr_leader


def test_forum_edit_without_institution_kinds_shows_a_danish_error(cast, client_as) -> None:
    target = forum("sparring_ppr")
    response = client_as(cast.ppr_leader).post(
        reverse("meetings:forum-update", args=[target.pk]), {"name": "X"}
    )
    assert response.status_code == 200
    assert "Vælg mindst én institutionstype." in response.content.decode()
    target.refresh_from_db()
    assert target.name == "Sparring og vejledning v/PPR"


def _referral_data(forum_pk: int, **overrides: object) -> dict:
    today = calendar.today()
    return {
        "forum": forum_pk,
        "child": "",
        "anonymous_description": "dreng, 3. klasse",
        "referred_on": today.isoformat(),
        "rationale": "Faldende trivsel; skolens egne tiltag har ikke været nok.",
        "ruler_colour": "gul",
        "follow_up_on": (today + timedelta(days=21)).isoformat(),
        **own_response_data(),
        **overrides,
    }


def test_trio_refers_an_anonymous_non_active_case_with_a_follow_up_deadline(
    cast, client_as
) -> None:
    target = forum("tvaerfagligt_skoleteam")
    cast_trio(cast)  # the teacher is the school's resource person in its TRIO
    url = reverse("meetings:forumreferral-create") + f"?institution={cast.school.pk}"
    response = client_as(cast.teacher).post(url, _referral_data(target.pk))
    assert response.status_code == 302
    referral = ForumReferral.objects.get()
    assert referral.is_anonymous and referral.institution == cast.school
    deadline = Deadline.objects.for_subject(referral).get()
    assert deadline.kind == DeadlineKind.OPFOELGNING
    assert deadline.responsible == cast.teacher
    assert deadline.due == referral.follow_up_on


def test_a_forum_for_active_cases_needs_a_named_child(cast, client_as) -> None:
    target = forum("indstilling_bistand_ppr")
    url = reverse("meetings:forumreferral-create") + f"?institution={cast.school.pk}"
    response = client_as(cast.school_leader).post(url, _referral_data(target.pk))
    assert response.status_code == 200
    assert "drøfter aktive sager: vælg barnet" in response.content.decode()
    assert not ForumReferral.objects.exists()


def test_a_named_child_in_a_non_active_forum_needs_consent(cast) -> None:
    child = ChildFactory(institution=cast.school)
    target = forum("tvaerfagligt_skoleteam")
    kwargs = {
        "institution": cast.school,
        "forum": target,
        "child": child,
        "referred_on": calendar.today(),
        "rationale": "Trivsel",
        "ruler_colour": "gul",
        "follow_up_on": calendar.today() + timedelta(days=10),
        "by": cast.school_leader,
        "own": own_response(),
    }
    with pytest.raises(ValidationError) as caught:
        services.refer_to_forum(**kwargs)
    assert "samtykke" in caught.value.message_dict["child"][0]
    give_meeting_consent(child, target.name, recorded_by=cast.school_leader)
    assert services.refer_to_forum(**kwargs).child == child


def test_the_forum_must_fit_the_institution_kind(cast) -> None:
    with pytest.raises(ValidationError) as caught:
        services.refer_to_forum(
            institution=cast.daycare,
            forum=forum("tvaerfagligt_skoleteam"),
            child=None,
            referred_on=calendar.today(),
            rationale="Trivsel",
            ruler_colour="gul",
            follow_up_on=calendar.today() + timedelta(days=10),
            by=cast.daycare_leader,
            own=own_response(),
        )
    assert "ikke et forum for" in caught.value.message_dict["forum"][0]


def test_rationale_with_a_cpr_number_is_refused(cast) -> None:
    with pytest.raises(ValidationError) as caught:
        services.refer_to_forum(
            institution=cast.school,
            forum=forum("tvaerfagligt_skoleteam"),
            child=None,
            referred_on=calendar.today(),
            rationale="Drengen 010203-1234 mistrives",
            ruler_colour="gul",
            follow_up_on=calendar.today() + timedelta(days=10),
            by=cast.school_leader,
            own=own_response(),
        )
    assert "CPR-nummer" in caught.value.message_dict["rationale"][0]


def test_another_schools_leader_cannot_refer_from_our_school(cast) -> None:
    with pytest.raises(PermissionDenied):
        services.refer_to_forum(
            institution=cast.school,
            forum=forum("tvaerfagligt_skoleteam"),
            child=None,
            referred_on=calendar.today(),
            rationale="Trivsel",
            ruler_colour="gul",
            follow_up_on=calendar.today() + timedelta(days=10),
            by=cast.other_leader,
            own=own_response(),
        )


def test_referral_list_shows_only_own_institution_and_keeps_its_query_count(
    cast, client_as, django_assert_num_queries
) -> None:
    target = forum("tvaerfagligt_skoleteam")
    for institution, leader in (
        (cast.school, cast.school_leader),
        (cast.other_school, cast.other_leader),
    ):
        for _ in range(3):
            services.refer_to_forum(
                institution=institution,
                forum=target,
                child=None,
                anonymous_description="pige",
                referred_on=calendar.today(),
                rationale="Trivsel",
                ruler_colour="gul",
                follow_up_on=calendar.today() + timedelta(days=10),
                by=leader,
                own=own_response(),
            )
    client = client_as(cast.school_leader)
    # 16: the TRIO's ratings of named children are prefetched in one query (their colours).
    with django_assert_num_queries(16 + SESSION_QUERIES):
        response = client.get(reverse("meetings:forumreferral-list"))
    assert response.context["table"].paginator.count == 3


def _book(cast, child, **overrides):
    kwargs = {
        "forum": forum("indstilling_bistand_ppr"),
        "institution": cast.school,
        "child": child,
        "starts_at": at(3, 10),
        "ends_at": at(3, 11),
        "location": "Mødelokale 2",
        "chair": cast.school_leader,
        "minutes_writer": cast.psychologist,
        "participants": [cast.teacher],
        "by": cast.school_leader,
    }
    return services.book_forum_meeting(**(kwargs | overrides))


def test_booking_a_ppr_notat_forum_gives_the_ppr_participant_a_notat_deadline(cast) -> None:
    municipality = Municipality.current()
    municipality.notat_working_days = 4
    municipality.save()
    child = ChildFactory(institution=cast.school)
    meeting = _book(cast, child)
    deadline = Deadline.objects.for_subject(meeting).get()
    assert deadline.kind == DeadlineKind.NOTAT
    assert deadline.responsible == cast.psychologist
    assert deadline.due == calendar.add_working_days(
        timezone.localtime(meeting.starts_at).date(), 4
    )
    assert child.name not in deadline.title
    assert set(meeting.participants.all()) == {cast.school_leader, cast.psychologist, cast.teacher}
    invited = Notification.objects.filter(recipient=cast.teacher).get()
    assert child.first_name not in invited.message


def test_a_ppr_notat_forum_needs_a_ppr_writer_and_an_institution_chair(cast) -> None:
    child = ChildFactory(institution=cast.school)
    with pytest.raises(ValidationError) as caught:
        _book(cast, child, minutes_writer=cast.social_worker, chair=cast.social_worker)
    assert set(caught.value.message_dict) == {"minutes_writer", "chair"}
    assert not ForumMeeting.objects.exists()


def test_a_forum_without_minutes_gives_no_deadline(cast) -> None:
    meeting = _book(
        cast,
        None,
        forum=forum("tvaerfagligt_skoleteam"),
        minutes_writer=None,
        chair=cast.social_worker,
    )
    assert not Deadline.objects.for_subject(meeting).exists()


def test_only_the_social_worker_books_a_koordinerende_netvaerksmoede(cast) -> None:
    child = ChildFactory(institution=cast.school)
    netvaerk = forum("koordinerende_netvaerksmoede")
    with pytest.raises(PermissionDenied):
        _book(
            cast, child, forum=netvaerk, chair=cast.social_worker, minutes_writer=cast.social_worker
        )
    meeting = _book(
        cast,
        child,
        forum=netvaerk,
        chair=cast.social_worker,
        minutes_writer=cast.social_worker,
        by=cast.social_worker,
    )
    assert meeting.forum == netvaerk
    assert not Deadline.objects.for_subject(meeting).exists()


def test_booking_page_books_from_a_henvisning(cast, client_as) -> None:
    child = ChildFactory(institution=cast.school)
    target = forum("indstilling_bistand_ppr")
    referral = services.refer_to_forum(
        institution=cast.school,
        forum=target,
        child=child,
        referred_on=calendar.today(),
        rationale="Indstilling",
        ruler_colour="roed",
        follow_up_on=calendar.today() + timedelta(days=10),
        by=cast.school_leader,
        own=own_response(),
    )
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    url = reverse("meetings:forummeeting-create") + f"?henvisning={referral.pk}"
    client = client_as(cast.school_leader)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "forum": target.pk,
            "day": day,
            "start": "10:00",
            "end": "11:00",
            "location": "Lokale 2",
            "chair": cast.school_leader.pk,
            "minutes_writer": cast.psychologist.pk,
            "participants": [cast.teacher.pk],
            "other_participants": "Forældre",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = ForumMeeting.objects.get()
    assert meeting.child == child and meeting.forum_referral == referral
    assert client_as(cast.psychologist).get(meeting.get_absolute_url()).status_code == 200
