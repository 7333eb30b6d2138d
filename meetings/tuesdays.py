"""Tværfaglige tirsdagsmøder (seed 004, Bilag 2): the yearly plan, swaps and cancellations,
the agenda, and each participant's private calendar feed.

Every 14 days in even ISO weeks, two hours, in parallel in each district (Vest and Øst), with
two social workers, one health visitor and one PPR psychologist. The meetings are always
anonymous: nothing here links a child, and all free text refuses CPR-shaped numbers.
"""

import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from cases.children.anonymity import reject_known_child_name
from ppr.accounts.models import Membership, Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action, record
from ppr.deadlines import calendar
from ppr.deadlines.services import notify
from ppr.organisation.models import District
from ppr.sensitive import reject_cpr_like

from . import rules
from .models import (
    SEATS_PER_MEETING,
    CalendarFeed,
    ConferenceMeeting,
    Discussion,
    ForumMeeting,
    Profession,
    SchoolHoliday,
    SeatState,
    SwapRequest,
    SwapState,
    TuesdayMeeting,
    TuesdaySeat,
)

PURPOSE = "tværfagligt tirsdagsmøde"
MEETING_LENGTH = timedelta(hours=2)
DEFAULT_START = time(13, 0)
#: The concept's template: planning 15 min, discussions 90 min, any other business 15 min.
PLANNING_MINUTES, DISCUSSION_MINUTES, AOB_MINUTES = 15, 90, 15

PROFESSION_ROLE = {
    Profession.SOCIAL_WORKER: Role.SOCIAL_WORKER,
    Profession.HEALTH_VISITOR: Role.HEALTH_VISITOR,
    Profession.PSYCHOLOGIST: Role.PSYCHOLOGIST,
}


def _label(meeting: TuesdayMeeting) -> str:
    return f"tværfagligt tirsdagsmøde {meeting.local_date:%d.%m.%Y} ({meeting.district.name})"


# --- The plan --------------------------------------------------------------------------------


def iso_weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True)
class PlanDates:
    dates: list[date]
    skipped: list[date]  # even-week Tuesdays that are days off (e.g. 24 December)
    in_holidays: list[date] = field(default_factory=list)  # in a school holiday


def tuesday_dates(year: int, holidays: Iterable[SchoolHoliday] = ()) -> PlanDates:
    """The Tuesdays of ISO ``year``'s even weeks, without Danish days off and school holidays.

    In a 53-week year (e.g. 2026) the last meeting is in week 52 and the next year starts in
    week 2, three weeks later: "even weeks" is the rule people keep, not "every 14th day".
    Every even-week Tuesday of an ISO year lies in the calendar year of the same number.
    """
    holidays = list(holidays)
    dates: list[date] = []
    skipped: list[date] = []
    in_holidays: list[date] = []
    for week in range(2, iso_weeks_in_year(year) + 1, 2):
        day = date.fromisocalendar(year, week, 2)
        if not calendar.is_working_day(day):
            skipped.append(day)
        elif any(holiday.covers(day) for holiday in holidays):
            in_holidays.append(day)
        else:
            dates.append(day)
    return PlanDates(dates, skipped, in_holidays)


def holidays_in(year: int) -> list[SchoolHoliday]:
    """The school holidays that touch calendar ``year`` (a Christmas holiday can span two)."""
    return list(
        SchoolHoliday.objects.filter(
            starts_on__lte=date(year, 12, 31), ends_on__gte=date(year, 1, 1)
        )
    )


@transaction.atomic
def add_school_holiday(*, name: str, starts_on: date, ends_on: date, by: User) -> SchoolHoliday:
    """Mark a school holiday; plans made afterwards place no tirsdagsmøde in it."""
    if not rules.can_plan_tuesdays(by):
        raise PermissionDenied
    holiday = SchoolHoliday(name=name.strip(), starts_on=starts_on, ends_on=ends_on, created_by=by)
    holiday.full_clean()
    overlapping = SchoolHoliday.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if overlapping.exists():
        raise ValidationError(
            {"starts_on": f"Perioden overlapper {overlapping.first()}. Ret den ferie i stedet."}
        )
    holiday.save()
    log_action(holiday, AuditAction.CREATE, by=by, purpose=PURPOSE)
    return holiday


@transaction.atomic
def remove_school_holiday(*, holiday: SchoolHoliday, by: User) -> None:
    """Take a school holiday off the list (plans already made keep their meetings)."""
    if not rules.can_plan_tuesdays(by):
        raise PermissionDenied
    log_action(holiday, AuditAction.DELETE, by=by, purpose=PURPOSE)
    holiday.delete()


def first_weekday_of_month(year: int, month: int, weekday: int = 1) -> date:
    """The first ``weekday`` (Monday 0, Tuesday 1) of a month: "første tirsdag i måneden"."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def next_first_weekday(after: date, weekday: int = 1) -> date:
    """The next "first <weekday> of the month" on or after ``after``, across months and years."""
    day = first_weekday_of_month(after.year, after.month, weekday)
    if day >= after:
        return day
    year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
    return first_weekday_of_month(year, month, weekday)


def previous_first_weekday(before: date, weekday: int = 1) -> date:
    """The last "first <weekday> of the month" before ``before``."""
    day = first_weekday_of_month(before.year, before.month, weekday)
    if day < before:
        return day
    year, month = (before.year - 1, 12) if before.month == 1 else (before.year, before.month - 1)
    return first_weekday_of_month(year, month, weekday)


def pool(district: District, profession: str, *, exclude: Iterable[int] = ()) -> list[User]:
    """The people of one profession who take part in the district's meetings, in a stable order."""
    role = PROFESSION_ROLE[Profession(profession)]
    in_district = Q(district=district)
    if profession == Profession.PSYCHOLOGIST:
        in_district |= Q(team__district=district)
    user_ids = Membership.objects.filter(
        in_district, role=role, active=True, user__is_active=True
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=user_ids)
        .exclude(pk__in=list(exclude))
        .order_by("first_name", "last_name", "pk")
    )


def _rotate(people: Sequence[User], meeting_index: int, count: int) -> list[User]:
    """Round robin: meeting k takes the next ``count`` people; over a year each person gets
    the same number of meetings give or take one, and no one sits twice in one meeting."""
    return [people[(meeting_index * count + offset) % len(people)] for offset in range(count)]


@transaction.atomic
def generate_plan(
    *,
    year: int,
    rooms: Mapping[District, str],
    by: User,
    start: time = DEFAULT_START,
    notify_participants: bool = True,
) -> list[TuesdayMeeting]:
    """Make next year's plan: dates, rooms and a balanced roster for each district."""
    if not rules.can_plan_tuesdays(by):
        raise PermissionDenied
    if not rooms:
        raise ValidationError("Vælg mindst ét distrikt med et lokale.")
    plan = tuesday_dates(year, holidays_in(year))
    first = timezone.make_aware(datetime.combine(plan.dates[0], time.min))
    last = timezone.make_aware(datetime.combine(plan.dates[-1], time.max))
    existing = TuesdayMeeting.objects.filter(
        district__in=list(rooms), starts_at__range=(first, last)
    )
    if existing.exists():
        raise ValidationError(
            f"Der er allerede en plan for {year}. Ret i de enkelte møder i stedet."
        )

    pools: dict[District, dict[str, list[User]]] = {}
    taken: set[int] = set()  # one person belongs to one district: the meetings run in parallel
    errors = []
    for district in sorted(rooms, key=lambda d: d.name):
        pools[district] = {}
        for profession, count in SEATS_PER_MEETING.items():
            people = pool(district, profession, exclude=taken)
            if len(people) < count:
                errors.append(
                    f"{district.name} har {len(people)} {Profession(profession).label.lower()}(e) – "
                    f"der skal bruges mindst {count}."
                )
            pools[district][profession] = people
        taken |= {user.pk for people in pools[district].values() for user in people}
    if errors:
        raise ValidationError(errors)

    meetings, seats = [], []
    for district, room in sorted(rooms.items(), key=lambda item: item[0].name):
        for index, day in enumerate(plan.dates):
            starts_at = timezone.make_aware(datetime.combine(day, start))
            meeting = TuesdayMeeting(
                district=district,
                starts_at=starts_at,
                ends_at=starts_at + MEETING_LENGTH,
                room=room,
                created_by=by,
            )
            meetings.append(meeting)
            for profession, count in SEATS_PER_MEETING.items():
                for user in _rotate(pools[district][profession], index, count):
                    seats.append((meeting, TuesdaySeat(user=user, profession=profession)))
    TuesdayMeeting.objects.bulk_create(meetings)
    for meeting, seat in seats:
        seat.meeting = meeting
    TuesdaySeat.objects.bulk_create([seat for _, seat in seats])

    record(None, AuditAction.CREATE, term=f"plan for {year}", purpose=PURPOSE, user=by)
    if not notify_participants:
        return meetings
    counts = Counter(seat.user_id for _, seat in seats)
    by_pk = {user.pk: user for d in pools.values() for group in d.values() for user in group}
    for user_id, count in counts.items():
        notify(
            recipients=[by_pk[user_id]],
            message=f"Planen for tværfaglige tirsdagsmøder {year} er klar: du deltager i {count} møder.",
            link="/moeder/tirsdagsmoeder/",
            email=True,
        )
    return meetings


def roster_counts(meetings: Iterable[TuesdayMeeting]) -> Counter[int]:
    """How many meetings each person sits in (for the balance check and the plan page)."""
    return Counter(
        TuesdaySeat.objects.filter(meeting__in=list(meetings), state=SeatState.ACTIVE).values_list(
            "user_id", flat=True
        )
    )


# --- Cannot attend: swap, substitute, cancel ---------------------------------------------------


def _others(meeting: TuesdayMeeting, *exclude: User) -> list[User]:
    skip = {user.pk for user in exclude}
    return [
        seat.user
        for seat in meeting.seats.filter(state=SeatState.ACTIVE).select_related("user")
        if seat.user_id not in skip
    ]


def _check_own_open_seat(seat: TuesdaySeat, by: User) -> None:
    if seat.user_id != by.pk or not seat.is_active:
        raise PermissionDenied
    if seat.meeting.is_cancelled or seat.meeting.is_past:
        raise ValidationError("Mødet er aflyst eller overstået.")


def _check_can_sit(user: User, seat: TuesdaySeat, meeting: TuesdayMeeting, field: str) -> None:
    if not user.is_active or not user.has_role(PROFESSION_ROLE[Profession(seat.profession)]):
        raise ValidationError({field: f"{user} er ikke {seat.get_profession_display().lower()}."})
    if meeting.seats.filter(user=user, state=SeatState.ACTIVE).exists():
        raise ValidationError(
            {field: f"{user} deltager allerede i mødet {meeting.local_date:%d.%m.%Y}."}
        )


@transaction.atomic
def cancel_attendance(*, seat: TuesdaySeat, by: User) -> TuesdaySeat:
    """Send afbud: the seat is given up and the other participants are told."""
    seat = (
        TuesdaySeat.objects.select_for_update().select_related("meeting__district").get(pk=seat.pk)
    )
    _check_own_open_seat(seat, by)
    seat.state = SeatState.CANCELLED
    seat.cancelled_at = timezone.now()
    seat.save(update_fields=["state", "cancelled_at"])
    seat.swap_requests.filter(state=SwapState.PENDING).update(
        state=SwapState.WITHDRAWN, answered_at=timezone.now()
    )
    log_action(seat, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    notify(
        recipients=_others(seat.meeting, by),
        message=f"Afbud fra {by} ({seat.get_profession_display().lower()}) til {_label(seat.meeting)}.",
        link=seat.meeting.get_absolute_url(),
    )
    return seat


@transaction.atomic
def substitute(*, seat: TuesdaySeat, substitute: User, by: User) -> TuesdaySeat:
    """Another participant of the same profession takes the seat (found by the one who can't come)."""
    seat = (
        TuesdaySeat.objects.select_for_update().select_related("meeting__district").get(pk=seat.pk)
    )
    _check_own_open_seat(seat, by)
    _check_can_sit(substitute, seat, seat.meeting, "substitute")
    seat.user = substitute
    seat.save(update_fields=["user"])
    seat.swap_requests.filter(state=SwapState.PENDING).update(
        state=SwapState.WITHDRAWN, answered_at=timezone.now()
    )
    log_action(seat, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    notify(
        recipients=[substitute],
        message=f"{by} har sat dig på {_label(seat.meeting)} i sit sted.",
        link=seat.meeting.get_absolute_url(),
    )
    notify(
        recipients=_others(seat.meeting, substitute),
        message=f"{substitute} deltager i stedet for {by} i {_label(seat.meeting)}.",
        link=seat.meeting.get_absolute_url(),
    )
    return seat


@transaction.atomic
def request_swap(
    *, seat: TuesdaySeat, colleague: User, by: User, counter_seat: TuesdaySeat | None = None
) -> SwapRequest:
    """Ask a colleague to take the seat, optionally taking one of the colleague's seats back."""
    seat = TuesdaySeat.objects.select_related("meeting__district").get(pk=seat.pk)
    _check_own_open_seat(seat, by)
    if colleague.pk == by.pk:
        raise ValidationError({"colleague": "Vælg en kollega."})
    _check_can_sit(colleague, seat, seat.meeting, "colleague")
    if counter_seat is not None:
        if counter_seat.user_id != colleague.pk or not counter_seat.is_active:
            raise ValidationError({"counter_seat": "Pladsen er ikke kollegaens."})
        if counter_seat.meeting.is_cancelled or counter_seat.meeting.is_past:
            raise ValidationError({"counter_seat": "Mødet er aflyst eller overstået."})
        if counter_seat.profession != seat.profession:
            raise ValidationError({"counter_seat": "Man kan kun bytte plads med samme faggruppe."})
        _check_can_sit(by, counter_seat, counter_seat.meeting, "counter_seat")
    if seat.swap_requests.filter(state=SwapState.PENDING).exists():
        raise ValidationError(
            "Du har allerede spurgt en kollega om denne plads. Træk anmodningen tilbage først."
        )
    swap = SwapRequest.objects.create(
        seat=seat, requested_by=by, colleague=colleague, counter_seat=counter_seat
    )
    log_action(swap, AuditAction.CREATE, by=by, purpose=PURPOSE)
    offer = (
        f" og overtager til gengæld din plads {counter_seat.meeting.local_date:%d.%m.%Y}"
        if counter_seat
        else ""
    )
    notify(
        recipients=[colleague],
        message=f"{by} spørger, om du vil tage {_label(seat.meeting)}{offer}. Svar i PPR Sag.",
        link="/moeder/tirsdagsmoeder/bytte/",
    )
    return swap


def _pending(swap: SwapRequest) -> SwapRequest:
    swap = SwapRequest.objects.select_for_update().get(pk=swap.pk)
    if swap.state != SwapState.PENDING:
        raise ValidationError("Anmodningen er allerede besvaret eller trukket tilbage.")
    return swap


@transaction.atomic
def accept_swap(*, swap: SwapRequest, by: User) -> SwapRequest:
    """The colleague accepts: the seats change hands and the other participants are told."""
    if swap.colleague_id != by.pk:
        raise PermissionDenied
    swap = _pending(swap)
    seat = (
        TuesdaySeat.objects.select_for_update()
        .select_related("meeting__district")
        .get(pk=swap.seat_id)
    )
    requester = swap.requested_by
    if seat.user_id != requester.pk or not seat.is_active or seat.meeting.is_cancelled:
        raise ValidationError("Pladsen er ikke længere ledig til bytte.")
    _check_can_sit(by, seat, seat.meeting, "colleague")
    counter = None
    if swap.counter_seat_id:
        counter = (
            TuesdaySeat.objects.select_for_update()
            .select_related("meeting__district")
            .get(pk=swap.counter_seat_id)
        )
        if counter.user_id != by.pk or not counter.is_active or counter.meeting.is_cancelled:
            raise ValidationError("Din plads til gengæld er ikke længere din.")
        _check_can_sit(requester, counter, counter.meeting, "counter_seat")
    seat.user = by
    seat.save(update_fields=["user"])
    if counter is not None:
        counter.user = requester
        counter.save(update_fields=["user"])
    swap.state = SwapState.ACCEPTED
    swap.answered_at = timezone.now()
    swap.save(update_fields=["state", "answered_at"])
    log_action(swap, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    notify(
        recipients=[requester],
        message=f"{by} har sagt ja til at bytte: du er fritaget for {_label(seat.meeting)}.",
        link=seat.meeting.get_absolute_url(),
    )
    notify(
        recipients=_others(seat.meeting, by),
        message=f"{by} deltager i stedet for {requester} i {_label(seat.meeting)}.",
        link=seat.meeting.get_absolute_url(),
    )
    if counter is not None:
        notify(
            recipients=_others(counter.meeting, requester),
            message=f"{requester} deltager i stedet for {by} i {_label(counter.meeting)}.",
            link=counter.meeting.get_absolute_url(),
        )
    return swap


@transaction.atomic
def decline_swap(*, swap: SwapRequest, by: User) -> SwapRequest:
    """The colleague says no; the one who asked is told and can ask someone else."""
    if swap.colleague_id != by.pk:
        raise PermissionDenied
    swap = _pending(swap)
    swap.state = SwapState.DECLINED
    swap.answered_at = timezone.now()
    swap.save(update_fields=["state", "answered_at"])
    log_action(swap, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    notify(
        recipients=[swap.requested_by],
        message=f"{by} kan ikke bytte {_label(swap.seat.meeting)}. Spørg en anden eller meld afbud.",
        link=swap.seat.meeting.get_absolute_url(),
    )
    return swap


@transaction.atomic
def withdraw_swap(*, swap: SwapRequest, by: User) -> SwapRequest:
    """The one who asked takes the request back."""
    if swap.requested_by_id != by.pk:
        raise PermissionDenied
    swap = _pending(swap)
    swap.state = SwapState.WITHDRAWN
    swap.answered_at = timezone.now()
    swap.save(update_fields=["state", "answered_at"])
    log_action(swap, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return swap


@transaction.atomic
def cancel_meeting(*, meeting: TuesdayMeeting, by: User) -> TuesdayMeeting:
    """The PPR leader cancels a whole meeting; every participant is told."""
    if not rules.can_plan_tuesdays(by):
        raise PermissionDenied
    meeting = (
        TuesdayMeeting.objects.select_for_update().select_related("district").get(pk=meeting.pk)
    )
    if meeting.is_cancelled:
        return meeting
    meeting.cancelled_at = timezone.now()
    meeting.save(update_fields=["cancelled_at"])
    SwapRequest.objects.filter(seat__meeting=meeting, state=SwapState.PENDING).update(
        state=SwapState.WITHDRAWN, answered_at=timezone.now()
    )
    log_action(meeting, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    notify(
        recipients=_others(meeting, by),
        message=f"{_label(meeting).capitalize()} er aflyst.",
        link=meeting.get_absolute_url(),
    )
    return meeting


# --- The agenda --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscussionInput:
    keywords: str
    priority: int
    minutes: int
    presenter: User | None = None


@transaction.atomic
def save_agenda(
    *,
    meeting: TuesdayMeeting,
    discussions: Sequence[DiscussionInput],
    by: User,
    timekeeper: User | None = None,
    any_other_business: str = "",
) -> TuesdayMeeting:
    """Save the planning quarter's result: problems in keywords, priorities, the 90 minutes, a timekeeper."""
    if not rules.can_edit_tuesday_agenda(by, meeting):
        raise PermissionDenied
    errors: list[str] = []
    for text in [d.keywords for d in discussions] + [any_other_business]:
        try:
            reject_cpr_like(text)
            reject_known_child_name(text)
        except ValidationError as exc:
            errors.extend(exc.messages)
            break
    total = sum(d.minutes for d in discussions)
    if discussions and total != DISCUSSION_MINUTES:
        errors.append(
            f"De {DISCUSSION_MINUTES} minutter skal fordeles helt: drøftelserne fylder nu {total} minutter."
        )
    priorities = [d.priority for d in discussions]
    if len(set(priorities)) != len(priorities):
        errors.append("To drøftelser kan ikke have samme prioritet.")
    seated = {seat.user_id for seat in meeting.seats.filter(state=SeatState.ACTIVE)}
    if timekeeper is not None and timekeeper.pk not in seated:
        errors.append("Tidtageren skal være en af mødets deltagere.")
    if errors:
        raise ValidationError(errors)
    meeting = TuesdayMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.discussions.all().delete()
    Discussion.objects.bulk_create(
        Discussion(
            meeting=meeting,
            keywords=d.keywords.strip(),
            priority=d.priority,
            minutes=d.minutes,
            presenter=d.presenter,
        )
        for d in discussions
    )
    meeting.timekeeper = timekeeper
    meeting.any_other_business = any_other_business
    meeting.save(update_fields=["timekeeper", "any_other_business"])
    log_action(meeting, AuditAction.UPDATE, by=by, purpose=PURPOSE)
    return meeting


# --- The calendar feed -------------------------------------------------------------------------


@transaction.atomic
def issue_calendar_feed(*, user: User) -> str:
    """A new private feed token (the old URL stops working). Shown once; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    feed, _ = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": CalendarFeed.hash_token(token), "last_used_at": None}
    )
    log_action(feed, AuditAction.CREATE, by=user, purpose=PURPOSE)
    return token


@transaction.atomic
def revoke_calendar_feed(*, user: User) -> bool:
    """Stop the user's feed URL from working."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return False
    log_action(feed, AuditAction.DELETE, by=user, purpose=PURPOSE)
    feed.delete()
    return True


def feed_owner(token: str) -> User | None:
    """The active user whose feed this token opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash_token(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user


def _event(
    uid: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    *,
    cancelled: bool,
    description: str,
    url: str,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("dtstamp", timezone.now())
    event.add("location", location)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if url:
        event.add("url", url)
    return event


def calendar_for(user: User, *, base_url: str = "", domain: str = "ppr-sag") -> bytes:
    """The user's meetings as iCalendar: tirsdagsmøder, koordineringskonferencer and forum meetings.

    Titles name the meeting and the institution, never a child; agenda contents stay out.
    """
    cal = Calendar()
    cal.add("prodid", "-//PPR Sag//Møder//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "PPR Sag – mine møder")
    cal.add("x-wr-timezone", "Europe/Copenhagen")
    since = timezone.now() - timedelta(days=60)
    agenda = (
        f"Planlægning {PLANNING_MINUTES} min · tværfaglige drøftelser {DISCUSSION_MINUTES} min · "
        f"evt. {AOB_MINUTES} min. Drøftelserne er altid anonyme."
    )
    seats = (
        TuesdaySeat.objects.filter(user=user, meeting__ends_at__gte=since)
        .select_related("meeting__district")
        .order_by("meeting__starts_at")
    )
    for seat in seats:
        meeting = seat.meeting
        cal.add_component(
            _event(
                f"tirsdagsmoede-{meeting.pk}@{domain}",
                meeting.calendar_title,
                meeting.starts_at,
                meeting.ends_at,
                meeting.room,
                cancelled=meeting.is_cancelled or not seat.is_active,
                description=agenda,
                url=f"{base_url}{meeting.get_absolute_url()}",
            )
        )
    conferences = (
        ConferenceMeeting.objects.filter(participants=user, ends_at__gte=since)
        .select_related("series")
        .order_by("starts_at")
    )
    for conference in conferences:
        cal.add_component(
            _event(
                f"koordineringskonference-{conference.pk}@{domain}",
                conference.calendar_title,
                conference.starts_at,
                conference.ends_at,
                conference.room,
                cancelled=conference.cancelled_at is not None,
                description="Koordineringskonference. Dagsordenen står i PPR Sag.",
                url=f"{base_url}{conference.get_absolute_url()}",
            )
        )
    forum_meetings = (
        ForumMeeting.objects.filter(participants=user, ends_at__gte=since)
        .select_related("forum", "institution")
        .order_by("starts_at")
    )
    for booked in forum_meetings:
        cal.add_component(
            _event(
                f"forummoede-{booked.pk}@{domain}",
                booked.calendar_title,
                booked.starts_at,
                booked.ends_at,
                booked.location,
                cancelled=booked.cancelled_at is not None,
                description="Møde i supportmodellen. Se detaljerne i PPR Sag.",
                url=f"{base_url}{booked.get_absolute_url()}",
            )
        )
    return cal.to_ical()
