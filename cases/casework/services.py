"""Domain verbs for PPR cases: open, assign, close. Each is atomic and writes an audit row."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseOutcome,
    CaseStatus,
    Child,
    Referral,
    ReferralEvent,
    ReferralStatus,
    RulerRating,
)
from ppr.accounts.models import CASEWORKER_ROLES, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.deadlines.services import cancel_deadlines, hand_over_deadlines
from ppr.esdh import kle
from ppr.organisation.models import Team

PURPOSE = "sagsbehandling"


def team_for(*, child: Child, assignee: User | None) -> Team | None:
    """The PPR team a case belongs to: the assignee's team, else the team of the child's district."""
    if assignee is not None:
        for membership in assignee.active_memberships:
            if membership.team_id:
                return membership.team
    return Team.objects.filter(district_id=child.institution.district_id).order_by("pk").first()


def latest_colour_of(child: Child) -> str:
    """The colour of the child's most recent Børnelineal rating (by date), or ""."""
    latest = (
        RulerRating.objects.filter(child=child)
        .order_by("-rated_on", "-created_at", "-pk")
        .values_list("colour", flat=True)
        .first()
    )
    return latest or ""


def check_assignee(assignee: User | None) -> None:
    """Only PPR's case workers hold cases."""
    if assignee is not None and not assignee.has_role(*CASEWORKER_ROLES):
        raise ValidationError(
            "Sagen kan kun tildeles en psykolog, talepædagog eller PPR-konsulent.",
            code="not_caseworker",
        )


@transaction.atomic
def open_case(*, child: Child, by: User, assignee: User | None) -> Case:
    """Open a case for the child, or return the child's open case if there already is one."""
    check_assignee(assignee)
    existing = Case.objects.select_for_update().filter(child=child, status=CaseStatus.OPEN).first()
    if existing is not None:
        if assignee is not None and existing.assigned_id is None:
            return assign_case(case=existing, by=by, assignee=assignee)
        return existing
    case = Case(
        child=child,
        assigned=assignee,
        team=team_for(child=child, assignee=assignee),
        latest_colour=latest_colour_of(child),
    )
    try:
        # A savepoint, so a concurrent open of the same child (one-open-case constraint) can
        # fall back to the winner's case without breaking the caller's transaction.
        with transaction.atomic():
            case.save()
    except IntegrityError:
        return Case.objects.get(child=child, status=CaseStatus.OPEN)
    log_action(case, AuditAction.CREATE, by=by, purpose=PURPOSE)
    return case


@transaction.atomic
def assign_case(*, case: Case, by: User, assignee: User | None) -> Case:
    """(Re)assign an open case to a case worker; the case follows the assignee's team."""
    check_assignee(assignee)
    case = Case.objects.select_for_update().select_related("child__institution").get(pk=case.pk)
    if not case.is_open:
        raise ValidationError("Sagen er lukket og kan ikke tildeles.", code="closed")
    previous = case.assigned
    case.assigned = assignee
    if assignee is not None:
        case.team = team_for(child=case.child, assignee=assignee)
    case.save(update_fields=["assigned", "team"])
    log_action(case, AuditAction.UPDATE, by=by, purpose="tildeling af sag")
    # The case's deadlines (e.g. the PPV) follow the case to its new case worker.
    hand_over_deadlines(subject=case, previous=previous, responsible=assignee, by=by)
    return case


@transaction.atomic
def classify_case(*, case: Case, by: User, kle_number: str, kle_facet: str) -> Case:
    """Set the case's KLE classification (emnenummer and handlingsfacet) for the ESDH; the
    index hears of it after commit (cases/casework/esdh.py)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError("Sagen er lukket og kan ikke omklassificeres.", code="closed")
    case.kle_number, case.kle_facet = kle_number, kle_facet
    kle.validate_kle(kle_number)
    kle.validate_facet(kle_facet)
    case.save(update_fields=["kle_number", "kle_facet"])
    log_action(case, AuditAction.UPDATE, by=by, purpose="KLE-klassifikation")
    return case


@transaction.atomic
def close_case(*, case: Case, by: User, outcome: str, note: str = "") -> Case:
    """Close an open case with an outcome; its accepted referrals end as "afsluttet"."""
    if outcome not in CaseOutcome.values:
        raise ValidationError("Vælg sagens udfald.", code="outcome")
    case = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if not case.is_open:
        # Two people closing at once, or a double submit: the first close stands.
        raise ValidationError("Sagen er allerede lukket.", code="closed")
    now = timezone.now()
    case.status = CaseStatus.CLOSED
    case.outcome = outcome
    case.closing_note = note.strip()
    case.closed_at = now
    case.closed_by = by
    case.save(update_fields=["status", "outcome", "closing_note", "closed_at", "closed_by"])
    accepted = list(
        Referral.objects.select_for_update().filter(case=case, status=ReferralStatus.ACCEPTED)
    )
    for referral in accepted:
        referral.status = ReferralStatus.CLOSED
        referral.save(update_fields=["status", "updated_at"])
    ReferralEvent.objects.bulk_create(
        ReferralEvent(
            referral=r, status=ReferralStatus.CLOSED, at=now, by=by, note="Sagen er lukket."
        )
        for r in accepted
    )
    # Nothing is owed on a closed case any more: no reminders about its PPV.
    cancel_deadlines(subject=case, by=by)
    log_action(case, AuditAction.UPDATE, by=by, purpose="afslutning af sag")
    return case


def ensure_open(case: Case) -> None:
    """Closed cases are read-only: refuse any change."""
    if not case.is_open:
        raise PermissionDenied("Sagen er lukket.")
