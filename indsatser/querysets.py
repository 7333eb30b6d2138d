"""Who sees which rows of the indsatser app. Deny by default; role *and* relation decide.

- The catalogue (indsatsvifte), the pejlemærker and the absence procedure are for every member
  of staff: PPR, schools, daycare and partners. The administrator manages users, not content.
- Courses: the PPR leader sees all; a case worker the courses of their cases and team and the
  groups they run; institution leaders and staff the courses held at their institution or with
  one of their children enrolled (and, on a group, only their own children).
- Absence cases: the school's leader and staff see their school's; PPR's leader all; a case
  worker those of children on their cases or with a step they are responsible for.
"""

from typing import Any, Self

from django.db import models
from django.db.models import Q

from ppr.access import VisibleQuerySet
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES, Role

#: Roles that read the catalogue but hold no case content. Everybody but these reads the catalogue.
NOT_STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.PARENT})


def is_staff_reader(user: Any) -> bool:
    """A member of staff (PPR, institution or partner): may browse the catalogue."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.roles - NOT_STAFF_ROLES)


def ppr_course_condition(user: Any) -> Q:
    """Courses a PPR case worker may see and run: their cases, their team, the groups they run."""
    if not user.has_role(*CASEWORKER_ROLES):
        return Q(pk__in=[])
    return (
        Q(responsible=user)
        | Q(co_leaders=user)
        | Q(team_id__in=user.team_ids)
        | Q(case__assigned=user)
        | Q(case__team_id__in=user.team_ids)
    )


def institution_course_condition(user: Any) -> Q:
    institutions = user.institution_ids(*INSTITUTION_ROLES)
    if not institutions:
        return Q(pk__in=[])
    return Q(institution_id__in=institutions) | Q(
        participants__child__institution_id__in=institutions, participants__removed_on__isnull=True
    )


class CatalogueQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Every member of staff (not the administrator) reads the catalogue."""
        return self.all() if is_staff_reader(user) else self.none()


class InterventionQuerySet[M: models.Model](CatalogueQuerySet[M]):
    def available(self) -> Self:
        """Entries a new course may use: not retired."""
        return self.filter(retired_on__isnull=True)


class CourseQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_ppr_leader:
            return self.all()
        condition = ppr_course_condition(user) | institution_course_condition(user)
        # The joins through participants and co-leaders multiply rows; a subquery keeps one each.
        return self.filter(pk__in=self.model._default_manager.filter(condition).values("pk"))

    def managed_by(self, user: Any) -> Self:
        """Courses ``user`` may run: record sessions, attendance, follow-ups, participants."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_ppr_leader:
            return self.all()
        return self.filter(
            pk__in=self.model._default_manager.filter(ppr_course_condition(user)).values("pk")
        )

    def active(self) -> Self:
        return self.filter(status="aktivt")


class CourseChildQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Participants: all of a course PPR runs; only their own children for an institution."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        courses = self.related("course", CourseQuerySet).managed_by(user)
        condition = Q(course__in=courses.values("pk"))
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(child__institution_id__in=institutions)
        return self.filter(condition)


class AbsenceCaseQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_ppr_leader:
            return self.all()
        condition = Q(pk__in=[])
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(institution_id__in=institutions)
        joined = False
        if user.has_role(*CASEWORKER_ROLES):
            condition |= (
                Q(child__cases__assigned=user)
                | Q(child__cases__team_id__in=user.team_ids)
                | Q(steps__responsible=user)
            )
            joined = True
        if user.has_role(Role.SECRETARY):
            # A step nobody holds lands in PPR's shared pool (the leader's and the secretary's
            # Mine frister); the secretary must be able to open it to route it.
            condition |= Q(steps__responsible__isnull=True)
            joined = True
        if joined:
            return self.filter(pk__in=self.model._default_manager.filter(condition).values("pk"))
        return self.filter(condition)

    def open(self) -> Self:
        return self.filter(status="aaben")


class AbsenceStepRecordQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        absence_cases = self.related("absence_case", AbsenceCaseQuerySet).visible_to(user)
        return self.filter(absence_case__in=absence_cases.values("pk"))

    def outstanding(self) -> Self:
        return self.filter(done_on__isnull=True)
