"""The PPV on the case's timeline: each final version, with what was sent to whom and when."""

from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils import timezone

from cases.casework.timeline import TimelineItem, timeline_provider
from cases.models import Case, Ppv, PpvDispatch, PpvStatus
from ppr.accounts.models import User


@timeline_provider
def ppv_items(case: Case, user: User) -> Iterable[TimelineItem]:
    finals = (
        Ppv.objects.visible_on(case, user)
        .filter(status=PpvStatus.FINAL)
        .select_related("replaces")
        .prefetch_related(
            Prefetch(
                "dispatches", queryset=PpvDispatch.objects.select_related("sent_by", "digital_post")
            )
        )
        .order_by()
    )
    for ppv in finals:
        at = ppv.finalised_at or ppv.updated_at
        yield TimelineItem(
            on=timezone.localtime(at).date(),
            at=at,
            kind="ppv",
            template="cases/ppv/timeline_item.html",
            obj=ppv,
        )
