"""Domain verbs of the indsatser app: the catalogue, courses and their follow-ups, and the
absence procedure. Each is one transaction, takes the acting user ``by=``, writes an audit row,
and opens or closes its deadlines.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cases.models import Case, CaseStatus, Child, RatingContext, RulerColour, RulerRating
from cases.ratings.services import rate_child
from ppr.accounts.models import CASEWORKER_ROLES, Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines import calendar
from ppr.deadlines.models import DeadlineKind
from ppr.deadlines.services import cancel_deadlines, meet_deadlines, open_deadline
from ppr.documents.models import Document, DocumentKind
from ppr.documents.services import request_pdf
from ppr.organisation.models import SCHOOL_KINDS

from .models import (
    AbsenceCase,
    AbsenceCaseStatus,
    AbsenceProcedureStep,
    AbsenceRegistration,
    AbsenceStepRecord,
    Attendance,
    Beacon,
    Course,
    CourseGoal,
    CourseKind,
    CourseOutcome,
    CourseParticipant,
    CourseSession,
    CourseStatus,
    FollowUp,
    FollowUpStatus,
    GoalAssessment,
    GoalStatus,
    Intervention,
)
from .rules import can_complete_step, can_edit_absence_case, can_manage_course, works_at_school

COURSE_PURPOSE = "indsats"
ABSENCE_PURPOSE = "bekymrende fravær"
CATALOGUE_PURPOSE = "indsatsvifte"

#: The consents that let PPR enrol a child on a group course: the custody holders' consent to
#: PPR's involvement with the child (``ConsentScope.REFERRAL``) or to taking part in a course
#: (``ConsentScope.COURSE``, which parents can give in the parents' portal).
ENROLMENT_CONSENT_SCOPES = ("indstilling", "forloeb")


# --- Catalogue -----------------------------------------------------------------------------


@transaction.atomic
def save_intervention(
    *, intervention: Intervention, beacons: Iterable[Beacon], by: User
) -> Intervention:
    """Add or edit a catalogue entry (the PPR leader's task)."""
    if not by.has_perm("indsatser.manage_catalogue"):
        raise PermissionDenied
    created = intervention.pk is None
    intervention.full_clean()
    intervention.save()
    intervention.beacons.set(list(beacons))
    log_action(
        intervention,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=by,
        purpose=CATALOGUE_PURPOSE,
    )
    return intervention


@transaction.atomic
def retire_intervention(
    *, intervention: Intervention, by: User, on: date | None = None
) -> Intervention:
    """Retire an entry: hidden from new courses, kept on the courses that used it."""
    if not by.has_perm("indsatser.manage_catalogue"):
        raise PermissionDenied
    updated = Intervention.objects.filter(pk=intervention.pk, retired_on__isnull=True).update(
        retired_on=on or calendar.today()
    )
    intervention.refresh_from_db()
    if updated:
        log_action(intervention, AuditAction.UPDATE, by=by, purpose=CATALOGUE_PURPOSE)
    return intervention


@transaction.atomic
def reinstate_intervention(*, intervention: Intervention, by: User) -> Intervention:
    """Put a retired entry back in the catalogue."""
    if not by.has_perm("indsatser.manage_catalogue"):
        raise PermissionDenied
    updated = Intervention.objects.filter(pk=intervention.pk, retired_on__isnull=False).update(
        retired_on=None
    )
    intervention.refresh_from_db()
    if updated:
        log_action(intervention, AuditAction.UPDATE, by=by, purpose=CATALOGUE_PURPOSE)
    return intervention


# --- Courses -------------------------------------------------------------------------------


def check_responsible(user: User) -> None:
    """A course is run by PPR: a case worker or the PPR leader."""
    if not (user.is_active and (user.is_ppr_leader or user.has_role(*CASEWORKER_ROLES))):
        raise ValidationError(
            {
                "responsible": "Den ansvarlige skal være psykolog, talepædagog, PPR-konsulent eller PPR-leder."
            }
        )


def _follow_up_title(course: Course) -> str:
    # Names the task and the intervention, never the child (it goes into e-mails).
    return f"Opfølgning på forløb: {course.intervention.name}"[:200]


def _open_follow_up_deadline(follow_up: FollowUp, by: User) -> None:
    open_deadline(
        subject=follow_up,
        kind=DeadlineKind.OPFOELGNING,
        due=follow_up.planned_on,
        responsible=follow_up.course.responsible,
        by=by,
        title=_follow_up_title(follow_up.course),
    )


@transaction.atomic
def start_course(
    *,
    by: User,
    intervention: Intervention,
    title: str,
    responsible: User,
    starts_on: date,
    ends_on: date | None = None,
    case: Case | None = None,
    institution: Any = None,
    district: Any = None,
    team: Any = None,
    co_leaders: Sequence[User] = (),
    goals: Sequence[str] = (),
    follow_up_dates: Sequence[date] = (),
    client_token: uuid.UUID | None = None,
) -> Course:
    """Start a course of a catalogue intervention: for one child (``case`` given) or a group."""
    if not by.has_perm("indsatser.start_course"):
        raise PermissionDenied
    if client_token is not None:
        existing = Course.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    if intervention.is_retired:
        raise ValidationError(
            {"intervention": "Indsatsen er udfaset og kan ikke bruges til nye forløb."}
        )
    check_responsible(responsible)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "Slutdatoen skal ligge på eller efter startdatoen."})
    kind = CourseKind.CHILD if case is not None else CourseKind.GROUP
    if case is not None:
        if not case.is_open:
            raise ValidationError("Sagen er lukket; der kan ikke startes nye forløb på den.")
        if not (by.is_ppr_leader or Case.objects.visible_to(by).filter(pk=case.pk).exists()):
            raise PermissionDenied
        institution = case.child.institution
        team = team or case.team
    course = Course(
        intervention=intervention,
        kind=kind,
        title=title.strip() or intervention.name,
        case=case,
        institution=institution,
        district=district or (institution.district if institution is not None else None),
        team=team,
        responsible=responsible,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        if client_token is None:
            raise
        return Course.objects.get(client_token=client_token)
    course.co_leaders.set([u for u in co_leaders if u.pk != responsible.pk])
    if case is not None:
        CourseParticipant.objects.create(course=course, child=case.child, enrolled_by=by)
    for order, text in enumerate(t.strip() for t in goals):
        if text:
            CourseGoal.objects.get_or_create(
                course=course, text=text[:500], defaults={"order": order}
            )
    for planned_on in sorted(set(follow_up_dates)):
        _plan(course, planned_on, by)
    log_action(course, AuditAction.CREATE, by=by, purpose=COURSE_PURPOSE)
    return course


@transaction.atomic
def draft_course(
    *,
    by: User,
    case: Case,
    intervention: Intervention,
    responsible: User,
    starts_on: date,
    goals: Sequence[str] = (),
) -> Course:
    """Draft a course for one child from another decision (a koordineringskonference's "Igangsæt
    en indsats"): prefilled, not started, for PPR to look through and start."""
    if intervention.is_retired:
        raise ValidationError(
            {"intervention": "Indsatsen er udfaset og kan ikke bruges til nye forløb."}
        )
    if not case.is_open:
        raise ValidationError(
            {"intervention": "Barnets sag er lukket; der kan ikke startes nye forløb på den."}
        )
    check_responsible(responsible)
    course = Course.objects.create(
        intervention=intervention,
        kind=CourseKind.CHILD,
        title=intervention.name,
        case=case,
        institution=case.child.institution,
        district=case.child.institution.district,
        team=case.team,
        responsible=responsible,
        starts_on=starts_on,
        status=CourseStatus.DRAFT,
        created_by=by,
    )
    CourseParticipant.objects.create(course=course, child=case.child, enrolled_by=by)
    for order, text in enumerate(t.strip() for t in goals):
        if text:
            CourseGoal.objects.create(course=course, text=text[:500], order=order)
    log_action(course, AuditAction.CREATE, by=by, purpose=COURSE_PURPOSE)
    return course


@transaction.atomic
def start_drafted_course(*, course: Course, by: User) -> Course:
    """PPR starts a drafted course; it then counts as running from today at the latest."""
    if not can_manage_course(by, course):
        raise PermissionDenied
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not course.is_draft:
        return course  # a double click: already started (or ended)
    course.status = CourseStatus.ACTIVE
    course.starts_on = max(course.starts_on, calendar.today())
    if course.ends_on is not None and course.ends_on < course.starts_on:
        course.ends_on = None
    course.save(update_fields=["status", "starts_on", "ends_on"])
    log_action(course, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return course


@transaction.atomic
def update_course(*, course: Course, by: User, co_leaders: Sequence[User] | None = None) -> Course:
    """Save changed course details (title, responsible, dates); the responsible's follow-up
    deadlines follow the course's responsible only for deadlines opened from now on."""
    if not can_manage_course(by, course):
        raise PermissionDenied
    ensure_active(course)
    check_responsible(course.responsible)
    course.full_clean()
    course.save()
    if co_leaders is not None:
        course.co_leaders.set([u for u in co_leaders if u.pk != course.responsible_id])
    log_action(course, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return course


def ensure_active(course: Course) -> None:
    """An ended course is read-only (a draft may be prepared). Asks the database: the caller's
    copy may be stale."""
    if not Course.objects.filter(
        pk=course.pk, status__in=[CourseStatus.ACTIVE, CourseStatus.DRAFT]
    ).exists():
        raise ValidationError("Forløbet er afsluttet og kan ikke ændres.", code="ended")


def missing_consent(child: Child) -> list[str]:
    """Why ``child`` may not be enrolled yet: the custody holders without an active consent."""
    guardians = [g for g in child.guardians.all() if g.has_custody]
    if not guardians:
        return ["Der er ikke registreret nogen forældremyndighedsindehaver for barnet."]
    today = calendar.today()
    problems = []
    for guardian in guardians:
        active = [
            c
            for c in guardian.consents.all()
            if c.withdrawn_on is None
            and c.scope in ENROLMENT_CONSENT_SCOPES
            and c.given_on <= today
        ]
        if not active:
            problems.append(f"{guardian.name} har ikke givet samtykke.")
    return problems


@transaction.atomic
def enrol_child(*, course: Course, child: Child, by: User) -> CourseParticipant:
    """Enrol a child on a group course. Every custody holder must have given active consent."""
    if not can_manage_course(by, course):
        raise PermissionDenied
    ensure_active(course)
    if not course.is_group:
        raise ValidationError("Et forløb for ét barn har ikke flere deltagere.")
    existing = CourseParticipant.objects.filter(
        course=course, child=child, removed_on__isnull=True
    ).first()
    if existing is not None:
        return existing
    problems = missing_consent(
        Child.objects.prefetch_related("guardians__consents").get(pk=child.pk)
    )
    if problems:
        raise ValidationError(
            ["Barnet kan ikke tilmeldes uden samtykke fra alle med forældremyndighed.", *problems],
            code="consent",
        )
    try:
        with transaction.atomic():
            participant = CourseParticipant.objects.create(
                course=course, child=child, enrolled_by=by, enrolled_on=calendar.today()
            )
    except IntegrityError:
        return CourseParticipant.objects.get(course=course, child=child, removed_on__isnull=True)
    log_action(participant, AuditAction.CREATE, by=by, purpose=COURSE_PURPOSE)
    return participant


@transaction.atomic
def remove_participant(
    *, participant: CourseParticipant, by: User, reason: str
) -> CourseParticipant:
    """Take a child off a group course; the enrolment and attendance stay on record."""
    course = participant.course
    if not can_manage_course(by, course):
        raise PermissionDenied
    ensure_active(course)
    if not course.is_group:
        raise ValidationError("Barnet på et forløb for ét barn kan ikke udmeldes; afslut forløbet.")
    if not reason.strip():
        raise ValidationError({"reason": "Angiv en årsag til udmeldelsen."})
    updated = CourseParticipant.objects.filter(pk=participant.pk, removed_on__isnull=True).update(
        removed_on=calendar.today(), removed_by=by, removal_reason=reason.strip()[:300]
    )
    participant.refresh_from_db()
    if updated:
        log_action(participant, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return participant


@transaction.atomic
def add_goal(*, course: Course, text: str, by: User) -> CourseGoal:
    """Add a goal to a course; the same text twice is one goal."""
    if not can_manage_course(by, course):
        raise PermissionDenied
    ensure_active(course)
    text = text.strip()
    if len(text) < 10:
        raise ValidationError({"text": "Beskriv målet, så det kan vurderes (mindst 10 tegn)."})
    order = course.goals.count()
    goal, created = CourseGoal.objects.get_or_create(
        course=course, text=text[:500], defaults={"order": order}
    )
    if created:
        log_action(course, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return goal


@transaction.atomic
def add_session(*, course: Course, held_on: date, by: User, topic: str = "") -> CourseSession:
    """Add a session (gang) to a course; one per day, so a double submit adds one."""
    if not can_manage_course(by, course):
        raise PermissionDenied
    ensure_active(course)
    if held_on < course.starts_on:
        raise ValidationError({"held_on": "Datoen ligger før forløbets start."})
    session, created = CourseSession.objects.get_or_create(
        course=course, held_on=held_on, defaults={"topic": topic.strip()[:200], "created_by": by}
    )
    if created:
        log_action(course, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return session


@transaction.atomic
def set_attendance(
    *, session: CourseSession, participant: CourseParticipant, present: bool, by: User
) -> Attendance:
    """Record whether a participant was at a session (setting the same value twice is harmless)."""
    course = session.course
    if participant.course_id != course.pk:
        raise ValidationError("Barnet deltager ikke i dette forløb.")
    if not can_manage_course(by, course):
        raise PermissionDenied
    ensure_active(course)
    if not participant.is_active:
        raise ValidationError("Barnet er udmeldt af forløbet.")
    attendance, _ = Attendance.objects.update_or_create(
        session=session, participant=participant, defaults={"present": present, "recorded_by": by}
    )
    log_action(attendance.participant, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return attendance


def _plan(course: Course, planned_on: date, by: User) -> FollowUp:
    if planned_on < calendar.today():
        raise ValidationError({"planned_on": "En opfølgning kan ikke planlægges i fortiden."})
    follow_up, _ = FollowUp.objects.get_or_create(course=course, planned_on=planned_on)
    if follow_up.is_planned:
        _open_follow_up_deadline(follow_up, by)
    return follow_up


@transaction.atomic
def plan_follow_up(*, course: Course, planned_on: date, by: User) -> FollowUp:
    """Plan a follow-up date; it becomes a deadline (Opfølgning) for the course's responsible."""
    if not can_manage_course(by, course):
        raise PermissionDenied
    ensure_active(course)
    follow_up = _plan(course, planned_on, by)
    log_action(course, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return follow_up


def _rate(
    *, child: Child, course: Course, by: User, colour: str, rationale: str, rated_on: date
) -> RulerRating:
    case = course.case
    if case is None or not case.is_open:
        case = Case.objects.filter(child=child, status=CaseStatus.OPEN).first()
    return rate_child(
        child=child,
        by=by,
        colour=colour,
        context=RatingContext.FOLLOW_UP,
        rationale=rationale,
        rated_on=rated_on,
        case=case,
    )


@transaction.atomic
def record_follow_up(
    *,
    follow_up: FollowUp,
    by: User,
    held_on: date,
    note: str,
    goal_statuses: Mapping[int, str],
    ratings: Mapping[int, tuple[str, str]],
) -> FollowUp:
    """Record a held follow-up: a note, each goal's status, and Børnelineal ratings per child
    (context follow-up). A course for one child needs the child's rating; on a group it is
    optional per child. Meets the follow-up's deadline."""
    course = follow_up.course
    if not can_manage_course(by, course):
        raise PermissionDenied
    ensure_active(course)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not follow_up.is_planned:
        raise ValidationError("Opfølgningen er allerede registreret.", code="done")
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = "Skriv et notat fra opfølgningen."
    if held_on > calendar.today():
        errors["held_on"] = "Datoen kan ikke ligge i fremtiden."
    elif held_on < course.starts_on:
        errors["held_on"] = (
            f"Opfølgningen er dateret {held_on:%d.%m.%Y}, før forløbet startede "
            f"({course.starts_on:%d.%m.%Y}). Tjek datoen."
        )
    goals = list(course.goals.all())
    if any(goal_statuses.get(goal.pk) not in GoalStatus.values for goal in goals):
        errors["goals"] = "Vurdér hvert mål: opfyldt, delvist opfyldt eller ikke opfyldt."
    participants = {p.child_id: p for p in course.participants.filter(removed_on__isnull=True)}
    if any(child_id not in participants for child_id in ratings):
        errors["ratings"] = "En vurdering gælder et barn, der ikke deltager i forløbet."
    for colour, rationale in ratings.values():
        if colour not in RulerColour.values or not rationale.strip():
            errors["ratings"] = "Giv hver vurdering en farve og en kort begrundelse."
    if not course.is_group and course.case is not None and course.case.child_id not in ratings:
        errors["ratings"] = "Vurdér barnet på Børnelinealen ved opfølgningen."
    if errors:
        raise ValidationError(errors)
    follow_up.status = FollowUpStatus.HELD
    follow_up.held_on = held_on
    follow_up.note = note.strip()
    follow_up.recorded_by = by
    follow_up.save(update_fields=["status", "held_on", "note", "recorded_by"])
    GoalAssessment.objects.bulk_create(
        GoalAssessment(follow_up=follow_up, goal=goal, status=goal_statuses[goal.pk])
        for goal in goals
    )
    rating_rows = [
        _rate(
            child=participants[child_id].child,
            course=course,
            by=by,
            colour=colour,
            rationale=rationale,
            rated_on=held_on,
        )
        for child_id, (colour, rationale) in ratings.items()
    ]
    follow_up.ratings.set(rating_rows)
    meet_deadlines(subject=follow_up, kind=DeadlineKind.OPFOELGNING, by=by)
    log_action(follow_up, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return follow_up


@transaction.atomic
def end_course(
    *, course: Course, by: User, outcome: str, note: str = "", on: date | None = None
) -> Course:
    """End a course with an outcome; follow-ups not yet held are cancelled with their deadlines."""
    if not can_manage_course(by, course):
        raise PermissionDenied
    if outcome not in CourseOutcome.values:
        raise ValidationError({"outcome": "Vælg forløbets udfald."})
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not course.is_active:
        raise ValidationError("Forløbet er allerede afsluttet.", code="ended")
    ended_on = on or calendar.today()
    if ended_on < course.starts_on:
        raise ValidationError({"ended_on": "Forløbet kan ikke slutte før det er startet."})
    course.status = CourseStatus.ENDED
    course.outcome = outcome
    course.outcome_note = note.strip()
    course.ended_on = ended_on
    course.ended_by = by
    course.save(update_fields=["status", "outcome", "outcome_note", "ended_on", "ended_by"])
    for follow_up in course.follow_ups.filter(status=FollowUpStatus.PLANNED):
        follow_up.status = FollowUpStatus.CANCELLED
        follow_up.save(update_fields=["status"])
        cancel_deadlines(subject=follow_up, kind=DeadlineKind.OPFOELGNING, by=by)
    log_action(course, AuditAction.UPDATE, by=by, purpose=COURSE_PURPOSE)
    return course


# --- Absence procedure ---------------------------------------------------------------------


@transaction.atomic
def save_procedure_step(*, step: AbsenceProcedureStep, by: User) -> AbsenceProcedureStep:
    """Add or edit a step of the absence procedure (the PPR leader's task)."""
    if not by.has_perm("indsatser.manage_procedure"):
        raise PermissionDenied
    created = step.pk is None
    step.full_clean()
    step.save()
    log_action(
        step, AuditAction.CREATE if created else AuditAction.UPDATE, by=by, purpose=ABSENCE_PURPOSE
    )
    return step


#: What happens when a step that refers to a forum starts (``AbsenceProcedureStep.refer_to_forum``):
#: the app that owns the forums (meetings) drafts the TRIO's henvisning. It registers from its
#: ``AppConfig.ready()``, so this app, below it, imports none of it.
StepReferral = Callable[[AbsenceStepRecord, User], object]
_step_referrals: list[StepReferral] = []


def refers_at_absence_step(verb: StepReferral) -> StepReferral:
    """Install the verb that drafts a forum henvisning when such a step starts (idempotent)."""
    if all(existing is not verb for existing in _step_referrals):
        _step_referrals.append(verb)
    return verb


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _step_responsible(step: AbsenceProcedureStep, absence_case: AbsenceCase) -> User | None:
    """Who the step's deadline is for: the school contact, the school's leader, the child's
    PPR case worker; None leaves it in PPR's shared pool (leader and secretary)."""
    role = step.responsible_role
    if role == Role.STAFF:
        return absence_case.responsible
    if role in (Role.INSTITUTION_LEADER, Role.SOCIAL_WORKER):
        leader = (
            User.objects.filter(
                is_active=True,
                memberships__active=True,
                memberships__role=Role.INSTITUTION_LEADER,
                memberships__institution_id=absence_case.institution_id,
            )
            .order_by("pk")
            .first()
        )
        return leader or absence_case.responsible
    if role in CASEWORKER_ROLES:
        case = (
            Case.objects.filter(child_id=absence_case.child_id, status=CaseStatus.OPEN)
            .select_related("assigned")
            .first()
        )
        return case.assigned if case is not None else None
    return None


def _apply_steps(absence_case: AbsenceCase, by: User) -> list[AbsenceStepRecord]:
    today = calendar.today()
    applied = set(absence_case.steps.values_list("step_id", flat=True))
    new: list[AbsenceStepRecord] = []
    for step in AbsenceProcedureStep.objects.filter(active=True).order_by("order"):
        if step.pk in applied or not step.applies_at(absence_case.absence_percent):
            continue
        record_row = AbsenceStepRecord.objects.create(
            absence_case=absence_case,
            step=step,
            triggered_on=today,
            triggered_at_percent=absence_case.absence_percent,
            due=calendar.add_working_days(today, step.deadline_working_days),
            responsible=_step_responsible(step, absence_case),
        )
        open_deadline(
            subject=record_row,
            kind=DeadlineKind.FRAVAER,
            due=record_row.due,
            responsible=record_row.responsible,
            by=by,
            title=f"Bekymrende fravær: {step.title}"[:200],
        )
        if step.refer_to_forum:
            for verb in _step_referrals[-1:]:
                verb(record_row, by)
        new.append(record_row)
    latest = absence_case.steps.order_by("-step__order").first()
    current_step_id = latest.step_id if latest is not None else None
    if absence_case.current_step_id != current_step_id:
        absence_case.current_step_id = current_step_id
        absence_case.save(update_fields=["current_step"])
    return new


def _check_percent(percent: Decimal) -> None:
    if percent < 0 or percent > 100:
        raise ValidationError({"percent": "Fraværet skal være mellem 0 og 100 %."})


@transaction.atomic
def open_absence_case(
    *,
    child: Child,
    by: User,
    percent: Decimal,
    year: int | None = None,
    quarter: int | None = None,
    responsible: User | None = None,
    grade: int | None = None,
) -> AbsenceCase:
    """Open the absence case of a pupil for a quarter and record its first absence figure.
    A second open for the same pupil and quarter records the figure on the existing case
    (and its grade, when given)."""
    if not works_at_school(by) or child.institution_id not in by.institution_ids():
        raise PermissionDenied
    if child.institution.kind not in SCHOOL_KINDS:
        raise ValidationError({"child": "Fraværsforløb gælder elever i skole."})
    _check_percent(percent)
    this_year, this_quarter = quarter_of(calendar.today())
    year, quarter = year or this_year, quarter or this_quarter
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "Kvartalet skal være 1–4."})
    if grade is not None and not 0 <= grade <= 10:
        raise ValidationError({"grade": "Klassetrinnet skal være 0–10."})
    existing = AbsenceCase.objects.filter(child=child, year=year, quarter=quarter).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = AbsenceCase.objects.create(
                    child=child,
                    institution_id=child.institution_id,
                    year=year,
                    quarter=quarter,
                    grade=grade,
                    responsible=responsible or by,
                    created_by=by,
                )
        except IntegrityError:
            existing = AbsenceCase.objects.get(child=child, year=year, quarter=quarter)
        else:
            log_action(existing, AuditAction.CREATE, by=by, purpose=ABSENCE_PURPOSE)
    if grade is not None and existing.grade != grade:
        AbsenceCase.objects.filter(pk=existing.pk).update(grade=grade)
        existing.grade = grade
    record_absence(absence_case=existing, percent=percent, by=by)
    return existing


@transaction.atomic
def record_absence(
    *, absence_case: AbsenceCase, percent: Decimal, by: User
) -> list[AbsenceStepRecord]:
    """Record the quarter's unlawful absence; the steps it now calls for are started with their
    deadlines (Trin i fraværsforløb). Returns the steps started now."""
    if not can_edit_absence_case(by, absence_case):
        raise PermissionDenied
    _check_percent(percent)
    absence_case = AbsenceCase.objects.select_for_update().get(pk=absence_case.pk)
    if not absence_case.is_open:
        raise ValidationError("Fraværssagen er lukket.", code="closed")
    absence_case.absence_percent = percent
    absence_case.save(update_fields=["absence_percent"])
    AbsenceRegistration.objects.create(
        absence_case=absence_case, percent=percent, recorded_on=calendar.today(), recorded_by=by
    )
    new = _apply_steps(absence_case, by)
    log_action(absence_case, AuditAction.UPDATE, by=by, purpose=ABSENCE_PURPOSE)
    return new


@transaction.atomic
def complete_absence_step(
    *, record_row: AbsenceStepRecord, by: User, note: str, done_on: date | None = None
) -> AbsenceStepRecord:
    """Record who did a step, when, with a note; meets its deadline."""
    if not can_complete_step(by, record_row):
        raise PermissionDenied
    done_on = done_on or calendar.today()
    if not note.strip():
        raise ValidationError({"note": "Skriv kort, hvad der er gjort."})
    if done_on > calendar.today():
        raise ValidationError({"done_on": "Datoen kan ikke ligge i fremtiden."})
    if done_on < record_row.triggered_on:
        raise ValidationError({"done_on": "Datoen ligger før trinnet blev aktuelt."})
    updated = AbsenceStepRecord.objects.filter(pk=record_row.pk, done_on__isnull=True).update(
        done_on=done_on, done_by=by, note=note.strip()
    )
    record_row.refresh_from_db()
    if not updated:
        raise ValidationError("Trinnet er allerede registreret som udført.", code="done")
    meet_deadlines(subject=record_row, kind=DeadlineKind.FRAVAER, by=by)
    log_action(record_row, AuditAction.UPDATE, by=by, purpose=ABSENCE_PURPOSE)
    return record_row


@transaction.atomic
def close_absence_case(*, absence_case: AbsenceCase, by: User) -> AbsenceCase:
    """Close an absence case; steps not done are cancelled with their deadlines."""
    if not can_edit_absence_case(by, absence_case):
        raise PermissionDenied
    updated = AbsenceCase.objects.filter(pk=absence_case.pk, status=AbsenceCaseStatus.OPEN).update(
        status=AbsenceCaseStatus.CLOSED, closed_on=calendar.today()
    )
    absence_case.refresh_from_db()
    if updated:
        for record_row in absence_case.steps.filter(done_on__isnull=True):
            cancel_deadlines(subject=record_row, kind=DeadlineKind.FRAVAER, by=by)
        log_action(absence_case, AuditAction.UPDATE, by=by, purpose=ABSENCE_PURPOSE)
    return absence_case


# --- Printing ------------------------------------------------------------------------------

PARTICIPANT_LIST_TEMPLATE = "indsatser/pdf/participant_list.html"


@transaction.atomic
def request_participant_pdf(*, course: Course, context: dict[str, Any], by: User) -> Any:
    """Order the group leader's participant list as a PDF. The same list twice is one document;
    a changed list (someone enrolled or removed, a session added) is a new version."""
    if not can_manage_course(by, course):
        raise PermissionDenied
    latest = Document.objects.for_subject(course).filter(kind=DocumentKind.ANDET).first()
    if latest is not None and latest.context == context:
        return latest
    return request_pdf(
        subject=course,
        kind=DocumentKind.ANDET,
        title=f"Deltagerliste: {course.title}"[:200],
        template_name=PARTICIPANT_LIST_TEMPLATE,
        context=context,
        by=by,
        version=(latest.version + 1) if latest is not None else 1,
    )
