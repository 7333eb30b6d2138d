"""Builders for referral tests: a child with guardians and consents, referrals in each state."""

from cases.models import Child, Guardian, Referral, ReferralStatus
from cases.referrals import services
from tests.cases.factories import ChildFactory, ConsentFactory, GuardianFactory, ReferralFactory


def child_with_consent(
    cast, *, institution=None, joint: bool = True, consent: bool = True
) -> Child:
    """A child at the cast's school whose custody holders (both, if joint) consented."""
    child = ChildFactory(institution=institution or cast.school)
    mother = GuardianFactory(child=child, name="Anne Hansen", relation="mor", has_custody=True)
    father = GuardianFactory(child=child, name="Bo Hansen", relation="far", has_custody=joint)
    if consent:
        for guardian in (mother, father) if joint else (mother,):
            ConsentFactory(guardian=guardian, recorded_by=cast.school_leader)
    return child


def draft(cast, **fields) -> Referral:
    """A complete draft at the cast's school, ready for the leader to submit."""
    fields.setdefault("child", child_with_consent(cast))
    fields.setdefault("author", cast.teacher)
    return ReferralFactory(**fields)


def submitted(cast, **fields) -> Referral:
    return services.submit_referral(draft(cast, **fields), by=cast.school_leader)


def received(cast, **fields) -> Referral:
    return services.receive_referral(submitted(cast, **fields), by=cast.secretary)


def accepted(cast, *, assignee=None, **fields) -> Referral:
    referral = received(cast, **fields)
    services.accept_referral(referral, by=cast.ppr_leader, assignee=assignee or cast.psychologist)
    referral.refresh_from_db()
    return referral


def in_status(cast, status: str, **fields) -> Referral:
    """A referral of the cast's school in ``status``, reached through the services."""
    if status == ReferralStatus.DRAFT:
        return draft(cast, **fields)
    if status == ReferralStatus.SUBMITTED:
        return submitted(cast, **fields)
    if status == ReferralStatus.RECEIVED:
        return received(cast, **fields)
    if status == ReferralStatus.ACCEPTED:
        return accepted(cast, **fields)
    referral = received(cast, **fields)
    if status == ReferralStatus.REJECTED:
        return services.reject_referral(referral, by=cast.ppr_leader, reason="Ikke PPR's opgave.")
    if status == ReferralStatus.REDIRECTED:
        return services.redirect_referral(referral, by=cast.ppr_leader, forum="sparring_ppr")
    if status == ReferralStatus.CLOSED:
        referral = services.reject_referral(referral, by=cast.ppr_leader, reason="Ikke PPR's.")
        return services.close_referral(referral, by=cast.secretary)
    raise ValueError(status)


def guardians(child: Child) -> list[Guardian]:
    return list(child.guardians.order_by("name"))
