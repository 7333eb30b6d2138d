"""Who sees which course and absence case (``visible_to``), the start-page panel, the menu, and
the audit row of a read."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indsatser import services
from indsatser.models import AbsenceCase, Course, CourseParticipant, Intervention
from ppr.audit.models import AuditEvent
from tests.cases.factories import ChildFactory

from .factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_school_course(cast):
    return CourseFactory(
        title="Hold på Østerbro", responsible=cast.outsider, institution=cast.other_school
    )


@pytest.fixture
def absence_cases(cast, child, today):
    ours = services.open_absence_case(child=child, by=cast.teacher, percent=Decimal(11))
    theirs = services.open_absence_case(
        child=ChildFactory(institution=cast.other_school), by=cast.other_leader, percent=Decimal(16)
    )
    return ours, theirs


def visible(model, user) -> set[int]:
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_school_staff_see_their_schools_courses_and_absence_cases_not_other_schools(
    cast, client_as, course, group_course, other_school_course, absence_cases
) -> None:
    ours, theirs = absence_cases
    for user in (cast.school_leader, cast.teacher):
        assert visible(Course, user) == {course.pk, group_course.pk}
        assert visible(AbsenceCase, user) == {ours.pk}
        client = client_as(user)
        assert client.get(other_school_course.get_absolute_url()).status_code == 404
        assert client.get(theirs.get_absolute_url()).status_code == 404
        assert client.get(ours.get_absolute_url()).status_code == 200
        html = client.get(reverse("indsatser:absence-list")).content.decode()
        assert "1 fraværssag" in html
    # The other school sees its own absence case and the group only because its pupil is on it.
    assert visible(AbsenceCase, cast.other_leader) == {theirs.pk}
    assert visible(Course, cast.other_leader) == {group_course.pk, other_school_course.pk}


def test_a_school_sees_only_its_own_children_among_a_groups_participants(
    cast, group_course
) -> None:
    names = {
        p.child.first_name
        for p in CourseParticipant.objects.visible_to(cast.school_leader).filter(
            course=group_course
        )
    }
    assert names == {"Alma"}
    names = {
        p.child.first_name
        for p in CourseParticipant.objects.visible_to(cast.colleague).filter(course=group_course)
    }
    assert names == {"Alma", "Otto"}


def test_case_workers_see_the_courses_of_their_cases_and_team_and_the_groups_they_run(
    cast, course, group_course, other_school_course
) -> None:
    assert visible(Course, cast.psychologist) == {course.pk}
    assert visible(Course, cast.colleague) == {course.pk, group_course.pk}
    assert visible(Course, cast.outsider) == {other_school_course.pk}
    assert visible(Course, cast.ppr_leader) == {course.pk, group_course.pk, other_school_course.pk}


def test_a_co_leader_sees_and_runs_the_group(cast, client_as, group_course) -> None:
    group_course.co_leaders.add(cast.outsider)
    assert group_course.pk in visible(Course, cast.outsider)
    assert (
        client_as(cast.outsider)
        .get(reverse("indsatser:course-update", args=[group_course.pk]))
        .status_code
        == 200
    )


@pytest.mark.parametrize("role", ["administrator", "secretary", "social_worker", "health_visitor"])
def test_roles_without_a_relation_see_no_course_or_absence_case(
    cast, role, course, group_course, absence_cases
) -> None:
    user = getattr(cast, role)
    assert visible(Course, user) == set()
    # The one relation a secretary has: an absence case whose PPR step (16 %, the child has no
    # case worker) landed in PPR's shared pool, i.e. in the secretary's Mine frister.
    pooled = {absence_cases[1].pk} if role == "secretary" else set()
    assert visible(AbsenceCase, user) == pooled
    assert visible(CourseParticipant, user) == set()


def test_the_administrator_sees_not_even_the_catalogue(cast) -> None:
    assert visible(Intervention, cast.administrator) == set()
    assert visible(Intervention, cast.teacher) == set(
        Intervention.objects.values_list("pk", flat=True)
    )


def test_ppr_sees_the_absence_cases_of_its_cases(cast, absence_cases, case) -> None:
    ours, _theirs = absence_cases
    assert visible(AbsenceCase, cast.psychologist) == {ours.pk}
    assert visible(AbsenceCase, cast.colleague) == {ours.pk}
    assert visible(AbsenceCase, cast.outsider) == set()
    assert visible(AbsenceCase, cast.ppr_leader) == {a.pk for a in absence_cases}


def test_reading_a_course_writes_exactly_one_audit_row_with_the_child(
    cast, client_as, course
) -> None:
    client = client_as(cast.teacher)  # logging in is itself logged
    before = AuditEvent.objects.count()
    client.get(course.get_absolute_url())
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.child_id == course.case.child_id and event.purpose == "indsats"
    assert event.institution_id == cast.school.pk


def test_an_out_of_scope_read_is_a_404_and_logs_nothing(cast, client_as, course) -> None:
    client = client_as(cast.other_leader)
    before = AuditEvent.objects.count()
    assert client.get(course.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.count() == before


def test_the_start_page_shows_the_courses_i_am_responsible_for(
    cast, client_as, course, group_course
) -> None:
    html = client_as(cast.colleague).get(reverse("home")).content.decode()
    assert "Forløb, du er ansvarlig for" in html
    assert group_course.title in html and course.title not in html
    html = client_as(cast.teacher).get(reverse("home")).content.decode()
    assert "Forløb, du er ansvarlig for" not in html and "overskredne trin" not in html


@pytest.mark.parametrize(
    ("role", "items"),
    [
        ("teacher", {"Indsatsvifte", "Forløb", "Bekymrende fravær"}),
        ("daycare_leader", {"Indsatsvifte", "Forløb"}),
        ("psychologist", {"Indsatsvifte", "Forløb", "Bekymrende fravær"}),
        ("social_worker", {"Indsatsvifte"}),
        ("administrator", set()),
    ],
)
def test_the_menu_shows_what_the_role_may_use(cast, client_as, role, items) -> None:
    html = client_as(getattr(cast, role)).get(reverse("account-settings")).content.decode()
    nav = html[
        html.index('aria-label="Hovedmenu"') : html.index(
            "</nav>", html.index('aria-label="Hovedmenu"')
        )
    ]
    shown = {label for label in ("Indsatsvifte", ">Forløb<", "Bekymrende fravær") if label in nav}
    assert {s.strip("<>") for s in shown} == items
