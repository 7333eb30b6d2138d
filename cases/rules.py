"""Object permissions for the cases app as ``rules`` predicates (shared file).

Visibility (which rows a user may see at all) is decided by the querysets' ``visible_to``;
these predicates decide what a user may *do* with a row they can see. A predicate that reads
the user's roles or teams runs only behind ``authenticated``, so its user is a ``User``.
"""

from typing import Any

import rules

from cases.models import (
    HEALTH_VISITOR_KINDS,
    INSTITUTION_KINDS,
    Case,
    CaseStatus,
    Child,
    Referral,
    ReferralStatus,
)
from ppr.accounts.models import INSTITUTION_ROLES, Role, User

# --- Children and referrals --------------------------------------------------------------


@rules.predicate
def is_ppr_leader(user: object) -> bool:
    return bool(getattr(user, "is_ppr_leader", False))


@rules.predicate
def is_intake(user: User) -> bool:
    """PPR's intake: the leader and the secretary receive referrals."""
    return bool(user.has_role(Role.PPR_LEADER, Role.SECRETARY))


@rules.predicate
def is_ppr_staff(user: object) -> bool:
    return bool(getattr(user, "is_ppr_staff", False))


@rules.predicate
def works_at_an_institution(user: User) -> bool:
    return bool(user.institution_ids(*INSTITUTION_ROLES))


@rules.predicate
def leads_an_institution(user: User) -> bool:
    return bool(user.institution_ids(Role.INSTITUTION_LEADER))


@rules.predicate
def works_at_childs_institution(user: User, child: Child | None) -> bool:
    if child is None:
        return False
    return child.institution_id in user.institution_ids(*INSTITUTION_ROLES)


@rules.predicate
def works_at_referrals_institution(user: User, referral: Referral | None) -> bool:
    if referral is None:
        return False
    return referral.institution_id in user.institution_ids(*INSTITUTION_ROLES)


@rules.predicate
def leads_referrals_institution(user: User, referral: Referral | None) -> bool:
    if referral is None:
        return False
    return referral.institution_id in user.institution_ids(Role.INSTITUTION_LEADER)


@rules.predicate
def is_draft(user: object, referral: Referral | None) -> bool:
    return referral is not None and referral.status == ReferralStatus.DRAFT


@rules.predicate
def is_parent_request(user: object, referral: Referral | None) -> bool:
    return referral is not None and bool(referral.parent_request)


authenticated = rules.is_authenticated & rules.is_active

#: Register a child: staff and leaders of an institution (their own), PPR intake (any).
can_register_child = authenticated & (works_at_an_institution | is_intake)
can_register_any_child = authenticated & is_intake
#: Add guardians and record consent for a child one can see.
can_edit_child = authenticated & (works_at_childs_institution | is_intake)
#: Draft a referral: the institution's staff and leaders; PPR intake records parents' requests.
can_draft_referral = authenticated & (works_at_an_institution | is_intake)
can_draft_referral_for = authenticated & (works_at_childs_institution | is_intake)
can_record_parent_request = authenticated & is_intake
can_edit_referral = (
    authenticated & is_draft & (works_at_referrals_institution | (is_intake & is_parent_request))
)
#: Only the institution's leader submits; PPR intake submits a parents' own request.
can_submit_referral = authenticated & (
    leads_referrals_institution | (is_intake & is_parent_request)
)
can_receive_referral = authenticated & is_intake
can_visitate_referral = authenticated & is_ppr_leader
can_close_referral = authenticated & is_intake
can_view_referral_queue = authenticated & is_intake
can_view_referral_list = authenticated & (works_at_an_institution | is_ppr_staff)

rules.add_perm("cases.register_child", can_register_child)
rules.add_perm("cases.register_any_child", can_register_any_child)
rules.add_perm("cases.edit_child", can_edit_child)
rules.add_perm("cases.draft_referral", can_draft_referral)
rules.add_perm("cases.draft_referral_for", can_draft_referral_for)
rules.add_perm("cases.record_parent_request", can_record_parent_request)
rules.add_perm("cases.edit_referral", can_edit_referral)
rules.add_perm("cases.submit_referral", can_submit_referral)
rules.add_perm("cases.receive_referral", can_receive_referral)
rules.add_perm("cases.visitate_referral", can_visitate_referral)
rules.add_perm("cases.close_referral", can_close_referral)
rules.add_perm("cases.view_referral_queue", can_view_referral_queue)
rules.add_perm("cases.view_referral_list", can_view_referral_list)

# --- Cases, journal, Børnelineal ---------------------------------------------------------


@rules.predicate
def is_caseworker(user: object) -> bool:
    return bool(getattr(user, "is_caseworker", False))


@rules.predicate
def case_is_open(user: object, case: Case | None) -> bool:
    return case is not None and case.status == CaseStatus.OPEN


@rules.predicate
def handles_case(user: User, case: Case | None) -> bool:
    """The case is assigned to the user or belongs to one of the user's teams."""
    if case is None:
        return False
    return case.assigned_id == user.pk or case.team_id in user.team_ids


#: The case list: PPR's leader and secretary (all cases) and case workers (own and team cases).
can_view_case_list = authenticated & (is_intake | is_caseworker)
#: The journal and professional content: the leader, and case workers on their cases.
can_view_journal = authenticated & (is_ppr_leader | (is_caseworker & handles_case))
#: Work on an open case (journal, Børnelineal, close): the leader and the case's case workers.
can_edit_case = authenticated & case_is_open & (is_ppr_leader | (is_caseworker & handles_case))
can_assign_case = authenticated & case_is_open & is_ppr_leader
#: The Børnelineal report: the PPR leader (all), institution leaders (own institution).
can_view_rating_report = authenticated & (is_ppr_leader | leads_an_institution)

rules.add_perm("cases.view_case_list", can_view_case_list)
rules.add_perm("cases.view_journal", can_view_journal)
rules.add_perm("cases.edit_case", can_edit_case)
rules.add_perm("cases.assign_case", can_assign_case)
rules.add_perm("cases.view_rating_report", can_view_rating_report)


@rules.predicate
def is_partner(user: object) -> bool:
    """A social worker or health visitor (seed 004 §3: the Børnelineal across professions)."""
    return isinstance(user, User) and user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR)


#: Rate a child outside a case (the child's Børnelineal page): the PPR leader, case workers
#: (their cases' children) and the partners (the children of their districts).
can_rate_child = authenticated & (is_ppr_leader | is_caseworker | is_partner)
rules.add_perm("cases.rate_child", can_rate_child)
#: The "Alle" tab of the case list.
rules.add_perm("cases.view_all_cases", authenticated & is_intake)

# --- PPV ---------------------------------------------------------------------------------


@rules.predicate
def is_assigned(user: User, case: Case | None) -> bool:
    """The case is assigned to the user personally (not only through the team)."""
    return case is not None and case.assigned_id == user.pk


#: Write, finalise, correct and send a PPV: the case's assigned case worker and the PPR leader.
can_write_ppv = authenticated & case_is_open & (is_ppr_leader | (is_caseworker & is_assigned))

rules.add_perm("cases.write_ppv", can_write_ppv)

# --- Tidlig opsporing ----------------------------------------------------------------------


def health_visitor_districts(user: Any) -> set[int]:
    """The districts ``user`` is a health visitor in (no query: the memberships are cached)."""
    return {
        m.district_id
        for m in user.active_memberships
        if m.role == Role.HEALTH_VISITOR and m.district_id
    }


def kinds_for(user: Any, child: Child) -> list[str]:
    """The kinds of observation ``user`` may record on ``child``: a health visitor the
    screening for the children of their districts (§3.3); the leader and staff of the child's
    institution the sprogvurdering, the BTU-skema and the trivselsvurdering (§3.1, §3.2).
    Others record none (they read, rate or refer)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    kinds: list[str] = []
    if child.institution.district_id in health_visitor_districts(user):
        kinds += [k.value for k in HEALTH_VISITOR_KINDS]
    if child.institution_id in user.institution_ids(*INSTITUTION_ROLES):
        kinds += [k.value for k in INSTITUTION_KINDS]
    return kinds


@rules.predicate
def records_observations_on(user: User, child: Child | None) -> bool:
    """A health visitor of the child's district, or the leader or staff of its institution."""
    return child is not None and bool(kinds_for(user, child))


#: Record an early-detection observation on a child (seed 004 §3.1–3.3).
can_record_observation = authenticated & records_observations_on
#: The Tidlig opsporing overview: the institutions' leaders and staff (their own), the
#: partners (their districts) and the PPR leader (all).
can_view_observation_overview = authenticated & (
    is_ppr_leader | works_at_an_institution | is_partner
)
rules.add_perm("cases.record_observation", can_record_observation)
rules.add_perm("cases.view_observation_overview", can_view_observation_overview)
