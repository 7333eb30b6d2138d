"""Effect goals: each automatic measure and the on-track verdict, on data counted by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import CaseOutcome, ReferralStatus
from indsatser import queries
from indsatser.models import InterventionForm, PreventionLevel
from ppr.audit.models import AuditAction, AuditEvent
from reports import services
from reports.goals import Track, expected_value, progress
from reports.measures import MEASURES
from reports.models import EffectGoal, GoalMeasurement
from tests.cases.factories import ChildFactory
from tests.reports.factories import absence, at, case, course, referral

pytestmark = pytest.mark.django_db


def goal(key: str) -> EffectGoal:
    return EffectGoal.objects.get(key=key)


def test_the_migrations_seed_the_municipalitys_seven_goals_and_the_course_share() -> None:
    goals = {g.key: g for g in EffectGoal.objects.all()}
    assert len(goals) == 8
    referrals = goals["indstillinger-ppr"]
    assert (referrals.baseline_value, referrals.target_value) == (Decimal(400), Decimal(320))
    assert referrals.is_automatic and referrals.measure_key == "ppr_referrals"
    assert goals["indstillinger-bup"].target_value == Decimal(20)
    assert goals["forebyggelse-andel"].direction == "hoejere"
    spending = goals["udgift-specialtilbud"]  # from the placements since issue 21
    assert spending.is_automatic and spending.measure_key == "special_offer_spending"
    assert goals["ulovligt-fravaer"].target_value is None
    assert {b.number for b in referrals.beacons.all()} == {2, 3}
    assert all(g.measure_key in MEASURES for g in goals.values() if g.is_automatic)


def test_referrals_are_counted_per_year_by_submission_and_drafts_do_not_count(cast) -> None:
    for day in range(7):
        referral(cast.school, submitted=at(date(2025, 3, 1 + day)))
    for day in range(5):
        referral(
            cast.other_school, submitted=at(date(2026, 5, 1 + day)), decided=at(date(2026, 5, 20))
        )
    referral(cast.school, submitted=None)  # a draft
    # Just after midnight on New Year's Day in Copenhagen (still 2025 in UTC): a 2026 referral.
    referral(cast.school, submitted=at(date(2026, 1, 1), hour=0))
    assert MEASURES["ppr_referrals"](2024, 2026) == {2025: Decimal(7), 2026: Decimal(6)}


@time_machine.travel(date(2027, 1, 15))
def test_seven_referrals_then_five_is_minus_28_6_percent_and_on_track(cast) -> None:
    for day in range(7):
        referral(cast.school, submitted=at(date(2025, 3, 1 + day)))
    for day in range(5):
        referral(cast.school, submitted=at(date(2026, 3, 1 + day)))
    [item] = progress([goal("indstillinger-ppr")])
    points = {p.year: p for p in item.points}
    assert points[2025].value == 7 and points[2026].value == 5
    assert points[2026].change == Decimal("-28.6")
    assert points[2026].change_label == "\u221228,6 %"
    # Baseline 400 (2025) → 320 (2028): 2026 should be at most 373.33; 5 is well below.
    assert points[2026].expected == Decimal("373.33")
    assert item.assessed.year == 2026
    assert item.track is Track.ON_TRACK


@time_machine.travel(date(2026, 11, 22))
def test_the_current_year_is_shown_year_to_date_but_not_judged(cast) -> None:
    for day in range(3):
        referral(cast.school, submitted=at(date(2025, 3, 1 + day)))
    referral(cast.school, submitted=at(date(2026, 3, 1)))
    referrals = goal("indstillinger-ppr")
    referrals.baseline_value, referrals.target_value = Decimal(2), Decimal(1)
    [item] = progress([referrals])
    points = {p.year: p for p in item.points}
    assert points[2026].partial and points[2026].value == 1
    # Judged on 2025 (3 > 2 expected at the baseline): off track, whatever 2026 says so far.
    assert item.assessed.year == 2025
    assert item.track is Track.OFF_TRACK


def test_a_year_without_referrals_inside_the_measured_span_is_zero(cast) -> None:
    referral(cast.school, submitted=at(date(2023, 3, 1)))
    referral(cast.school, submitted=at(date(2025, 3, 1)))
    values = MEASURES["ppr_referrals"](2020, 2025)
    assert values == {2023: 1, 2025: 1}
    with time_machine.travel(date(2026, 2, 1)):
        [item] = progress([goal("indstillinger-ppr")])
    assert {p.year: p.value for p in item.points}[2024] == 0


def test_bup_referrals_are_cases_closed_with_that_outcome_by_closing_year(cast) -> None:
    for month in (2, 6, 11):
        case(cast.school, closed=at(date(2025, month, 1)), outcome=CaseOutcome.BUP)
    for month in (1, 4):
        case(cast.school, closed=at(date(2026, month, 1)), outcome=CaseOutcome.BUP)
    case(cast.school, closed=at(date(2026, 4, 1)), outcome=CaseOutcome.SPECIAL_OFFER)
    case(cast.school)  # open
    assert MEASURES["bup_referrals"](2024, 2026) == {2025: 3, 2026: 2}


def test_prevention_share_is_primary_and_secondary_courses_of_all_started_in_the_year(cast) -> None:
    # 2025: 1 of 4 preventive → 25.0 %; 2026: 2 primary + 1 secondary of 4 → 75.0 %.
    course(level=PreventionLevel.SECONDARY, starts_on=date(2025, 2, 1))
    for _ in range(3):
        course(
            level=PreventionLevel.TERTIARY,
            form=InterventionForm.INDIVIDUAL,
            starts_on=date(2025, 5, 1),
        )
    course(level=PreventionLevel.PRIMARY, starts_on=date(2026, 1, 10))
    course(level=PreventionLevel.PRIMARY, starts_on=date(2026, 2, 10), outcome="maal_naaet")
    course(level=PreventionLevel.SECONDARY, starts_on=date(2026, 3, 10))
    course(level=PreventionLevel.TERTIARY, starts_on=date(2026, 4, 10))
    assert MEASURES["preventive_courses_share"](2024, 2026) == {
        2025: Decimal("25.0"),
        2026: Decimal("75.0"),
    }
    # The goal and the interventions module's own figure (issue 7's hook) agree.
    for year in (2025, 2026):
        hook = queries.prevention_share(date(year, 1, 1), date(year, 12, 31))
        assert hook["preventive_share"] == MEASURES["preventive_courses_share"](year, year)[year]


def test_unlawful_absence_agrees_with_the_interventions_modules_quarters(cast) -> None:
    pupils = [ChildFactory(institution=cast.school) for _ in range(3)]
    absence(pupils[0], year=2026, quarter=1)
    absence(pupils[0], year=2026, quarter=3)
    absence(pupils[1], year=2026, quarter=4)
    absence(pupils[2], year=2025, quarter=4)
    cases_2026 = queries.absence_cases_in_period(date(2026, 1, 1), date(2026, 12, 31))
    assert cases_2026.count() == 3
    assert cases_2026.values("child").distinct().count() == 2
    assert MEASURES["unlawful_absence"](2026, 2026) == {2026: Decimal(2)}


@time_machine.travel(date(2027, 1, 10))
def test_prevention_share_against_its_path_28_to_40_percent(cast) -> None:
    from tests.visitation.factories import offer, placement

    # 2026: one place all year at 400.000 kr.; 200.000 kr. on prevention → 200/600 = 33.3 %.
    placement(cast, offer(cast, yearly_price=Decimal("400000")), date(2026, 1, 1))
    services.record_prevention_spending(year=2026, amount=Decimal(200000), by=cast.ppr_leader)
    [item] = progress([goal("forebyggelse-andel")])
    # 2026 should be at least 28 + 12/3 = 32 %; 33.3 % → on track (higher is better).
    assert item.assessed.value == Decimal("33.3")
    assert item.assessed.expected == Decimal("32.00")
    assert item.track is Track.ON_TRACK


def test_unlawful_absence_counts_distinct_pupils_per_year(cast) -> None:
    first, second = ChildFactory(institution=cast.school), ChildFactory(institution=cast.school)
    absence(first, year=2026, quarter=1)
    absence(first, year=2026, quarter=2)
    absence(second, year=2026, quarter=2)
    absence(second, year=2025, quarter=4)
    assert MEASURES["unlawful_absence"](2024, 2026) == {2025: 1, 2026: 2}


def test_a_goal_without_a_target_is_shown_but_not_judged(cast) -> None:
    absence(ChildFactory(institution=cast.school), year=2025, quarter=1)
    with time_machine.travel(date(2026, 6, 1)):
        [item] = progress([goal("ulovligt-fravaer")])
    assert item.assessed.value == 1
    assert item.track is Track.NO_TARGET


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, None),
        (2025, Decimal(400)),
        (2026, Decimal("373.33")),
        (2027, Decimal("346.67")),
        (2028, Decimal(320)),
        (2031, Decimal(320)),
    ],
)
def test_the_planned_path_is_a_straight_line_from_baseline_to_target(year, expected) -> None:
    assert expected_value(goal("indstillinger-ppr"), year) == expected


def test_without_a_baseline_the_goal_is_measured_against_its_target() -> None:
    assert expected_value(goal("afgangsproeve"), 2026) == Decimal(95)


@time_machine.travel(date(2026, 3, 1))
def test_manual_goals_use_the_leaders_measurements(cast) -> None:
    spending = goal("stoette-serviceloven")
    services.record_measurement(goal=spending, year=2025, value=Decimal("48.5"), by=cast.ppr_leader)
    services.record_measurement(goal=spending, year=2024, value=Decimal("52"), by=cast.ppr_leader)
    [item] = progress([spending])
    assert [(p.year, p.value) for p in item.points if p.value is not None] == [
        (2024, 52),
        (2025, Decimal("48.5")),
    ]
    assert item.assessed.year == 2025
    assert item.track is Track.ON_TRACK  # 48.5 ≤ 1100 expected at the baseline year
    exam = goal("afgangsproeve")
    services.record_measurement(goal=exam, year=2025, value=Decimal("91.9"), by=cast.ppr_leader)
    [exam_item] = progress([exam])
    assert exam_item.track is Track.OFF_TRACK  # 91.9 % < 95 %


def test_entering_a_year_again_corrects_it_and_both_are_audited(cast) -> None:
    spending = goal("stoette-serviceloven")
    services.record_measurement(goal=spending, year=2025, value=Decimal("48.5"), by=cast.ppr_leader)
    services.record_measurement(goal=spending, year=2025, value=Decimal("47"), by=cast.ppr_leader)
    assert GoalMeasurement.objects.get(goal=spending, year=2025).value == Decimal(47)
    assert GoalMeasurement.objects.count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="reports.GoalMeasurement")
        .order_by("id")
        .values_list("action", "purpose")
    )
    assert [a for a, _ in actions] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert "48,5 rettet til 47" in actions[1][1]


def test_only_the_ppr_leader_enters_measurements_and_only_for_manual_goals(cast) -> None:
    with pytest.raises(PermissionDenied):
        services.record_measurement(
            goal=goal("stoette-serviceloven"), year=2025, value=Decimal(1), by=cast.psychologist
        )
    with pytest.raises(ValidationError):
        services.record_measurement(
            goal=goal("indstillinger-ppr"), year=2025, value=Decimal(1), by=cast.ppr_leader
        )
    with pytest.raises(ValidationError):
        services.record_measurement(
            goal=goal("afgangsproeve"), year=2025, value=Decimal(101), by=cast.ppr_leader
        )
    assert not GoalMeasurement.objects.exists()


def test_progress_of_every_goal_costs_one_query_per_measure_plus_one(
    cast, django_assert_num_queries
) -> None:
    goals = list(EffectGoal.objects.all())
    # Seven automatic measures (the spending on special offers among them; the prevention
    # share's yearly prevention figures – none, so no placements are read) + all manual ones.
    with django_assert_num_queries(7):
        progress(goals)
    for day in range(20):
        referral(cast.school, submitted=at(date(2025, 1, 1 + day)), status=ReferralStatus.SUBMITTED)
        services.record_measurement(
            goal=goals[3], year=2000 + day, value=Decimal(day), by=cast.ppr_leader
        )
    # The courses' share comes from the cache now (no course was saved); the referral counts
    # are counted again (their generation was renewed by the submitted referrals), and the
    # spending on special offers (not cached: one query over the placements) and the
    # prevention figures (one query).
    with django_assert_num_queries(6):
        progress(goals)


def test_the_yearly_referral_counts_come_from_the_cache_until_a_referral_is_submitted(
    cast, django_assert_num_queries
) -> None:
    """The start page's costliest count (bench/NOTES.md) is kept by generation: read again
    without a query, rebuilt at once when a submitted referral is saved; a draft changes no
    count and keeps it."""
    referral(cast.school, submitted=at(date(2025, 3, 1)))
    assert MEASURES["ppr_referrals"](2024, 2026) == {2025: Decimal(1)}
    with django_assert_num_queries(0):
        assert MEASURES["ppr_referrals"](2024, 2026) == {2025: Decimal(1)}
    referral(cast.school, submitted=None)  # a draft, saved
    with django_assert_num_queries(0):
        MEASURES["ppr_referrals"](2024, 2026)
    referral(cast.school, submitted=at(date(2026, 3, 1)))
    assert MEASURES["ppr_referrals"](2024, 2026) == {2025: Decimal(1), 2026: Decimal(1)}
    # Another span is another value.
    assert MEASURES["ppr_referrals"](2026, 2026) == {2026: Decimal(1)}


def test_the_prevention_share_is_rebuilt_when_a_course_is_saved(cast) -> None:
    assert MEASURES["preventive_courses_share"](2024, 2026) == {}
    course(starts_on=date(2025, 3, 1), level=PreventionLevel.PRIMARY)
    assert MEASURES["preventive_courses_share"](2024, 2026) == {2025: Decimal("100.0")}
