"""Mine frister, the PPR leader's overview, reassignment, settings, notifications and the bell."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from ppr.audit.models import AuditAction, AuditEvent
from ppr.deadlines.models import (
    Deadline,
    DeadlineKind,
    DeadlineState,
    Notification,
    Reminder,
    ReminderKind,
    ReminderState,
)
from ppr.organisation.models import Municipality
from tests.conftest import SESSION_QUERIES

from .factories import deadline, subject

pytestmark = pytest.mark.django_db

LIST_URL = reverse("deadlines:deadline-list")
OVERVIEW_URL = reverse("deadlines:deadline-overview")
SETTINGS_URL = reverse("deadlines:deadline-settings")
NOTIFICATIONS_URL = reverse("deadlines:notification-list")
COUNT_URL = reverse("deadlines:notification-count")
WEDNESDAY = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def on_wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def reassign_url(item: Deadline) -> str:
    return reverse("deadlines:deadline-reassign", kwargs={"pk": item.pk})


def html(response) -> str:
    return response.content.decode()


# --- Mine frister ------------------------------------------------------------------------


def test_my_deadlines_show_only_mine_with_the_overdue_ones_first_and_marked(
    client_as, cast
) -> None:
    deadline(responsible=cast.psychologist, due=date(2026, 4, 20), title="Senere opgave")
    deadline(responsible=cast.psychologist, due=date(2026, 3, 20), title="Glemt opgave")
    deadline(
        responsible=cast.psychologist, due=date(2026, 4, 7), title="Snart opgave", link="/sager/5/"
    )
    deadline(responsible=cast.colleague, due=date(2026, 4, 7), title="Kollegas opgave")
    deadline(
        responsible=cast.psychologist,
        due=date(2026, 3, 1),
        title="Klaret opgave",
        state=DeadlineState.MET,
    )
    page = html(client_as(cast.psychologist).get(LIST_URL))
    assert page.index("Glemt opgave") < page.index("Snart opgave") < page.index("Senere opgave")
    assert "Kollegas opgave" not in page and "Klaret opgave" not in page
    assert 'class="ppr-overdue' in page and "Overskredet" in page
    assert 'href="/sager/5/"' in page


def test_my_deadlines_can_show_the_met_ones_and_filter_by_kind(client_as, cast) -> None:
    deadline(
        responsible=cast.psychologist,
        due=date(2026, 3, 1),
        title="Klaret PPV",
        state=DeadlineState.MET,
        kind=DeadlineKind.PPV,
    )
    deadline(
        responsible=cast.psychologist, due=date(2026, 4, 7), title="Åben PPV", kind=DeadlineKind.PPV
    )
    deadline(
        responsible=cast.psychologist,
        due=date(2026, 4, 7),
        title="Åbent notat",
        kind=DeadlineKind.NOTAT,
    )
    client = client_as(cast.psychologist)
    met = html(client.get(LIST_URL, {"status": "met"}))
    assert "Klaret PPV" in met and "Åben PPV" not in met
    ppv = html(client.get(LIST_URL, {"type": "ppv"}))
    assert "Åben PPV" in ppv and "Åbent notat" not in ppv


def test_an_unknown_filter_value_gives_a_danish_error_and_no_rows(client_as, cast) -> None:
    deadline(responsible=cast.psychologist, title="Min opgave")
    page = html(client_as(cast.psychologist).get(LIST_URL, {"status": "nonsens"}))
    assert "Marker en gyldig valgmulighed." in page
    assert "Min opgave" not in page


def test_the_secretary_shares_the_unassigned_deadlines(client_as, cast) -> None:
    deadline(responsible=None, title="Kvittér for indstilling nr. 4")
    assert "Kvittér for indstilling nr. 4" in html(client_as(cast.secretary).get(LIST_URL))
    assert "Kvittér for indstilling nr. 4" not in html(client_as(cast.psychologist).get(LIST_URL))


def test_htmx_filtering_returns_only_the_results_fragment(client_as, cast) -> None:
    deadline(responsible=cast.psychologist, title="Min opgave")
    response = client_as(cast.psychologist).get(LIST_URL, headers={"HX-Request": "true"})
    assert html(response).lstrip().startswith('<section id="deadline-results"')


def test_my_deadlines_are_paged(client_as, cast) -> None:
    for n in range(30):
        deadline(
            responsible=cast.psychologist,
            due=date(2026, 4, 7) + timedelta(days=n),
            title=f"Opgave {n:02d}",
        )
    client = client_as(cast.psychologist)
    first, second = html(client.get(LIST_URL)), html(client.get(LIST_URL, {"page": 2}))
    assert "Opgave 00" in first and "Opgave 29" not in first
    assert "Opgave 29" in second


def test_my_deadlines_page_runs_a_fixed_number_of_queries(
    client_as, cast, django_assert_num_queries
) -> None:
    for n in range(30):
        deadline(responsible=cast.psychologist, due=date(2026, 3, 1) + timedelta(days=n))
    client = client_as(cast.psychologist)
    client.get(LIST_URL)
    with django_assert_num_queries(4 + SESSION_QUERIES):
        assert client.get(LIST_URL).status_code == 200


# --- The PPR leader's overview -----------------------------------------------------------


def test_the_ppr_leader_sees_everyones_deadlines_and_filters_by_person_kind_and_district(
    client_as, cast
) -> None:
    vest = subject()
    vest.district = cast.vest
    vest.save()
    deadline(responsible=cast.psychologist, title="Psykologens PPV", kind=DeadlineKind.PPV, on=vest)
    deadline(responsible=cast.outsider, title="Østs notat", kind=DeadlineKind.NOTAT)
    deadline(responsible=None, title="Ufordelt kvittering", kind=DeadlineKind.KVITTERING)
    client = client_as(cast.ppr_leader)
    everything = html(client.get(OVERVIEW_URL))
    assert all(t in everything for t in ("Psykologens PPV", "Østs notat", "Ufordelt kvittering"))
    by_person = html(client.get(OVERVIEW_URL, {"ansvarlig": cast.outsider.pk}))
    assert "Østs notat" in by_person and "Psykologens PPV" not in by_person
    unassigned = html(client.get(OVERVIEW_URL, {"ansvarlig": "null"}))
    assert "Ufordelt kvittering" in unassigned and "Østs notat" not in unassigned
    by_kind = html(client.get(OVERVIEW_URL, {"type": "ppv"}))
    assert "Psykologens PPV" in by_kind and "Østs notat" not in by_kind
    by_district = html(client.get(OVERVIEW_URL, {"distrikt": cast.vest.pk}))
    assert "Psykologens PPV" in by_district and "Ufordelt kvittering" not in by_district


def test_the_overview_highlights_overdue_deadlines_and_failed_reminder_emails(
    client_as, cast
) -> None:
    late = deadline(responsible=cast.psychologist, due=date(2026, 3, 25), title="Forsinket PPV")
    Reminder.objects.create(
        deadline=late, kind=ReminderKind.OVERDUE, state=ReminderState.FAILED, attempts=5
    )
    page = html(client_as(cast.ppr_leader).get(OVERVIEW_URL))
    assert 'class="ppr-overdue' in page
    assert "E-mail fejlede" in page
    assert "1 påmindelse kunne ikke sendes som e-mail" in page
    failed = html(client_as(cast.ppr_leader).get(reverse("deadlines:failed-reminder-list")))
    assert "Forsinket PPV" in failed and "Frist overskredet" in failed


def test_the_overview_runs_a_fixed_number_of_queries(
    client_as, cast, django_assert_num_queries
) -> None:
    people = [cast.psychologist, cast.colleague, cast.outsider, None]
    for n in range(40):
        deadline(responsible=people[n % 4], due=date(2026, 3, 1) + timedelta(days=n))
    client = client_as(cast.ppr_leader)
    client.get(OVERVIEW_URL)
    with django_assert_num_queries(7 + SESSION_QUERIES):
        assert client.get(OVERVIEW_URL).status_code == 200


def test_only_the_ppr_leader_sees_the_overview(client_as, cast) -> None:
    for user in (cast.psychologist, cast.secretary, cast.administrator):
        assert client_as(user).get(OVERVIEW_URL).status_code == 403


# --- Reassignment ------------------------------------------------------------------------


def test_the_ppr_leader_reassigns_a_deadline(client_as, cast) -> None:
    item = deadline(responsible=cast.psychologist, title="Skriv PPV")
    client = client_as(cast.ppr_leader)
    form = html(client.get(reassign_url(item)))
    assert "Skriv PPV" in form and '<label class="form-label" for="id_responsible">' in form
    response = client.post(reassign_url(item), {"responsible": cast.colleague.pk})
    assert response.status_code == 302
    assert Deadline.objects.get(pk=item.pk).responsible == cast.colleague
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="deadlines.Deadline", actor=cast.ppr_leader
    ).exists()
    assert Notification.objects.filter(recipient=cast.colleague).exists()


def test_reassigning_to_a_person_without_access_is_refused_in_danish_and_nothing_changes(
    client_as, cast, monkeypatch
) -> None:
    item = deadline(responsible=cast.psychologist)
    monkeypatch.setattr(
        type(item.subject), "can_be_handled_by", lambda self, user: False, raising=False
    )
    response = client_as(cast.ppr_leader).post(
        reassign_url(item), {"responsible": cast.outsider.pk}
    )
    assert response.status_code == 400
    assert "har ikke adgang" in html(response)
    assert Deadline.objects.get(pk=item.pk).responsible == cast.psychologist


def test_reassigning_to_someone_outside_ppr_is_not_offered(client_as, cast) -> None:
    item = deadline(responsible=cast.psychologist)
    response = client_as(cast.ppr_leader).post(reassign_url(item), {"responsible": cast.teacher.pk})
    assert response.status_code == 400
    assert "Vælg en aktiv medarbejder i PPR." in html(response)
    assert Deadline.objects.get(pk=item.pk).responsible == cast.psychologist


def test_reassigning_without_a_choice_asks_for_one(client_as, cast) -> None:
    item = deadline(responsible=cast.psychologist)
    response = client_as(cast.ppr_leader).post(reassign_url(item), {})
    assert "Vælg den medarbejder, der skal overtage fristen." in html(response)


def test_a_responsible_psychologist_may_not_reassign_and_an_outsider_does_not_see_the_deadline(
    client_as, cast
) -> None:
    item = deadline(responsible=cast.psychologist)
    assert (
        client_as(cast.psychologist)
        .post(reassign_url(item), {"responsible": cast.colleague.pk})
        .status_code
        == 403
    )
    assert (
        client_as(cast.outsider)
        .post(reassign_url(item), {"responsible": cast.outsider.pk})
        .status_code
        == 404
    )
    assert Deadline.objects.get(pk=item.pk).responsible == cast.psychologist


def test_a_closed_deadline_cannot_be_reassigned(client_as, cast) -> None:
    item = deadline(responsible=cast.psychologist, state=DeadlineState.CANCELLED)
    response = client_as(cast.ppr_leader).post(
        reassign_url(item), {"responsible": cast.colleague.pk}
    )
    assert response.status_code == 400
    assert "Fristen er lukket" in html(response)


# --- Settings ----------------------------------------------------------------------------


def test_the_ppr_leader_edits_the_default_deadlines_audited(client_as, cast) -> None:
    data = {
        "receipt_working_days": 2,
        "visitation_working_days": 15,
        "ppv_service_weeks": 6,
        "notat_working_days": 4,
        "reminder_lead_working_days": 3,
    }
    response = client_as(cast.ppr_leader).post(SETTINGS_URL, data)
    assert response.status_code == 302
    municipality = Municipality.current()
    assert (
        municipality.receipt_working_days,
        municipality.ppv_service_weeks,
        municipality.reminder_lead_working_days,
    ) == (2, 6, 3)
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="organisation.Municipality", actor=cast.ppr_leader
    ).exists()


def test_impossible_default_deadlines_are_refused_in_danish_and_nothing_is_saved(
    client_as, cast
) -> None:
    data = {
        "receipt_working_days": 0,
        "visitation_working_days": "ti",
        "ppv_service_weeks": 8,
        "notat_working_days": 5,
        "reminder_lead_working_days": 2,
    }
    response = client_as(cast.ppr_leader).post(SETTINGS_URL, data)
    assert response.status_code == 400
    page = html(response)
    assert "Skriv et helt tal." in page
    assert "Denne værdi skal være større end eller lig 1." in page
    assert Municipality.current().receipt_working_days == 3


# --- Notifications and the bell ----------------------------------------------------------


def test_the_bell_counts_unread_notifications_without_keeping_the_session_alive(
    client_as, cast
) -> None:
    for n in range(3):
        Notification.objects.create(recipient=cast.psychologist, message=f"Besked {n}")
    Notification.objects.create(recipient=cast.colleague, message="Ikke min")
    client = client_as(cast.psychologist)
    response = client.get(COUNT_URL, headers={"X-PPR-Poll": "1", "HX-Request": "true"})
    assert response.status_code == 200
    assert '3<span class="sr-only"> ulæste</span>' in html(response)
    assert response["Cache-Control"] == "no-store, private"


def test_the_bell_polls_every_minute_as_a_poll(client_as, cast) -> None:
    page = html(client_as(cast.psychologist).get(LIST_URL))
    assert 'hx-trigger="load, every 60s"' in page
    assert 'hx-headers=\'{"X-PPR-Poll": "1"}\'' in page
    assert f'href="{NOTIFICATIONS_URL}"' in page


def test_the_bell_shows_nothing_when_all_is_read(client_as, cast) -> None:
    assert html(client_as(cast.psychologist).get(COUNT_URL)).strip() == ""


# --- Start page --------------------------------------------------------------------------


def test_the_start_page_shows_my_open_deadlines_overdue_marked_and_the_unread_count(
    client_as, cast
) -> None:
    deadline(responsible=cast.psychologist, due=date(2026, 3, 30), title="Forsinket notat")
    deadline(responsible=cast.psychologist, due=date(2026, 4, 8), title="Kommende PPV")
    Notification.objects.create(recipient=cast.psychologist, message="Besked")
    page = html(client_as(cast.psychologist).get(reverse("home")))
    assert "Forsinket notat" in page and "Kommende PPV" in page
    assert page.index("Forsinket notat") < page.index("Kommende PPV")
    assert '<li class="ppr-overdue">' in page
    assert "1 ulæst notifikation" in page


def test_the_start_page_tells_the_ppr_leader_about_failed_reminder_emails(client_as, cast) -> None:
    item = deadline(responsible=cast.psychologist)
    Reminder.objects.create(deadline=item, kind=ReminderKind.NEAR, state=ReminderState.FAILED)
    assert "1 påmindelse kunne ikke sendes som e-mail" in html(
        client_as(cast.ppr_leader).get(reverse("home"))
    )
    assert "kunne ikke sendes" not in html(client_as(cast.psychologist).get(reverse("home")))


def test_the_nav_offers_mine_frister_to_everyone_and_alle_frister_to_the_leader(
    client_as, cast
) -> None:
    assert "Alle frister" in html(client_as(cast.ppr_leader).get(reverse("home")))
    page = html(client_as(cast.teacher).get(reverse("home")))
    assert "Mine frister" in page and "Alle frister" not in page
