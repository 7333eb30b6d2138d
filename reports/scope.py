"""Whose figures an operational report may show: the whole municipality, or some institutions.

Deny by default: ``scope_for`` returns ``None`` for anyone who may not see operational reports.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from ppr.accounts.models import Role


@dataclass(frozen=True)
class Scope:
    whole_municipality: bool
    institution_ids: frozenset[int] = frozenset()

    def condition(self, institution_path: str) -> Q:
        """A filter keeping the rows of the scope's institutions (everything for the municipality)."""
        if self.whole_municipality:
            return Q()
        return Q(**{f"{institution_path}__in": sorted(self.institution_ids)})

    def restrict[T: QuerySet[Any]](self, queryset: T, institution_path: str) -> T:
        return queryset.filter(self.condition(institution_path))


def scope_for(user: Any) -> Scope | None:
    """The PPR leader: the municipality. An institution leader: their own institutions."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_ppr_leader:
        return Scope(whole_municipality=True)
    institutions = user.institution_ids(Role.INSTITUTION_LEADER)
    if institutions:
        return Scope(whole_municipality=False, institution_ids=frozenset(institutions))
    return None
