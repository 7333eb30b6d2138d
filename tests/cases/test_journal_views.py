"""Writing and correcting journal entries from the browser."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.journal.services import correct_journal_entry
from cases.models import CaseStatus, JournalEntry, JournalRevision
from tests.cases.case_fixtures import make_case
from tests.cases.factories import JournalEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return make_case(cast, assigned=cast.psychologist)


def create_url(case) -> str:
    return reverse("cases:journal-create", kwargs={"pk": case.pk})


def correct_url(entry) -> str:
    return reverse("cases:journal-correct", kwargs={"pk": entry.pk})


def correction(**fields):
    """A correction form as the page sends it: the entry's date (today, as the factory makes it)
    and title come along unless changed."""
    return {"occurred_on": date.today().isoformat(), "title": ""} | fields


def entry_data(**changes):
    return {
        "occurred_on": date.today().isoformat(),
        "kind": "samtale",
        "title": "Samtale med eleven",
        "text": "Eleven fortalte om frikvartererne.",
        "client_token": str(uuid.uuid4()),
    } | changes


def test_the_form_carries_a_fresh_idempotency_token(cast, client_as, case):
    response = client_as(cast.psychologist).get(create_url(case))
    assert response.status_code == 200
    assert 'name="client_token"' in response.content.decode()


def test_the_psychologist_writes_an_entry(cast, client_as, case):
    response = client_as(cast.psychologist).post(create_url(case), entry_data())
    entry = JournalEntry.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#journal-{entry.pk}")
    assert entry.author == cast.psychologist
    assert entry.title == "Samtale med eleven"


def test_a_double_submit_saves_one_entry(cast, client_as, case):
    client = client_as(cast.psychologist)
    data = entry_data()
    first = client.post(create_url(case), data)
    second = client.post(create_url(case), data)
    assert first.status_code == second.status_code == 302
    assert JournalEntry.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "Skriv notatets tekst."),
        ({"kind": ""}, "Vælg en type."),
        ({"kind": "sladder"}, "Vælg en type fra listen."),
        ({"occurred_on": ""}, "Angiv datoen."),
        ({"occurred_on": "32-13-2026"}, "Skriv en gyldig dato."),
        (
            {"occurred_on": (date.today() + timedelta(days=1)).isoformat()},
            "Datoen kan ikke ligge i fremtiden.",
        ),
        ({"title": "x" * 201}, "Overskriften må højst være 200 tegn."),
        ({"occurred_on": "0001-01-01"}, "Datoen 01.01.0001 ligger mere end 25 år tilbage."),
        ({"occurred_on": "2009-06-01"}, "ligger før barnets fødsel"),
    ],
)
def test_bad_input_gives_a_danish_message_and_saves_nothing(
    cast, client_as, case, changes, message
):
    response = client_as(cast.psychologist).post(create_url(case), entry_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_the_secretary_may_not_write_in_the_journal(cast, client_as, case):
    assert client_as(cast.secretary).post(create_url(case), entry_data()).status_code == 403
    assert not JournalEntry.objects.exists()


def test_the_outsider_gets_404(cast, client_as, case):
    assert client_as(cast.outsider).post(create_url(case), entry_data()).status_code == 404


def test_a_closed_case_takes_no_entry(cast, client_as, case):
    case.status, case.outcome = CaseStatus.CLOSED, "flyttet"
    case.save()
    assert client_as(cast.psychologist).post(create_url(case), entry_data()).status_code == 403
    assert not JournalEntry.objects.exists()


# --- Corrections ---------------------------------------------------------------------------


def test_a_correction_keeps_the_original_and_shows_it_as_corrected(cast, client_as, case):
    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Mor deltog.")
    client = client_as(cast.colleague)
    form = client.get(correct_url(entry))
    assert 'name="version" value="1"' in form.content.decode()
    response = client.post(
        correct_url(entry), correction(text="Far deltog.", reason="Forkert forælder", version=1)
    )
    assert response.status_code == 302
    # Back on the whole course, at the note: an older note may be past the newest the page shows.
    assert response["Location"] == (f"{case.get_absolute_url()}?forloeb=alle#journal-{entry.pk}")
    page = client.get(reverse("cases:case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "Far deltog." in page
    assert "Rettet" in page
    assert "Mor deltog." in page  # the original, under "Vis rettelser"
    assert "Forkert forælder" in page and str(cast.colleague) in page


def test_a_stale_correction_shows_the_current_text_and_overwrites_nothing(cast, client_as, case):
    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Original.")
    correct_journal_entry(
        entry=entry,
        by=cast.colleague,
        expected_version=1,
        text="Kollegaens tekst.",
        reason="Præcisering",
    )
    response = client_as(cast.psychologist).post(
        correct_url(entry), correction(text="Min tekst.", reason="Stavefejl", version=1)
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Notatet er blevet rettet af" in content and str(cast.colleague) in content
    assert "Kollegaens tekst." in content  # the current text is shown
    assert "Min tekst." in content  # and the user's own text is kept in the form
    assert 'name="version" value="2"' in content
    entry.refresh_from_db()
    assert entry.text == "Kollegaens tekst."
    assert JournalRevision.objects.filter(entry=entry).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (correction(text="Ny.", reason="", version=1), "Skriv hvorfor notatet rettes."),
        (correction(text="", reason="x", version=1), "Skriv notatets tekst."),
        (correction(text="Original.", reason="x", version=1), "Notatet er uændret"),
        (correction(text="Ny.", reason="x"), "Formularen er udløbet."),
        (correction(text="Ny.", reason="x", version=1, occurred_on="0001-01-01"), "Tjek årstallet"),
        (correction(text="Ny.", reason="x", version=1, occurred_on=""), "Angiv datoen."),
    ],
)
def test_bad_corrections_give_danish_messages_and_change_nothing(
    cast, client_as, case, data, message
):
    entry = JournalEntryFactory(case=case, author=cast.psychologist, text="Original.")
    response = client_as(cast.psychologist).post(correct_url(entry), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    entry.refresh_from_db()
    assert (entry.text, entry.version) == ("Original.", 1)


def test_the_secretary_cannot_open_a_journal_entry(cast, client_as, case):
    entry = JournalEntryFactory(case=case, author=cast.psychologist)
    assert client_as(cast.secretary).get(correct_url(entry)).status_code == 404


def test_entries_of_a_closed_case_cannot_be_corrected(cast, client_as, case):
    entry = JournalEntryFactory(case=case, author=cast.psychologist)
    case.status, case.outcome = CaseStatus.CLOSED, "flyttet"
    case.save()
    assert client_as(cast.psychologist).get(correct_url(entry)).status_code == 403


def test_a_correction_can_change_the_date_and_title_and_keeps_the_earlier_ones(
    cast, client_as, case
):
    entry = JournalEntryFactory(
        case=case, author=cast.psychologist, title="Samtale", text="Samtale med mor."
    )
    earlier = date.today() - timedelta(days=7)
    client = client_as(cast.colleague)
    page = client.get(correct_url(entry)).content.decode()
    assert 'name="occurred_on"' in page and 'name="title"' in page
    response = client.post(
        correct_url(entry),
        correction(
            occurred_on=earlier.isoformat(),
            title="Samtale med mor og far",
            text="Samtale med mor.",
            reason="Forkert dato for samtalen",
            version=1,
        ),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.occurred_on, entry.title, entry.version) == (
        earlier,
        "Samtale med mor og far",
        2,
    )
    revision = entry.revisions.get()
    assert (revision.occurred_on, revision.title, revision.text) == (
        date.today(),
        "Samtale",
        "Samtale med mor.",
    )
    case_page = client.get(reverse("cases:case-detail", kwargs={"pk": case.pk})).content.decode()
    assert f"Dato {date.today():%d.%m.%Y}: Samtale</p>" in case_page
    assert "Forkert dato for samtalen" in case_page
