"""Absence by grade level (issue 25; seed 004 §3.6, 002/003 "Glad i skole – IGEN"): absence
cases carry the pupil's grade and the report splits indskoling, mellemtrin and overskoling; a
quarter's percentages are imported from the school's CSV (errors per line in Danish, nothing
saved from a file with errors, no CPR number repeated); the 10 % step drafts the TRIO's
henvisning, prefilled, instead of leaving only a reminder."""

import logging
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indsatser import services
from indsatser.models import AbsenceCase, AbsenceRegistration, AbsenceStepRecord, stage_of
from meetings.models import ForumReferral
from ppr.audit.models import AuditEvent
from tests.cases.factories import ChildFactory
from tests.conftest import SESSION_QUERIES

pytestmark = pytest.mark.django_db

CPR_A = "010116-1234"
CPR_B = "020215-2345"
CPR_OTHER = "030314-3456"


@pytest.fixture
def pupils(cast):
    a = ChildFactory(institution=cast.school, cpr=CPR_A, first_name="Alma")
    b = ChildFactory(institution=cast.school, cpr=CPR_B, first_name="Bo")
    other = ChildFactory(institution=cast.other_school, cpr=CPR_OTHER)
    return a, b, other


def csv_file(text: str, name: str = "fravaer.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def post_import(client, text: str, *, year: int = 2026, quarter: int = 1):
    return client.post(
        reverse("indsatser:absence-import"),
        {"year": year, "quarter": quarter, "file": csv_file(text)},
    )


def test_the_stages_are_the_seeds_indskoling_mellemtrin_and_overskoling() -> None:
    assert [stage_of(g) for g in (0, 3, 4, 6, 7, 10, None)] == [
        "indskoling",
        "indskoling",
        "mellemtrin",
        "mellemtrin",
        "overskoling",
        "overskoling",
        None,
    ]


def test_a_new_absence_case_records_the_pupils_grade(cast, client_as, pupils) -> None:
    a, _b, _other = pupils
    response = client_as(cast.teacher).post(
        reverse("indsatser:absence-create"),
        {"child": a.pk, "year": 2026, "quarter": 1, "grade": 5, "percent": "4,5"},
    )
    assert response.status_code == 302
    case = AbsenceCase.objects.get(child=a)
    assert case.grade == 5 and case.stage == "mellemtrin"
    response = client_as(cast.teacher).post(
        reverse("indsatser:absence-create"),
        {"child": a.pk, "year": 2026, "quarter": 2, "grade": "", "percent": "4"},
    )
    assert "Vælg elevens klassetrin." in response.content.decode()
    assert AbsenceCase.objects.count() == 1


def test_a_file_imports_every_pupil_in_one_go_and_twice_records_once(
    cast, client_as, pupils
) -> None:
    a, b, _other = pupils
    client = client_as(cast.teacher)
    text = "Navn;cpr;klassetrin;fravaer\nAlma;010116-1234;4;12,5\nBo;0202152345;8. klasse;0\n"
    response = post_import(client, text)
    assert response.status_code == 302
    case = AbsenceCase.objects.get(child=a, year=2026, quarter=1)
    assert (case.grade, case.absence_percent) == (4, Decimal("12.5"))
    assert not AbsenceCase.objects.filter(child=b).exists()  # 0 % and no case: no concern
    assert post_import(client, text).status_code == 302
    assert AbsenceRegistration.objects.filter(absence_case=case).count() == 1
    # A new figure for the quarter is recorded on the same case.
    post_import(client, "cpr,klassetrin,fravaer\n010116-1234,4,16\n")
    case.refresh_from_db()
    assert case.absence_percent == Decimal(16)
    assert AbsenceRegistration.objects.filter(absence_case=case).count() == 2


def test_a_file_with_an_error_saves_nothing_and_says_which_lines_in_danish(
    cast, client_as, pupils, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    text = (
        "cpr;klassetrin;fravaer\n"
        "010116-1234;4;12,5\n"  # fine
        "02021523;8;3\n"  # line 3: not a CPR number
        f"{CPR_OTHER};11;120\n"  # line 4: another school's pupil, bad grade and percent
        "010116-1234;4;2\n"  # line 5: the same pupil again
    )
    response = post_import(client_as(cast.teacher), text)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Filen er ikke indlæst – intet er gemt" in html
    assert "Linje 3: ugyldigt CPR-nummer." in html
    assert "Linje 4: klassetrin skal være et tal fra 0 til 10; fravær skal være en procent" in html
    assert "Linje 5: eleven står også i linje 2." in html
    assert not AbsenceCase.objects.exists() and not AbsenceRegistration.objects.exists()
    # Line 4's number is not echoed anywhere: the page, the logs, the audit log.
    fixed = f"cpr;klassetrin;fravaer\n010116-1234;4;12,5\n{CPR_OTHER};7;3\n"
    response = post_import(client_as(cast.teacher), fixed)
    html = response.content.decode()
    assert "Linje 3: ukendt CPR-nummer" in html
    for text_seen in (html, caplog.text, str(list(AuditEvent.objects.values()))):
        assert CPR_OTHER not in text_seen and CPR_OTHER.replace("-", "") not in text_seen
    assert not AbsenceCase.objects.exists()


def test_the_school_systems_own_way_of_writing_grade_and_percent_is_read(
    cast, client_as, pupils
) -> None:
    """An export writes the class ("7.a") and the figure with two decimals or a per cent sign:
    read as grade 7 and cut (not rounded) to one decimal, so 9,96 % stays below the 10 % step.
    Before, both lines were refused with "fravær skal være en procent mellem 0 og 100"."""
    a, b, _other = pupils
    text = "cpr;klassetrin;fravaer\n010116-1234;7.a;9,96\n020215-2345;0. b;12,50 %\n"
    response = post_import(client_as(cast.teacher), text)
    assert response.status_code == 302, response.content.decode()
    cases = {case.child_id: case for case in AbsenceCase.objects.all()}
    assert (cases[a.pk].grade, cases[a.pk].absence_percent) == (7, Decimal("9.9"))
    assert (cases[b.pk].grade, cases[b.pk].absence_percent) == (0, Decimal("12.5"))
    # 9,96 % is below the 10 % step: only the 12,50 % pupil's TRIO henvisning is drafted.
    assert list(
        ForumReferral.objects.values_list("absence_step__absence_case__child", flat=True)
    ) == [b.pk]
    response = post_import(client_as(cast.teacher), "cpr;klassetrin;fravaer\n010116-1234;7ab;-3\n")
    html = response.content.decode()
    assert "Linje 2: klassetrin skal være et tal fra 0 til 10; fravær skal være en procent" in html


def test_the_upload_is_checked_like_other_uploads(cast, client_as, pupils) -> None:
    client = client_as(cast.teacher)
    url = reverse("indsatser:absence-import")
    binary = SimpleUploadedFile("fravaer.csv", b"PK\x03\x04\x00\x00binary", content_type="text/csv")
    response = client.post(url, {"year": 2026, "quarter": 1, "file": binary})
    assert "Filen er ikke en CSV-fil" in response.content.decode()
    response = post_import(client, "navn;fravaer\nAlma;3\n")
    assert "Mangler: cpr, klassetrin." in response.content.decode()
    response = client.post(url, {"year": 2026, "quarter": 1})
    assert "Vælg filen." in response.content.decode()
    assert not AbsenceCase.objects.exists()


def test_only_school_staff_import_and_a_case_worker_gets_403(cast, client_as) -> None:
    url = reverse("indsatser:absence-import")
    assert client_as(cast.teacher).get(url).status_code == 200
    assert client_as(cast.psychologist).get(url).status_code == 403


def test_the_ten_percent_step_drafts_the_trios_henvisning_prefilled(
    cast, client_as, pupils
) -> None:
    a, _b, _other = pupils
    case = services.open_absence_case(
        child=a, by=cast.teacher, percent=Decimal("10.5"), year=2026, quarter=1, grade=7
    )
    record = AbsenceStepRecord.objects.get(absence_case=case, step__order=2)
    draft = ForumReferral.objects.get(absence_step=record)
    assert draft.is_draft and draft.forum.code == "tvaerfagligt_skoleteam"
    assert draft.institution == cast.school
    assert "10,5 % ulovligt fravær i 1. kvartal 2026 (7. klasse)" in draft.rationale
    # The forum discusses non-active cases: without consent the draft names no child.
    assert draft.child is None and "7. klasse" in draft.anonymous_description
    # A higher figure later starts more steps but drafts no second henvisning.
    services.record_absence(absence_case=case, percent=Decimal(16), by=cast.teacher)
    assert ForumReferral.objects.count() == 1
    page = client_as(cast.school_leader).get(case.get_absolute_url()).content.decode()
    assert "Udfyldt kladde til TRIO'ens henvisning til Tværfagligt skoleteam" in page


def test_below_ten_percent_no_henvisning_is_drafted(cast, pupils) -> None:
    a, _b, _other = pupils
    services.open_absence_case(child=a, by=cast.teacher, percent=Decimal("9.9"), grade=4)
    assert not ForumReferral.objects.exists()


def test_the_report_splits_mellemtrin_and_overskoling(cast, client_as, pupils) -> None:
    a, b, _other = pupils
    c = ChildFactory(institution=cast.school)
    services.open_absence_case(
        child=a, by=cast.teacher, percent=Decimal(3), year=2026, quarter=1, grade=5
    )
    services.open_absence_case(
        child=b, by=cast.teacher, percent=Decimal(4), year=2026, quarter=1, grade=8
    )
    services.open_absence_case(child=c, by=cast.teacher, percent=Decimal(5), year=2026, quarter=1)
    response = client_as(cast.ppr_leader).get(
        reverse("reports:report-detail", kwargs={"slug": "fravaer"}),
        {"fra": "2026-01-01", "til": "2026-12-31"},
    )
    [row] = response.context["table"].data
    assert (row["indskoling"], row["mellemtrin"], row["overskoling"], row["no_grade"]) == (
        0,
        1,
        1,
        1,
    )
    html = response.content.decode()
    assert "Mellemtrin (4.–6.)" in html and "Overskoling (7.–10.)" in html


def test_the_import_page_costs_the_same_queries_however_many_lines(
    cast, client_as, django_assert_num_queries
) -> None:
    client = client_as(cast.teacher)
    few = [ChildFactory(institution=cast.school) for _ in range(2)]
    many = [ChildFactory(institution=cast.school) for _ in range(8)]

    def text(children):
        return "cpr;klassetrin;fravaer\n" + "".join(f"{c.cpr};4;0\n" for c in children)

    post_import(client, text(few))
    with django_assert_num_queries(8 + SESSION_QUERIES):
        post_import(client, text(few))
    with django_assert_num_queries(8 + SESSION_QUERIES):
        post_import(client, text(many))


def test_the_demos_absence_cases_carry_a_grade_and_over_ten_percent_a_trio_draft(
    restored_demo,
) -> None:
    """The demo shows the report's split (issue 25): every absence case has its pupil's grade,
    mellemtrin and overskoling both occur, and each case that reached 10 % has the TRIO's
    henvisning drafted. Seeding again changes nothing. (On the demo as seeded: tests/conftest.py
    ``restored_demo``.)"""
    from demo import indsatser as indsatser_demo
    from demo.organisation import seed_organisation

    demo_cases = list(AbsenceCase.objects.all())
    assert demo_cases and all(case.grade is not None for case in demo_cases)
    assert {"mellemtrin", "overskoling"} <= {case.stage for case in demo_cases}
    over_ten = {case.pk for case in demo_cases if case.absence_percent >= 10}
    drafted = set(
        ForumReferral.objects.values_list("absence_step__absence_case", flat=True).exclude(
            absence_step=None
        )
    )
    assert over_ten and drafted == over_ten
    counts = AbsenceCase.objects.count(), ForumReferral.objects.count()
    indsatser_demo.seed(seed_organisation())
    assert (AbsenceCase.objects.count(), ForumReferral.objects.count()) == counts
