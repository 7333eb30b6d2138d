"""Issue 25: the koordinerende TRIO per school year (only it, or the leader, refers), the
institution's own response before a henvisning (the forum reads it), and Skolesocialrådgivning's
open consultation (fixed weekly times, up to three talks per child before a henvisning)."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import ConsultationSlot, ConsultationTalk, ForumReferral, TalkWith, Trio
from meetings.schoolyears import current_school_year, school_year_label, school_year_of
from ppr.accounts.models import Role
from ppr.audit.models import AuditEvent
from ppr.deadlines import calendar
from tests.cases.factories import ChildFactory
from tests.conftest import SESSION_QUERIES
from tests.factories import InstitutionFactory, user_with_role

from .factories import (
    at,
    cast_trio,
    forum,
    give_meeting_consent,
    make_trio,
    own_response,
    own_response_data,
)

pytestmark = pytest.mark.django_db


# --- The TRIO per school year -----------------------------------------------------------------


def test_the_school_year_starts_on_the_first_of_august() -> None:
    assert school_year_of(date(2026, 7, 31)) == 2025
    assert school_year_of(date(2026, 8, 1)) == 2026
    assert school_year_label(2026) == "2026/27"


def _trio_post(cast, **overrides):
    return {
        "leader": cast.school_leader.pk,
        "psychologist": cast.psychologist.pk,
        "resource_person": cast.teacher.pk,
        "resource_title": "Læringsmiljøvejleder",
        **overrides,
    }


def test_the_school_leader_sets_the_trio_and_last_years_stays_as_history(cast, client_as) -> None:
    now = current_school_year()
    make_trio(
        cast.school,
        leader=cast.school_leader,
        psychologist=cast.colleague,
        resource_person=cast.teacher,
        school_year=now - 1,
    )
    client = client_as(cast.school_leader)
    url = reverse("meetings:trio-update", args=[cast.school.pk, now])
    # A new year starts from last year's people.
    assert client.get(url).context["form"].initial["psychologist"] == cast.colleague.pk
    assert client.post(url, _trio_post(cast)).status_code == 302
    trio = Trio.objects.get(institution=cast.school, school_year=now)
    assert (trio.leader, trio.psychologist, trio.resource_person) == (
        cast.school_leader,
        cast.psychologist,
        cast.teacher,
    )
    assert Trio.objects.get(school_year=now - 1).psychologist == cast.colleague
    assert AuditEvent.objects.filter(object_type="meetings.Trio", action="create").exists()
    page = client.get(reverse("meetings:trio-detail", args=[cast.school.pk])).content.decode()
    assert school_year_label(now) in page and school_year_label(now - 1) in page
    assert str(cast.colleague) in page and str(cast.psychologist) in page


def test_the_trio_is_three_people_in_the_roles_the_seed_names(cast, client_as) -> None:
    client = client_as(cast.ppr_leader)
    url = reverse("meetings:trio-update", args=[cast.school.pk, current_school_year()])
    # The other school's leader is not offered; the teacher cannot be the psychologist.
    response = client.post(
        url, _trio_post(cast, leader=cast.other_leader.pk, psychologist=cast.teacher.pk)
    )
    assert response.status_code == 200
    assert {"leader", "psychologist"} <= set(response.context["form"].errors)
    with pytest.raises(ValidationError) as refused:
        services.save_trio(
            institution=cast.school,
            school_year=current_school_year(),
            leader=cast.school_leader,
            psychologist=cast.psychologist,
            resource_person=cast.school_leader,
            by=cast.ppr_leader,
        )
    assert "tre forskellige personer" in str(refused.value)
    assert not Trio.objects.exists()


def test_only_the_institution_leader_and_ppr_leader_set_the_trio(cast, client_as) -> None:
    url = reverse("meetings:trio-update", args=[cast.school.pk, current_school_year()])
    for user in (cast.teacher, cast.psychologist, cast.other_leader, cast.social_worker):
        assert client_as(user).post(url, _trio_post(cast)).status_code == 403
    assert client_as(cast.ppr_leader).post(url, _trio_post(cast)).status_code == 302
    # Past school years are history: not editable.
    past = reverse("meetings:trio-update", args=[cast.school.pk, current_school_year() - 1])
    assert client_as(cast.ppr_leader).get(past).status_code == 404


def test_the_trio_list_filters_institutions_without_a_trio_and_keeps_its_query_count(
    cast, client_as, django_assert_num_queries
) -> None:
    cast_trio(cast)
    for _ in range(4):
        InstitutionFactory(district=cast.vest)
    client = client_as(cast.psychologist)
    url = reverse("meetings:trio-list")
    with django_assert_num_queries(13 + SESSION_QUERIES):
        response = client.get(url)
    assert response.context["table"].paginator.count == 7
    page = response.content.decode()
    assert str(cast.teacher) in page and "Ikke sat sammen" in page
    missing = client.get(url, {"mangler": "true"}).context["table"].paginator.count
    assert missing == 6
    has = client.get(url, {"mangler": "false", "sort": "-name"}).context["table"]
    assert has.paginator.count == 1
    last_year = {"skoleaar": current_school_year() - 1, "mangler": "false"}
    assert client.get(url, last_year).context["table"].paginator.count == 0


# --- Only the TRIO refers -----------------------------------------------------------------------


def _refer(cast, by, **overrides):
    kwargs = {
        "institution": cast.school,
        "forum": forum("tvaerfagligt_skoleteam"),
        "child": None,
        "anonymous_description": "dreng, 3. klasse",
        "referred_on": calendar.today(),
        "rationale": "Faldende trivsel.",
        "ruler_colour": "gul",
        "follow_up_on": calendar.today() + timedelta(days=14),
        "by": by,
        "own": own_response(),
    }
    return services.refer_to_forum(**(kwargs | overrides))


def test_only_the_trio_or_the_leader_refers_to_a_forum(cast, client_as) -> None:
    url = reverse("meetings:forumreferral-create") + f"?institution={cast.school.pk}"
    data = {
        "forum": forum("tvaerfagligt_skoleteam").pk,
        "child": "",
        "anonymous_description": "dreng, 3. klasse",
        "referred_on": calendar.today().isoformat(),
        "rationale": "Faldende trivsel.",
        "ruler_colour": "gul",
        "follow_up_on": (calendar.today() + timedelta(days=14)).isoformat(),
        **own_response_data(),
    }
    # Without a TRIO only the leader refers (on its behalf).
    for user in (cast.teacher, cast.psychologist, cast.colleague, cast.ppr_leader):
        assert client_as(user).post(url, data).status_code == 403
        with pytest.raises(PermissionDenied):
            _refer(cast, user)
    assert client_as(cast.school_leader).post(url, data).status_code == 302
    cast_trio(cast)
    for user in (cast.teacher, cast.psychologist):
        assert client_as(user).post(url, data).status_code == 302
    assert client_as(cast.colleague).post(url, data).status_code == 403
    assert ForumReferral.objects.count() == 3


def test_last_years_trio_no_longer_refers(cast) -> None:
    make_trio(
        cast.school,
        leader=cast.school_leader,
        psychologist=cast.psychologist,
        resource_person=cast.teacher,
        school_year=current_school_year() - 1,
    )
    with pytest.raises(PermissionDenied):
        _refer(cast, cast.teacher)


def test_a_trio_member_who_left_the_school_no_longer_refers(cast) -> None:
    cast_trio(cast)
    _refer(cast, cast.teacher)
    cast.teacher.memberships.update(active=False)
    teacher = type(cast.teacher).objects.get(pk=cast.teacher.pk)
    with pytest.raises(PermissionDenied):
        _refer(cast, teacher)


def test_the_trio_psychologist_from_another_team_sees_and_refers(cast, client_as) -> None:
    make_trio(
        cast.school,
        leader=cast.school_leader,
        psychologist=cast.outsider,
        resource_person=cast.teacher,
    )
    henvisning = _refer(cast, cast.outsider)
    client = client_as(cast.outsider)
    assert client.get(henvisning.get_absolute_url()).status_code == 200


# --- The institution's own response -------------------------------------------------------------


def test_a_henvisning_needs_the_institutions_own_response(cast, client_as) -> None:
    url = reverse("meetings:forumreferral-create") + f"?institution={cast.school.pk}"
    data = {
        "forum": forum("tvaerfagligt_skoleteam").pk,
        "child": "",
        "anonymous_description": "dreng, 3. klasse",
        "referred_on": calendar.today().isoformat(),
        "rationale": "Faldende trivsel.",
        "ruler_colour": "gul",
        "follow_up_on": (calendar.today() + timedelta(days=14)).isoformat(),
    }
    response = client_as(cast.school_leader).post(url, data)
    assert response.status_code == 200
    assert {"own_tried", "own_from", "own_to", "own_result"} <= set(response.context["form"].errors)
    backwards = {**data, **own_response_data(), "own_from": calendar.today().isoformat()}
    backwards["own_to"] = (calendar.today() - timedelta(days=3)).isoformat()
    response = client_as(cast.school_leader).post(url, backwards)
    assert "kan ikke slutte, før den begyndte" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        _refer(cast, cast.school_leader, own=services.OwnResponse())
    assert set(refused.value.message_dict) >= {"own_tried", "own_result"}
    assert not ForumReferral.objects.exists()


def test_the_forum_reads_the_own_response_on_the_meeting_page(cast, client_as) -> None:
    child = ChildFactory(institution=cast.school)
    henvisning = _refer(
        cast, cast.school_leader, forum=forum("indstilling_bistand_ppr"), child=child
    )
    assert henvisning.own_weeks == 8
    meeting = services.book_forum_meeting(
        forum=henvisning.forum,
        institution=cast.school,
        forum_referral=henvisning,
        child=child,
        starts_at=at(3, 10),
        ends_at=at(3, 11),
        location="Lokale 2",
        chair=cast.school_leader,
        minutes_writer=cast.psychologist,
        participants=[cast.teacher],
        by=cast.school_leader,
    )
    page = client_as(cast.psychologist).get(meeting.get_absolute_url()).content.decode()
    assert "Institutionens egen indsats før henvisningen" in page
    assert "Handleplan med klasseteamet" in page and "stadig uro i frikvartererne" in page
    assert "(8 uger)" in page


def test_a_drafted_henvisning_is_finished_with_the_own_response(cast, client_as) -> None:
    draft = ForumReferral.objects.create(
        institution=cast.school,
        forum=forum("tvaerfagligt_skoleteam"),
        anonymous_description="pige",
        rationale="Fra konferencen.",
        status="kladde",
        created_by=cast.psychologist,
    )
    detail = client_as(cast.school_leader).get(draft.get_absolute_url()).content.decode()
    assert "beskriver sin egen indsats, når den gør henvisningen færdig" in detail
    url = reverse("meetings:forumreferral-finish", args=[draft.pk])
    data = {
        "forum": draft.forum_id,
        "child": "",
        "anonymous_description": "pige",
        "referred_on": calendar.today().isoformat(),
        "rationale": draft.rationale,
        "ruler_colour": "gul",
        "follow_up_on": (calendar.today() + timedelta(days=14)).isoformat(),
    }
    assert client_as(cast.school_leader).post(url, data).status_code == 200
    assert client_as(cast.school_leader).post(url, data | own_response_data()).status_code == 302
    draft.refresh_from_db()
    assert draft.has_own_response and not draft.is_draft


# --- Skolesocialrådgivning ----------------------------------------------------------------------


def _slot(cast, **overrides) -> ConsultationSlot:
    fields = {
        "institution": cast.school,
        "social_worker": cast.social_worker,
        "weekday": 1,
        "starts_at": time(8, 0),
        "ends_at": time(10, 0),
        "location": "Lokale 12",
    }
    return services.save_slot(slot=ConsultationSlot(**(fields | overrides)), by=cast.social_worker)


def _tuesdays(count: int) -> list[date]:
    today = calendar.today()
    first = today + timedelta(days=(1 - today.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(count)]


def test_the_social_worker_keeps_a_weekly_slot_and_the_school_books_it(cast, client_as) -> None:
    client = client_as(cast.social_worker)
    response = client.post(
        reverse("meetings:slot-create"),
        {
            "institution": cast.school.pk,
            "social_worker": cast.social_worker.pk,
            "weekday": 1,
            "starts_at": "08:00",
            "ends_at": "10:00",
            "location": "Lokale 12",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    slot = ConsultationSlot.objects.get()
    assert slot.created_by == cast.social_worker and "Tirsdag kl. 08.00–10.00" in str(slot)
    book = reverse("meetings:talk-create", args=[slot.pk])
    day = _tuesdays(1)[0]
    response = client_as(cast.teacher).post(
        book,
        {
            "held_on": day.isoformat(),
            "talk_with": "fagprofessionel",
            "child": "",
            "anonymous_description": "dreng, 5. klasse",
        },
    )
    assert response.status_code == 302
    talk = ConsultationTalk.objects.get()
    assert talk.child is None and talk.booked_by == cast.teacher
    # A Wednesday is not the slot's day.
    wrong = client_as(cast.teacher).post(
        book,
        {
            "held_on": (day + timedelta(days=1)).isoformat(),
            "talk_with": "elev",
            "anonymous_description": "pige",
        },
    )
    assert "vælg en tirsdag" in wrong.content.decode()


def test_the_fourth_talk_with_a_child_is_refused_pointing_to_the_trio(cast, client_as) -> None:
    slot = _slot(cast)
    child = ChildFactory(institution=cast.school, first_name="Alma")
    give_meeting_consent(child, "Skolesocialrådgivning", recorded_by=cast.school_leader)
    days = _tuesdays(5)
    for day, talk_with in zip(
        days[:3], (TalkWith.PUPIL, TalkWith.PARENTS, TalkWith.PUPIL_AND_PARENTS), strict=True
    ):
        services.book_talk(
            slot=slot, held_on=day, talk_with=talk_with, child=child, by=cast.social_worker
        )
    # Sparring with a professional about the child does not count.
    services.book_talk(
        slot=slot,
        held_on=days[3],
        talk_with=TalkWith.PROFESSIONAL,
        child=child,
        by=cast.teacher,
    )
    assert services.counted_talks(child, cast.school) == 3
    response = client_as(cast.school_leader).post(
        reverse("meetings:talk-create", args=[slot.pk]),
        {"held_on": days[4].isoformat(), "talk_with": "elev", "child": child.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alma har allerede haft 3 samtaler i skolesocialrådgivningen" in page
    assert "flere kræver en henvisning fra skolens koordinerende TRIO" in page
    # The leader may refer on the TRIO's behalf: the page links to the henvisning.
    assert f"{reverse('meetings:forumreferral-create')}?institution={cast.school.pk}" in page
    assert ConsultationTalk.objects.count() == 4
    # Cancelling one frees a talk; the TRIO's henvisning opens a new round.
    first = ConsultationTalk.objects.filter(talk_with=TalkWith.PUPIL).get()
    services.cancel_talk(talk=first, by=cast.social_worker)
    assert services.counted_talks(child, cast.school) == 2
    services.book_talk(
        slot=slot, held_on=days[4], talk_with=TalkWith.PUPIL, child=child, by=cast.social_worker
    )
    with pytest.raises(ValidationError, match="allerede haft 3 samtaler"):
        services.book_talk(
            slot=slot, held_on=days[4], talk_with=TalkWith.PUPIL, child=child, by=cast.teacher
        )
    with time_machine.travel(days[4] + timedelta(days=1)):
        _refer(cast, cast.school_leader, child=child, forum=forum("indstilling_bistand_ppr"))
        assert services.counted_talks(child, cast.school) == 0


def test_a_named_talk_needs_consent_to_the_forum(cast) -> None:
    slot = _slot(cast)
    child = ChildFactory(institution=cast.school)
    with pytest.raises(ValidationError) as refused:
        services.book_talk(
            slot=slot,
            held_on=_tuesdays(1)[0],
            talk_with=TalkWith.PUPIL,
            child=child,
            by=cast.teacher,
        )
    assert "samtykke" in refused.value.message_dict["child"][0]


def test_only_the_school_and_the_slots_social_worker_book(cast) -> None:
    slot = _slot(cast)
    other_worker = user_with_role(Role.SOCIAL_WORKER, district=cast.vest)
    for user in (cast.ppr_leader, cast.psychologist, cast.other_leader, other_worker):
        with pytest.raises(PermissionDenied):
            services.book_talk(
                slot=slot,
                held_on=_tuesdays(1)[0],
                talk_with=TalkWith.PROFESSIONAL,
                child=None,
                anonymous_description="dreng",
                by=user,
            )
    with pytest.raises(PermissionDenied):
        _slot(cast, social_worker=other_worker)  # a social worker keeps only their own times


def test_the_talk_list_is_filtered_audited_and_keeps_its_query_count(
    cast, client_as, django_assert_num_queries
) -> None:
    slot = _slot(cast)
    days = _tuesdays(3)
    children = [ChildFactory(institution=cast.school) for _ in range(3)]
    for child in children:
        give_meeting_consent(child, "Skolesocialrådgivning", recorded_by=cast.school_leader)
        for day in days[:2]:
            services.book_talk(
                slot=slot, held_on=day, talk_with=TalkWith.PUPIL, child=child, by=cast.teacher
            )
    services.book_talk(
        slot=slot,
        held_on=days[2],
        talk_with=TalkWith.PROFESSIONAL,
        child=None,
        anonymous_description="pige",
        by=cast.teacher,
    )
    client = client_as(cast.school_leader)
    url = reverse("meetings:consultation-list")
    with django_assert_num_queries(18 + SESSION_QUERIES):
        response = client.get(url)
    table = response.context["table"]
    assert table.paginator.count == 7
    page = response.content.decode()
    assert "2 af 3" in page and children[0].name in page and "Booket" in page
    assert AuditEvent.objects.filter(action="view", child_id=children[0].pk).count() == 2
    assert client.get(url, {"med": "fagprofessionel"}).context["table"].paginator.count == 1
    assert client.get(url, {"sort": "-held_on"}).status_code == 200
    # The other school's leader and PPR's psychologist see none of it.
    for user in (cast.other_leader, cast.psychologist):
        assert client_as(user).get(url).context["table"].paginator.count == 0


def test_the_demo_gives_every_school_a_trio_and_a_slot_and_a_child_at_the_limit(
    restored_demo,
) -> None:
    """On the demo as seeded (tests/conftest.py ``restored_demo``); its meetings seeded again."""
    from demo import meetings as meetings_demo
    from demo.organisation import seed_organisation
    from ppr.organisation.models import SCHOOL_KINDS, Institution

    schools = Institution.objects.filter(kind__in=SCHOOL_KINDS)
    now = current_school_year()
    for school in schools:
        assert Trio.objects.filter(institution=school, school_year=now).exists(), school
        assert ConsultationSlot.objects.filter(institution=school).exists(), school
    assert Trio.objects.filter(school_year=now - 1).exists()
    named = ConsultationTalk.objects.filter(child__isnull=False).first()
    assert named is not None
    assert services.counted_talks(named.child, named.slot.institution) == 3
    counts = (
        Trio.objects.count(),
        ConsultationSlot.objects.count(),
        ConsultationTalk.objects.count(),
    )
    meetings_demo.seed(seed_organisation())
    assert (
        Trio.objects.count(),
        ConsultationSlot.objects.count(),
        ConsultationTalk.objects.count(),
    ) == counts
