"""Custody changes from the CPR register on the case's timeline (the nightly refresh)."""

from collections.abc import Iterable

from cases.casework.timeline import TimelineItem, timeline_provider
from cases.models import Case, CustodyChange
from ppr.accounts.models import User


@timeline_provider
def custody_items(case: Case, user: User) -> Iterable[TimelineItem]:
    """Whoever sees the case sees who holds custody: the case page lists the guardians too."""
    for change in CustodyChange.objects.filter(case=case).order_by():
        yield TimelineItem(
            on=change.occurred_on,
            at=change.recorded_at,
            kind="custody",
            template="cases/custody_timeline_item.html",
            obj=change,
        )
