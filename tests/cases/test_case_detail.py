"""The case page: who sees it, what it shows, that each read is audited once, and assignment."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.journal.services import correct_journal_entry
from cases.models import CaseStatus
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.case_fixtures import make_case
from tests.cases.factories import (
    CaseFactory,
    GuardianFactory,
    JournalEntryFactory,
    ReferralFactory,
    RulerRatingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return make_case(cast, assigned=cast.psychologist, child__first_name="Alma", child__group="4.B")


def url(case) -> str:
    return reverse("cases:case-detail", kwargs={"pk": case.pk})


def test_anonymous_is_sent_to_login(client, case):
    assert client.get(url(case))["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "role",
    ["outsider", "school_leader", "other_leader", "teacher", "administrator", "social_worker"],
)
def test_users_without_relation_get_404(cast, client_as, case, role):
    assert client_as(getattr(cast, role)).get(url(case)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.mark.parametrize("role", ["psychologist", "colleague", "ppr_leader", "secretary"])
def test_case_workers_leader_and_secretary_see_the_case(cast, client_as, case, role):
    assert client_as(getattr(cast, role)).get(url(case)).status_code == 200


def test_the_header_shows_child_guardians_staff_and_latest_colour(cast, client_as, case):
    GuardianFactory(child=case.child, name="Mette Mor", relation="mor", has_custody=True)
    case.latest_colour = "gul"
    case.save()
    content = client_as(cast.psychologist).get(url(case)).content.decode()
    assert "Alma" in content
    assert case.child.cpr_masked in content
    assert case.child.cpr not in content  # the full number only on an audited request
    assert "11 år" in content
    assert "Vestervang Skole, 4.B" in content
    assert "Mette Mor" in content and "forældremyndighed" in content
    assert str(cast.psychologist) in content and "Team Vest" in content
    assert "Gul" in content


def test_each_read_writes_exactly_one_audit_row(cast, client_as, case):
    client = client_as(cast.psychologist)
    client.get(url(case))
    client.get(url(case))
    events = AuditEvent.objects.filter(action=AuditAction.VIEW)
    assert events.count() == 2
    event = events.first()
    assert (event.object_id, event.child_id, event.purpose, event.actor) == (
        str(case.pk),
        case.child_id,
        "sagsbehandling",
        cast.psychologist,
    )
    assert AuditEvent.objects.exclude(action=AuditAction.LOGIN).count() == 2


def test_the_case_page_is_not_cached(cast, client_as, case):
    assert "no-store" in client_as(cast.psychologist).get(url(case))["Cache-Control"]


def test_a_long_timeline_shows_the_newest_items_and_links_to_the_whole(
    cast, client_as, case, monkeypatch
):
    """The page renders the newest TIMELINE_SHOWN items of the course; ?forloeb=alle all of
    them (every note stays reachable), with the same queries either way."""
    monkeypatch.setattr("cases.casework.views.TIMELINE_SHOWN", 3)
    entries = [
        JournalEntryFactory(
            case=case,
            author=cast.psychologist,
            occurred_on=date.today() - timedelta(days=days),
            text=f"Samtale nummer {days}.",
        )
        for days in range(5)
    ]
    client = client_as(cast.psychologist)
    client.get(url(case))  # the session's first request reads more (the login's leftovers)
    with CaptureQueriesContext(connection) as shown:
        response = client.get(url(case))
    assert [item.obj for item in response.context["timeline"]] == entries[:3]
    content = response.content.decode()
    assert "Samtale nummer 2." in content and "Samtale nummer 3." not in content
    assert "Viser de 3 nyeste af 5 punkter i forløbet." in content
    assert f'href="{url(case)}?forloeb=alle#timeline-heading"' in content

    with CaptureQueriesContext(connection) as whole:
        response = client.get(url(case), {"forloeb": "alle"})
    assert [item.obj for item in response.context["timeline"]] == entries
    content = response.content.decode()
    assert "Samtale nummer 4." in content and "nyeste af" not in content
    assert len(whole) == len(shown)


def test_a_short_timeline_has_no_link_to_the_whole(cast, client_as, case):
    JournalEntryFactory(case=case, author=cast.psychologist, text="Første samtale.")
    content = client_as(cast.psychologist).get(url(case)).content.decode()
    assert "Første samtale." in content and "forloeb=alle" not in content


def test_the_timeline_merges_referrals_journal_and_ratings_newest_first(cast, client_as, case):
    ReferralFactory(
        child=case.child, case=case, status="accepteret", concern="Bekymring om trivsel."
    )
    JournalEntryFactory(
        case=case,
        author=cast.psychologist,
        occurred_on=date.today() - timedelta(days=2),
        text="Første samtale.",
    )
    RulerRatingFactory(
        child=case.child,
        case=case,
        rated_on=date.today() - timedelta(days=1),
        colour="roed",
        rationale="Forværring.",
    )
    response = client_as(cast.psychologist).get(url(case))
    kinds = [item.kind for item in response.context["timeline"]]
    assert kinds == ["referral", "rating", "journal"]
    content = response.content.decode()
    assert "Første samtale." in content and "Forværring." in content


def test_the_secretary_sees_the_header_but_not_the_journal(cast, client_as, case):
    JournalEntryFactory(case=case, author=cast.psychologist, text="Fortroligt journalnotat.")
    response = client_as(cast.secretary).get(url(case))
    assert response.status_code == 200
    assert "Fortroligt journalnotat." not in response.content.decode()
    assert "Nyt journalnotat" not in response.content.decode()


def test_the_trend_is_an_svg_with_text_labels_and_a_table(cast, client_as, case):
    for days, colour in ((60, "gul"), (30, "roed"), (1, "groen")):
        RulerRatingFactory(
            child=case.child, rated_on=date.today() - timedelta(days=days), colour=colour
        )
    content = client_as(cast.psychologist).get(url(case)).content.decode()
    assert "<svg" in content and 'role="img"' in content
    assert "ppr-trend__dot--roed" in content
    assert ">Rød</text>" in content and ">Grøn</text>" in content
    assert "Vis vurderingerne som tabel" in content
    assert "style=" not in content  # CSP: no inline styles


def case_page_queries(client, case) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(case)).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_case_page_query_count_is_constant(cast, client_as, case):
    """As many queries for 2 entries and ratings as for 12; one more, for the earlier versions,
    only once an entry has been corrected."""
    client = client_as(cast.psychologist)
    for _ in range(2):
        JournalEntryFactory(case=case, author=cast.psychologist)
        RulerRatingFactory(child=case.child, case=case)
    client.get(url(case))  # the session and the option lists settle
    few = case_page_queries(client, case)
    for _ in range(10):
        JournalEntryFactory(case=case, author=cast.psychologist)
        RulerRatingFactory(child=case.child, case=case)
    many = case_page_queries(client, case)
    assert len(many) == len(few)
    assert not any('FROM "cases_journalrevision"' in sql for sql in many)

    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Først skrevet.")
    correct_journal_entry(
        entry=entry, by=cast.psychologist, expected_version=1, text="Rettet.", reason="Stavefejl."
    )
    corrected = case_page_queries(client, case)
    assert len(corrected) == len(few) + 1
    assert sum('FROM "cases_journalrevision"' in sql for sql in corrected) == 1
    assert "Først skrevet." in client.get(url(case)).content.decode()


def test_a_closed_case_is_read_only(cast, client_as, case):
    client = client_as(cast.psychologist)
    client.get(url(case))  # the session and the option lists settle
    open_case_queries = case_page_queries(client, case)
    case.status, case.outcome, case.closed_by = CaseStatus.CLOSED, "flyttet", cast.ppr_leader
    case.closed_at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    case.save()
    content = client.get(url(case)).content.decode()
    assert f"Sagen er lukket 20.11.2026 af {cast.ppr_leader}" in content
    assert "Nyt journalnotat" not in content and "Luk sag" not in content
    # Who closed it is read only for a closed case: the open case's query joins 6 tables, not 7.
    assert len(case_page_queries(client, case)) == len(open_case_queries) + 1


# --- Starting a course from the case ------------------------------------------------------


def course_url(case) -> str:
    return reverse("indsatser:case-course-create", kwargs={"case_pk": case.pk})


@pytest.mark.parametrize("role", ["psychologist", "colleague", "ppr_leader"])
def test_course_runners_find_the_start_of_a_course_on_the_case_page(cast, client_as, case, role):
    client = client_as(getattr(cast, role))
    content = client.get(url(case)).content.decode()
    assert f'href="{course_url(case)}"' in content and ">Start forløb</a>" in content
    assert client.get(course_url(case)).status_code == 200


def test_the_secretary_sees_no_course_start_and_may_not_start_one(cast, client_as, case):
    client = client_as(cast.secretary)
    assert course_url(case) not in client.get(url(case)).content.decode()
    assert client.get(course_url(case)).status_code == 403


def test_a_closed_case_offers_no_course_start(cast, client_as, case):
    case.status, case.outcome, case.closed_by = CaseStatus.CLOSED, "flyttet", cast.ppr_leader
    case.closed_at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    case.save()
    assert course_url(case) not in client_as(cast.psychologist).get(url(case)).content.decode()


# --- Assignment ---------------------------------------------------------------------------


def assign_url(case) -> str:
    return reverse("cases:case-assign", kwargs={"pk": case.pk})


def test_the_leader_reassigns_a_case_and_it_is_audited(cast, client_as, case):
    response = client_as(cast.ppr_leader).post(assign_url(case), {"assignee": cast.outsider.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned == cast.outsider
    assert case.team == cast.team_oest
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(case.pk), actor=cast.ppr_leader
    ).exists()


def test_the_psychologist_may_not_assign(cast, client_as, case):
    assert (
        client_as(cast.psychologist)
        .post(assign_url(case), {"assignee": cast.colleague.pk})
        .status_code
        == 403
    )
    case.refresh_from_db()
    assert case.assigned == cast.psychologist


@pytest.mark.parametrize("assignee", ["", "secretary", "999999"])
def test_assigning_to_nobody_or_a_non_case_worker_is_refused_in_danish(
    cast, client_as, case, assignee
):
    value = getattr(cast, assignee).pk if assignee == "secretary" else assignee
    response = client_as(cast.ppr_leader).post(assign_url(case), {"assignee": value})
    assert response.status_code == 200
    assert "sagsbehandler" in response.content.decode()
    case.refresh_from_db()
    assert case.assigned == cast.psychologist


# --- Closing -------------------------------------------------------------------------------


def close_url(case) -> str:
    return reverse("cases:case-close", kwargs={"pk": case.pk})


def test_the_psychologist_closes_the_case_with_an_outcome(cast, client_as, case):
    response = client_as(cast.psychologist).post(
        close_url(case), {"outcome": "specialtilbud", "note": "Visiteret."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closing_note, case.closed_by) == (
        CaseStatus.CLOSED,
        "specialtilbud",
        "Visiteret.",
        cast.psychologist,
    )


def test_closing_without_an_outcome_shows_a_danish_error_and_saves_nothing(cast, client_as, case):
    response = client_as(cast.psychologist).post(close_url(case), {"outcome": "", "note": "x"})
    assert response.status_code == 200
    assert "Vælg sagens udfald." in response.content.decode()
    case.refresh_from_db()
    assert case.is_open


def test_a_double_submitted_close_keeps_the_first_outcome(cast, client_as, case):
    client = client_as(cast.psychologist)
    client.post(close_url(case), {"outcome": "flyttet"})
    second = client.post(close_url(case), {"outcome": "henvist_bup"})
    assert second.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "flyttet"


def test_the_secretary_may_not_close(cast, client_as, case):
    assert (
        client_as(cast.secretary).post(close_url(case), {"outcome": "flyttet"}).status_code == 403
    )


def test_the_case_page_shows_this_childs_ratings_only_and_finds_them_by_child(
    cast, client_as, case
):
    """Trend: all of this child's ratings; timeline: those on the case or its referral; never
    another child's. One rating query serves both, filtered on the child (the index), not via a
    team subquery."""
    referral = ReferralFactory(child=case.child, case=case, status="accepteret")
    RulerRatingFactory(child=case.child, case=case, rationale="På sagen.")
    RulerRatingFactory(child=case.child, referral=referral, rationale="På indstillingen.")
    earlier = CaseFactory(
        child=case.child, team=cast.team_vest, status=CaseStatus.CLOSED, outcome="flyttet"
    )
    RulerRatingFactory(child=case.child, case=earlier, rationale="På en tidligere sag.")
    other = make_case(cast, assigned=cast.psychologist)
    RulerRatingFactory(child=other.child, case=other, rationale="Et andet barn.")
    with CaptureQueriesContext(connection) as queries:
        response = client_as(cast.psychologist).get(url(case))
    assert response.status_code == 200
    assert len(response.context["ratings"]) == 3
    timeline = [
        item.obj.rationale for item in response.context["timeline"] if item.kind == "rating"
    ]
    assert sorted(timeline) == ["På indstillingen.", "På sagen."]
    content = response.content.decode()
    assert "På sagen." in content and "På indstillingen." in content
    assert "På en tidligere sag." in content  # in the trend's table
    assert "Et andet barn." not in content
    rating_sql = [
        q["sql"] for q in queries.captured_queries if 'FROM "cases_rulerrating"' in q["sql"]
    ]
    assert len(rating_sql) == 1
    assert f'"child_id" = {case.child_id}' in rating_sql[0]
