"""Meetings: PPR by role and district, institutions their own, partners as participants,
the administrator nothing. Tirsdagsmøder are PPR's and the partners' only; the calendar feed
opens with its token alone."""

from datetime import date, timedelta

from meetings.models import (
    ConferenceMeeting,
    ConferenceSeries,
    ForumMeeting,
    ForumReferral,
    Note,
    Profession,
    SupportForum,
    SwapRequest,
    TuesdayMeeting,
    TuesdaySeat,
)
from tests.factories import user_with_role
from tests.security.routes import LOGIN, ROLES, Route, everyone

ADMIN = {"administrator": 403}


def _forum(code: str) -> SupportForum:
    from meetings.forums import ensure_default_forums

    ensure_default_forums(SupportForum)
    return SupportForum.objects.get(code=code)


def _future(days: int = 7):
    from django.utils import timezone

    return timezone.now() + timedelta(days=days)


def school_holiday(cast) -> dict:
    from meetings.models import SchoolHoliday

    holiday = SchoolHoliday.objects.create(
        name="Vinterferie",
        starts_on=date(2027, 2, 15),
        ends_on=date(2027, 2, 19),
        created_by=cast.ppr_leader,
    )
    return {"pk": holiday.pk}


def forum_referral(cast) -> dict:
    referral = ForumReferral.objects.create(
        institution=cast.school,
        forum=_forum("tvaerfagligt_skoleteam"),
        anonymous_description="dreng, 3. klasse",
        rationale="Faldende trivsel.",
        ruler_colour="gul",
        follow_up_on=_future(30).date(),
        created_by=cast.school_leader,
    )
    return {"pk": referral.pk}


def draft_forum_referral(cast) -> dict:
    """A henvisning a decision drafted, waiting for the school to finish it."""
    referral = ForumReferral.objects.create(
        institution=cast.school,
        forum=_forum("tvaerfagligt_skoleteam"),
        anonymous_description="dreng, 3. klasse",
        rationale="Besluttet på koordineringskonferencen.",
        status="kladde",
        created_by=cast.psychologist,
    )
    return {"pk": referral.pk}


def _trio(cast) -> None:
    """The school's TRIO: its leader, the case's psychologist and the teacher."""
    from meetings.models import Trio
    from meetings.schoolyears import current_school_year

    Trio.objects.get_or_create(
        institution=cast.school,
        school_year=current_school_year(),
        defaults={
            "leader": cast.school_leader,
            "psychologist": cast.psychologist,
            "resource_person": cast.teacher,
            "updated_by": cast.school_leader,
        },
    )


def with_trio(cast) -> dict:
    _trio(cast)
    return {}


def draft_with_trio(cast) -> dict:
    _trio(cast)
    return draft_forum_referral(cast)


def trio_year(cast) -> dict:
    from meetings.schoolyears import current_school_year

    return {"pk": cast.school.pk, "year": current_school_year()}


def _consultation_slot(cast):
    from datetime import time

    from meetings.models import ConsultationSlot

    return ConsultationSlot.objects.create(
        institution=cast.school,
        social_worker=cast.social_worker,
        weekday=1,
        starts_at=time(8, 0),
        ends_at=time(10, 0),
        location="Lokale 12",
        created_by=cast.social_worker,
    )


def consultation_slot(cast) -> dict:
    return {"pk": _consultation_slot(cast).pk}


def consultation_talk(cast) -> dict:
    from meetings.models import ConsultationTalk

    talk = ConsultationTalk.objects.create(
        slot=_consultation_slot(cast),
        held_on=_future().date(),
        talk_with="fagprofessionel",
        anonymous_description="dreng",
        booked_by=cast.teacher,
    )
    return {"pk": talk.pk}


def forum_meeting(cast) -> dict:
    meeting = ForumMeeting.objects.create(
        forum=_forum("tvaerfagligt_skoleteam"),
        institution=cast.school,
        starts_at=_future(),
        ends_at=_future() + timedelta(hours=1),
        location="Mødelokale",
        chair=cast.social_worker,
        booked_by=cast.school_leader,
    )
    meeting.participants.set([cast.social_worker, cast.school_leader, cast.psychologist])
    return {"pk": meeting.pk}


def _series(cast) -> ConferenceSeries:
    series = ConferenceSeries.objects.create(
        institution=cast.school,
        name="Koordineringskonference Vestervang",
        room="Lokale 1",
        created_by=cast.school_leader,
    )
    series.standing_participants.set([cast.psychologist, cast.social_worker, cast.school_leader])
    return series


def series(cast) -> dict:
    return {"pk": _series(cast).pk}


def _conference(cast) -> ConferenceMeeting:
    meeting = ConferenceMeeting.objects.create(
        series=_series(cast),
        starts_at=_future(),
        ends_at=_future() + timedelta(hours=2),
        room="Lokale 1",
        created_by=cast.school_leader,
    )
    meeting.participants.set([cast.psychologist, cast.social_worker, cast.school_leader])
    return meeting


def conference(cast) -> dict:
    return {"pk": _conference(cast).pk}


def agenda_item(cast) -> dict:
    item = _conference(cast).items.create(
        position=1, title="Uro", anonymous_description="pige", submitted_by=cast.teacher
    )
    return {"pk": item.pk}


def note_for_conference(cast) -> dict:
    return {"kind": "konference", "pk": _conference(cast).pk}


def note(cast) -> dict:
    meeting = _conference(cast)
    draft = Note.objects.create(
        conference_meeting=meeting, title="Notat", text="Tekst", author=cast.psychologist
    )
    draft.participants.set(meeting.participants.all())
    return {"pk": draft.pk}


def _tuesday(cast) -> TuesdayMeeting:
    meeting = TuesdayMeeting.objects.create(
        district=cast.vest,
        starts_at=_future(),
        ends_at=_future() + timedelta(hours=2),
        room="Rådhuset",
        created_by=cast.ppr_leader,
    )
    for user, profession in (
        (cast.psychologist, Profession.PSYCHOLOGIST),
        (cast.social_worker, Profession.SOCIAL_WORKER),
        (cast.health_visitor, Profession.HEALTH_VISITOR),
    ):
        TuesdaySeat.objects.create(meeting=meeting, user=user, profession=profession)
    return meeting


def tuesday(cast) -> dict:
    return {"pk": _tuesday(cast).pk}


def social_workers_seat(cast) -> dict:
    return {"pk": _tuesday(cast).seats.get(user=cast.social_worker).pk}


def swap(cast) -> dict:
    from ppr.accounts.models import Role

    seat = _tuesday(cast).seats.get(user=cast.social_worker)
    colleague = user_with_role(Role.SOCIAL_WORKER, district=cast.oest)
    request = SwapRequest.objects.create(
        seat=seat, requested_by=cast.social_worker, colleague=colleague
    )
    return {"pk": request.pk, "action": "traek-tilbage"}


# Who sees what at Vestervang Skole (Vest): PPR's Team Vest and leader/secretary, the school's
# leader and staff, the social worker taking part; not Team Øst, not another school's leader.
school_object = {
    "anonymous": LOGIN,
    "psychologist": 200,
    "colleague": 200,
    "outsider": 404,
    "ppr_leader": 200,
    "secretary": 200,
    "school_leader": 200,
    "other_leader": 404,
    "teacher": 200,
    "social_worker": 200,
    "administrator": 403,
}
managers_only = school_object | {
    "psychologist": 403,
    "colleague": 403,
    "teacher": 403,
    "social_worker": 403,
}
tuesday_users = everyone(200, school_leader=403, other_leader=403, teacher=403, administrator=403)
tuesday_leader_only = everyone(403, ppr_leader=200)
seat_holder_only = everyone(403, social_worker=200)

# --- Overgange -----------------------------------------------------------------------------------


def transition_child(cast) -> dict:
    """A 3rd-grader at the school with a yellow rating (moves to mellemtrin next August), and
    the school's TRIO (its leader, the case's psychologist, the teacher)."""
    from meetings.schoolyears import current_school_year
    from tests.cases.factories import RulerRatingFactory
    from tests.meetings.factories import child_born

    _trio(cast)
    born = current_school_year() - 9
    child = child_born(date(born, 5, 2), institution=cast.school, group="3.A")
    RulerRatingFactory(child=child, colour="gul")
    return {"pk": child.pk}


def transition_request_data(cast) -> dict:
    from meetings.schoolyears import current_school_year

    return {
        "receiving_institution": cast.school.pk,
        "message": "Har brug for en fast voksen ved skiftet.",
        "skoleaar": current_school_year() + 1,
    }


def received_transition(cast) -> dict:
    """A request from the daycare to the school (the school's TRIO set up), anonymous."""
    from meetings.schoolyears import current_school_year
    from tests.cases.factories import RulerRatingFactory
    from tests.meetings.factories import child_born, transition_request

    _trio(cast)
    child = child_born(date(current_school_year() + 1 - 6, 3, 3), institution=cast.daycare)
    RulerRatingFactory(child=child, colour="roed")
    request = transition_request(child, receiving=cast.school, sent_by=cast.daycare_leader)
    return {"pk": request.pk}


ROUTES = [
    Route("meetings:index", everyone(200, **ADMIN)),
    Route("meetings:forum-list", everyone(200, **ADMIN)),
    Route(
        "meetings:forum-update",
        everyone(403, ppr_leader=200),
        kwargs=lambda cast: {"pk": _forum("sparring_ppr").pk},
    ),
    Route(
        "meetings:forum-update",
        everyone(403, ppr_leader=200),
        kwargs=lambda cast: {"pk": _forum("sparring_ppr").pk},
        method="post",
    ),
    Route("meetings:forumreferral-list", everyone(200, **ADMIN)),
    # Only the school's TRIO (leader, psychologist, teacher) or a leader refers (issue 25).
    Route(
        "meetings:forumreferral-create",
        everyone(403, psychologist=200, school_leader=200, other_leader=200, teacher=200),
        kwargs=with_trio,
    ),
    Route(
        "meetings:forumreferral-detail",
        school_object | {"social_worker": 404},
        kwargs=forum_referral,
    ),
    # Finishing a drafted henvisning: the school's TRIO or its leader; other viewers 403.
    Route(
        "meetings:forumreferral-finish",
        school_object
        | {"colleague": 403, "ppr_leader": 403, "secretary": 403, "social_worker": 404},
        kwargs=draft_with_trio,
    ),
    # The TRIO per school year: everyone who works with children reads it; the institution's
    # leader and PPR's leader set it.
    Route("meetings:trio-list", everyone(200, **ADMIN)),
    Route(
        "meetings:trio-detail",
        everyone(200, **ADMIN),
        kwargs=lambda cast: {"pk": cast.school.pk},
    ),
    Route(
        "meetings:trio-update", everyone(403, ppr_leader=200, school_leader=200), kwargs=trio_year
    ),
    Route(
        "meetings:trio-update",
        everyone(403, ppr_leader=200, school_leader=200),
        kwargs=trio_year,
        method="post",
    ),
    # Skolesocialrådgivning: the school, the slot's social worker and PPR's leader see it; the
    # school and the social worker book; PPR's leader, school leaders and social workers keep times.
    Route("meetings:consultation-list", everyone(200, **ADMIN)),
    Route(
        "meetings:slot-create",
        everyone(403, ppr_leader=200, school_leader=200, other_leader=200, social_worker=200),
    ),
    Route(
        "meetings:slot-create",
        everyone(403, ppr_leader=200, school_leader=200, other_leader=200, social_worker=200),
        method="post",
    ),
    Route(
        "meetings:slot-update",
        everyone(404, ppr_leader=200, school_leader=200, teacher=403, social_worker=200, **ADMIN),
        kwargs=consultation_slot,
    ),
    Route(
        "meetings:talk-create",
        everyone(404, ppr_leader=403, school_leader=200, teacher=200, social_worker=200, **ADMIN),
        kwargs=consultation_slot,
    ),
    Route(
        "meetings:talk-create",
        everyone(404, ppr_leader=403, school_leader=200, teacher=200, social_worker=200, **ADMIN),
        kwargs=consultation_slot,
        method="post",
    ),
    Route(
        "meetings:talk-cancel",
        everyone(404, ppr_leader=403, school_leader=302, teacher=302, social_worker=302, **ADMIN),
        kwargs=consultation_talk,
        method="post",
    ),
    Route("meetings:talk-cancel", everyone(405, **ADMIN), kwargs=consultation_talk),
    Route(
        "meetings:forummeeting-create",
        school_object | {"psychologist": 403, "colleague": 403, "social_worker": 404},
        data=lambda cast: {"henvisning": forum_referral(cast)["pk"]},
    ),
    Route("meetings:forummeeting-detail", school_object, kwargs=forum_meeting),
    # Calling off: who may book (school, PPR leader/secretary) may cancel; other viewers 403.
    Route(
        "meetings:forummeeting-cancel",
        school_object
        | {
            "psychologist": 403,
            "colleague": 403,
            "social_worker": 403,
            "ppr_leader": 302,
            "secretary": 302,
            "school_leader": 302,
            "teacher": 302,
        },
        kwargs=forum_meeting,
        method="post",
    ),
    # Without JavaScript, GET is the question before calling off (a page, not the action).
    Route(
        "meetings:forummeeting-cancel",
        school_object | {"psychologist": 403, "colleague": 403, "social_worker": 403},
        kwargs=forum_meeting,
    ),
    # Fortryd: the same people; a meeting that is not cancelled is simply shown again.
    Route(
        "meetings:forummeeting-uncancel",
        school_object
        | {
            "psychologist": 403,
            "colleague": 403,
            "social_worker": 403,
            "ppr_leader": 302,
            "secretary": 302,
            "school_leader": 302,
            "teacher": 302,
        },
        kwargs=forum_meeting,
        method="post",
    ),
    Route("meetings:forummeeting-uncancel", everyone(405, **ADMIN), kwargs=forum_meeting),
    Route("meetings:series-list", everyone(200, **ADMIN)),
    Route(
        "meetings:series-create",
        everyone(
            200,
            psychologist=403,
            colleague=403,
            outsider=403,
            teacher=403,
            social_worker=403,
            **ADMIN,
        ),
    ),
    Route("meetings:series-detail", school_object, kwargs=series),
    Route("meetings:series-update", managers_only, kwargs=series),
    Route("meetings:conference-create", managers_only, kwargs=series, method="post"),
    Route("meetings:conference-detail", school_object, kwargs=conference),
    Route(
        "meetings:conference-cancel",
        school_object
        | {
            "psychologist": 403,
            "colleague": 403,
            "teacher": 403,
            "social_worker": 403,
            "ppr_leader": 302,
            "secretary": 302,
            "school_leader": 302,
        },
        kwargs=conference,
        method="post",
    ),
    Route(
        "meetings:conference-cancel",
        school_object
        | {"psychologist": 403, "colleague": 403, "teacher": 403, "social_worker": 403},
        kwargs=conference,
    ),
    Route(
        "meetings:conference-uncancel",
        school_object
        | {
            "psychologist": 403,
            "colleague": 403,
            "teacher": 403,
            "social_worker": 403,
            "ppr_leader": 302,
            "secretary": 302,
            "school_leader": 302,
        },
        kwargs=conference,
        method="post",
    ),
    Route("meetings:conference-uncancel", everyone(405, **ADMIN), kwargs=conference),
    Route(
        "meetings:item-create", school_object | {"secretary": 403}, kwargs=conference, method="post"
    ),
    Route(
        "meetings:item-decide",
        school_object | {"secretary": 403, "teacher": 403},
        kwargs=agenda_item,
        method="post",
    ),
    Route(
        "meetings:note-create",
        school_object
        | {
            "psychologist": 302,
            "colleague": 302,
            "ppr_leader": 302,
            "secretary": 403,
            "school_leader": 403,
            "teacher": 403,
            "social_worker": 403,
        },
        kwargs=note_for_conference,
        method="post",
    ),
    Route("meetings:note-detail", school_object | {"secretary": 404, "teacher": 404}, kwargs=note),
    Route(
        "meetings:note-finalise",
        school_object
        | {
            "psychologist": 302,
            "colleague": 302,
            "ppr_leader": 302,
            "secretary": 404,
            "school_leader": 403,
            "teacher": 404,
            "social_worker": 403,
        },
        kwargs=note,
        method="post",
    ),
    Route(
        "meetings:note-autosave",
        school_object
        | {
            "secretary": 404,
            "school_leader": 403,
            "teacher": 404,
            "social_worker": 403,
        },
        kwargs=note,
        method="post",
        data=lambda cast: {"text": "Halvt skrevet."},
    ),
    Route("meetings:tuesday-list", tuesday_users),
    Route("meetings:tuesday-plan", tuesday_leader_only),
    Route("meetings:school-holidays", tuesday_leader_only),
    Route(
        "meetings:school-holiday-delete",
        everyone(403, ppr_leader=302),
        kwargs=school_holiday,
        method="post",
    ),
    Route("meetings:tuesday-detail", tuesday_users, kwargs=tuesday),
    Route(
        "meetings:tuesday-agenda",
        everyone(403, psychologist=200, ppr_leader=200, social_worker=200),
        kwargs=tuesday,
    ),
    Route("meetings:tuesday-cancel", everyone(403, ppr_leader=302), kwargs=tuesday, method="post"),
    # Without JavaScript, GET is the question before calling off (a page, not the action).
    Route("meetings:tuesday-cancel", everyone(403, ppr_leader=200), kwargs=tuesday),
    Route(
        "meetings:seat-cancel",
        everyone(403, social_worker=302),
        kwargs=social_workers_seat,
        method="post",
    ),
    Route("meetings:seat-substitute", seat_holder_only, kwargs=social_workers_seat),
    Route("meetings:seat-swap", seat_holder_only, kwargs=social_workers_seat),
    Route("meetings:swap-list", tuesday_users),
    Route(
        "meetings:swap-respond",
        everyone(
            404,
            social_worker=302,
            ppr_leader=403,
            school_leader=403,
            other_leader=403,
            teacher=403,
            **ADMIN,
        ),
        kwargs=swap,
        method="post",
    ),
    Route("meetings:calendar-settings", tuesday_users),
    Route(
        "meetings:calendar-feed",
        {role: 404 for role in ROLES},
        kwargs=lambda cast: {"token": "ikke-en-rigtig-noegle"},
    ),
    # Overgange: the sending list for the institution's leader, its TRIO and PPR's leader;
    # asking the receiving TRIO for the sending TRIO or leader (the child seen: else 404);
    # the requests for both sides' leaders and TRIOs and PPR's leader and secretary.
    Route(
        "meetings:transition-list",
        everyone(
            403, psychologist=200, ppr_leader=200, school_leader=200, other_leader=200, teacher=200
        ),
        kwargs=with_trio,
    ),
    Route(
        "meetings:transition-request-create",
        everyone(404, ppr_leader=403, secretary=403, school_leader=200, teacher=200, **ADMIN),
        kwargs=transition_child,
    ),
    Route(
        "meetings:transition-request-create",
        everyone(404, ppr_leader=403, secretary=403, school_leader=302, teacher=302, **ADMIN),
        kwargs=transition_child,
        method="post",
        data=transition_request_data,
    ),
    Route("meetings:transition-request-list", everyone(200, **ADMIN)),
    Route(
        "meetings:transition-request-detail",
        everyone(
            404,
            psychologist=200,
            ppr_leader=200,
            secretary=200,
            school_leader=200,
            teacher=200,
            **ADMIN,
        ),
        kwargs=received_transition,
    ),
    Route(
        "meetings:transition-request-detail",
        everyone(
            404,
            psychologist=302,
            ppr_leader=403,
            secretary=403,
            school_leader=302,
            teacher=302,
            **ADMIN,
        ),
        kwargs=received_transition,
        method="post",
        data=lambda cast: {"response": "Vi holder møde med forældrene før skolestart."},
    ),
]
