"""Operational reports: every KPI on hand-built data, compared with figures worked out by hand.

The tests call the reports the way the view does (scope → filter → rows), so the filter paths
are exercised too. They run on SQLite and on PostgreSQL (percentile_cont there).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.http import QueryDict

from cases.models import CaseOutcome, ReferralStatus, RulerColour
from indsatser.models import (
    AbsenceCaseStatus,
    AbsenceProcedureStep,
    CourseKind,
    CourseOutcome,
    InterventionForm,
    PreventionLevel,
)
from ppr.accounts.models import Role
from ppr.deadlines.models import DeadlineKind, DeadlineState
from reports.filters import ReportFilter
from reports.operational import REPORTS, Params, ppv_source
from reports.scope import Scope, scope_for
from reports.stats import percentile
from tests.cases.factories import ChildFactory
from tests.factories import UserFactory, user_with_role
from tests.reports.factories import (
    absence,
    at,
    case,
    course,
    deadline_on,
    participant,
    rating,
    referral,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
ALL = Scope(whole_municipality=True)


def run(slug: str, scope: Scope = ALL, **query: object) -> list[dict]:
    """The report's rows for a query string, as the view computes them."""
    report = REPORTS[slug]
    data = QueryDict(mutable=True)
    for key, value in query.items():
        data[key] = str(value)
    filterset = ReportFilter(data, queryset=report.scoped(scope), report=report, scope=scope)
    assert filterset.is_valid(), filterset.form.errors
    start, end = filterset.period
    rows = report.rows(filterset.qs, Params(start=start, end=end, today=TODAY), scope)
    return list(rows)


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([2, 4, 6, 8, 10], 0.5, 6),
        ([2, 4, 6, 8, 10], 0.9, 9.2),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([7], 0.9, 7),
        ([], 0.5, None),
    ],
)
def test_percentile_interpolates_like_percentile_cont(values, fraction, expected) -> None:
    result = percentile(values, fraction)
    assert result == pytest.approx(expected) if expected is not None else result is None


@time_machine.travel(TODAY)
def test_waiting_time_median_and_90th_percentile_per_month_and_district(cast) -> None:
    # Vest, March 2026: visited after 2, 4, 6, 8 and 10 days → median 6, p90 9.2; one waits.
    for days in (2, 4, 6, 8, 10):
        submitted = at(date(2026, 3, 2))
        referral(cast.school, submitted=submitted, decided=submitted + timedelta(days=days))
    referral(cast.daycare, submitted=at(date(2026, 3, 20)))
    # Øst, March: 3 days; Vest, April: 1 day; and one from last year outside the period.
    referral(cast.other_school, submitted=at(date(2026, 3, 5)), decided=at(date(2026, 3, 8)))
    referral(cast.school, submitted=at(date(2026, 4, 1)), decided=at(date(2026, 4, 2)))
    referral(cast.school, submitted=at(date(2025, 3, 1)), decided=at(date(2025, 3, 30)))
    rows = run("ventetid", fra="2026-01-01", til="2026-06-15")
    summary = [
        (
            r["month"],
            r["district"],
            r["submitted"],
            r["waiting"],
            r["visited"],
            r["visit_median"],
            r["visit_p90"],
        )
        for r in rows
    ]
    assert summary == [
        ("2026-03", "Vest", 6, 1, 5, Decimal("6.0"), Decimal("9.2")),
        ("2026-03", "Øst", 1, 0, 1, Decimal("3.0"), Decimal("3.0")),
        ("2026-04", "Vest", 1, 0, 1, Decimal("1.0"), Decimal("1.0")),
    ]
    assert rows[0]["month_label"] == "marts 2026"
    if ppv_source() is None:
        # No PPV model: the PPV columns are empty, not zero.
        assert rows[0]["ppv"] is None and rows[0]["ppv_median"] is None
    else:
        # No final PPV on any of these cases: none counted, no median.
        assert rows[0]["ppv"] == 0 and rows[0]["ppv_median"] is None


def final_ppv(on_case, finalised: date, *, number: int = 1):
    model, stamp = ppv_source()  # type: ignore[misc]  # ppv_source() may return None; here the PPV model exists
    author = UserFactory()
    return model.objects.create(
        case=on_case,
        number=number,
        status="endelig",
        author=author,
        signed_name=str(author),
        signed_title="Psykolog",
        signed_on=finalised,
        **{stamp: at(finalised)},
    )


@time_machine.travel(TODAY)
def test_waiting_time_to_the_first_final_ppv_after_the_referral(cast) -> None:
    if ppv_source() is None:
        pytest.skip("the cases app has no PPV model")
    # Vest, March 2026: final PPV 20, 30 and 70 days after submission → median 30, p90 62.
    for days in (20, 30, 70):
        submitted = at(date(2026, 3, 2))
        on_case = case(cast.school)
        referral(cast.school, submitted=submitted, decided=at(date(2026, 3, 4)), case=on_case)
        final_ppv(on_case, date(2026, 3, 2) + timedelta(days=days))
        # A corrected version later does not move the date of the first final PPV.
        final_ppv(on_case, date(2026, 3, 2) + timedelta(days=days + 5), number=2)
    # A final PPV from before the referral is not the answer to it; no PPV yet is not counted.
    old_case = case(cast.school)
    final_ppv(old_case, date(2026, 1, 5))
    referral(
        cast.school, submitted=at(date(2026, 3, 2)), decided=at(date(2026, 3, 4)), case=old_case
    )
    rows = run("ventetid", fra="2026-01-01", til="2026-06-15")
    assert [(r["visited"], r["ppv"], r["ppv_median"], r["ppv_p90"]) for r in rows] == [
        (4, 3, Decimal("30.0"), Decimal("62.0"))
    ]


@time_machine.travel(TODAY)
def test_waiting_time_filters_by_district_and_institution(cast) -> None:
    referral(cast.school, submitted=at(date(2026, 3, 2)), decided=at(date(2026, 3, 4)))
    referral(cast.daycare, submitted=at(date(2026, 3, 2)), decided=at(date(2026, 3, 12)))
    referral(cast.other_school, submitted=at(date(2026, 3, 2)), decided=at(date(2026, 3, 5)))
    assert [r["visit_median"] for r in run("ventetid", distrikt=cast.oest.pk)] == [Decimal("3.0")]
    vest = run("ventetid", distrikt=cast.vest.pk)
    assert [(r["visited"], r["visit_median"]) for r in vest] == [(2, Decimal("6.0"))]
    assert [r["visit_median"] for r in run("ventetid", institution=cast.daycare.pk)] == [
        Decimal("10.0")
    ]


@time_machine.travel(TODAY)
def test_an_institution_leader_sees_only_their_own_institutions_referrals(cast) -> None:
    referral(cast.school, submitted=at(date(2026, 3, 2)), decided=at(date(2026, 3, 4)))
    referral(cast.other_school, submitted=at(date(2026, 3, 2)), decided=at(date(2026, 3, 30)))
    scope = scope_for(cast.school_leader)
    assert scope == Scope(whole_municipality=False, institution_ids=frozenset({cast.school.pk}))
    rows = run("ventetid", scope=scope)
    assert [(r["district"], r["visit_median"]) for r in rows] == [("Vest", Decimal("2.0"))]
    assert scope_for(cast.teacher) is None and scope_for(cast.psychologist) is None


@time_machine.travel(TODAY)
def test_an_institution_leader_cannot_filter_to_another_institution(cast) -> None:
    report = REPORTS["ventetid"]
    scope = scope_for(cast.school_leader)
    data = QueryDict(f"institution={cast.other_school.pk}")
    filterset = ReportFilter(data, queryset=report.scoped(scope), report=report, scope=scope)
    assert not filterset.is_valid()
    assert "institution" in filterset.form.errors


@time_machine.travel(TODAY)
def test_the_waiting_list_buckets_open_referrals_by_days_waited(cast) -> None:
    for days in (0, 7, 8, 14, 15, 30, 31, 61):
        referral(
            cast.school, submitted=at(TODAY - timedelta(days=days)), status=ReferralStatus.RECEIVED
        )
    referral(
        cast.other_school, submitted=at(TODAY - timedelta(days=3)), status=ReferralStatus.SUBMITTED
    )
    referral(cast.school, submitted=at(TODAY - timedelta(days=90)), decided=at(TODAY))  # visited
    referral(cast.school, submitted=None)  # draft
    rows = {r["district"]: r for r in run("venteliste")}
    vest = rows["Vest"]
    assert (
        vest["days_0_7"],
        vest["days_8_14"],
        vest["days_15_30"],
        vest["days_31_60"],
        vest["days_over_60"],
    ) == (2, 2, 2, 1, 1)
    assert (vest["total"], vest["oldest_days"]) == (8, 61)
    assert (rows["Øst"]["total"], rows["Øst"]["days_0_7"]) == (1, 1)


@time_machine.travel(TODAY)
def test_caseload_counts_open_cases_now_and_cases_opened_and_closed_in_the_period(cast) -> None:
    for _ in range(3):
        case(cast.school, assigned=cast.psychologist, opened=at(date(2026, 2, 1)))
    case(
        cast.school, assigned=cast.psychologist, opened=at(date(2025, 5, 1))
    )  # open, from last year
    case(
        cast.school,
        assigned=cast.psychologist,
        opened=at(date(2025, 5, 1)),
        closed=at(date(2026, 3, 1)),
    )
    case(cast.other_school, assigned=cast.outsider, opened=at(date(2026, 4, 1)))
    case(cast.school, opened=at(date(2026, 4, 1)))  # not assigned yet
    speech_therapist = user_with_role(Role.SPEECH_THERAPIST, team=cast.team_vest)
    case(cast.school, assigned=speech_therapist, opened=at(date(2026, 4, 2)))
    rows = {r["worker"]: r for r in run("sagsbelastning", fra="2026-01-01", til="2026-06-15")}
    mine = rows[str(cast.psychologist)]
    assert (mine["open_now"], mine["opened"], mine["closed"]) == (4, 3, 1)
    assert (rows[str(cast.outsider)]["open_now"], rows[str(cast.outsider)]["opened"]) == (1, 1)
    assert mine["profession"] == "PPR-psykolog"
    assert rows[str(cast.colleague)] == {
        "worker": str(cast.colleague),
        "profession": "PPR-psykolog",
        "open_now": 0,
        "opened": 0,
        "closed": 0,
    }
    assert rows["Ikke tildelt"]["open_now"] == 1
    therapist = rows[str(speech_therapist)]
    assert (therapist["profession"], therapist["open_now"]) == ("Talepædagog", 1)
    # The school's leader sees the case workers of the school's children only.
    scoped = run(
        "sagsbelastning", scope=scope_for(cast.school_leader), fra="2026-01-01", til="2026-06-15"
    )
    assert {r["worker"] for r in scoped} == {
        str(cast.psychologist),
        str(speech_therapist),
        "Ikke tildelt",
    }


@time_machine.travel(TODAY)
def test_deadlines_met_on_time_in_percent_per_kind(cast) -> None:
    def subject():  # one outstanding deadline per subject and kind: a referral each
        return referral(cast.school, submitted=at(date(2026, 3, 1)))

    due = date(2026, 3, 10)
    kw = {"kind": DeadlineKind.VISITATION, "district": cast.vest}
    for met in (date(2026, 3, 5), date(2026, 3, 10), date(2026, 3, 10)):  # on the day counts
        deadline_on(subject(), due=due, state=DeadlineState.MET, met=at(met, hour=16), **kw)
    deadline_on(
        subject(), due=due, state=DeadlineState.MET, met=at(date(2026, 3, 11)), **kw
    )  # late
    deadline_on(subject(), due=due, state=DeadlineState.OVERDUE, **kw)
    deadline_on(
        subject(), due=date(2026, 6, 10), state=DeadlineState.OPEN, **kw
    )  # overdue, not swept
    deadline_on(subject(), due=date(2026, 6, 20), state=DeadlineState.OPEN, **kw)  # not yet due
    deadline_on(subject(), due=due, state=DeadlineState.CANCELLED, **kw)
    deadline_on(
        subject(),
        kind=DeadlineKind.KVITTERING,
        due=due,
        state=DeadlineState.MET,
        met=at(date(2026, 3, 2)),
        district=cast.vest,
    )
    rows = {r["kind"]: r for r in run("frister", fra="2026-01-01", til="2026-12-31")}
    visitation = rows["Visitation af indstilling"]
    assert (
        visitation["total"],
        visitation["on_time"],
        visitation["late"],
        visitation["overdue"],
        visitation["pending"],
    ) == (7, 3, 1, 2, 1)
    assert visitation["on_time_pct"] == Decimal("50.0")  # 3 of 6 judged
    assert rows["Kvittering for indstilling"]["on_time_pct"] == Decimal("100.0")


@time_machine.travel(TODAY)
def test_deadlines_for_an_institution_follow_the_referral_and_the_case(cast) -> None:
    ours = referral(cast.school, submitted=at(date(2026, 3, 1)))
    theirs = referral(cast.other_school, submitted=at(date(2026, 3, 1)))
    our_case = case(cast.school)
    deadline_on(ours, due=date(2026, 3, 10), state=DeadlineState.MET, met=at(date(2026, 3, 9)))
    deadline_on(our_case, kind=DeadlineKind.PPV, due=date(2026, 5, 10), state=DeadlineState.OVERDUE)
    deadline_on(theirs, due=date(2026, 3, 10), state=DeadlineState.OVERDUE)
    rows = run("frister", scope=scope_for(cast.school_leader), fra="2026-01-01", til="2026-12-31")
    assert sorted((r["kind"], r["on_time"], r["overdue"]) for r in rows) == [
        ("PPV", 0, 1),
        ("Visitation af indstilling", 1, 0),
    ]


@time_machine.travel(TODAY)
def test_ruler_counts_each_child_once_by_its_latest_colour_in_the_period(cast) -> None:
    changed = ChildFactory(institution=cast.school)
    rating(changed, RulerColour.GUL, date(2026, 2, 1))
    rating(changed, RulerColour.GROEN, date(2026, 5, 1))
    red = ChildFactory(institution=cast.school)
    rating(red, RulerColour.ROED, date(2026, 3, 1))
    old = ChildFactory(institution=cast.school)
    rating(old, RulerColour.ROED, date(2025, 3, 1))  # before the period
    later = ChildFactory(institution=cast.daycare)
    rating(later, RulerColour.GUL, date(2026, 4, 1))
    rating(later, RulerColour.ROED, date(2026, 7, 1))  # after the period: still gul within it
    east = ChildFactory(institution=cast.other_school)
    rating(east, RulerColour.GROEN, date(2026, 1, 5))
    rows = run("boernelineal", fra="2026-01-01", til="2026-06-15")
    counts = {r["institution"]: (r["groen"], r["gul"], r["roed"], r["total"]) for r in rows}
    assert counts == {
        "Vestervang Skole": (1, 0, 1, 2),
        "Børnehuset Mælkebøtten": (0, 1, 0, 1),
        "Østerbro Skole": (1, 0, 0, 1),
    }
    by_district = {
        d["district"]: (d["groen"], d["gul"], d["roed"])
        for d in REPORTS["boernelineal"].by_district(rows)
    }
    assert by_district == {"Vest": (1, 1, 1), "Øst": (1, 0, 0)}


@time_machine.travel(TODAY)
def test_movement_between_colours_compares_before_the_period_with_its_end(cast) -> None:
    improved = ChildFactory(institution=cast.school)
    rating(improved, RulerColour.GUL, date(2025, 11, 1))
    rating(improved, RulerColour.GROEN, date(2026, 4, 1))
    worse = ChildFactory(institution=cast.school)
    rating(worse, RulerColour.GROEN, date(2025, 10, 1))
    rating(worse, RulerColour.GUL, date(2026, 2, 1))
    rating(worse, RulerColour.ROED, date(2026, 5, 1))
    new = ChildFactory(institution=cast.school)
    rating(new, RulerColour.GUL, date(2026, 3, 1))
    same = ChildFactory(institution=cast.other_school)
    rating(same, RulerColour.GUL, date(2025, 6, 1))
    rating(same, RulerColour.GUL, date(2026, 6, 1))
    another_same = ChildFactory(institution=cast.school)
    rating(another_same, RulerColour.GUL, date(2025, 6, 1))
    rating(another_same, RulerColour.GUL, date(2026, 6, 1))
    unrated = ChildFactory(institution=cast.school)
    rating(unrated, RulerColour.ROED, date(2025, 6, 1))  # not rated in the period: no movement
    rows = run("farveskift", fra="2026-01-01", til="2026-06-15")
    assert [(r["start"], r["end"], r["movement"], r["children"]) for r in rows] == [
        ("Ingen vurdering", "Gul", "Ny vurdering", 1),
        ("Grøn", "Rød", "Forværret", 1),
        ("Gul", "Grøn", "Forbedret", 1),
        ("Gul", "Gul", "Uændret", 2),
    ]
    vest = run("farveskift", fra="2026-01-01", til="2026-06-15", distrikt=cast.vest.pk)
    assert sum(r["children"] for r in vest) == 4


@time_machine.travel(TODAY)
def test_interventions_by_level_form_and_outcome(cast) -> None:
    kw = {"institution": cast.school, "starts_on": date(2026, 2, 1)}
    course(level=PreventionLevel.PRIMARY, form=InterventionForm.GROUP, **kw)
    course(
        level=PreventionLevel.PRIMARY,
        form=InterventionForm.GROUP,
        outcome=CourseOutcome.GOALS_MET,
        **kw,
    )
    course(
        level=PreventionLevel.PRIMARY,
        form=InterventionForm.GROUP,
        outcome=CourseOutcome.PARTLY_MET,
        **kw,
    )
    course(
        level=PreventionLevel.TERTIARY,
        form=InterventionForm.INDIVIDUAL,
        outcome=CourseOutcome.NOT_MET,
        **kw,
    )
    course(
        level=PreventionLevel.SECONDARY,
        form=InterventionForm.CONSULTATIVE,
        outcome=CourseOutcome.DISCONTINUED,
        **kw,
    )
    course(
        level=PreventionLevel.PRIMARY, form=InterventionForm.GROUP, starts_on=date(2025, 2, 1)
    )  # before
    rows = run("indsatser", fra="2026-01-01", til="2026-06-15")
    assert [
        (
            r["level"],
            r["form"],
            r["active"],
            r["goals_met"],
            r["partly_met"],
            r["not_met"],
            r["discontinued"],
            r["total"],
        )
        for r in rows
    ] == [
        ("Primær forebyggelse (grøn)", "Gruppe/hold", 1, 1, 1, 0, 0, 3),
        ("Sekundær forebyggelse (gul)", "Konsultativ", 0, 0, 0, 0, 1, 1),
        ("Tertiær forebyggelse (rød)", "Individuel", 0, 0, 0, 1, 0, 1),
    ]


@time_machine.travel(TODAY)
def test_courses_running_now_count_active_participants_and_hide_a_childs_course_name(cast) -> None:
    group = course(
        starts_on=date(2026, 1, 10), institution=cast.school, title="Skilsmissegruppe Vest"
    )
    participant(group, cast.school)
    participant(group, cast.school)
    participant(group, cast.school, removed=True)
    child_case = case(cast.school)
    course(
        starts_on=date(2026, 2, 1),
        institution=cast.school,
        kind=CourseKind.CHILD,
        on_case=child_case,
        title=f"Forløb for {child_case.child.first_name}",
        form=InterventionForm.INDIVIDUAL,
        level=PreventionLevel.SECONDARY,
    )
    course(
        starts_on=date(2026, 1, 10), institution=cast.school, outcome=CourseOutcome.GOALS_MET
    )  # ended
    course(starts_on=date(2026, 1, 10), institution=cast.other_school)
    rows = run("forloeb")
    assert len(rows) == 3
    mine = run("forloeb", scope=scope_for(cast.school_leader))
    assert [(c.display_name, c.participant_count) for c in mine] == [
        ("Skilsmissegruppe Vest", 2),
        ("Forløb for ét barn", 0),
    ]


def test_case_outcomes_that_are_not_bup_do_not_leak_into_other_reports(cast) -> None:
    # Guard against a report reading the wrong status: a closed BUP case is not "open now".
    case(
        cast.school,
        assigned=cast.psychologist,
        closed=at(date(2026, 3, 1)),
        outcome=CaseOutcome.BUP,
    )
    with time_machine.travel(TODAY):
        rows = {r["worker"]: r for r in run("sagsbelastning", fra="2026-01-01", til="2026-06-15")}
    assert rows[str(cast.psychologist)]["open_now"] == 0
    assert rows[str(cast.psychologist)]["closed"] == 1


def absence_at(institution, step, *, year: int = 2026, quarter: int = 1, closed: bool = False):
    case_ = absence(ChildFactory(institution=institution), year=year, quarter=quarter)
    case_.current_step = step
    if closed:
        case_.status, case_.closed_on = AbsenceCaseStatus.CLOSED, date(2026, 5, 1)
    case_.save()
    return case_


@time_machine.travel(TODAY)
def test_absence_cases_by_step_of_the_quarters_beginning_in_the_period(cast) -> None:
    first, second = AbsenceProcedureStep.objects.order_by("order")[:2]
    absence_at(cast.school, first)
    absence_at(cast.school, first, closed=True)
    absence_at(cast.school, second)
    absence_at(cast.school, None)
    absence_at(cast.other_school, first, quarter=2)
    absence_at(cast.school, first, year=2025, quarter=4)  # before the period
    rows = run("fravaer", fra="2026-01-01", til="2026-06-15")
    assert [(r["step"], r["cases"], r["open"], r["closed"]) for r in rows] == [
        ("Intet trin endnu", 1, 1, 0),
        (f"{first.order}. {first.title}", 3, 2, 1),
        (f"{second.order}. {second.title}", 1, 1, 0),
    ]
    # Q1 begins before 1 February: only the second quarter's case is counted.
    assert [r["cases"] for r in run("fravaer", fra="2026-02-01", til="2026-06-15")] == [1]
    vest = run("fravaer", fra="2026-01-01", til="2026-06-15", distrikt=cast.vest.pk)
    assert [r["cases"] for r in vest] == [1, 2, 1]
    own = run("fravaer", scope_for(cast.other_leader), fra="2026-01-01", til="2026-06-15")
    assert [(r["step"], r["cases"]) for r in own] == [(f"{first.order}. {first.title}", 1)]
