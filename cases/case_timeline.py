"""The case page's timeline: one list merged from providers (referrals, journal, ratings, …).

Other apps add their own kinds of events (PPV, meetings, interventions) by registering a
provider in their ``AppConfig.ready()``::

    from cases.case_timeline import TimelineItem, timeline_provider

    @timeline_provider
    def ppv_items(case, user):
        for ppv in Ppv.objects.visible_to(user).filter(case=case):
            yield TimelineItem(on=ppv.created_at.date(), at=ppv.created_at, kind="ppv",
                               label="PPV", template="cases/ppv_timeline_item.html", obj=ppv)

A provider must start from ``visible_to(user)``: the timeline shows what the user may see.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from ppr.accounts.models import User

from .models import Case, JournalEntry, Referral, RulerRating


@dataclass(frozen=True)
class TimelineItem:
    """One event on a case: when it happened, what kind, and the template that shows it."""

    on: date
    at: datetime  # tie-break within a day: when it was recorded
    kind: str
    label: str
    template: str
    obj: object


Provider = Callable[[Case, User], Iterable[TimelineItem]]
_providers: list[Provider] = []


def timeline_provider(function: Provider) -> Provider:
    """Register a provider of timeline items (idempotent, so a reloaded module is harmless)."""
    if all(existing is not function for existing in _providers):
        _providers.append(function)
    return function


def gather_timeline(case: Case, user: User) -> list[TimelineItem]:
    """Every provider's items for the case, newest first."""
    items = [item for provider in _providers for item in provider(case, user)]
    return sorted(items, key=lambda item: (item.on, item.at), reverse=True)


@timeline_provider
def referral_items(case: Case, user: User) -> Iterable[TimelineItem]:
    referrals = (
        Referral.objects.visible_to(user)
        .filter(case=case)
        .select_related("institution", "submitted_by", "decided_by")
    )
    for referral in referrals:
        at = referral.submitted_at or referral.created_at
        yield TimelineItem(
            on=timezone.localtime(at).date(),
            at=at,
            kind="referral",
            label="Indstilling",
            template="cases/case_timeline_referral.html",
            obj=referral,
        )


@timeline_provider
def journal_items(case: Case, user: User) -> Iterable[TimelineItem]:
    entries = (
        JournalEntry.objects.visible_to(user)
        .filter(case=case)
        .select_related("author")
        .prefetch_related("revisions__corrected_by")
    )
    for entry in entries:
        yield TimelineItem(
            on=entry.occurred_on,
            at=entry.created_at,
            kind="journal",
            label=f"Journalnotat – {entry.get_kind_display()}",
            template="cases/journal_timeline_item.html",
            obj=entry,
        )


@timeline_provider
def rating_items(case: Case, user: User) -> Iterable[TimelineItem]:
    ratings = (
        RulerRating.objects.visible_to(user)
        # The child's own ratings first: this lets PostgreSQL use the (child, rated_on) index
        # instead of scanning every rating for the OR across the referral join (60 ms at 100k).
        .filter(child_id=case.child_id)
        .filter(Q(case=case) | Q(referral__case=case))
        .select_related("rater")
    )
    for rating in ratings:
        yield TimelineItem(
            on=rating.rated_on,
            at=rating.created_at,
            kind="rating",
            label="Børnelineal",
            template="cases/rating_timeline_item.html",
            obj=rating,
        )
