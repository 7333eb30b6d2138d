"""The holds that stop a clock. Each is one registered function; add one with
``@registry.hold(key, label=...)`` in any module imported at start-up (an app's ``ready()``),
taking the candidates and today's date and returning the keys of the candidates it holds."""

from collections.abc import Sequence
from datetime import date

from django.db.models import Q

from cases.models import Case, CaseStatus
from visitation.models import Appeal, AppealOutcome

from .models import LegalHold
from .registry import Candidate, hold


def _children(candidates: Sequence[Candidate]) -> set[int]:
    return {c.child_id for c in candidates if c.child_id is not None}


def _of_children(candidates: Sequence[Candidate], held: set[int]) -> set[tuple[str, int]]:
    return {c.key for c in candidates if c.child_id in held}


@hold("open_case", label="Barnet har en åben sag")
def open_case(candidates: Sequence[Candidate], today: date) -> set[tuple[str, int]]:
    children = _children(candidates)
    held = set(
        Case.objects.filter(child__in=children, status=CaseStatus.OPEN).values_list(
            "child", flat=True
        )
    )
    return _of_children(candidates, held)


@hold("appeal_pending", label="En klage over en afgørelse er ikke afgjort")
def appeal_pending(candidates: Sequence[Candidate], today: date) -> set[tuple[str, int]]:
    children = _children(candidates)
    held = set(
        Appeal.objects.filter(
            decision__application__child__in=children, outcome=AppealOutcome.PENDING
        ).values_list("decision__application__child", flat=True)
    )
    return _of_children(candidates, held)


@hold("legal_hold", label="Retligt tilbagehold sat af PPR-lederen")
def legal_hold(candidates: Sequence[Candidate], today: date) -> set[tuple[str, int]]:
    children = _children(candidates)
    held = set(
        LegalHold.objects.filter(
            Q(child__in=children), lifted_at__isnull=True, until__gte=today
        ).values_list("child", flat=True)
    )
    return _of_children(candidates, held)
