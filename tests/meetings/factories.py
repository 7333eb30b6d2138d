"""Factories and helpers for meetings tests."""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cases.models import ConsentForm, ConsentScope
from meetings.forums import ensure_default_forums
from meetings.models import AgendaItem, ConferenceMeeting, ConferenceSeries, SupportForum, Trio
from meetings.schoolyears import current_school_year
from meetings.services import OwnResponse
from tests.cases.factories import ConsentFactory, GuardianFactory
from tests.factories import InstitutionFactory, UserFactory


def forum(code: str) -> SupportForum:
    """One of the default forums (made again if a transactional test flushed them)."""
    ensure_default_forums(SupportForum)
    return SupportForum.objects.get(code=code)


def at(days: int, hour: int = 9) -> datetime:
    """A local time ``days`` from today."""
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), time(hour))
    )


def give_meeting_consent(
    child, meeting_name: str, *, recorded_by, guardians: int = 2, withdrawn: bool = False
):
    """Custody holders (joint custody by default) who all consent to this named meeting."""
    holders = [
        GuardianFactory(child=child, relation=relation) for relation in ("mor", "far")[:guardians]
    ]
    for guardian in holders:
        ConsentFactory(
            guardian=guardian,
            scope=ConsentScope.MEETING,
            meeting_name=meeting_name,
            form=ConsentForm.WRITTEN,
            recorded_by=recorded_by,
            withdrawn_on=timezone.localdate() if withdrawn else None,
        )
    return holders


class SeriesFactory(DjangoModelFactory):
    class Meta:
        model = ConferenceSeries
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.LazyAttribute(lambda o: f"Koordineringskonference {o.institution.name}")
    room = "Mødelokale 1"
    cadence = "Første tirsdag i måneden"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def standing(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.standing_participants.set(extracted)


class ConferenceFactory(DjangoModelFactory):
    class Meta:
        model = ConferenceMeeting
        skip_postgeneration_save = True

    series = factory.SubFactory(SeriesFactory)
    starts_at = factory.LazyFunction(lambda: at(7, 13))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    room = "Mødelokale 1"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def participants(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.participants.set(extracted)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(ConferenceFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = "Uro i klassen"
    anonymous_description = "dreng, 3. klasse"
    submitted_by = factory.SubFactory(UserFactory)


def own_response_data() -> dict[str, str]:
    """The henvisning form's fields for the institution's own response (required to send)."""
    today = timezone.localdate()
    return {
        "own_tried": "Handleplan med klasseteamet og to samtaler med forældrene.",
        "own_from": (today - timedelta(weeks=8)).isoformat(),
        "own_to": today.isoformat(),
        "own_result": "Lidt bedre trivsel i timerne, men stadig uro i frikvartererne.",
    }


def own_response():
    """The same own response for the services (``refer_to_forum(..., own=own_response())``)."""
    today = timezone.localdate()
    return OwnResponse(
        tried="Handleplan med klasseteamet og to samtaler med forældrene.",
        started_on=today - timedelta(weeks=8),
        ended_on=today,
        result="Lidt bedre trivsel i timerne, men stadig uro i frikvartererne.",
    )


def make_trio(institution, *, leader, psychologist, resource_person, school_year=None):
    """The institution's koordinerende TRIO for this (or the given) school year."""
    trio, _ = Trio.objects.update_or_create(
        institution=institution,
        school_year=school_year or current_school_year(),
        defaults={
            "leader": leader,
            "psychologist": psychologist,
            "resource_person": resource_person,
            "resource_title": "Læringsmiljøvejleder",
            "updated_by": leader,
        },
    )
    return trio


def cast_trio(cast):
    """The cast's school's TRIO: its leader, the case's psychologist and the teacher."""
    return make_trio(
        cast.school,
        leader=cast.school_leader,
        psychologist=cast.psychologist,
        resource_person=cast.teacher,
    )


_born_serial = iter(range(1, 10**6))


def child_born(born, **kwargs):
    """A child with a CPR number that gives this birth date (the 7th digit 4: born 2000–2036)."""
    from tests.cases.factories import ChildFactory

    return ChildFactory(cpr=f"{born:%d%m%y}4{next(_born_serial) % 1000:03d}", **kwargs)


def flagged_child(institution, *, born, group="", colour="gul", rater=None, **kwargs):
    """A child at ``institution`` whose latest Børnelineal rating is ``colour``."""
    from tests.cases.factories import RulerRatingFactory

    child = child_born(born, institution=institution, group=group, **kwargs)
    RulerRatingFactory(child=child, colour=colour, **({"rater": rater} if rater else {}))
    return child


def transition_request(child, *, receiving, sent_by, school_year=None, **kwargs):
    """A request that the receiving institution's TRIO acts (as the service makes it)."""
    from meetings.models import TransitionKind, TransitionRequest

    return TransitionRequest.objects.create(
        child=child,
        school_year=school_year or current_school_year() + 1,
        kind=kwargs.pop("kind", TransitionKind.SCHOOL_START),
        sending_institution=child.institution,
        receiving_institution=receiving,
        colour=kwargs.pop("colour", "gul"),
        message=kwargs.pop("message", "Har brug for tydelige rammer og en fast voksen."),
        sent_by=sent_by,
        **kwargs,
    )
