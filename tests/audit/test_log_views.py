"""The PPR leader searches the audit log; the family gets the child's log without employee names."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ppr.audit.models import AuditAction, AuditEvent
from ppr.audit.services import child_access_rows, record
from tests.cases.factories import ChildFactory
from tests.conftest import SESSION_QUERIES

LOG_URL = reverse("audit:event-list")


def export_url(child_id: int) -> str:
    return reverse("audit:child-export", kwargs={"child_id": child_id})


@pytest.fixture
def events(cast):
    """A few reads of two children by two employees, and one login."""
    record(None, AuditAction.VIEW, user=cast.psychologist, child_id=7, purpose="sagsbehandling")
    record(None, AuditAction.PRINT, user=cast.psychologist, child_id=7, purpose="udskrift af PPV")
    record(None, AuditAction.VIEW, user=cast.school_leader, child_id=8, purpose="indstilling")
    record(None, AuditAction.LOGIN, user=cast.teacher, purpose="login")
    return cast


@pytest.fixture
def child(cast):
    """A registered child whose log the family asks for."""
    return ChildFactory(institution=cast.school)


@pytest.fixture
def child_events(cast, child):
    """Two reads of the child and one of another child."""
    other = ChildFactory(institution=cast.school)
    record(
        None, AuditAction.VIEW, user=cast.psychologist, child_id=child.pk, purpose="sagsbehandling"
    )
    record(
        None,
        AuditAction.PRINT,
        user=cast.psychologist,
        child_id=child.pk,
        purpose="udskrift af PPV",
    )
    record(
        None, AuditAction.VIEW, user=cast.school_leader, child_id=other.pk, purpose="indstilling"
    )
    return cast


def rows(response) -> str:
    """The page's main content (the navigation has words like "indstilling" too)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_ppr_leader_sees_the_whole_log(client_as, events) -> None:
    response = client_as(events.ppr_leader).get(LOG_URL)
    assert response.status_code == 200
    html = rows(response)
    assert str(events.psychologist) in html and str(events.school_leader) in html
    assert "udskrift af PPV" in html


def test_log_can_be_searched_by_user(client_as, events) -> None:
    html = rows(client_as(events.ppr_leader).get(LOG_URL, {"bruger": events.school_leader.pk}))
    assert "indstilling" in html
    assert "sagsbehandling" not in html


def test_log_can_be_searched_by_child_and_action(client_as, events) -> None:
    response = client_as(events.ppr_leader).get(LOG_URL, {"barn": 7, "handling": "print"})
    html = rows(response)
    assert "udskrift af PPV" in html
    assert "sagsbehandling" not in html and "indstilling" not in html
    assert export_url(7) in html, "a search for one child offers the family's export"


def test_log_can_be_searched_by_period(client_as, cast) -> None:
    with time_machine.travel("2026-01-10 12:00 +0100"):
        record(None, AuditAction.VIEW, user=cast.psychologist, child_id=1, purpose="januar-læsning")
    with time_machine.travel("2026-03-10 12:00 +0100"):
        record(None, AuditAction.VIEW, user=cast.psychologist, child_id=1, purpose="marts-læsning")
        html = rows(
            client_as(cast.ppr_leader).get(LOG_URL, {"fra": "2026-03-01", "til": "2026-03-31"})
        )
    assert "marts-læsning" in html
    assert "januar-læsning" not in html


def test_searching_the_log_is_itself_logged_once_with_the_criteria(client_as, events) -> None:
    client = client_as(events.ppr_leader)
    before = AuditEvent.objects.count()
    client.get(LOG_URL, {"barn": 7, "handling": "view"})
    assert AuditEvent.objects.count() == before + 1
    search = AuditEvent.objects.latest("id")
    assert search.actor == events.ppr_leader
    assert search.action == AuditAction.SEARCH
    assert search.child_id == 7
    assert "barn=7" in search.term and "handling=view" in search.term


def test_an_invalid_date_gives_a_danish_error_and_no_rows(client_as, events) -> None:
    response = client_as(events.ppr_leader).get(LOG_URL, {"fra": "i går"})
    html = rows(response)
    assert response.status_code == 200
    assert "Indtast en gyldig dato" in html
    assert "sagsbehandling" not in html


def test_a_period_that_ends_before_it_starts_is_refused(client_as, events) -> None:
    html = rows(
        client_as(events.ppr_leader).get(LOG_URL, {"fra": "2026-03-10", "til": "2026-03-01"})
    )
    assert "Til-datoen skal være samme dag som eller efter fra-datoen." in html
    assert "sagsbehandling" not in html


def test_htmx_search_returns_only_the_results_fragment(client_as, events) -> None:
    response = client_as(events.ppr_leader).get(
        LOG_URL, {"barn": 8}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="audit-results"')
    assert "<html" not in html and "indstilling" in html


def test_the_log_is_paged_25_rows_at_a_time(client_as, cast) -> None:
    for n in range(30):
        record(
            None, AuditAction.VIEW, user=cast.psychologist, child_id=3, purpose=f"læsning-{n:02d}"
        )
    client = client_as(cast.ppr_leader)
    first = rows(client.get(LOG_URL, {"barn": 3}))
    second = rows(client.get(LOG_URL, {"barn": 3, "page": 2}))
    assert "læsning-29" in first and "læsning-00" not in first
    assert "læsning-00" in second and "læsning-29" not in second
    assert 'aria-label="Sider"' in first


def test_the_log_page_runs_a_fixed_number_of_queries(
    client_as, cast, django_assert_num_queries
) -> None:
    for n in range(40):
        record(None, AuditAction.VIEW, user=cast.psychologist, child_id=n, purpose="sagsbehandling")
    client = client_as(cast.ppr_leader)
    client.get(LOG_URL)  # warm the session
    with django_assert_num_queries(5 + SESSION_QUERIES):
        assert client.get(LOG_URL).status_code == 200


@pytest.mark.parametrize("role", ["psychologist", "secretary", "school_leader", "administrator"])
def test_only_the_ppr_leader_may_read_the_log(client_as, events, role) -> None:
    client = client_as(getattr(events, role))
    before = AuditEvent.objects.count()
    assert client.get(LOG_URL).status_code == 403
    assert client.get(export_url(ChildFactory(institution=events.school).pk)).status_code == 403
    assert AuditEvent.objects.count() == before


def test_anonymous_is_sent_to_login(client, db) -> None:
    response = client.get(LOG_URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_nav_links_to_the_log_for_the_leader_only(client_as, cast) -> None:
    assert LOG_URL in client_as(cast.ppr_leader).get(reverse("home")).text
    assert LOG_URL not in client_as(cast.psychologist).get(reverse("home")).text
    assert LOG_URL not in client_as(cast.administrator).get(reverse("home")).text


def parse_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_child_export_lists_dates_purposes_and_actions_of_that_child_only(
    client_as, child_events, child
) -> None:
    response = client_as(child_events.ppr_leader).get(export_url(child.pk))
    assert response.status_code == 200
    table = parse_csv(response)
    assert table[0] == ["Tidspunkt", "Handling", "Formål", "Oplysning"]
    assert [row[1:3] for row in table[1:]] == [
        ["Læst", "sagsbehandling"],
        ["Udskrift/download", "udskrift af PPV"],
    ]
    assert "indstilling" not in response.content.decode()


def test_child_export_names_no_employee(client_as, child_events, child) -> None:
    response = client_as(child_events.ppr_leader).get(export_url(child.pk))
    text = response.content.decode("utf-8-sig")
    psychologist = child_events.psychologist
    for identifying in (
        psychologist.first_name,
        psychologist.last_name,
        psychologist.email,
        "PPR-psykolog",
    ):
        assert identifying not in text


def test_child_export_is_a_download_that_is_not_sniffed_or_cached(
    client_as, child_events, child
) -> None:
    response = client_as(child_events.ppr_leader).get(export_url(child.pk))
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"] == f'attachment; filename="adgangslog-barn-{child.pk}.csv"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_child_export_is_logged_once_as_an_export(client_as, child_events, child) -> None:
    client = client_as(child_events.ppr_leader)
    before = AuditEvent.objects.count()
    client.get(export_url(child.pk))
    assert AuditEvent.objects.count() == before + 1
    export = AuditEvent.objects.latest("id")
    assert (export.action, export.child_id, export.actor) == (
        AuditAction.EXPORT,
        child.pk,
        child_events.ppr_leader,
    )


def test_child_export_defuses_spreadsheet_formulas(client_as, cast, child) -> None:
    record(
        None, AuditAction.VIEW, user=cast.psychologist, child_id=child.pk, purpose='=HYPERLINK("x")'
    )
    table = parse_csv(client_as(cast.ppr_leader).get(export_url(child.pk)))
    assert table[1][2] == '\'=HYPERLINK("x")'


def test_child_export_shows_local_danish_time(client_as, cast, child) -> None:
    with time_machine.travel("2026-06-01 08:30 +0000"):
        record(
            None,
            AuditAction.VIEW,
            user=cast.psychologist,
            child_id=child.pk,
            purpose="sagsbehandling",
        )
    table = parse_csv(client_as(cast.ppr_leader).get(export_url(child.pk)))
    assert table[1][0] == "01.06.2026 10:30"


def test_child_export_of_a_child_without_log_rows_is_just_the_header(
    client_as, cast, child
) -> None:
    assert parse_csv(client_as(cast.ppr_leader).get(export_url(child.pk))) == [
        ["Tidspunkt", "Handling", "Formål", "Oplysning"]
    ]


def test_child_export_of_an_unknown_child_is_404_and_logs_nothing(client_as, cast, child) -> None:
    record(None, AuditAction.VIEW, user=cast.psychologist, child_id=child.pk + 1000)
    client = client_as(cast.ppr_leader)
    before = AuditEvent.objects.count()
    for unknown in (child.pk + 1000, 987654, 2**63 - 1):
        assert client.get(export_url(unknown)).status_code == 404
    assert AuditEvent.objects.count() == before


def test_child_export_includes_rows_from_months_ago_inside_the_retention(cast) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=100)):
        record(None, AuditAction.VIEW, user=cast.psychologist, child_id=5, purpose="gammel læsning")
    assert [row[2] for row in child_access_rows(child_id=5)] == ["gammel læsning"]


def test_the_log_names_records_as_people_do_without_cpr(
    client_as, cast, django_assert_num_queries
) -> None:
    from ppr.accounts.models import User
    from tests.cases.case_fixtures import make_case
    from tests.cases.ppv_fixtures import draft, ppv_case

    case = make_case(cast, assigned=cast.psychologist)
    record(None, AuditAction.VIEW, obj=case, user=cast.psychologist, purpose="sagsbehandling")
    record(None, AuditAction.VIEW, obj=case.child, user=cast.psychologist, purpose="sagsbehandling")
    record(None, AuditAction.UPDATE, obj=cast.colleague, user=cast.ppr_leader, purpose="admin")
    ppv = draft(cast, ppv_case(cast))
    record(None, AuditAction.VIEW, obj=ppv, user=cast.psychologist, purpose="sagsbehandling")
    AuditEvent.objects.create(action=AuditAction.VIEW, object_type="cases.Case", object_id="999999")
    client = client_as(cast.ppr_leader)
    page = client.get(LOG_URL).content.decode()
    assert f"Sag {case.reference}" in page
    assert f"Barn #{case.child.pk}" in page and f"Bruger #{cast.colleague.pk}" in page
    assert f"PPV version {ppv.number}, sag {ppv.case.reference}" in page
    assert "Sag #999999" in page  # a record gone since is named by its kind
    assert "cases.Case #" not in page and "cases.Child" not in page
    assert case.child.cpr not in page and User._meta.label not in page
    for n in range(30):
        record(None, AuditAction.VIEW, obj=case, user=cast.psychologist, purpose=f"læsning-{n}")
    with django_assert_num_queries(6 + SESSION_QUERIES):
        assert client.get(LOG_URL).status_code == 200
