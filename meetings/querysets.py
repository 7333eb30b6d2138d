"""Who sees which meetings: PPR by role and district, institutions their own, partners their own.

Deny by default. The rules, in words:

- PPR leader and secretary: every forum referral, booking and conference (the secretary books
  meetings); the secretary reads no notat (professional content).
- PPR case workers: the institutions in their team's district, and any meeting they take part in.
- Institution leaders and staff: their own institution's referrals to forums, bookings and
  conferences. Notater: the leader of the institution, staff only as participants.
- Social workers and health visitors: the meetings they take part in.
- The administrator: nothing.
- Tværfaglige tirsdagsmøder are anonymous: all PPR staff see the plan; partners their own
  meetings; institutions nothing.
"""

from typing import Any, Self

from django.apps import apps
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from cases.models import Child, Consent, ConsentScope, Guardian
from cases.models.access import sees_all_cases
from ppr.access import VisibleQuerySet, active_user
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES, Role

from .schoolyears import current_school_year

#: The named purpose parents consent to for a transition (cases' consent form offers it among
#: the named meetings): the child is then named to the receiving institution's TRIO.
TRANSITION_CONSENT = "Overlevering til den modtagende institutions TRIO ved overgang"


def sees_all_meetings(user: Any) -> bool:
    return bool(user.has_role(Role.PPR_LEADER, Role.SECRETARY))


def caseworker_district_ids(user: Any) -> set[int]:
    """Districts a PPR case worker covers: their teams' districts (or a district membership)."""
    ids: set[int] = set()
    for membership in user.active_memberships:
        if membership.role not in CASEWORKER_ROLES:
            continue
        if membership.team_id and membership.team.district_id:
            ids.add(membership.team.district_id)
        if membership.district_id:
            ids.add(membership.district_id)
    return ids


def _distinct[QS: VisibleQuerySet[Any]](qs: QS, condition: Q) -> QS:
    # The conditions join many-to-many participants; a subquery keeps one row per object.
    return qs.filter(pk__in=qs.model.objects.filter(condition).values("pk"))


class SupportForumQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """The forums are the municipality's support model: everyone who works with children."""
        if not active_user(user) or not (user.roles - {Role.ADMINISTRATOR}):
            return self.none()
        return self.all()

    def for_institution(self, institution: Any) -> Self:
        """Active forums that fit the institution's kind (a handful of rows: filtered in Python,
        as SQLite has no JSON ``contains``)."""
        fitting = [forum.pk for forum in self.filter(active=True) if forum.fits(institution)]  # type: ignore[attr-defined]  # M is SupportForum: the queryset's model, which it cannot import
        return self.filter(pk__in=fitting)


def trio_condition(user: Any, path: str = "") -> Q:
    """Rows whose institution has ``user`` in this school year's TRIO (``path`` leads from
    the row to the TRIO, e.g. "institution__trios__")."""
    year = current_school_year()
    return Q(**{f"{path}school_year": year}) & (
        Q(**{f"{path}leader": user})
        | Q(**{f"{path}psychologist": user})
        | Q(**{f"{path}resource_person": user})
    )


class TrioQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Who sits in which TRIO is the municipality's organisation of the support model:
        everyone who works with children sees it (not the administrator, not parents)."""
        if not active_user(user) or not (user.roles - {Role.ADMINISTRATOR, Role.PARENT}):
            return self.none()
        return self.all()

    def current(self) -> Self:
        return self.filter(school_year=current_school_year())


class ForumReferralQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        if not active_user(user):
            return self.none()
        if sees_all_meetings(user):
            return self.all()
        # The TRIO's PPR psychologist sees the henvisninger of the institution it sits for.
        condition = trio_condition(user, "institution__trios__")
        if user.has_role(*CASEWORKER_ROLES):
            condition |= Q(institution__district_id__in=caseworker_district_ids(user))
            condition |= Q(meetings__participants=user)
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(institution_id__in=institutions)
        if user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR):
            condition |= Q(meetings__participants=user)
        return _distinct(self, condition)


class ForumMeetingQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        if not active_user(user):
            return self.none()
        if sees_all_meetings(user):
            return self.all()
        mine = Q(participants=user) | Q(chair=user) | Q(minutes_writer=user)
        condition = Q(pk__in=[])
        if user.has_role(*CASEWORKER_ROLES):
            condition |= Q(institution__district_id__in=caseworker_district_ids(user)) | mine
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(institution_id__in=institutions)
        if user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR):
            condition |= mine
        return _distinct(self, condition)


class ConsultationSlotQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Skolesocialrådgivning's times: the school's own people, the social worker who keeps
        them, and PPR's leader (who oversees the support model)."""
        if not active_user(user):
            return self.none()
        if user.has_role(Role.PPR_LEADER):
            return self.all()
        condition = Q(pk__in=[])
        if user.has_role(Role.SOCIAL_WORKER):
            condition |= Q(social_worker=user)
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(institution_id__in=institutions)
        return self.filter(condition)


class ConsultationTalkQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """A talk follows its slot: the school, the slot's social worker, PPR's leader."""
        if not active_user(user):
            return self.none()
        slots = self.related("slot", ConsultationSlotQuerySet).visible_to(user)
        return self.filter(slot__in=slots.values("pk"))


class ConferenceSeriesQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        if not active_user(user):
            return self.none()
        if sees_all_meetings(user):
            return self.all()
        mine = Q(standing_participants=user) | Q(meetings__participants=user)
        condition = Q(pk__in=[])
        if user.has_role(*CASEWORKER_ROLES):
            condition |= Q(institution__district_id__in=caseworker_district_ids(user)) | mine
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(institution_id__in=institutions)
        if user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR):
            condition |= mine
        return _distinct(self, condition)


class ConferenceMeetingQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        if not active_user(user):
            return self.none()
        if sees_all_meetings(user):
            return self.all()
        condition = Q(pk__in=[])
        if user.has_role(*CASEWORKER_ROLES):
            condition |= Q(series__institution__district_id__in=caseworker_district_ids(user))
            condition |= Q(participants=user) | Q(series__standing_participants=user)
        institutions = user.institution_ids(*INSTITUTION_ROLES)
        if institutions:
            condition |= Q(series__institution_id__in=institutions)
        if user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR):
            condition |= Q(participants=user) | Q(series__standing_participants=user)
        return _distinct(self, condition)


class AgendaItemQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        if not active_user(user):
            return self.none()
        meetings = self.related("meeting", ConferenceMeetingQuerySet).visible_to(user)
        return self.filter(meeting__in=meetings.values("pk"))


class NoteQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Notater hold case content: not the secretary; institution staff only as participants."""
        if not active_user(user):
            return self.none()
        if user.has_role(Role.PPR_LEADER):
            return self.all()
        mine = Q(participants=user) | Q(author=user) | Q(forum_meeting__minutes_writer=user)
        condition = mine
        if user.has_role(*CASEWORKER_ROLES):
            districts = caseworker_district_ids(user)
            condition |= Q(forum_meeting__institution__district_id__in=districts)
            condition |= Q(conference_meeting__series__institution__district_id__in=districts)
        leads = user.institution_ids(Role.INSTITUTION_LEADER)
        if leads:
            condition |= Q(forum_meeting__institution_id__in=leads)
            condition |= Q(conference_meeting__series__institution_id__in=leads)
        return _distinct(self, condition)

    def printable_for(self, user: Any) -> Self:
        """Final notater ``user`` may print: the SQL form of ``Note.can_download`` (the
        documents list, ppr/documents, asks subjects' querysets for it)."""
        return self.visible_to(user).filter(status="endelig")  # NoteStatus.FINAL


class TuesdayMeetingQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """Anonymous meetings: all PPR staff see the plan; partners the meetings they sit in."""
        if not active_user(user):
            return self.none()
        if user.is_ppr_staff:
            return self.all()
        if user.has_role(Role.SOCIAL_WORKER, Role.HEALTH_VISITOR):
            return _distinct(self, Q(seats__user=user))
        return self.none()


class TuesdayChildQuerySet[M: models.Model](VisibleQuerySet[M]):
    """Seats, swap requests and discussions follow their meeting."""

    meeting_path = "meeting"

    def visible_to(self, user: Any) -> Self:
        if not active_user(user):
            return self.none()
        meetings = self.related(self.meeting_path, TuesdayMeetingQuerySet)
        visible = meetings.visible_to(user).values("pk")
        return self.filter(**{f"{self.meeting_path}__in": visible})


class SwapRequestQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """A swap request is between two people (and the PPR leader, who plans)."""
        if not active_user(user):
            return self.none()
        if user.is_ppr_leader:
            return self.all()
        return self.filter(Q(requested_by=user) | Q(colleague=user))


class CalendarFeedQuerySet[M: models.Model](VisibleQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        """A calendar subscription is its owner's alone."""
        if not active_user(user):
            return self.none()
        return self.filter(user=user)


class TransitionRequestQuerySet[M: models.Model](VisibleQuerySet[M]):
    """Requests at a transition (overgang): PPR's leader and secretary see all (as every
    henvisning); the sending and the receiving institution see theirs – its leader and the
    members of its current koordinerende TRIO. Staff outside the TRIO, partners, the
    administrator and parents see none."""

    def visible_to(self, user: Any) -> Self:
        if not active_user(user):
            return self.none()
        if sees_all_meetings(user):
            return self.all()
        return self.filter(side_condition(user, "sending") | side_condition(user, "receiving"))

    def naming_child_to(self, user: Any) -> Self:
        """The visible requests whose child ``user`` may see named: the sending side (who know
        the child), anyone who sees the child anyway (e.g. the school once the child has moved),
        and the receiving side while every custody holder consents to the naming."""
        if not active_user(user):
            return self.none()
        return self.visible_to(user).filter(naming_condition(user))

    def with_naming(self, user: Any) -> Self:
        """Annotated with ``named``: whether ``user`` may see the request's child by name."""
        return self.annotate(
            named=Case(
                When(naming_condition(user), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )


def member_trio_institutions(user: Any) -> Any:
    """The institutions whose current koordinerende TRIO ``user`` sits in, still holding the
    role they sit in it for (as ``rules.sits_in_trio``): ids, as a subquery."""
    member = (Q(leader=user) | Q(resource_person=user)) & Q(
        institution_id__in=user.institution_ids(*INSTITUTION_ROLES)
    )
    if user.has_role(Role.PSYCHOLOGIST):
        member |= Q(psychologist=user)
    # The model by name: meetings.models imports this module.
    trios = apps.get_model("meetings", "Trio").objects
    return trios.filter(member, school_year=current_school_year()).values("institution_id")


def side_condition(user: Any, side: str) -> Q:
    """Requests whose ``side`` ("sending" or "receiving") institution ``user`` leads or sits
    in the current TRIO of."""
    leads = user.institution_ids(Role.INSTITUTION_LEADER)
    return Q(**{f"{side}_institution_id__in": leads}) | Q(
        **{f"{side}_institution_id__in": member_trio_institutions(user)}
    )


def consent_to_naming() -> Q:
    """For a request (``child`` on the row): every custody holder today has an active consent
    to ``TRANSITION_CONSENT``, and there is at least one (as
    ``services.meeting_consent_error``)."""
    holders = Guardian.objects.filter(child=OuterRef("child")).holding_custody()
    consent = Consent.objects.filter(
        guardian=OuterRef("pk"),
        scope=ConsentScope.MEETING,
        withdrawn_on__isnull=True,
        meeting_name__iexact=TRANSITION_CONSENT,
    )
    return Q(Exists(holders)) & ~Q(Exists(holders.filter(~Exists(consent))))


def naming_condition(user: Any) -> Q:
    """The requests whose child ``user`` may see named: the sending side, who see the child
    anyway, and the receiving side with consent."""
    if sees_all_cases(user):
        return Q(pk__isnull=False)
    return (
        side_condition(user, "sending")
        | Q(child__in=Child.objects.visible_to(user).values("pk"))
        | consent_to_naming()
    )
