"""The decision on the case's timeline (cases does not import visitation: this module
registers a provider with the case page's timeline from ``VisitationConfig.ready()``).

One query for the case's decisions the user may see, with whether the user may print the
letter and the letter's newest document, and one each for the sendings and the complaints
when there are decisions: the same number however many there are.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Subquery

from cases.casework.timeline import TimelineItem, timeline_provider
from cases.models import Case
from ppr.accounts.models import User
from ppr.documents.models import Document, DocumentKind

from .models import Appeal, Decision, DecisionDispatch


@timeline_provider
def decision_items(case: Case, user: User) -> Iterable[TimelineItem]:
    letters = Document.objects.filter(
        content_type=ContentType.objects.get_for_model(Decision),
        object_id=OuterRef("pk"),
        kind=DocumentKind.AFGOERELSE,
    ).order_by("-version")
    decisions = (
        Decision.objects.visible_to(user)
        .filter(application__case=case)
        .select_related("offer", "decided_by")
        .annotate(
            printable=Exists(Decision.objects.printable_for(user).filter(pk=OuterRef("pk"))),
            letter_id=Subquery(letters.values("pk")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "dispatches", DecisionDispatch.objects.select_related("sent_by", "digital_post")
            ),
            Prefetch("appeals", Appeal.objects.order_by("received_on", "pk")),
        )
        .order_by()
    )
    for decision in decisions:
        yield TimelineItem(
            on=decision.decided_on,
            at=decision.created_at,
            kind="decision",
            template="visitation/timeline_item.html",
            obj=decision,
        )
