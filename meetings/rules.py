"""Who may do what with meetings. Seeing an object is ``visible_to``; these decide actions on it.

The plain functions are used by services and views; the ``meetings.*`` permissions wrap them
for templates (``{% has_perm %}``) and ``user.has_perm``.
"""

from typing import Any

import rules

from ppr.access import active_user
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES, Role

from .models import Booker, ForumMeeting, MinutesPolicy, SeatState, Trio
from .querysets import caseworker_district_ids
from .schoolyears import current_school_year


def _ppr_worker(user: Any) -> bool:
    """PPR's professionals: the leader and the case workers (not the secretary)."""
    return bool(user.has_role(Role.PPR_LEADER, *CASEWORKER_ROLES))


def _covers(user: Any, institution: Any) -> bool:
    """A PPR professional who works with this institution (the leader works with all)."""
    if user.has_role(Role.PPR_LEADER):
        return True
    return user.has_role(*CASEWORKER_ROLES) and institution.district_id in caseworker_district_ids(
        user
    )


def _at(user: Any, institution: Any, *roles: str) -> bool:
    return institution.pk in user.institution_ids(*(roles or INSTITUTION_ROLES))


# --- The support model ---------------------------------------------------------------------


def can_edit_forums(user: Any) -> bool:
    return active_user(user) and user.is_ppr_leader


def current_trio(institution: Any) -> Trio | None:
    return Trio.objects.filter(institution=institution, school_year=current_school_year()).first()


def sits_in_trio(user: Any, trio: Trio | None) -> bool:
    """A member of this TRIO who still holds the role they sit in it for: the leader and the
    resource person at the institution, the psychologist in PPR."""
    if trio is None or user.pk not in trio.member_ids:
        return False
    if user.pk == trio.psychologist_id:
        return bool(user.has_role(Role.PSYCHOLOGIST))
    return _at(user, trio.institution)


def can_refer_from(user: Any, institution: Any) -> bool:
    """Only the institution's koordinerende TRIO refers to a forum, or the institution's leader
    on its behalf (seed 004, Bilag 4 and 5: "vurderes ... af den koordinerende trio, som
    henviser til én af de ... muligheder for ekstern support")."""
    if not active_user(user):
        return False
    if _at(user, institution, Role.INSTITUTION_LEADER):
        return True
    return sits_in_trio(user, current_trio(institution))


def can_edit_trio(user: Any, institution: Any) -> bool:
    """The institution's leader puts its TRIO together; PPR's leader for every institution
    (PPR assigns the psychologist)."""
    return active_user(user) and (
        user.has_role(Role.PPR_LEADER) or _at(user, institution, Role.INSTITUTION_LEADER)
    )


# --- Overgange (transitions) ------------------------------------------------------------------


def can_ask_at_transition(user: Any, institution: Any) -> bool:
    """The sending institution's TRIO (or its leader) asks the receiving TRIO to act: as a
    henvisning, it is the TRIO's decision (seed 004, Bilag 4 and 5)."""
    return can_refer_from(user, institution)


def receives_transition(user: Any, request: Any) -> bool:
    """The receiving institution's leader or a member of its current TRIO acknowledges."""
    institution = request.receiving_institution
    return active_user(user) and (
        _at(user, institution, Role.INSTITUTION_LEADER)
        or sits_in_trio(user, current_trio(institution))
    )


# --- Skolesocialrådgivning ---------------------------------------------------------------------


def can_manage_slots(user: Any, institution: Any, social_worker: Any = None) -> bool:
    """The fixed times: PPR's leader, the school's leader, and the social worker for their own."""
    if not active_user(user):
        return False
    if user.has_role(Role.PPR_LEADER) or _at(user, institution, Role.INSTITUTION_LEADER):
        return True
    return bool(user.has_role(Role.SOCIAL_WORKER)) and (
        social_worker is None or social_worker.pk == user.pk
    )


def can_book_talk(user: Any, slot: Any) -> bool:
    """Talks are booked by the school's people and the slot's social worker."""
    return active_user(user) and (
        _at(user, slot.institution)
        or (slot.social_worker_id == user.pk and bool(user.has_role(Role.SOCIAL_WORKER)))
    )


def can_book(user: Any, forum: Any, institution: Any) -> bool:
    """Who books follows the forum; PPR's leader and secretary book for anyone."""
    if not active_user(user):
        return False
    if user.has_role(Role.PPR_LEADER, Role.SECRETARY):
        return True
    if forum.booked_by == Booker.SOCIAL_WORKER:
        return bool(user.has_role(Role.SOCIAL_WORKER))
    if forum.booked_by == Booker.INSTITUTION_WITH_PPR:
        return _at(user, institution) or _covers(user, institution)
    if forum.booked_by == Booker.OPEN:
        return _at(user, institution) or user.has_role(Role.SOCIAL_WORKER)
    return _at(user, institution)


# --- Koordineringskonferencer ------------------------------------------------------------------


def can_manage_conferences(user: Any, institution: Any) -> bool:
    """Series and dates: the institution's leader, PPR's leader and secretary."""
    return active_user(user) and (
        user.has_role(Role.PPR_LEADER, Role.SECRETARY)
        or _at(user, institution, Role.INSTITUTION_LEADER)
    )


def _takes_part(user: Any, meeting: Any) -> bool:
    return bool(meeting.participants.filter(pk=user.pk).exists())


def can_add_item(user: Any, meeting: Any) -> bool:
    """Opgaver come from the institution's staff, PPR working there, and the participants."""
    institution = meeting.series.institution
    return active_user(user) and (
        _at(user, institution) or _covers(user, institution) or _takes_part(user, meeting)
    )


def can_decide(user: Any, meeting: Any) -> bool:
    """Decisions are entered by the participants, PPR working there and the institution's leader."""
    institution = meeting.series.institution
    return active_user(user) and (
        _covers(user, institution)
        or _at(user, institution, Role.INSTITUTION_LEADER)
        or _takes_part(user, meeting)
    )


# --- Notater -----------------------------------------------------------------------------------


def can_write_note_for(user: Any, meeting: Any) -> bool:
    """PPR writes the notat (the forum's referent writes a social worker's referat)."""
    if not active_user(user):
        return False
    if isinstance(meeting, ForumMeeting):
        if not meeting.forum.has_minutes:
            return False
        if meeting.minutes_writer_id == user.pk:
            return True
        return meeting.forum.minutes_policy == MinutesPolicy.PPR_NOTAT and user.has_role(
            Role.PPR_LEADER
        )
    return _ppr_worker(user) and (
        _covers(user, meeting.series.institution) or _takes_part(user, meeting)
    )


def can_edit_note(user: Any, note: Any) -> bool:
    return active_user(user) and (
        note.author_id == user.pk or can_write_note_for(user, note.meeting)
    )


# --- Tværfaglige tirsdagsmøder -----------------------------------------------------------------


def can_plan_tuesdays(user: Any) -> bool:
    return active_user(user) and user.is_ppr_leader


def holds_seat(user: Any, meeting: Any) -> bool:
    return bool(meeting.seats.filter(user=user, state=SeatState.ACTIVE).exists())


def can_edit_tuesday_agenda(user: Any, meeting: Any) -> bool:
    return (
        active_user(user)
        and not meeting.is_cancelled
        and (user.is_ppr_leader or holds_seat(user, meeting))
    )


@rules.predicate
def _forums_editor(user: Any) -> bool:
    return can_edit_forums(user)


@rules.predicate
def _tuesday_planner(user: Any) -> bool:
    return can_plan_tuesdays(user)


@rules.predicate
def _decider(user: Any, meeting: Any) -> bool:
    return meeting is not None and can_decide(user, meeting)


@rules.predicate
def _item_adder(user: Any, meeting: Any) -> bool:
    return meeting is not None and can_add_item(user, meeting)


@rules.predicate
def _note_editor(user: Any, note: Any) -> bool:
    return note is not None and can_edit_note(user, note)


@rules.predicate
def _note_writer(user: Any, meeting: Any) -> bool:
    return meeting is not None and can_write_note_for(user, meeting)


@rules.predicate
def _tuesday_agenda_editor(user: Any, meeting: Any) -> bool:
    return meeting is not None and can_edit_tuesday_agenda(user, meeting)


@rules.predicate
def _conference_manager(user: Any, institution: Any) -> bool:
    return institution is not None and can_manage_conferences(user, institution)


rules.add_perm("meetings.edit_forums", _forums_editor)
rules.add_perm("meetings.refer_from", rules.predicate(can_refer_from, name="can_refer_from"))
rules.add_perm("meetings.edit_trio", rules.predicate(can_edit_trio, name="can_edit_trio"))
rules.add_perm("meetings.book_talk", rules.predicate(can_book_talk, name="can_book_talk"))
rules.add_perm("meetings.plan_tuesdays", _tuesday_planner)
rules.add_perm("meetings.decide_item", _decider)
rules.add_perm("meetings.add_item", _item_adder)
rules.add_perm("meetings.edit_note", _note_editor)
rules.add_perm("meetings.write_note", _note_writer)
rules.add_perm("meetings.edit_tuesday_agenda", _tuesday_agenda_editor)
rules.add_perm("meetings.manage_conferences", _conference_manager)
