"""Who sees which rows of the reports app. Deny by default.

Effect goals, their measurements and the development plan are PPR's own steering information:
every member of PPR staff reads them (the PPR leader edits them). Institution leaders get the
operational reports for their own institution only (see ``reports.scope``), not these rows;
the administrator manages users, not content, and sees nothing here.
"""

from typing import Any, Self

from django.db import models

from ppr.access import VisibleQuerySet


def is_ppr_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_ppr_staff)


class ReportingQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Effect goals and measurements: PPR staff."""
        return self.all() if is_ppr_staff(user) else self.none()


class PlanQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The development plan: PPR staff."""
        return self.all() if is_ppr_staff(user) else self.none()
