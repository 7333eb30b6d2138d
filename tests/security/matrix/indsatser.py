"""Access to the indsatser app: the catalogue for all staff, courses and absence cases by role
and relation, the catalogue and procedure editable by the PPR leader only.

The objects are made once per test from the standing cast: a child at the cast's school (Vest)
with consent and a case assigned to the psychologist (Team Vest); a course for that child; a
group course run by the psychologist at the school with the child enrolled, one session and one
planned follow-up; an absence case at 12 % (steps 1 and 2 started).
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from tests.security.routes import LOGIN, Route, everyone

ROLES_404 = ("outsider", "secretary", "other_leader", "social_worker", "administrator")


def objects(cast: Any) -> SimpleNamespace:
    cached = cast.__dict__.get("_indsatser")
    if cached is not None:
        return cached
    from cases.models import Case
    from indsatser import services
    from indsatser.models import AbsenceProcedureStep, CourseSession, FollowUp, Intervention
    from ppr.deadlines import calendar
    from tests.indsatser.factories import CourseFactory, child_course, child_with_consent, enrol

    child = child_with_consent(institution=cast.school)
    case = Case.objects.create(child=child, assigned=cast.psychologist, team=cast.team_vest)
    course = child_course(case=case, responsible=cast.psychologist)
    group = CourseFactory(responsible=cast.psychologist, institution=cast.school)
    participant = enrol(group, child, cast.psychologist)
    session = CourseSession.objects.create(
        course=group, held_on=group.starts_on, created_by=cast.psychologist
    )
    follow_up = FollowUp.objects.create(
        course=course, planned_on=calendar.today() + timedelta(days=7)
    )
    absence = services.open_absence_case(child=child, by=cast.school_leader, percent=Decimal("12"))
    leader_step = absence.steps.get(step__order=2)
    cached = SimpleNamespace(
        case=case,
        course=course,
        group=group,
        participant=participant,
        session=session,
        follow_up=follow_up,
        absence=absence,
        leader_step=leader_step,
        intervention=Intervention.objects.order_by("pk").first(),
        step=AbsenceProcedureStep.objects.order_by("order").first(),
    )
    cast.__dict__["_indsatser"] = cached
    return cached


def pk(attribute: str) -> Any:
    return lambda cast: {"pk": getattr(objects(cast), attribute).pk}


def expect(default: int | str, **overrides: int | str) -> dict[str, int | str]:
    return everyone(default, **overrides)


#: Any member of staff reads the catalogue and the procedure; the administrator does not.
STAFF = expect(200, administrator=403)
LEADER_ONLY = expect(403, ppr_leader=200)
LEADER_ACTS = expect(403, ppr_leader=302)
#: The course for the case's child: its case worker, the team, the leader; the child's school reads.
CHILD_COURSE_READ = expect(
    404, psychologist=200, colleague=200, ppr_leader=200, school_leader=200, teacher=200
)
CHILD_COURSE_MANAGE = expect(
    404, psychologist=200, colleague=200, ppr_leader=200, school_leader=403, teacher=403
)
CHILD_COURSE_ACT = expect(
    404, psychologist=302, colleague=302, ppr_leader=302, school_leader=403, teacher=403
)
#: The group course run by the psychologist at the school (no team): the colleague does not see it.
GROUP_READ = expect(404, psychologist=200, ppr_leader=200, school_leader=200, teacher=200)
GROUP_MANAGE = expect(404, psychologist=200, ppr_leader=200, school_leader=403, teacher=403)
GROUP_ACT = expect(404, psychologist=302, ppr_leader=302, school_leader=403, teacher=403)
#: The absence case: the school reads and records; PPR reads through the child's case.
ABSENCE_READ = expect(
    404, psychologist=200, colleague=200, ppr_leader=200, school_leader=200, teacher=200
)
ABSENCE_ACT = expect(
    404, psychologist=403, colleague=403, ppr_leader=403, school_leader=302, teacher=302
)
COURSE_LISTS = expect(
    403,
    psychologist=200,
    colleague=200,
    outsider=200,
    ppr_leader=200,
    school_leader=200,
    other_leader=200,
    teacher=200,
)
ABSENCE_LISTS = COURSE_LISTS
SCHOOL_ONLY = expect(403, school_leader=200, other_leader=200, teacher=200)
RUNNERS = expect(403, psychologist=200, colleague=200, outsider=200, ppr_leader=200)

ROUTES = [
    # Catalogue.
    Route("indsatser:intervention-list", STAFF),
    Route("indsatser:intervention-list", STAFF, query="?udfasede=1"),
    Route("indsatser:intervention-detail", STAFF, kwargs=pk("intervention")),
    Route("indsatser:intervention-create", LEADER_ONLY),
    Route(
        "indsatser:intervention-create", LEADER_ONLY, method="post", data=lambda cast: {"name": ""}
    ),
    Route("indsatser:intervention-update", LEADER_ONLY, kwargs=pk("intervention")),
    Route("indsatser:intervention-retire", LEADER_ACTS, kwargs=pk("intervention"), method="post"),
    Route("indsatser:intervention-retire", expect(405), kwargs=pk("intervention")),
    Route(
        "indsatser:intervention-reinstate", LEADER_ACTS, kwargs=pk("intervention"), method="post"
    ),
    # Courses.
    Route("indsatser:course-list", COURSE_LISTS),
    Route("indsatser:course-list", COURSE_LISTS, query="?status=aktivt&niveau=gul&mine=true"),
    Route("indsatser:course-create", RUNNERS),
    Route(
        "indsatser:case-course-create",
        expect(404, psychologist=200, colleague=200, ppr_leader=200, secretary=403),
        kwargs=lambda cast: {"case_pk": objects(cast).case.pk},
    ),
    Route("indsatser:course-detail", CHILD_COURSE_READ, kwargs=pk("course")),
    Route("indsatser:course-detail", GROUP_READ, kwargs=pk("group")),
    Route("indsatser:course-update", CHILD_COURSE_MANAGE, kwargs=pk("course")),
    Route("indsatser:course-end", CHILD_COURSE_MANAGE, kwargs=pk("course")),
    Route("indsatser:course-start", CHILD_COURSE_ACT, kwargs=pk("course"), method="post"),
    Route("indsatser:course-start", expect(405), kwargs=pk("course")),
    Route(
        "indsatser:goal-add",
        CHILD_COURSE_ACT,
        kwargs=pk("course"),
        method="post",
        data=lambda cast: {"text": "Alma deltager i frikvartererne tre dage om ugen."},
    ),
    Route(
        "indsatser:session-add",
        CHILD_COURSE_ACT,
        kwargs=pk("course"),
        method="post",
        data=lambda cast: {"held_on": objects(cast).course.starts_on.isoformat()},
    ),
    Route(
        "indsatser:follow-up-plan",
        CHILD_COURSE_ACT,
        kwargs=pk("course"),
        method="post",
        data=lambda cast: {
            "planned_on": (objects(cast).follow_up.planned_on + timedelta(days=7)).isoformat()
        },
    ),
    Route("indsatser:follow-up-record", CHILD_COURSE_MANAGE, kwargs=pk("follow_up")),
    Route(
        "indsatser:follow-up-autosave",
        CHILD_COURSE_MANAGE,
        kwargs=pk("follow_up"),
        method="post",
        data=lambda cast: {"note": "Halvt skrevet."},
    ),
    Route("indsatser:participant-add", GROUP_MANAGE, kwargs=pk("group")),
    Route(
        "indsatser:participant-remove",
        GROUP_ACT,
        kwargs=pk("participant"),
        method="post",
        data=lambda cast: {"reason": "Flyttet"},
    ),
    Route("indsatser:course-attendance", GROUP_READ, kwargs=pk("group")),
    Route(
        "indsatser:attendance-set",
        GROUP_ACT,
        kwargs=lambda cast: {
            "pk": objects(cast).group.pk,
            "session_pk": objects(cast).session.pk,
            "participant_pk": objects(cast).participant.pk,
        },
        method="post",
        data=lambda cast: {"present": "1"},
    ),
    Route("indsatser:participant-print", GROUP_MANAGE, kwargs=pk("group")),
    Route("indsatser:participant-pdf", GROUP_ACT, kwargs=pk("group"), method="post"),
    # Absence.
    Route("indsatser:absence-list", ABSENCE_LISTS),
    Route("indsatser:absence-list", ABSENCE_LISTS, query="?overskredet=true&kvartal=1"),
    Route("indsatser:absence-create", SCHOOL_ONLY),
    Route("indsatser:absence-import", SCHOOL_ONLY),
    Route(
        "indsatser:absence-import",
        expect(403, school_leader=400, other_leader=400, teacher=400),
        method="post",
        # No file: refused in Danish (400) for the school, nothing saved.
        data=lambda cast: {"year": 2026, "quarter": 1},
    ),
    Route("indsatser:absence-detail", ABSENCE_READ, kwargs=pk("absence")),
    Route(
        "indsatser:absence-record",
        ABSENCE_ACT,
        kwargs=pk("absence"),
        method="post",
        data=lambda cast: {"percent": "13,5"},
    ),
    Route("indsatser:absence-close", ABSENCE_ACT, kwargs=pk("absence"), method="post"),
    Route(
        "indsatser:absence-step-complete",
        ABSENCE_ACT,
        kwargs=pk("leader_step"),
        method="post",
        data=lambda cast: {
            "note": "Forældremøde holdt.",
            "done_on": objects(cast).leader_step.triggered_on.isoformat(),
        },
    ),
    Route("indsatser:procedure-list", STAFF),
    Route("indsatser:procedure-step-create", LEADER_ONLY),
    Route("indsatser:procedure-step-update", LEADER_ONLY, kwargs=pk("step")),
]

__all__ = ["LOGIN", "ROLES_404", "ROUTES"]
