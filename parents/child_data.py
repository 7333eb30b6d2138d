"""What a parent sees of one child: the queries behind the child's page in the parents' portal.

Every parent page about a child starts from one of the parent's guardianships (``guardianship_or_404``): the URL
carries the guardian row's id, which names nothing and opens nothing for anyone else (404). What a
parent sees is what concerns them as a custody holder: open referrals and their timeline, the
meetings the child will be named at with their consent, final PPVs, the notater of the child's own
forum meetings they took part in, decision letters and hearings, and the child's PPR staff. A
custody end recorded ahead (``custody_ended_on``) hides everything dated from that day; from that
day on the door itself is closed (``parents.access.guardianships``).

Who took part in a meeting: parents have no staff login, so they are never among a meeting's
``participants``; staff write them in "øvrige deltagere" (the field's own example is
"forældre"). A notat is the parent's when it is final, its meeting was the child's own forum
meeting (one child per meeting) and the meeting's or the notat's "øvrige deltagere" names the
parents. A koordineringskonference's notat is never shown: it discusses other children too.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.models import (
    Case,
    CaseStatus,
    Consent,
    ConsentScope,
    Guardian,
    Ppv,
    PpvStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from meetings.models import AgendaItem, ForumMeeting, Note, NoteStatus
from ppr.accounts.models import User
from visitation.models import Decision, Hearing

from .access import guardianships

PURPOSE = "forældreportal"

#: A referral's steps in words a parent understands (the staff's words are PPR's own).
STATUS_WORDS: dict[str, str] = {
    ReferralStatus.SUBMITTED: "Indstillingen er sendt til PPR",
    ReferralStatus.RECEIVED: "PPR har modtaget indstillingen",
    ReferralStatus.ACCEPTED: "PPR har taget imod sagen, og en PPR-medarbejder er på",
    ReferralStatus.REJECTED: "PPR har vurderet, at der ikke skal være en sag hos PPR nu",
    ReferralStatus.REDIRECTED: "Indstillingen er sendt videre til et andet møde eller forum",
    ReferralStatus.CLOSED: "Forløbet hos PPR er afsluttet",
}

#: Referrals a parent sees as open (a draft is the institution's own until it is sent).
OPEN_STATUSES = [ReferralStatus.SUBMITTED, ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED]

#: Words in a meeting's "øvrige deltagere" that say the parents took part.
PARENTS_PRESENT = "foræld"


def guardianship_or_404(request: HttpRequest, pk: int) -> Guardian:
    """The parent's guardianship ``pk`` with its child, or 404 (anyone else's, ended custody)."""
    return get_object_or_404(
        guardianships(request.user).select_related("child__institution"), pk=pk
    )


def cutoff(guardian: Guardian) -> datetime | None:
    """The first moment the parent may no longer see (start of the custody end day), or None."""
    if guardian.custody_ended_on is None:
        return None
    return timezone.make_aware(datetime.combine(guardian.custody_ended_on, time.min))


def _before(field: str, until: datetime | date | None) -> Q:
    return Q() if until is None else Q(**{f"{field}__lt": until})


@dataclass(frozen=True)
class OpenReferral:
    """A referral as the parent sees it: who sent it, and its steps in a parent's words."""

    referral: Referral
    steps: list[tuple[datetime, str]]


def referrals(guardian: Guardian) -> list[OpenReferral]:
    """Open referrals, each with its timeline (only the steps before the custody end)."""
    until = cutoff(guardian)
    events = ReferralEvent.objects.exclude(status=ReferralStatus.DRAFT).filter(_before("at", until))
    found = (
        Referral.objects.filter(child_id=guardian.child_id, status__in=OPEN_STATUSES)
        .filter(_before("submitted_at", until))
        .select_related("institution")
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("-submitted_at", "-pk")
    )
    return [
        OpenReferral(
            referral,
            [
                (event.at, STATUS_WORDS.get(event.status, event.get_status_display()))
                for event in referral.events.all()
            ],
        )
        for referral in found
    ]


@dataclass(frozen=True)
class UpcomingMeeting:
    name: str
    starts_at: datetime
    ends_at: datetime
    place: str


def consented_meetings(guardian: Guardian) -> set[str]:
    """The names of the meetings this parent's active consents allow naming the child at
    (compared as ``meetings.services.custody_holders_without_meeting_consent`` does)."""
    return {
        consent.meeting_name.strip().casefold()
        for consent in guardian.consents.all()
        if consent.scope == ConsentScope.MEETING and consent.is_active
    }


def upcoming_meetings(guardian: Guardian) -> list[UpcomingMeeting]:
    """Meetings ahead that name the child, where this parent consented to the meeting by name:
    the child's forum meetings and the konferencer with the child on the agenda (only the
    meeting, never the agenda's other items)."""
    now, until = timezone.now(), cutoff(guardian)
    allowed = consented_meetings(guardian)
    forum_meetings = ForumMeeting.objects.filter(
        child_id=guardian.child_id, cancelled_at__isnull=True, starts_at__gte=now
    ).filter(_before("starts_at", until))
    items = AgendaItem.objects.filter(
        child_id=guardian.child_id,
        meeting__cancelled_at__isnull=True,
        meeting__starts_at__gte=now,
    ).filter(_before("meeting__starts_at", until))
    meetings = [
        UpcomingMeeting(m.forum.name, m.starts_at, m.ends_at, m.location)
        for m in forum_meetings.select_related("forum")
    ] + [
        UpcomingMeeting(
            i.meeting.series.name, i.meeting.starts_at, i.meeting.ends_at, i.meeting.room
        )
        for i in items.select_related("meeting__series")
    ]
    named = [m for m in meetings if m.name.strip().casefold() in allowed]
    return sorted(named, key=lambda m: m.starts_at)


def final_ppvs(guardian: Guardian) -> QuerySet[Ppv]:
    """The child's final PPVs (every version), newest first."""
    return (
        Ppv.objects.filter(case__child_id=guardian.child_id, status=PpvStatus.FINAL)
        .filter(_before("finalised_at", cutoff(guardian)))
        .order_by("-finalised_at", "-number")
    )


def notes(guardian: Guardian) -> QuerySet[Note]:
    """Final notater of the child's own forum meetings the parents took part in."""
    present = Q(other_participants__icontains=PARENTS_PRESENT) | Q(
        forum_meeting__other_participants__icontains=PARENTS_PRESENT
    )
    return (
        Note.objects.filter(
            forum_meeting__child_id=guardian.child_id,
            forum_meeting__cancelled_at__isnull=True,
            status=NoteStatus.FINAL,
        )
        .filter(present)
        .filter(_before("finalised_at", cutoff(guardian)))
        .select_related("forum_meeting")
        .order_by("-finalised_at")
    )


def decisions(guardian: Guardian) -> QuerySet[Decision]:
    """The decisions (afgørelser) on the child's applications for special support."""
    ended = guardian.custody_ended_on
    return (
        Decision.objects.filter(application__child_id=guardian.child_id)
        .filter(_before("decided_on", ended))
        .order_by("-decided_on", "-pk")
    )


def hearings(guardian: Guardian) -> QuerySet[Hearing]:
    """Partshøringer sent to the parents about the child."""
    ended = guardian.custody_ended_on
    return (
        Hearing.objects.filter(application__child_id=guardian.child_id)
        .filter(_before("sent_on", ended))
        .order_by("-sent_on", "-pk")
    )


def staff(guardian: Guardian) -> list[User]:
    """The child's PPR staff: the case worker on each open case (name, title, work e-mail)."""
    cases = Case.objects.filter(
        child_id=guardian.child_id, status=CaseStatus.OPEN, assigned__isnull=False
    ).select_related("assigned")
    people = {case.assigned_id: case.assigned for case in cases if case.assigned is not None}
    return sorted(people.values(), key=lambda user: (user.first_name, user.last_name))


@dataclass(frozen=True)
class MeetingEffect:
    """Whether the child may be named at a meeting the parent consented to (all custody
    holders' active consent, as ``meetings.services.meeting_consent_error`` decides)."""

    name: str
    allowed: bool


def meeting_effects(guardian: Guardian) -> list[MeetingEffect]:
    """For each meeting this parent ever consented to: may the child be named there now?"""
    names = {
        c.meeting_name.strip(): None
        for c in guardian.consents.all()
        if c.scope == ConsentScope.MEETING
    }
    if not names:
        return []
    active = Consent.objects.filter(scope=ConsentScope.MEETING, withdrawn_on__isnull=True)
    holders = list(
        Guardian.objects.filter(child_id=guardian.child_id, has_custody=True).prefetch_related(
            Prefetch("consents", queryset=active, to_attr="meeting_consents")
        )
    )

    def allowed(name: str) -> bool:
        key = name.casefold()
        return bool(holders) and all(
            any(c.meeting_name.strip().casefold() == key for c in holder.meeting_consents)
            for holder in holders
        )

    return [MeetingEffect(name, allowed(name)) for name in sorted(names)]
