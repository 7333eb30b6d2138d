"""Object permissions for the indsatser app, as ``rules`` predicates used by views and templates."""

from typing import Any

import rules

from ppr.access import active_user
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES, Role
from ppr.organisation.models import SCHOOL_KINDS

from .querysets import is_staff_reader

#: Step roles of the absence procedure that belong to the school: anyone at the school may
#: record such a step.
SCHOOL_STEP_ROLES = (Role.STAFF.value, Role.INSTITUTION_LEADER.value)


@rules.predicate
def is_ppr_leader(user: Any) -> bool:
    return active_user(user) and bool(user.is_ppr_leader)


@rules.predicate
def is_staff(user: Any) -> bool:
    return is_staff_reader(user)


@rules.predicate
def is_course_runner(user: Any) -> bool:
    """PPR's case workers and leader start courses."""
    return active_user(user) and (user.is_ppr_leader or user.has_role(*CASEWORKER_ROLES))


@rules.predicate
def can_manage_course(user: Any, course: Any) -> bool:
    """Run a course: the PPR leader, its responsible and co-leaders, and case workers of its case
    or team. Institution staff follow a course but do not record in it."""
    if course is None or not active_user(user):
        return False
    return bool(type(course).objects.managed_by(user).filter(pk=course.pk).exists())


@rules.predicate
def works_at_school(user: Any) -> bool:
    """Leaders and staff of a school record absence. Read from the memberships already loaded,
    so the main menu costs no query."""
    if not active_user(user):
        return False
    return any(
        m.role in INSTITUTION_ROLES
        and m.institution is not None
        and m.institution.kind in SCHOOL_KINDS
        for m in user.active_memberships
    )


@rules.predicate
def can_edit_absence_case(user: Any, absence_case: Any) -> bool:
    """Record the absence figure: leaders and staff of the pupil's school."""
    if absence_case is None or not active_user(user):
        return False
    return absence_case.institution_id in user.institution_ids(*INSTITUTION_ROLES)


@rules.predicate
def can_complete_step(user: Any, record: Any) -> bool:
    """Record that a step was done. School steps: the school's leader and staff (a step of the
    social worker is recorded by the school that notifies). PPR steps: the PPR leader, the
    responsible, or a case worker who sees the absence case."""
    if record is None or not active_user(user):
        return False
    role = record.step.responsible_role
    at_school = record.absence_case.institution_id in user.institution_ids(*INSTITUTION_ROLES)
    if role in SCHOOL_STEP_ROLES or role == "socialraadgiver":
        return at_school
    if user.is_ppr_leader or record.responsible_id == user.pk:
        return True
    if not user.has_role(*CASEWORKER_ROLES):
        return False
    absence_cases = type(record.absence_case).objects.visible_to(user)
    return bool(absence_cases.filter(pk=record.absence_case_id).exists())


@rules.predicate
def has_institution_role(user: Any) -> bool:
    return active_user(user) and bool(user.institution_ids(*INSTITUTION_ROLES))


rules.add_perm("indsatser.view_catalogue", is_staff)
rules.add_perm("indsatser.view_courses", is_course_runner | has_institution_role)
rules.add_perm("indsatser.view_absence", is_course_runner | works_at_school)
rules.add_perm("indsatser.manage_catalogue", is_ppr_leader)
rules.add_perm("indsatser.manage_procedure", is_ppr_leader)
rules.add_perm("indsatser.start_course", is_course_runner)
rules.add_perm("indsatser.manage_course", can_manage_course)
rules.add_perm("indsatser.open_absence_case", works_at_school)
rules.add_perm("indsatser.edit_absence_case", can_edit_absence_case)
rules.add_perm("indsatser.complete_absence_step", can_complete_step)
