"""Object permissions for the visitation app, as ``rules`` predicates used by views, templates
and services alike."""

from typing import Any

import rules

from ppr.accounts.models import CASEWORKER_ROLES, Role

from .querysets import is_active_user, is_staff_reader


@rules.predicate
def is_ppr_leader(user: Any) -> bool:
    return is_active_user(user) and bool(user.is_ppr_leader)


@rules.predicate
def is_staff(user: Any) -> bool:
    return is_staff_reader(user)


@rules.predicate
def is_institution_leader(user: Any) -> bool:
    return is_active_user(user) and bool(user.institution_ids(Role.INSTITUTION_LEADER))


@rules.predicate
def reads_applications(user: Any) -> bool:
    """The applicants (institution leaders) and PPR (leader, secretary, case workers)."""
    return is_active_user(user) and user.has_role(
        Role.INSTITUTION_LEADER, Role.PPR_LEADER, Role.SECRETARY, *CASEWORKER_ROLES
    )


@rules.predicate
def can_edit_application(user: Any, application: Any) -> bool:
    """A draft is written by the leader of the applying institution, or by the PPR leader when
    PPR applies on the parents' request."""
    if application is None or not is_active_user(user) or application.status != "kladde":
        return False
    if application.on_parent_request:
        return bool(user.is_ppr_leader)
    return application.institution_id in user.institution_ids(Role.INSTITUTION_LEADER)


rules.add_perm("visitation.view_offers", is_staff)
rules.add_perm("visitation.manage_offers", is_ppr_leader)
rules.add_perm("visitation.view_applications", reads_applications)
rules.add_perm("visitation.apply", is_institution_leader | is_ppr_leader)
rules.add_perm("visitation.edit_application", can_edit_application)
rules.add_perm("visitation.submit_application", can_edit_application)


@rules.predicate
def reads_meetings(user: Any) -> bool:
    """Members of staff may open the list of visitation meetings; it shows only the meetings
    of committees they sit on (the PPR leader and secretary: all)."""
    return is_staff_reader(user)


@rules.predicate
def manages_committee(user: Any) -> bool:
    return is_active_user(user) and bool(user.is_ppr_leader)


rules.add_perm("visitation.view_meetings", reads_meetings)
rules.add_perm("visitation.manage_committee", manages_committee)
rules.add_perm("visitation.manage_appeals", is_ppr_leader)
rules.add_perm("visitation.send_letter", is_ppr_leader)


@rules.predicate
def can_review_placement(user: Any, placement: Any) -> bool:
    """The PPR leader, and case workers on the child's case."""
    if placement is None or not is_active_user(user):
        return False
    return bool(type(placement).objects.reviewable_by(user).filter(pk=placement.pk).exists())


rules.add_perm("visitation.place", is_ppr_leader)
rules.add_perm("visitation.review_placement", can_review_placement)
