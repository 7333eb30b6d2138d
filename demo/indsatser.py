"""Demo data for indsatser: tovholdere on the catalogue, a divorce group with 12 children and
attendance, courses for single children with follow-ups and before/after ratings, one ended
course, and absence cases at different steps (some overdue).

Runs after the cases demo and uses its fictitious children and open cases; without them it
creates a few fictitious children itself. Idempotent: every piece is found again by a natural
key (course title, pupil and quarter) and skipped when it exists.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from cases.casework.services import open_case
from cases.children.services import add_guardian, record_consent
from cases.models import (
    Case,
    CaseStatus,
    Child,
    ConsentForm,
    ConsentScope,
    RatingContext,
    RulerRating,
)
from cases.ratings.services import rate_child
from indsatser import services
from indsatser.models import (
    AbsenceCase,
    AbsenceStepRecord,
    Beacon,
    Course,
    CourseGoal,
    CourseSession,
    FollowUp,
    Intervention,
    PreventionLevel,
)
from ppr.deadlines import calendar
from ppr.deadlines.models import Deadline

GROUP_TITLE = "Skilsmissegruppe Vest, forår"
CHILD_COURSE_PREFIX = "Samtaleforløb"
ENDED_TITLE = "Afsluttet forløb: støtte til anbragt barn"
GROUP_GOALS = [
    "Børnene kan sætte ord på, hvordan det er at have to hjem.",
    "Børnene oplever, at de ikke er de eneste med skilte forældre.",
    "Børnene ved, hvem de kan tale med på skolen, når det er svært.",
]
CHILD_GOALS = [
    "Barnet deltager i frikvartererne mindst tre dage om ugen.",
    "Barnet fortæller selv, at det har en ven i klassen.",
]
OWNERS = {
    "Skilsmissegrupper i hvert skoledistrikt": "psychologist",
    "Individuelle samtaleforløb af kortere varighed": "psychologist_team",
    "Forløb ved bekymrende fravær og skolevægring": "psychologist_oest",
    "Årlige besøg i Dagplejens legestuer": "speech_therapist",
}
FIRST = [
    "Alma",
    "Noah",
    "Ida",
    "Oscar",
    "Freja",
    "Karl",
    "Ella",
    "Viggo",
    "Clara",
    "Alfred",
    "Sofia",
    "Malthe",
]
LAST = ["Holm", "Krog", "Dahl", "Bech", "Lund", "Kjær"]


def seed(organisation: Any) -> None:
    """Add the indsatser demo data to the demo municipality (safe to run again)."""
    users = organisation.users
    with transaction.atomic():
        _catalogue(users)
    today = calendar.today()
    with transaction.atomic():
        _group_course(organisation, today)
    with transaction.atomic():
        _child_courses(organisation, today)
    with transaction.atomic():
        _absence_cases(organisation, today)


def _catalogue(users: dict[str, Any]) -> None:
    for name, key in OWNERS.items():
        Intervention.objects.filter(name=name, owner__isnull=True).update(owner=users[key])
    if not Intervention.objects.filter(name="Cool Kids").exists():
        cool_kids = Intervention(
            name="Cool Kids",
            description="Gruppeforløb for børn med angst, hvor børn og forældre lærer at håndtere bekymringer.",
            target_group="Børn 8–12 år med angst.",
            level=PreventionLevel.SECONDARY,
            form="gruppe",
            typical_length="10 gange over 3 måneder",
            owner=users["psychologist_team"],
        )
        services.save_intervention(
            intervention=cool_kids,
            beacons=Beacon.objects.filter(number__in=[1, 3]),
            by=users["ppr_leader"],
        )


def _district_schools(organisation: Any, district: str) -> list[Any]:
    return [
        i
        for i in organisation.institutions.values()
        if i.kind == "skole" and i.district.name == district
    ]


def _children(schools: list[Any], *, count: int, skip: int = 0) -> list[Child]:
    """Fictitious children at ``schools``: the cases demo's, topped up with new ones if too few."""
    children = list(
        Child.objects.filter(fictitious=True, institution__in=schools).order_by(
            "institution__name", "last_name", "pk"
        )[skip : skip + count]
    )
    n = 0
    while len(children) < count:
        born = date(2015 + n % 4, 1 + n % 12, 1 + (n * 3) % 28)
        child = Child(
            first_name=FIRST[n % len(FIRST)],
            last_name=LAST[n % len(LAST)],
            institution=schools[n % len(schools)],
            group=f"{n % 6 + 1}.{'AB'[n % 2]}",
            fictitious=True,
        )
        # 7th digit 4: born in the 2000s; serials 800–899 are the indsatser demo's.
        cpr = f"{born:%d%m%y}4{800 + n:03d}"
        child.set_cpr(cpr)
        n += 1
        if Child.objects.with_cpr(cpr).exists():
            continue
        child.save()
        children.append(child)
    return children


def _ensure_consent(child: Child, by: Any) -> None:
    """Demo children need their custody holders' consent before they can join a group."""
    guardians = [g for g in child.guardians.all() if g.has_custody]
    if not guardians:
        guardians = [
            add_guardian(
                child=child,
                by=by,
                name=f"Forælder til {child.first_name}",
                relation="mor",
                has_custody=True,
            )
        ]
    for guardian in guardians:
        if not guardian.consents.filter(
            scope=ConsentScope.REFERRAL, withdrawn_on__isnull=True
        ).exists():
            record_consent(
                guardian=guardian,
                by=by,
                scope=ConsentScope.REFERRAL,
                given_on=calendar.today() - timedelta(days=60),
                form=ConsentForm.WRITTEN,
            )


def _group_course(organisation: Any, today: date) -> None:
    if Course.objects.filter(title=GROUP_TITLE).exists():
        return
    users = organisation.users
    leader, psychologist = users["ppr_leader"], users["psychologist"]
    starts_on = today - timedelta(weeks=7)
    course = services.start_course(
        by=psychologist,
        intervention=Intervention.objects.get(name="Skilsmissegrupper i hvert skoledistrikt"),
        title=GROUP_TITLE,
        responsible=psychologist,
        co_leaders=[users["psychologist_team"]],
        starts_on=starts_on,
        ends_on=today + timedelta(weeks=5),
        institution=organisation.institutions["Vestervang Skole"],
        goals=GROUP_GOALS,
        follow_up_dates=[today, today + timedelta(weeks=5)],
    )
    participants = []
    for child in _children(_district_schools(organisation, "Vest"), count=12):
        _ensure_consent(child, leader)
        participants.append(services.enrol_child(course=course, child=child, by=psychologist))
    for week in range(6):
        session = services.add_session(
            course=course,
            held_on=starts_on + timedelta(weeks=week),
            topic=f"Gang {week + 1}",
            by=psychologist,
        )
        for n, participant in enumerate(participants):
            # A realistic pattern: most come, two children miss a session now and then.
            present = not ((n == 3 and week in (1, 4)) or (n == 7 and week == 2))
            services.set_attendance(
                session=session, participant=participant, present=present, by=psychologist
            )
    follow_up = course.follow_ups.get(planned_on=today)
    goals = list(course.goals.all())
    services.record_follow_up(
        follow_up=follow_up,
        by=psychologist,
        held_on=today - timedelta(days=1),
        note="Midtvejsevaluering med børnene og en lærer fra skolen. Gruppen er tryg, og børnene deler mere.",
        goal_statuses={goals[0].pk: "delvist", goals[1].pk: "opfyldt", goals[2].pk: "delvist"},
        ratings={participants[0].child_id: ("groen", "Trives i gruppen og i klassen.")},
    )


def _open_cases(organisation: Any, count: int) -> list[Case]:
    cases = list(
        Case.objects.filter(
            status=CaseStatus.OPEN,
            assigned__isnull=False,
            child__fictitious=True,
            courses__isnull=True,
        )
        .select_related("child", "assigned")
        .order_by("pk")[:count]
    )
    if len(cases) < count:
        for child in _children(_district_schools(organisation, "Øst"), count=count - len(cases)):
            cases.append(
                open_case(
                    child=child,
                    by=organisation.users["ppr_leader"],
                    assignee=organisation.users["psychologist_oest"],
                )
            )
    return cases


def _child_courses(organisation: Any, today: date) -> None:
    if Course.objects.filter(title__startswith=CHILD_COURSE_PREFIX).exists():
        return
    leader = organisation.users["ppr_leader"]
    talks = Intervention.objects.get(name="Individuelle samtaleforløb af kortere varighed")
    colours = [("roed", "gul"), ("gul", "groen"), ("gul", "gul")]
    for n, case in enumerate(_open_cases(organisation, 4)):
        starts_on = today - timedelta(weeks=8 - n)
        by = case.assigned or leader
        before = RulerRating.objects.filter(child=case.child, rated_on__lte=starts_on).exists()
        if n < len(colours) and not before:
            rate_child(
                child=case.child,
                by=by,
                colour=colours[n][0],
                context=RatingContext.CASE,
                rationale="Vurdering før forløbet.",
                rated_on=starts_on - timedelta(days=7),
                case=case,
            )
        if n == 3:
            _ended_course(case, by, today)
            continue
        course = services.start_course(
            by=by,
            case=case,
            intervention=talks,
            title=f"{CHILD_COURSE_PREFIX} {n + 1}",
            responsible=by,
            starts_on=starts_on,
            ends_on=today + timedelta(weeks=6),
            goals=CHILD_GOALS,
            follow_up_dates=[today, today + timedelta(weeks=6)],
        )
        for week in range(0, 8 - n, 2):
            services.add_session(
                course=course, held_on=starts_on + timedelta(weeks=week), topic="Samtale", by=by
            )
        if n < 2:
            goals = list(course.goals.all())
            services.record_follow_up(
                follow_up=course.follow_ups.get(planned_on=today),
                by=by,
                held_on=today - timedelta(days=2),
                note="Opfølgning med barnet, forældrene og klasselæreren.",
                goal_statuses={goals[0].pk: "opfyldt", goals[1].pk: "delvist"},
                ratings={case.child_id: (colours[n][1], "Vurdering ved opfølgning på forløbet.")},
            )


def _ended_course(case: Case, by: Any, today: date) -> None:
    course = services.start_course(
        by=by,
        case=case,
        intervention=Intervention.objects.get(name="Støttende indsatser til anbragte børn"),
        title=ENDED_TITLE,
        responsible=by,
        starts_on=today - timedelta(weeks=30),
        ends_on=today - timedelta(weeks=4),
        goals=[
            "Barnet deltager i undervisningen hele skoledagen.",
            "Plejefamilien og skolen mødes hver måned.",
        ],
    )
    CourseSession.objects.get_or_create(
        course=course,
        held_on=course.starts_on,
        defaults={"topic": "Opstartsmøde", "created_by": by},
    )
    services.end_course(
        course=course,
        by=by,
        outcome="maal_naaet",
        note="Målene er nået; skolen fortsætter.",
        on=today - timedelta(weeks=4),
    )


def _absence_cases(organisation: Any, today: date) -> None:
    """Absence cases at the two demo schools with leaders: Vestervang (Vest) and Østerbro (Øst),
    each pupil with a klassetrin so the report's indskoling/mellemtrin/overskoling split (seed
    004 §3.6) shows in the demo: (percent, steps done, grade)."""
    users = organisation.users
    year, quarter = services.quarter_of(today)
    plans = [
        (
            "Vestervang Skole",
            "school_leader",
            [("3.5", 1, 5), ("11", 1, 8), ("16.5", 2, 9), ("8", 0, 2)],
        ),
        ("Østerbro Skole", "school_leader_oest", [("12", 0, 6)]),
    ]
    for school_name, leader_key, cases in plans:
        school, leader = organisation.institutions[school_name], users[leader_key]
        pupils = _children([school], count=len(cases), skip=4)
        for child, (percent, done, grade) in zip(pupils, cases, strict=True):
            if AbsenceCase.objects.filter(child=child, year=year, quarter=quarter).exists():
                continue
            absence_case = services.open_absence_case(
                child=child,
                by=leader,
                percent=Decimal(percent),
                year=year,
                quarter=quarter,
                grade=grade,
            )
            # Date the steps two weeks back, so some are overdue in the demo.
            started = calendar.add_working_days(today, -10)
            for record_row in absence_case.steps.select_related("step"):
                due = calendar.add_working_days(started, record_row.step.deadline_working_days)
                AbsenceStepRecord.objects.filter(pk=record_row.pk).update(
                    triggered_on=started, due=due
                )
                Deadline.objects.for_subject(record_row).update(due=due)
            for record_row in absence_case.steps.select_related("step").order_by("step__order")[
                :done
            ]:
                record_row.refresh_from_db()
                services.complete_absence_step(
                    record_row=record_row,
                    by=leader,
                    note="Forældrene er kontaktet; aftale om fremmøde og opfølgning om en uge.",
                    done_on=started,
                )


__all__ = ["seed", "CourseGoal", "FollowUp"]
