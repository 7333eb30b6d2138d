"""Fixtures for the indsatser tests, built on the standing cast."""

from datetime import date

import pytest
import time_machine

from cases.models import Case
from indsatser.models import Course
from tests.cases.factories import ChildFactory

from .factories import CourseFactory, child_course, child_with_consent, enrol

#: A Wednesday well clear of Danish holidays, so working-day arithmetic is easy to read.
TODAY = date(2026, 3, 4)


@pytest.fixture
def today():
    with time_machine.travel(date(2026, 3, 4), tick=False):
        yield TODAY


@pytest.fixture
def child(cast):
    """A pupil at the cast's school (Vest) whose mother has consented."""
    return child_with_consent(
        institution=cast.school, first_name="Alma", last_name="Vestergaard", group="4.B"
    )


@pytest.fixture
def case(cast, child) -> Case:
    return Case.objects.create(child=child, assigned=cast.psychologist, team=cast.team_vest)


@pytest.fixture
def course(cast, case) -> Course:
    """A course for the case's child, run by the case's psychologist."""
    return child_course(case=case, responsible=cast.psychologist, starts_on=date(2026, 2, 2))


@pytest.fixture
def group_course(cast, child) -> Course:
    """A divorce group at the cast's school, run by the colleague, with the child and a pupil
    from another school enrolled."""
    course = CourseFactory(
        title="Skilsmissegruppe Vest",
        starts_on=date(2026, 2, 2),
        responsible=cast.colleague,
        institution=cast.school,
        district=cast.vest,
    )
    enrol(course, child, cast.colleague)
    enrol(
        course,
        ChildFactory(institution=cast.other_school, first_name="Otto", last_name="Østergaard"),
        cast.colleague,
    )
    return course
