"""The reports hooks: courses by level, outcome and institution, absence cases by step, and the
share of prevention against tertiary efforts."""

from datetime import date
from decimal import Decimal

import pytest

from indsatser import queries, services
from indsatser.models import AbsenceCase, Course
from tests.cases.factories import ChildFactory

from .factories import DIVORCE_GROUP, FOSTER_CHILDREN, SHORT_TALKS, CourseFactory, enrol, seeded

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(cast):
    """Three courses in spring 2026 (two secondary, one tertiary) and one from 2025."""
    group = CourseFactory(
        intervention=seeded(DIVORCE_GROUP),
        responsible=cast.psychologist,
        institution=cast.school,
        starts_on=date(2026, 2, 1),
    )
    for _ in range(4):
        enrol(group, ChildFactory(institution=cast.school), cast.psychologist)
    talks = CourseFactory(
        intervention=seeded(SHORT_TALKS),
        kind="hold",
        responsible=cast.psychologist,
        institution=cast.school,
        starts_on=date(2026, 3, 1),
    )
    enrol(talks, ChildFactory(institution=cast.school), cast.psychologist)
    foster = CourseFactory(
        intervention=seeded(FOSTER_CHILDREN),
        responsible=cast.outsider,
        institution=cast.other_school,
        starts_on=date(2026, 4, 1),
    )
    enrol(foster, ChildFactory(institution=cast.other_school), cast.outsider)
    old = CourseFactory(
        intervention=seeded(FOSTER_CHILDREN),
        responsible=cast.outsider,
        institution=cast.other_school,
        starts_on=date(2025, 5, 1),
    )
    Course.objects.filter(pk=talks.pk).update(
        status="afsluttet", outcome="maal_naaet", ended_on=date(2026, 5, 1)
    )
    Course.objects.filter(pk=old.pk).update(
        status="afsluttet", outcome="afbrudt", ended_on=date(2025, 12, 1)
    )
    return group, talks, foster, old


SPRING = (date(2026, 1, 1), date(2026, 6, 30))


def test_courses_by_level_counts_courses_and_children_with_zeros(courses) -> None:
    rows = queries.courses_by_level(*SPRING)
    assert [(r["level"], r["courses"], r["children"]) for r in rows] == [
        ("groen", 0, 0),
        ("gul", 2, 5),
        ("roed", 1, 1),
    ]
    assert sum(r["courses"] for r in queries.courses_by_level()) == 4


def test_prevention_share_of_a_period(courses) -> None:
    share = queries.prevention_share(*SPRING)
    assert share["preventive_courses"] == 2 and share["tertiary_courses"] == 1
    assert share["preventive_share"] == Decimal("66.7")
    assert share["preventive_children"] == 5 and share["preventive_children_share"] == Decimal(
        "83.3"
    )
    assert (
        queries.prevention_share(date(2030, 1, 1), date(2030, 12, 31))["preventive_share"] is None
    )


def test_courses_by_outcome_counts_courses_ended_in_the_period(courses) -> None:
    rows = {r["outcome"]: r for r in queries.courses_by_outcome(*SPRING)}
    assert rows["maal_naaet"]["total"] == 1 and rows["maal_naaet"]["gul"] == 1
    assert rows["afbrudt"]["total"] == 0
    assert {r["outcome"]: r["total"] for r in queries.courses_by_outcome()}["afbrudt"] == 1


def test_courses_by_institution(cast, courses) -> None:
    rows = {r["institution__name"]: r for r in queries.courses_by_institution(*SPRING)}
    assert rows[cast.school.name]["total"] == 2 and rows[cast.school.name]["gul"] == 2
    assert rows[cast.other_school.name]["roed"] == 1
    assert rows[cast.school.name]["institution__district__name"] == "Vest"


def test_the_queries_count_only_what_the_caller_passes(cast, courses) -> None:
    mine = Course.objects.visible_to(cast.psychologist)
    assert [r["courses"] for r in queries.courses_by_level(courses=mine)] == [0, 2, 0]
    rows = queries.courses_by_level(courses=Course.objects.visible_to(cast.outsider))
    assert [r["courses"] for r in rows] == [0, 0, 2]


def test_absence_cases_by_step_and_quarter(cast, today) -> None:
    for percent in ("3", "11", "12", "16"):
        services.open_absence_case(
            child=ChildFactory(institution=cast.school), by=cast.teacher, percent=Decimal(percent)
        )
    first = AbsenceCase.objects.order_by("pk").first()
    services.close_absence_case(absence_case=first, by=cast.teacher)

    rows = {
        r["current_step__order"]: r
        for r in queries.absence_cases_by_step(date(2026, 1, 1), date(2026, 3, 31))
    }
    assert {order: r["cases"] for order, r in rows.items()} == {1: 1, 2: 2, 4: 1}
    assert rows[1]["open"] == 0
    assert list(queries.absence_cases_by_step(date(2026, 2, 1), None)) == []

    quarter = queries.absence_by_quarter().get()
    assert (
        quarter["year"],
        quarter["quarter"],
        quarter["cases"],
        quarter["at_10"],
        quarter["at_15"],
    ) == (2026, 1, 4, 3, 1)
    assert round(quarter["average_percent"], 1) == Decimal("10.5")
