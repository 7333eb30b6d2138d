"""Who sees which rows of PPR's cases: the rules the cases querysets share."""

from typing import Any, Self

from django.db import models
from django.db.models import Q

from ppr.access import VisibleQuerySet
from ppr.accounts.models import CASEWORKER_ROLES, Role


def sees_all_cases(user: Any) -> bool:
    return bool(user.has_role(Role.PPR_LEADER, Role.SECRETARY))


#: The partners of seed 004 §3 who rate and observe children beside PPR.
PARTNER_ROLES = frozenset({Role.SOCIAL_WORKER, Role.HEALTH_VISITOR})


def partner_district_ids(user: Any) -> set[int]:
    """The districts a social worker or health visitor works in (their memberships' scope):
    the children of those districts' institutions are the ones they rate and observe."""
    if not user.is_authenticated:
        return set()
    return {
        m.district_id for m in user.active_memberships if m.role in PARTNER_ROLES and m.district_id
    }


def on_their_cases(user: Any, case: Any = None) -> Q:
    """A case worker's rows: those of cases assigned to them or to one of their teams. Given
    the one ``case`` the rows belong to, that is decided here from the case, without a join."""
    if case is None:
        return Q(case__assigned=user) | Q(case__team_id__in=user.team_ids)
    if case.assigned_id == user.pk or case.team_id in user.team_ids:
        return Q()
    return Q(pk__in=[])


class OnCaseQuerySet[M: models.Model](VisibleQuerySet[M]):
    """Rows that belong to a case; the case page reads them for one case at a time.
    Subclasses say which rows in ``_visible``, with ``on_their_cases(user, case)``."""

    def visible_to(self, user: Any) -> Self:
        return self._visible(user, case=None)

    def visible_on(self, case: Any, user: Any) -> Self:
        """``visible_to(user).filter(case=case)``: the same rows, with the conditions on the case
        decided from ``case`` itself, so without a join to the case table."""
        return self._visible(user, case=case).filter(case=case)

    def _visible(self, user: Any, case: Any) -> Self:
        return self.none()


class CaseContentQuerySet[M: models.Model](OnCaseQuerySet[M]):
    """Journal entries and the like: PPR's professional content, not for the secretary."""

    def _visible(self, user: Any, case: Any) -> Self:
        """The PPR leader, and case workers on the case (assigned or team)."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.PPR_LEADER):
            return self.all()
        if user.has_role(*CASEWORKER_ROLES):
            return self.filter(on_their_cases(user, case))
        return self.none()
