"""Who sees which rows of the visitation app. Deny by default; role *and* relation decide.

- Offers (tilbud) are the municipality's catalogue of special offers: every member of staff
  reads them; the administrator and parents do not.
- Applications (ansøgninger om specialpædagogisk bistand): the leader of the applying
  institution sees its own, drafts included; PPR's leader and secretary see every submitted
  application (and the drafts PPR writes on a parent's request); a case worker sees the
  submitted applications of the cases assigned to them or their team.
"""

from datetime import date
from typing import Any, Self

from django.db import models
from django.db.models import Q

from ppr.access import VisibleQuerySet
from ppr.accounts.models import CASEWORKER_ROLES, Role

#: Roles that hold no case content and do not read the offers either.
NOT_STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.PARENT})


def is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_staff_reader(user: Any) -> bool:
    """A member of staff (PPR, institution or partner): may read the offers."""
    return is_active_user(user) and bool(user.roles - NOT_STAFF_ROLES)


class OfferQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Every member of staff (not the administrator) reads the offers."""
        return self.all() if is_staff_reader(user) else self.none()

    def available(self) -> Self:
        """Offers an application or a decision may name: not retired."""
        return self.filter(retired_on__isnull=True)


class ApplicationQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        if not is_active_user(user):
            return self.none()
        condition = Q(pk__in=[])
        if user.has_role(Role.PPR_LEADER, Role.SECRETARY):
            condition |= ~Q(status="kladde") | Q(on_parent_request=True)
        elif user.has_role(*CASEWORKER_ROLES):
            condition |= ~Q(status="kladde") & (
                Q(case__assigned=user) | Q(case__team_id__in=user.team_ids)
            )
        led = user.institution_ids(Role.INSTITUTION_LEADER)
        if led:
            condition |= Q(institution_id__in=led)
        # Committee members: what is on the agendas of their committees' meetings, nothing else.
        on_agenda = self.model._default_manager.filter(
            agenda_entries__meeting__committee__members__user=user
        ).values("pk")
        return self.filter(condition | Q(pk__in=on_agenda))

    def drafts(self) -> Self:
        return self.filter(status="kladde")


class MeetingQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The PPR leader and secretary: every committee meeting; a member: their committees'."""
        if not is_active_user(user):
            return self.none()
        if user.has_role(Role.PPR_LEADER, Role.SECRETARY):
            return self.all()
        seated = self.model._default_manager.filter(committee__members__user=user)
        return self.filter(pk__in=seated.values("pk"))


class AgendaEntryQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The agenda items of the meetings the user sees."""
        meetings = self.related("meeting", MeetingQuerySet).visible_to(user)
        return self.filter(meeting__in=meetings.values("pk"))


class DecisionQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Decisions on the applications the user sees."""
        applications = self.related("application", ApplicationQuerySet).visible_to(user)
        return self.filter(application__in=applications.values("pk"))

    def printable_for(self, user: Any) -> Self:
        """Decision letters ``user`` may print: PPR's leader, case workers on the child's case,
        and the leader of the child's institution (as the PPV)."""
        if not is_active_user(user):
            return self.none()
        if user.is_ppr_leader:
            return self.all()
        condition = Q(pk__in=[])
        if user.has_role(*CASEWORKER_ROLES):
            condition |= Q(application__case__assigned=user) | Q(
                application__case__team_id__in=user.team_ids
            )
        led = user.institution_ids(Role.INSTITUTION_LEADER)
        if led:
            condition |= Q(application__child__institution_id__in=led)
        return self.filter(condition)


def in_school_year(year: int) -> Q:
    """Placements holding a place at some point of the school year starting in ``year``
    (1 August – 31 July): begun by its last day, neither ended nor planned to end before its
    first day."""
    first, last = date(year, 8, 1), date(year + 1, 7, 31)
    return (
        Q(starts_on__lte=last)
        & ~Q(ended_on__lt=first)
        & ~Q(ended_on__isnull=True, ends_on__lt=first)
    )


class PlacementQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Placements: PPR's leader and secretary all; a case worker those on their cases; an
        institution leader those of their children and those in the offers they run."""
        if not is_active_user(user):
            return self.none()
        if user.has_role(Role.PPR_LEADER, Role.SECRETARY):
            return self.all()
        condition = Q(pk__in=[])
        if user.has_role(*CASEWORKER_ROLES):
            condition |= Q(case__assigned=user) | Q(case__team_id__in=user.team_ids)
        led = user.institution_ids(Role.INSTITUTION_LEADER)
        if led:
            condition |= Q(child__institution_id__in=led) | Q(offer__institution_id__in=led)
        return self.filter(condition)

    def reviewable_by(self, user: Any) -> Self:
        """Placements ``user`` may reassess: the PPR leader all, a case worker on the case."""
        if not is_active_user(user):
            return self.none()
        if user.is_ppr_leader:
            return self.all()
        if user.has_role(*CASEWORKER_ROLES):
            return self.filter(Q(case__assigned=user) | Q(case__team_id__in=user.team_ids))
        return self.none()

    def active(self) -> Self:
        return self.filter(ended_on__isnull=True)

    def in_school_year(self, year: int) -> Self:
        return self.filter(in_school_year(year))

    def returned(self) -> Self:
        """Placements ended by a return to the general offer (counted in the reports)."""
        return self.filter(end_reason="almen")


class ReviewQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The reviews of the placements the user sees."""
        placements = self.related("placement", PlacementQuerySet).visible_to(user)
        return self.filter(placement__in=placements.values("pk"))
