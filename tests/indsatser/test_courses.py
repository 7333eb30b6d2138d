"""Courses (forløb): for one child on the case, or a group (hold) with enrolment under consent,
sessions and attendance, a participant list for the group leader, and an outcome at the end."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from cases.models import Consent
from indsatser import services
from indsatser.models import (
    Attendance,
    Course,
    CourseKind,
    CourseParticipant,
    CourseSession,
    FollowUp,
    FollowUpStatus,
)
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from ppr.documents.models import Document
from tests.cases.factories import ChildFactory, ConsentFactory, GuardianFactory
from tests.conftest import SESSION_QUERIES

from .factories import DIVORCE_GROUP, SHORT_TALKS, CourseFactory, child_with_consent, seeded

pytestmark = pytest.mark.django_db


def start_data(**overrides):
    data = {
        "token": str(uuid.uuid4()),
        "intervention": seeded(SHORT_TALKS).pk,
        "title": "",
        "starts_on": "2026-03-04",
        "ends_on": "2026-06-30",
        "goals": "Alma deltager i frikvartererne tre dage om ugen.\nAlma siger selv, at hun har en ven i klassen.",
        "follow_up_1": "2026-04-15",
        "follow_up_2": "2026-06-10",
    }
    return {**data, **overrides}


def test_a_psychologist_starts_a_course_for_the_child_of_the_case_with_goals_and_follow_up_deadlines(
    cast, client_as, case, today
) -> None:
    data = start_data(responsible=cast.psychologist.pk)
    response = client_as(cast.psychologist).post(
        reverse("indsatser:case-course-create", args=[case.pk]), data
    )

    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url()
    assert course.kind == CourseKind.CHILD and course.case == case
    assert course.title == SHORT_TALKS
    assert course.institution == cast.school
    assert course.team == cast.team_vest
    assert [p.child for p in course.participants.all()] == [case.child]
    assert course.goals.count() == 2
    deadlines = Deadline.objects.filter(kind=DeadlineKind.OPFOELGNING).order_by("due")
    assert [d.due for d in deadlines] == [date(2026, 4, 15), date(2026, 6, 10)]
    assert {d.responsible for d in deadlines} == {cast.psychologist}
    assert all(case.child.first_name not in d.title for d in deadlines)
    assert deadlines[0].link == FollowUp.objects.order_by("planned_on").first().get_absolute_url()


def test_a_double_submit_starts_one_course(cast, client_as, case, today) -> None:
    client = client_as(cast.psychologist)
    data = start_data(responsible=cast.psychologist.pk)
    url = reverse("indsatser:case-course-create", args=[case.pk])
    client.post(url, data)
    client.post(url, data)
    assert Course.objects.count() == 1
    assert FollowUp.objects.count() == 2


def test_bad_dates_are_refused_in_danish_and_nothing_is_saved(cast, client_as, case, today) -> None:
    data = start_data(
        responsible=cast.psychologist.pk, ends_on="2026-03-01", follow_up_1="2026-02-01"
    )
    response = client_as(cast.psychologist).post(
        reverse("indsatser:case-course-create", args=[case.pk]), data
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Slutdatoen skal ligge på eller efter startdatoen." in html
    assert "En opfølgning kan ikke planlægges i fortiden." in html
    assert not Course.objects.exists()
    assert not Deadline.objects.exists()


def test_a_school_leader_cannot_start_a_group_course(cast, client_as) -> None:
    assert client_as(cast.school_leader).get(reverse("indsatser:course-create")).status_code == 403


def test_a_group_course_with_twelve_children_and_attendance(
    cast, client_as, today, django_assert_num_queries
) -> None:
    client = client_as(cast.psychologist)
    response = client.post(
        reverse("indsatser:course-create"),
        start_data(
            intervention=seeded(DIVORCE_GROUP).pk,
            title="Skilsmissegruppe Vest, forår 2026",
            responsible=cast.psychologist.pk,
            institution=cast.school.pk,
            follow_up_2="",
        ),
    )
    course = Course.objects.get()
    assert response.status_code == 302 and course.kind == CourseKind.GROUP and course.case is None

    children = [child_with_consent(institution=cast.school, group="5.A") for _ in range(12)]
    for child in children[:11]:
        assert (
            client.post(
                reverse("indsatser:participant-add", args=[course.pk]), {"cpr": child.cpr}
            ).status_code
            == 302
        )
    # The twelfth is picked from the list of children the psychologist can see at the school.
    cast.psychologist.__dict__.pop("active_memberships", None)
    assert (
        client.post(
            reverse("indsatser:participant-add", args=[course.pk]), {"cpr": children[11].cpr}
        ).status_code
        == 302
    )
    assert course.participants.filter(removed_on__isnull=True).count() == 12

    for day in ("2026-03-04", "2026-03-11", "2026-03-18"):
        client.post(
            reverse("indsatser:session-add", args=[course.pk]), {"held_on": day, "topic": "Samtale"}
        )
    sessions = list(course.sessions.all())
    participants = list(course.participants.all())
    assert len(sessions) == 3
    for session in sessions:
        for participant in participants:
            present = not (participant == participants[0] and session == sessions[1])
            url = reverse("indsatser:attendance-set", args=[course.pk, session.pk, participant.pk])
            assert client.post(url, {"present": "1" if present else "0"}).status_code == 302

    assert Attendance.objects.filter(present=True).count() == 35
    assert Attendance.objects.filter(present=False).get().participant == participants[0]

    # The frame (user, memberships, municipality, permissions) and the grid, however many
    # children and sessions; the session's read besides.
    with django_assert_num_queries(12 + SESSION_QUERIES):
        grid = client.get(reverse("indsatser:course-attendance", args=[course.pk]))
    html = grid.content.decode()
    assert html.count("3 af 3") == 11
    assert html.count("2 af 3") == 1
    detail = client.get(course.get_absolute_url()).content.decode()
    assert "Deltagere (12)" in detail
    assert "11 til stede" in detail


def test_attendance_toggles_over_htmx_with_the_cell_fragment(cast, client_as, group_course) -> None:
    group_course.responsible = cast.psychologist
    group_course.save()
    session = CourseSession.objects.create(
        course=group_course, held_on=group_course.starts_on, created_by=cast.psychologist
    )
    participant = group_course.participants.first()
    url = reverse("indsatser:attendance-set", args=[group_course.pk, session.pk, participant.pk])

    response = client_as(cast.psychologist).post(
        url, {"present": "0"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<td")
    assert "Fraværende" in html and 'value="1"' in html
    assert Attendance.objects.get().present is False


def test_enrolment_needs_consent_from_every_custody_holder(cast, client_as, group_course) -> None:
    child = ChildFactory(institution=cast.school)
    mother = GuardianFactory(child=child, name="Mette Mor", relation="mor")
    father = GuardianFactory(child=child, name="Frank Far", relation="far")
    GuardianFactory(child=child, name="Bente Bonusmor", relation="anden", has_custody=False)
    ConsentFactory(guardian=mother)
    client = client_as(cast.colleague)
    url = reverse("indsatser:participant-add", args=[group_course.pk])

    response = client.post(url, {"cpr": child.cpr})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Barnet kan ikke tilmeldes uden samtykke fra alle med forældremyndighed." in html
    assert "Frank Far har ikke givet samtykke." in html
    assert "Bente" not in html
    assert not CourseParticipant.objects.filter(child=child).exists()

    ConsentFactory(guardian=father)
    assert client.post(url, {"cpr": child.cpr}).status_code == 302
    assert CourseParticipant.objects.filter(child=child, course=group_course).exists()


def test_withdrawn_consent_does_not_count(cast, group_course) -> None:
    from django.core.exceptions import ValidationError

    child = child_with_consent(institution=cast.school)
    Consent.objects.filter(guardian__child=child).update(withdrawn_on=date.today())
    with pytest.raises(ValidationError, match="samtykke"):
        services.enrol_child(course=group_course, child=child, by=cast.colleague)


def test_an_unknown_cpr_number_is_refused_in_danish(cast, client_as, group_course) -> None:
    response = client_as(cast.colleague).post(
        reverse("indsatser:participant-add", args=[group_course.pk]), {"cpr": "010116-1234"}
    )
    assert "Der er ikke registreret et barn med dette CPR-nummer." in response.content.decode()
    response = client_as(cast.colleague).post(
        reverse("indsatser:participant-add", args=[group_course.pk]), {"cpr": "991399-1234"}
    )
    assert "Ugyldigt CPR-nummer" in response.content.decode()


def test_enrolling_twice_is_one_enrolment(cast, group_course, child) -> None:
    services.enrol_child(course=group_course, child=child, by=cast.colleague)
    assert group_course.participants.filter(child=child).count() == 1


def test_removing_a_child_keeps_the_enrolment_and_attendance_on_record(
    cast, client_as, group_course, child
) -> None:
    participant = group_course.participants.get(child=child)
    session = CourseSession.objects.create(
        course=group_course, held_on=group_course.starts_on, created_by=cast.colleague
    )
    services.set_attendance(
        session=session, participant=participant, present=True, by=cast.colleague
    )
    client = client_as(cast.colleague)

    assert (
        client.post(
            reverse("indsatser:participant-remove", args=[participant.pk]), {"reason": ""}
        ).status_code
        == 302
    )
    participant.refresh_from_db()
    assert participant.is_active

    client.post(
        reverse("indsatser:participant-remove", args=[participant.pk]),
        {"reason": "Flyttet til anden skole"},
    )
    participant.refresh_from_db()
    assert participant.removed_on is not None and participant.removed_by == cast.colleague
    assert Attendance.objects.filter(participant=participant).exists()
    # And the child can be enrolled again later.
    services.enrol_child(course=group_course, child=child, by=cast.colleague)
    assert group_course.participants.filter(child=child).count() == 2


def test_school_staff_see_their_own_children_on_a_group_course_and_not_the_others(
    cast, client_as, group_course
) -> None:
    html = client_as(cast.teacher).get(group_course.get_absolute_url()).content.decode()
    assert "Alma Vestergaard" in html
    assert "Otto Østergaard" not in html
    html = client_as(cast.other_leader).get(group_course.get_absolute_url()).content.decode()
    assert "Otto Østergaard" in html and "Alma Vestergaard" not in html
    html = client_as(cast.colleague).get(group_course.get_absolute_url()).content.decode()
    assert "Otto Østergaard" in html and "Alma Vestergaard" in html


def test_the_participant_list_prints_names_without_cpr_numbers(
    cast, client_as, group_course, child
) -> None:
    response = client_as(cast.colleague).get(
        reverse("indsatser:participant-print", args=[group_course.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alma Vestergaard" in html and "Otto Østergaard" in html and "4.B" in html
    assert child.cpr not in html and child.cpr.replace("-", "") not in html
    assert 'href="/static/css/indsatser-print.css' in html or "indsatser-print" in html


def test_the_participant_list_pdf_is_one_document_until_the_list_changes(
    cast, client_as, group_course
) -> None:
    client = client_as(cast.colleague)
    url = reverse("indsatser:participant-pdf", args=[group_course.pk])
    client.post(url)
    client.post(url)
    assert Document.objects.count() == 1
    document = Document.objects.get()
    assert document.allows(cast.colleague) and not document.allows(cast.teacher)
    assert [p["name"] for p in document.context["participants"]] == [
        "Otto Østergaard",
        "Alma Vestergaard",
    ] or len(document.context["participants"]) == 2

    services.enrol_child(
        course=group_course, child=child_with_consent(institution=cast.school), by=cast.colleague
    )
    client.post(url)
    assert list(Document.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_ending_a_course_records_the_outcome_and_cancels_follow_ups_not_held(
    cast, client_as, course, today
) -> None:
    follow_up = services.plan_follow_up(
        course=course, planned_on=date(2026, 4, 1), by=cast.psychologist
    )
    client = client_as(cast.psychologist)

    response = client.post(reverse("indsatser:course-end", args=[course.pk]), {"outcome": ""})
    assert "Vælg forløbets udfald." in response.content.decode()

    response = client.post(
        reverse("indsatser:course-end", args=[course.pk]),
        {"outcome": "maal_naaet", "note": "Alma trives."},
    )
    assert response.status_code == 302
    course.refresh_from_db()
    follow_up.refresh_from_db()
    assert not course.is_active and course.outcome == "maal_naaet" and course.ended_on == today
    assert follow_up.status == FollowUpStatus.CANCELLED
    assert Deadline.objects.for_subject(follow_up).get().state == DeadlineState.CANCELLED


def test_an_ended_course_is_read_only(cast, course, today) -> None:
    from django.core.exceptions import ValidationError

    services.end_course(course=course, by=cast.psychologist, outcome="afbrudt")
    with pytest.raises(ValidationError, match="afsluttet"):
        services.add_session(course=course, held_on=today, by=cast.psychologist)
    with pytest.raises(ValidationError, match="afsluttet"):
        services.end_course(course=course, by=cast.psychologist, outcome="afbrudt")


def test_a_teacher_can_read_but_not_record_on_the_course(cast, client_as, course, today) -> None:
    client = client_as(cast.teacher)
    assert client.get(course.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("indsatser:session-add", args=[course.pk]), {"held_on": "2026-03-04"}
    )
    assert response.status_code == 403
    assert not CourseSession.objects.exists()


def test_the_course_list_is_paged_and_costs_a_fixed_number_of_queries(
    cast, client_as, django_assert_num_queries
) -> None:
    for _ in range(30):
        CourseFactory(responsible=cast.psychologist, institution=cast.school)
    client = client_as(cast.ppr_leader)
    with django_assert_num_queries(11 + SESSION_QUERIES):
        response = client.get(reverse("indsatser:course-list"))
    html = response.content.decode()
    assert "30 forløb" in html
    assert html.count("<tr") == 26
    with django_assert_num_queries(4 + SESSION_QUERIES):
        partial = client.get(
            reverse("indsatser:course-list") + "?page=2", headers={"HX-Request": "true"}
        )
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().count("<tr") == 6


def test_the_course_list_shows_a_school_its_own_courses(
    cast, client_as, course, group_course
) -> None:
    other = CourseFactory(
        title="Hold i Øst", responsible=cast.outsider, institution=cast.other_school
    )
    html = client_as(cast.school_leader).get(reverse("indsatser:course-list")).content.decode()
    assert course.title in html and group_course.title in html
    assert other.title not in html


def test_a_refused_session_keeps_the_topic_and_puts_the_error_at_the_date(
    cast, client_as, course
) -> None:
    """Issue 18: a refused small form on the course page shows the page again with what was
    typed and the error at its field (it used to redirect and lose the topic)."""
    from ppr.audit.models import AuditAction, AuditEvent

    reads = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    response = client_as(cast.psychologist).post(
        reverse("indsatser:session-add", args=[course.pk]),
        {"held_on": "0001-01-01", "topic": "Samtale om frikvarteret"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Samtale om frikvarteret"' in html
    assert 'id="id_held_on"' in html and 'class="form-error-message"' in html
    assert not CourseSession.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == reads + 1


def test_a_refused_goal_shows_its_text_again_at_the_field(cast, client_as, course) -> None:
    response = client_as(cast.psychologist).post(
        reverse("indsatser:goal-add", args=[course.pk]), {"text": "  "}
    )
    assert response.status_code == 400
    assert 'class="form-error-message"' in response.content.decode()
