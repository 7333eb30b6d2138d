"""The case page's timeline: one list merged from providers (referrals, journal, PPV, …).

Other apps add their own kinds of events (PPV, meetings, interventions) by registering a
provider in their ``AppConfig.ready()``::

    from .timeline import TimelineItem, timeline_provider

    @timeline_provider
    def ppv_items(case, user):
        for ppv in Ppv.objects.visible_on(case, user):
            yield TimelineItem(on=ppv.created_at.date(), at=ppv.created_at, kind="ppv",
                               template="cases/ppv/timeline_item.html", obj=ppv)

A provider must start from ``visible_to(user)``, or ``visible_on(case, user)`` where the model
has it (the same rows, decided without a join to the case): the timeline shows what the user may
see.
The case's Børnelineal ratings are not a provider: the page reads all of the child's ratings for
its trend (``child_ratings``), and the timeline takes this case's from them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Prefetch, prefetch_related_objects
from django.utils import timezone

from cases.models import Case, JournalEntry, JournalRevision, Referral, RulerRating
from ppr.accounts.models import User


@dataclass(frozen=True)
class TimelineItem:
    """One event on a case: when it happened, what kind, and the template that shows it."""

    on: date
    at: datetime  # tie-break within a day: when it was recorded
    kind: str
    template: str
    obj: object


Provider = Callable[[Case, User], Iterable[TimelineItem]]
_providers: list[Provider] = []


def timeline_provider(function: Provider) -> Provider:
    """Register a provider of timeline items (idempotent, so a reloaded module is harmless)."""
    if all(existing is not function for existing in _providers):
        _providers.append(function)
    return function


def gather_timeline(case: Case, user: User, ratings: list[RulerRating]) -> list[TimelineItem]:
    """Every provider's items for the case and its ratings among the child's ``ratings``
    (``child_ratings``), newest first."""
    items = [item for provider in _providers for item in provider(case, user)]
    items += rating_items(case, ratings)
    return sorted(items, key=lambda item: (item.on, item.at), reverse=True)


@timeline_provider
def referral_items(case: Case, user: User) -> Iterable[TimelineItem]:
    referrals = (
        Referral.objects.visible_on(case, user)
        .select_related("institution", "submitted_by", "decided_by")
        .order_by()
    )
    for referral in referrals:
        at = referral.submitted_at or referral.created_at
        yield TimelineItem(
            on=timezone.localtime(at).date(),
            at=at,
            kind="referral",
            template="cases/case_timeline_referral.html",
            obj=referral,
        )


@timeline_provider
def journal_items(case: Case, user: User) -> Iterable[TimelineItem]:
    entries = list(JournalEntry.objects.visible_on(case, user).select_related("author").order_by())
    # Only a corrected entry has earlier versions to show.
    prefetch_related_objects(
        [entry for entry in entries if entry.is_corrected],
        Prefetch("revisions", JournalRevision.objects.select_related("corrected_by")),
    )
    for entry in entries:
        yield TimelineItem(
            on=entry.occurred_on,
            at=entry.created_at,
            kind="journal",
            template="cases/journal_timeline_item.html",
            obj=entry,
        )


def child_ratings(case: Case) -> list[RulerRating]:
    """Every Børnelineal rating of the case's child, newest first, with its rater and the case of
    its referral. The case page shows them all in the trend and this case's on the timeline.

    Whoever may see a case may see its child's ratings (``RulerRating.objects.visible_to``: the
    child's), so they are read by the child, which the case has authorised: through
    ``visible_to`` the subquery over every case of the user's teams is slow at scale."""
    return list(
        RulerRating.objects.filter(child_id=case.child_id)
        .select_related("rater")
        .annotate(referral_case_id=F("referral__case_id"))
    )


def rating_items(case: Case, ratings: Iterable[RulerRating]) -> Iterable[TimelineItem]:
    """The ratings made on this case or on a referral that led to it."""
    for rating in ratings:
        if case.pk in (rating.case_id, rating.referral_case_id):  # type: ignore[attr-defined]  # annotated by child_ratings()
            yield TimelineItem(
                on=rating.rated_on,
                at=rating.created_at,
                kind="rating",
                template="cases/rating_timeline_item.html",
                obj=rating,
            )
