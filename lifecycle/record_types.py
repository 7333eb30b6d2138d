"""The record types with a retention rule (defaults from DOMAIN.md step 8 and issue 23).

Dates are Copenhagen dates. A clock that starts on day D with a rule of N years runs out on the
same day N years later (``registry.add_years``): the record is due that day, not a day before.
Records already deleted (in the deletion log) are never due again.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from cases.models import Case, CaseStatus, EarlyObservation, Referral, ReferralStatus
from meetings.models import TuesdayMeeting
from ppr.deadlines.models import Notification

from . import erasure
from .models import DeletionLogEntry
from .registry import Candidate, Extra, add_years, latest_start, record_type

CLOSED_CASE = "closed_case"
CLOSED_REFERRAL = "closed_referral"
OBSERVATION = "observation"
NOTIFICATION = "notification"
TUESDAY_AGENDA = "tuesday_agenda"
CHILD = "child"


def _day_end(day: date) -> datetime:
    """The first instant after the Copenhagen day ``day``."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _deleted(record_type: str) -> set[int]:
    return set(
        DeletionLogEntry.objects.filter(record_type=record_type).values_list("object_id", flat=True)
    )


@record_type(
    CLOSED_CASE,
    label="Lukket sag",
    clock="Barnets senest lukkede sag blev lukket",
    default_years=5,
    min_years=5,
    covers=(
        "Sagen og alt på den: journal med rettelser, Børnelineal-vurderinger, PPV'er, "
        "afgørelser, bilag og dannede PDF'er, afsluttede forløb og fraværssager samt "
        "mødernes notater om barnet. Når barnets sidste sag er slettet, slettes barnets "
        "navn, CPR-nummer og forældremyndighedsindehavere."
    ),
    order=10,
)
def closed_cases_due(years: int, today: date) -> Iterable[Candidate]:
    """Closed cases of children whose last closing is ``years`` ago (an open case holds)."""
    cutoff = _day_end(latest_start(today, years))
    last_closing = dict(
        Case.objects.filter(status=CaseStatus.CLOSED)
        .values("child")
        .annotate(last=Max("closed_at"))
        .filter(last__lt=cutoff)
        .values_list("child", "last")
    )
    if not last_closing:
        return []
    done = _deleted(CLOSED_CASE)
    found = []
    for pk, child_id in (
        Case.objects.filter(status=CaseStatus.CLOSED, child__in=list(last_closing))
        .order_by("pk")
        .values_list("pk", "child")
    ):
        if pk in done:
            continue
        started = _local_day(last_closing[child_id])
        found.append(
            Candidate(CLOSED_CASE, pk, started, add_years(started, years), child_id=child_id)
        )
    return found


@closed_cases_due.deleter
def delete_closed_cases(ids: Sequence[int]) -> Extra:
    children = set(Case.objects.filter(pk__in=ids).values_list("child", flat=True))
    erasure.erase_cases(ids)
    return [(CHILD, pk) for pk in finish_children(children, just_deleted={CLOSED_CASE: set(ids)})]


@record_type(
    CLOSED_REFERRAL,
    label="Afvist eller henvist indstilling",
    clock="Indstillingen blev afvist eller henvist til andet forum",
    default_years=1,
    covers="Indstillingen med bilag, hændelser og dannede PDF'er.",
    order=20,
)
def closed_referrals_due(years: int, today: date) -> Iterable[Candidate]:
    cutoff = _day_end(latest_start(today, years))
    done = _deleted(CLOSED_REFERRAL)
    found = []
    for pk, child_id, decided in (
        Referral.objects.filter(
            status__in=[ReferralStatus.REJECTED, ReferralStatus.REDIRECTED],
            case__isnull=True,
            decided_at__lt=cutoff,
        )
        .order_by("pk")
        .values_list("pk", "child", "decided_at")
    ):
        if pk in done or decided is None:
            continue
        started = _local_day(decided)
        found.append(
            Candidate(CLOSED_REFERRAL, pk, started, add_years(started, years), child_id=child_id)
        )
    return found


@closed_referrals_due.deleter
def delete_closed_referrals(ids: Sequence[int]) -> Extra:
    children = set(Referral.objects.filter(pk__in=ids).values_list("child", flat=True))
    erasure.erase_referrals(ids)
    return [
        (CHILD, pk) for pk in finish_children(children, just_deleted={CLOSED_REFERRAL: set(ids)})
    ]


@record_type(
    OBSERVATION,
    label="Observation (tidlig opsporing)",
    clock="Observationens dato",
    default_years=3,
    covers=(
        "Sundhedsplejens screening eller dagtilbuddets og skolens sprogvurdering, BTU-skema "
        "eller trivselsvurdering med fund og beskrivelse. Det, observationen førte til (en "
        "Børnelineal-vurdering, en indstilling, en henvisning), følger sine egne regler."
    ),
    order=25,
)
def observations_due(years: int, today: date) -> Iterable[Candidate]:
    """Observations whose date is ``years`` ago: a child need not have a case or a referral
    for its observations to go (those go with the child when it is erased, too)."""
    cutoff = latest_start(today, years)
    done = _deleted(OBSERVATION)
    return [
        Candidate(OBSERVATION, pk, observed, add_years(observed, years), child_id=child_id)
        for pk, child_id, observed in EarlyObservation.objects.filter(observed_on__lte=cutoff)
        .order_by("pk")
        .values_list("pk", "child", "observed_on")
        if pk not in done
    ]


@observations_due.deleter
def delete_observations(ids: Sequence[int]) -> Extra:
    EarlyObservation.objects.filter(pk__in=ids).delete()
    return []


@record_type(
    NOTIFICATION,
    label="Notifikation",
    clock="Notifikationen blev oprettet",
    default_years=1,
    covers="Beskeden i modtagerens indbakke.",
    order=30,
)
def notifications_due(years: int, today: date) -> Iterable[Candidate]:
    cutoff = _day_end(latest_start(today, years))
    return [
        Candidate(NOTIFICATION, pk, _local_day(at), add_years(_local_day(at), years))
        for pk, at in Notification.objects.filter(created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", "created_at")
    ]


@notifications_due.deleter
def delete_notifications(ids: Sequence[int]) -> Extra:
    Notification.objects.filter(pk__in=ids).delete()
    return []


@record_type(
    TUESDAY_AGENDA,
    label="Tirsdagsmødets dagsorden (anonym)",
    clock="Mødet blev holdt",
    default_years=2,
    covers="Mødet med pladser, byttebeder og de anonyme drøftelser.",
    order=40,
)
def tuesday_agendas_due(years: int, today: date) -> Iterable[Candidate]:
    cutoff = _day_end(latest_start(today, years))
    return [
        Candidate(TUESDAY_AGENDA, pk, _local_day(at), add_years(_local_day(at), years))
        for pk, at in TuesdayMeeting.objects.filter(starts_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", "starts_at")
    ]


@tuesday_agendas_due.deleter
def delete_tuesday_agendas(ids: Sequence[int]) -> Extra:
    TuesdayMeeting.objects.filter(pk__in=ids).delete()
    return []


def finish_children(child_ids: Iterable[int], *, just_deleted: dict[str, set[int]]) -> list[int]:
    """Anonymise the children that have nothing left: no open case, every case and every
    referral without a case deleted. Returns their ids (logged as ``child`` by the caller)."""
    ids = set(child_ids) - _deleted(CHILD)
    if not ids:
        return []
    gone_cases = _deleted(CLOSED_CASE) | just_deleted.get(CLOSED_CASE, set())
    gone_referrals = _deleted(CLOSED_REFERRAL) | just_deleted.get(CLOSED_REFERRAL, set())
    remaining: dict[int, int] = defaultdict(int)
    for pk, child_id in Case.objects.filter(child__in=ids).values_list("pk", "child"):
        if pk not in gone_cases:
            remaining[child_id] += 1
    for pk, child_id in Referral.objects.filter(child__in=ids, case__isnull=True).values_list(
        "pk", "child"
    ):
        if pk not in gone_referrals:
            remaining[child_id] += 1
    finished = sorted(pk for pk in ids if not remaining[pk])
    erasure.anonymise_children(finished)
    return finished
