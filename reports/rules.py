"""Permissions for reports, as ``rules`` predicates used by views, templates and tests.

- The effect-goal dashboard and the development plan: all PPR staff read them (case workers and
  the secretary read-only: the goals are the whole department's steering figures, aggregates
  without any child's data); the PPR leader enters measurements, edits goals and the plan, and
  prints the plan.
- The operational reports: the PPR leader for the whole municipality; an institution leader
  for their own institution's slice. Nobody else (case workers see their own work elsewhere).
- The administrator: nothing.
"""

from typing import Any

import rules

from ppr.access import active_user
from ppr.accounts.models import Role

from .querysets import is_ppr_staff


@rules.predicate
def is_ppr_leader(user: Any) -> bool:
    return active_user(user) and bool(user.is_ppr_leader)


@rules.predicate
def is_staff_of_ppr(user: Any) -> bool:
    return is_ppr_staff(user)


@rules.predicate
def is_institution_leader(user: Any) -> bool:
    return active_user(user) and bool(user.institution_ids(Role.INSTITUTION_LEADER))


rules.add_perm("reports.view_goals", is_staff_of_ppr)
rules.add_perm("reports.change_goals", is_ppr_leader)
rules.add_perm("reports.view_operational", is_ppr_leader | is_institution_leader)
rules.add_perm("reports.view_plan", is_staff_of_ppr)
rules.add_perm("reports.change_plan", is_ppr_leader)
rules.add_perm("reports.print_plan", is_ppr_leader)
#: The visitation reports (applications, decisions, placements, spending): the PPR leader.
rules.add_perm("reports.view_visitation", is_ppr_leader)
rules.add_perm("reports.view_any", is_staff_of_ppr | is_institution_leader)
