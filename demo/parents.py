"""The parents' portal's demo data: Alma Kjærgaard's school leader invites her custody holders
to write the parents' perspective into the school's draft (Mette Kjærgaard's pending task), and
Ella Bertelsen's case worker has written to her mother (Mette Bertelsen's message thread).
Both go through the services a user would use; the e-mails go nowhere (idempotent)."""

from django.test import override_settings

from cases.models import CaseStatus, Child, ReferralStatus
from messaging.models import Thread
from messaging.services import start_thread
from parents.involvement import invite_custody_holders
from parents.models import PerspectiveInvitation
from ppr.accounts.models import Role, User

from .cases import QUIET_MAIL


def _child(first: str, last: str) -> Child | None:
    return Child.objects.filter(fictitious=True, first_name=first, last_name=last).first()


def _invite_to_the_draft() -> None:
    child = _child("Alma", "Kjærgaard")
    if child is None:
        return
    referral = child.referrals.filter(status=ReferralStatus.DRAFT).first()
    if referral is None or PerspectiveInvitation.objects.filter(referral=referral).exists():
        return
    leader = User.objects.filter(
        memberships__role=Role.INSTITUTION_LEADER,
        memberships__institution_id=referral.institution_id,
        memberships__active=True,
        is_active=True,
    ).first()
    if leader is not None:
        invite_custody_holders(referral, by=leader)


def _message_thread() -> None:
    child = _child("Ella", "Bertelsen")
    if child is None:
        return
    case = child.cases.filter(status=CaseStatus.OPEN).select_related("assigned").first()
    if case is None or case.assigned is None or Thread.objects.filter(case=case).exists():
        return
    mother = child.guardians.filter(relation="mor", has_custody=True).first()
    if mother is None:
        return
    start_thread(
        case=case,
        guardian=mother,
        by=case.assigned,
        subject="Observation i klassen",
        body="Kære Mette. Jeg kommer og observerer Ella i klassen i næste uge. Skriv gerne, hvis "
        "der er noget, I gerne vil have, at jeg lægger mærke til.",
    )


def seed(organisation: object) -> None:
    with override_settings(MAILERS=QUIET_MAIL):
        _invite_to_the_draft()
        _message_thread()
