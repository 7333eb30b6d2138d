"""Bekymrende fravær ("Glad i skole – IGEN"): the school records a pupil's unlawful absence for
the quarter; the procedure's steps apply at their thresholds with deadlines in working days; who
did each step when is recorded; the school leader sees the school's cases and overdue steps."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Case
from indsatser import services
from indsatser.models import (
    AbsenceCase,
    AbsenceProcedureStep,
    AbsenceRegistration,
    AbsenceStepRecord,
)
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from tests.cases.factories import ChildFactory
from tests.conftest import SESSION_QUERIES

pytestmark = pytest.mark.django_db


def open_case(cast, child, percent: str, by=None) -> AbsenceCase:
    return services.open_absence_case(child=child, by=by or cast.teacher, percent=Decimal(percent))


def steps_of(absence_case: AbsenceCase) -> list[int]:
    return list(absence_case.steps.order_by("step__order").values_list("step__order", flat=True))


def test_the_national_steps_are_seeded_in_order() -> None:
    steps = list(AbsenceProcedureStep.objects.order_by("order"))
    assert [s.threshold_percent for s in steps] == [
        Decimal(0),
        Decimal(10),
        Decimal(15),
        Decimal(15),
    ]
    assert [s.responsible_role for s in steps] == [
        "medarbejder",
        "institutionsleder",
        "institutionsleder",
        "psykolog",
    ]
    assert "årsagsafdækning" in steps[3].title


def test_any_unlawful_absence_calls_for_contacting_the_parents_the_same_day(
    cast, child, today
) -> None:
    absence_case = open_case(cast, child, "2")
    record = absence_case.steps.get()
    assert record.step.order == 1
    assert record.due == today
    assert record.responsible == cast.teacher
    deadline = Deadline.objects.for_subject(record).get()
    assert deadline.kind == DeadlineKind.FRAVAER and deadline.due == today
    assert child.first_name not in deadline.title and "Kontakt forældrene" in deadline.title
    assert deadline.link == absence_case.get_absolute_url()


def test_below_ten_percent_only_the_first_step_applies(cast, child, today) -> None:
    assert steps_of(open_case(cast, child, "9.9")) == [1]


def test_at_ten_percent_the_parents_are_warned_and_the_support_model_involved_within_five_working_days(
    cast, child, today
) -> None:
    absence_case = open_case(cast, child, "10")
    assert steps_of(absence_case) == [1, 2]
    warning = absence_case.steps.get(step__order=2)
    assert warning.due == date(2026, 3, 11)
    assert warning.responsible == cast.school_leader
    assert Deadline.objects.for_subject(warning).get().due == date(2026, 3, 11)
    absence_case.refresh_from_db()
    assert absence_case.current_step.order == 2


def test_at_fifteen_percent_the_municipality_is_notified_and_ppr_looks_for_the_cause(
    cast, child, case, today
) -> None:
    absence_case = open_case(cast, child, "10")
    new = services.record_absence(
        absence_case=absence_case, percent=Decimal("15.0"), by=cast.school_leader
    )

    assert [r.step.order for r in new] == [3, 4]
    notify, cause = new
    assert notify.due == date(2026, 3, 9) and notify.responsible == cast.school_leader
    assert cause.due == date(2026, 4, 1)  # 20 working days
    assert cause.responsible == cast.psychologist
    assert Deadline.objects.filter(kind=DeadlineKind.FRAVAER).count() == 4
    absence_case.refresh_from_db()
    assert absence_case.current_step.order == 4
    assert list(AbsenceRegistration.objects.order_by("pk").values_list("percent", flat=True)) == [
        Decimal(10),
        Decimal(15),
    ]


def test_a_ppr_step_without_a_case_worker_goes_to_pprs_shared_pool(cast, child, today) -> None:
    Case.objects.filter(child=child).delete()
    absence_case = open_case(cast, child, "16")
    cause = absence_case.steps.get(step__order=4)
    assert cause.responsible is None
    assert Deadline.objects.for_subject(cause).get().responsible is None


def test_the_secretary_can_open_an_absence_case_whose_ppr_step_is_in_the_shared_pool(
    cast, child, today, client_as
) -> None:
    """The pool step is in the secretary's Mine frister; its link must not be a 404."""
    Case.objects.filter(child=child).delete()
    absence_case = open_case(cast, child, "16")
    pooled = Deadline.objects.for_subject(absence_case.steps.get(step__order=4)).get()
    client = client_as(cast.secretary)
    assert pooled.link in client.get(reverse("deadlines:deadline-list")).content.decode()
    assert client.get(pooled.link).status_code == 200
    # A case below 15 % has no PPR step in the pool: the secretary does not see it.
    other = open_case(cast, ChildFactory(institution=cast.school), "5")
    assert client.get(other.get_absolute_url()).status_code == 404


def test_recording_again_starts_no_step_twice_and_a_lower_figure_removes_none(
    cast, child, today
) -> None:
    absence_case = open_case(cast, child, "12")
    assert (
        services.record_absence(absence_case=absence_case, percent=Decimal("12"), by=cast.teacher)
        == []
    )
    assert (
        services.record_absence(absence_case=absence_case, percent=Decimal("4"), by=cast.teacher)
        == []
    )
    assert steps_of(absence_case) == [1, 2]
    assert Deadline.objects.count() == 2


def test_opening_the_same_pupil_and_quarter_twice_is_one_case(cast, child, today) -> None:
    first = open_case(cast, child, "3")
    second = open_case(cast, child, "11")
    assert first == second and AbsenceCase.objects.count() == 1
    assert steps_of(second) == [1, 2]


def test_the_school_opens_a_case_from_the_form_and_is_told_the_steps_that_apply(
    cast, client_as, child, today
) -> None:
    client = client_as(cast.teacher)
    response = client.post(
        reverse("indsatser:absence-create"),
        {"child": child.pk, "year": 2026, "quarter": 1, "grade": 4, "percent": "10,5"},
        follow=True,
    )
    absence_case = AbsenceCase.objects.get()
    html = response.content.decode()
    assert absence_case.absence_percent == Decimal("10.5")
    assert absence_case.responsible == cast.teacher
    assert "Varsl forældrene og inddrag skolens supportmodel" in html
    assert "Underret kommunen" in html  # shown as the next step if the absence rises


def test_a_bad_percentage_is_refused_in_danish_and_nothing_is_saved(
    cast, client_as, child, today
) -> None:
    response = client_as(cast.teacher).post(
        reverse("indsatser:absence-create"),
        {"child": child.pk, "year": 2026, "quarter": 1, "grade": 4, "percent": "120"},
    )
    assert "Fraværet skal være mellem 0 og 100 %." in response.content.decode()
    assert not AbsenceCase.objects.exists()


def test_a_school_cannot_open_a_case_for_another_schools_pupil(cast, today) -> None:
    pupil = ChildFactory(institution=cast.other_school)
    with pytest.raises(PermissionDenied):
        services.open_absence_case(child=pupil, by=cast.teacher, percent=Decimal(5))


def test_daycare_staff_have_no_absence_procedure(cast, client_as) -> None:
    assert (
        client_as(cast.daycare_leader).get(reverse("indsatser:absence-create")).status_code == 403
    )


def test_completing_a_step_records_who_when_and_a_note_and_meets_its_deadline(
    cast, client_as, child, today
) -> None:
    absence_case = open_case(cast, child, "10")
    warning = absence_case.steps.get(step__order=2)
    client = client_as(cast.school_leader)
    url = reverse("indsatser:absence-step-complete", args=[warning.pk])

    client.post(url, {"note": "", "done_on": "2026-03-04"})
    warning.refresh_from_db()
    assert not warning.is_done

    client.post(
        url, {"note": "Forældremøde holdt; sagen er drøftet i TRIO.", "done_on": "2026-03-04"}
    )
    warning.refresh_from_db()
    assert warning.done_on == today and warning.done_by == cast.school_leader
    assert warning.note.startswith("Forældremøde")
    assert Deadline.objects.for_subject(warning).get().state == DeadlineState.MET
    with pytest.raises(ValidationError, match="allerede"):
        services.complete_absence_step(record_row=warning, by=cast.school_leader, note="igen")


def test_pprs_step_is_done_by_ppr_not_by_the_school(cast, child, case, today) -> None:
    absence_case = open_case(cast, child, "15")
    cause = absence_case.steps.get(step__order=4)
    with pytest.raises(PermissionDenied):
        services.complete_absence_step(record_row=cause, by=cast.school_leader, note="x")
    services.complete_absence_step(
        record_row=cause, by=cast.psychologist, note="Årsagsafdækning: angst for en bestemt time."
    )
    assert AbsenceStepRecord.objects.get(pk=cause.pk).done_by == cast.psychologist


def test_closing_a_case_cancels_the_deadlines_of_steps_not_done(cast, child, today) -> None:
    absence_case = open_case(cast, child, "10")
    services.close_absence_case(absence_case=absence_case, by=cast.school_leader)
    assert set(Deadline.objects.values_list("state", flat=True)) == {DeadlineState.CANCELLED}
    with pytest.raises(ValidationError, match="lukket"):
        services.record_absence(absence_case=absence_case, percent=Decimal(20), by=cast.teacher)


def test_the_school_leader_sees_the_schools_cases_with_current_and_overdue_steps(
    cast, client_as, child, today, django_assert_num_queries
) -> None:
    overdue_case = open_case(cast, child, "10")
    for n in range(29):
        open_case(cast, ChildFactory(institution=cast.school, last_name=f"Elev{n:02d}"), "3")
    other = open_case(
        cast,
        ChildFactory(institution=cast.other_school, first_name="Østbo"),
        "20",
        by=cast.other_leader,
    )

    with time_machine.travel(date(2026, 3, 12), tick=False):
        client = client_as(cast.school_leader)
        # The first request's frame (user, memberships, municipality, permissions) is ten besides
        # the session; the list is three: the count, the steps for the filter, one page of rows
        # with the overdue count.
        with django_assert_num_queries(13 + SESSION_QUERIES):
            response = client.get(reverse("indsatser:absence-list"))
        html = response.content.decode()
        assert "30 fraværssager" in html
        assert html.count("<tr") == 26
        assert "Østbo" not in html
        # Overdue first: step 1 (due 4.3) and step 2 (due 11.3) of the first case.
        first_row = html[html.index("<tbody") :].split("</tr>")[0]
        assert "Alma Vestergaard" in first_row and "2 overskredet" in first_row
        assert "Varsl forældrene" in first_row

        with django_assert_num_queries(5 + SESSION_QUERIES):
            filtered = client.get(
                reverse("indsatser:absence-list") + "?overskredet=true",
                headers={"HX-Request": "true"},
            )
        assert "<html" not in filtered.content.decode()

        home = client.get(reverse("home")).content.decode()
        assert "Fraværssager med overskredne trin" in home and "Alma Vestergaard" in home

        assert client.get(other.get_absolute_url()).status_code == 404
        assert client.get(overdue_case.get_absolute_url()).status_code == 200


def test_the_ppr_leader_edits_the_procedure_and_the_new_threshold_applies(
    cast, client_as, child, today
) -> None:
    step = AbsenceProcedureStep.objects.get(order=2)
    client = client_as(cast.ppr_leader)
    response = client.post(
        reverse("indsatser:procedure-step-update", args=[step.pk]),
        {
            "order": 2,
            "title": step.title,
            "description": step.description,
            "responsible_role": step.responsible_role,
            "threshold_percent": "8",
            "deadline_working_days": 3,
            "active": "on",
        },
    )
    assert response.status_code == 302
    absence_case = open_case(cast, child, "8")
    assert steps_of(absence_case) == [1, 2]
    assert absence_case.steps.get(step__order=2).due == date(2026, 3, 9)


def test_a_school_leader_cannot_edit_the_procedure(cast, client_as) -> None:
    step = AbsenceProcedureStep.objects.get(order=2)
    response = client_as(cast.school_leader).post(
        reverse("indsatser:procedure-step-update", args=[step.pk]), {"threshold_percent": "1"}
    )
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.threshold_percent == Decimal(10)


def test_a_retired_step_no_longer_applies(cast, child, today) -> None:
    AbsenceProcedureStep.objects.filter(order=4).update(active=False)
    assert steps_of(open_case(cast, child, "18")) == [1, 2, 3]


def test_a_refused_step_keeps_the_note_and_puts_the_error_at_the_date_naming_the_step(
    cast, client_as, child, today
) -> None:
    absence_case = open_case(cast, child, "10")
    warning = absence_case.steps.get(step__order=2)
    note = "Ringet til mor; møde aftalt."
    response = client_as(cast.school_leader).post(
        reverse("indsatser:absence-step-complete", args=[warning.pk]),
        {"note": note, "done_on": "2099-01-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{note}</textarea>" in html
    assert 'value="2099-01-01"' in html
    date_error = html[html.index(f'id="step-{warning.pk}-done_on_error"') :]
    assert date_error.split("</span>", 2)[1].strip() == "Datoen kan ikke ligge i fremtiden."
    assert f"Trinnet „{warning.step}“ er ikke registreret som udført" in html
    warning.refresh_from_db()
    assert not warning.is_done


def test_a_refused_percentage_is_shown_at_its_field_with_what_was_typed(
    cast, client_as, child, today
) -> None:
    absence_case = open_case(cast, child, "10")
    response = client_as(cast.teacher).post(
        reverse("indsatser:absence-record", args=[absence_case.pk]), {"percent": "140"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="140"' in html and "Fraværet skal være mellem 0 og 100 %." in html
    assert absence_case.registrations.count() == 1
