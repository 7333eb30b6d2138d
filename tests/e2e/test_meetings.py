"""A koordineringskonference in the browser: staff put opgaver on the agenda (named only with
consent), PPR decides them in the room over htmx without a reload, writes the notat and
finalises it; the notat lands in the child's case journal."""

from datetime import timedelta
from typing import Any

from playwright.sync_api import Page, expect

from cases.models import JournalEntry
from meetings.models import AgendaItem, Note, NoteStatus
from ppr.deadlines import calendar
from tests.cases.factories import CaseFactory, ChildFactory
from tests.meetings.factories import ConferenceFactory, SeriesFactory, forum, give_meeting_consent

from . import helpers
from .helpers import csp_errors, log_out, serious_violations


def log_in(page: Page, site: str, email: str) -> None:
    helpers.log_in(page, site, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")


def test_a_koordineringskonference_from_agenda_to_final_notat(
    page: Page, site: str, cast: Any
) -> None:
    forum("sparring_ppr")
    series = SeriesFactory(
        institution=cast.school,
        created_by=cast.school_leader,
        standing=[cast.psychologist, cast.social_worker, cast.school_leader],
    )
    meeting = ConferenceFactory(
        series=series,
        created_by=cast.school_leader,
        participants=[cast.psychologist, cast.social_worker, cast.school_leader],
    )
    child = ChildFactory(institution=cast.school, first_name="Alma", last_name="Eksempel")
    case = CaseFactory(child=child, assigned=cast.psychologist)
    give_meeting_consent(child, series.name, recorded_by=cast.school_leader)
    without_consent = ChildFactory(
        institution=cast.school, first_name="Bo", last_name="Udensamtykke"
    )
    csp = csp_errors(page)

    # The teacher puts three opgaver on the agenda; naming a child without consent is refused.
    log_in(page, site, cast.teacher.email)
    page.goto(f"{site}{meeting.get_absolute_url()}")
    page.get_by_label("Opgave (kort)").fill("Fravær og mavepine")
    page.get_by_label("Barn", exact=True).select_option(label=without_consent.name)
    page.get_by_role("button", name="Sæt på dagsordenen").click()
    expect(page.get_by_role("alert")).to_contain_text("Formularen er ikke udfyldt korrekt")
    expect(page.locator(".form-error-message")).to_contain_text(
        "Uden samtykke skal opgaven være anonym"
    )
    page.get_by_label("Barn", exact=True).select_option(label=child.name)
    page.get_by_role("button", name="Sæt på dagsordenen").click()
    page.get_by_label("Opgave (kort)").fill("Uro i frikvartererne")
    page.get_by_label("Anonym beskrivelse").fill("gruppe, 3. klasse")
    page.get_by_role("button", name="Sæt på dagsordenen").click()
    expect(page.get_by_role("heading", name="Punkt 2: Uro i frikvartererne")).to_be_visible()
    assert serious_violations(page) == []
    log_out(page)

    # In the room the psychologist decides item by item; the page is not reloaded.
    log_in(page, site, cast.psychologist.email)
    page.goto(f"{site}{meeting.get_absolute_url()}")
    page.evaluate("window.__notReloaded = true")
    named = AgendaItem.objects.get(child=child)
    item = page.locator(f"#punkt-{named.pk}")
    item.get_by_label("Igangsæt en indsats").check()
    item.get_by_label("Ansvarlig").select_option(
        label=f"{cast.psychologist} ({cast.psychologist.title})"
    )
    item.get_by_label("Opfølgning senest").fill((calendar.today() + timedelta(days=14)).isoformat())
    item.get_by_role("button", name="Gem beslutning").click()
    expect(page.locator(f"#punkt-{named.pk} .ppr-decision")).to_contain_text(
        "Beslutning: Igangsæt en indsats"
    )
    anonymous = AgendaItem.objects.get(child__isnull=True)
    other = page.locator(f"#punkt-{anonymous.pk}")
    other.get_by_label("Henvis til et forum i supportmodellen").check()
    other.get_by_role("button", name="Gem beslutning").click()
    expect(page.locator(f"#punkt-{anonymous.pk}")).to_contain_text(
        "Vælg det forum, opgaven henvises til."
    )
    other = page.locator(f"#punkt-{anonymous.pk}")
    other.get_by_label("Afslut").check()
    other.get_by_role("button", name="Gem beslutning").click()
    expect(page.locator(f"#punkt-{anonymous.pk} .ppr-decision")).to_contain_text(
        "Beslutning: Afslut"
    )
    assert page.evaluate("window.__notReloaded") is True
    assert serious_violations(page) == []

    # The notat: written, saved as a draft, finalised; it is filed on the child's case.
    page.get_by_role("button", name="Skriv notat fra mødet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notat:")
    expect(page.get_by_label("Beslutninger og aftaler")).to_have_value(
        f"1. Fravær og mavepine ({child.name}): Igangsæt en indsats. Ansvarlig: {cast.psychologist}, opfølgning senest "
        f"{calendar.today() + timedelta(days=14):%d.%m.%Y}.\n2. Uro i frikvartererne (Anonym: gruppe, 3. klasse): Afslut."
    )
    page.get_by_label("Notat", exact=True).fill(
        "Skolen og PPR aftalte observation og en samtale med forældrene."
    )
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_role("status").first).to_contain_text("Notatet er gemt som kladde.")
    # The meeting lies ahead: making the notat final before it is held needs a confirmation.
    page.get_by_label("Mødet er ikke holdt endnu. Gør notatet endeligt alligevel.").check()
    page.get_by_role("button", name="Gør endeligt og send").click()
    expect(page.locator("#messages")).to_contain_text("Notatet er endeligt")
    assert Note.objects.get().status == NoteStatus.FINAL
    entry = JournalEntry.objects.get(case=case)
    assert entry.document_type == "meetings.note" and "observation" in entry.text
    assert serious_violations(page) == []
    assert csp == []
