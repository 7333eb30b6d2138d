"""The main flow in a real browser: a school leader's referral becomes a PPR case.

The leader drafts (autosaved over HTMX), is stopped by the handleplan gate, completes the plan
and submits; the PPR leader accepts and assigns a psychologist; the psychologist writes a
journal entry and a Børnelineal rating; the leader sees the referral as "Accepteret".
"""

import re
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from cases.models import Case, Referral
from tests.cases.referral_fixtures import child_with_consent
from tests.factories import PASSWORD

axe = Axe()


def serious_violations(page: Page) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def logged_in(browser: Browser, site: str, email: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{site}/konto/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    return page


def test_a_school_leaders_referral_becomes_a_case(browser: Browser, site: str, cast: Any) -> None:
    child = child_with_consent(cast)

    # The school leader starts a draft for the child.
    leader = logged_in(browser, site, cast.school_leader.email)
    leader.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Indstillinger"
    ).click()
    leader.get_by_role("link", name="Ny indstilling").click()
    leader.get_by_label("Barn").select_option(label=f"{child.name} ({child.group})")
    leader.get_by_role("button", name="Opret kladde").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text(child.name)
    assert serious_violations(leader) == []

    # Typing autosaves the draft over HTMX.
    with leader.expect_response(lambda response: "/autogem/" in response.url, timeout=10_000):
        leader.get_by_label("Bekymringen", exact=True).press_sequentially(
            "Eleven trives ikke og isolerer sig."
        )
    expect(leader.locator("#autosave-status")).to_have_text(re.compile(r"^Gemt kl\. \d\d:\d\d$"))
    referral = Referral.objects.get(child=child)
    assert referral.concern == "Eleven trives ikke og isolerer sig."

    leader.get_by_label("Barnets styrker og ressourcer").fill("Kreativ og hjælpsom.")
    leader.get_by_label("Barnets eget perspektiv").fill("Frikvartererne er svære.")
    leader.get_by_label("Forældrenes perspektiv").fill("Samme billede derhjemme.")
    leader.get_by_label("Mål", exact=True).fill("Deltager i gruppearbejde.")
    leader.get_by_label("Hvad er gjort", exact=True).fill("Makkerpar og pausekort.")
    leader.get_by_label("Periode", exact=True).fill("August–oktober")
    leader.get_by_label("Ansøgning om specialpædagogisk bistand").check()
    leader.get_by_label("Gul (sekundær forebyggelse)").check()

    # Submitting without an evaluated handleplan is stopped with a clear message.
    leader.get_by_role("button", name="Send indstillingen til PPR").click()
    expect(leader.get_by_role("alert").first).to_contain_text(
        "En skole kan ikke søge om specialpædagogisk bistand uden en evalueret handleplan"
    )
    referral.refresh_from_db()
    assert referral.status == "kladde"

    # Completing the plan lets it through.
    leader.get_by_label("Evaluering", exact=True).fill(
        "Evalueret med forældre og team: delvist nået."
    )
    leader.get_by_label("Forældre", exact=True).check()
    leader.get_by_label("Klasseteam/personale").check()
    leader.get_by_role("button", name="Send indstillingen til PPR").click()
    expect(leader.get_by_text("Indstillingen er sendt til PPR")).to_be_visible()
    expect(leader.locator(".ppr-status")).to_contain_text("Indsendt")
    referral.refresh_from_db()
    assert referral.status == "indsendt"

    # The PPR leader finds it in the intake queue, accepts it and assigns the psychologist.
    ppr = logged_in(browser, site, cast.ppr_leader.email)
    ppr.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Modtagelse").click()
    assert serious_violations(ppr) == []
    ppr.get_by_role("link", name=f"Nr. {referral.pk}", exact=True).click()
    ppr.get_by_role("link", name="Visitér").click()
    assert serious_violations(ppr) == []
    ppr.get_by_label("Sagsbehandler").select_option(value=str(cast.psychologist.pk))
    ppr.get_by_role("button", name="Acceptér").click()
    expect(ppr.get_by_text("Indstillingen er accepteret")).to_be_visible()
    case = Case.objects.get(child=child)
    assert case.assigned == cast.psychologist

    # The psychologist writes a journal entry and a Børnelineal rating on the new case.
    psychologist = logged_in(browser, site, cast.psychologist.email)
    psychologist.goto(f"{site}{case.get_absolute_url()}")
    psychologist.get_by_role("link", name="Nyt journalnotat").click()
    psychologist.get_by_label("Tekst").fill("Første samtale med eleven om skoledagen.")
    psychologist.get_by_role("button", name="Gem notat").click()
    expect(psychologist.get_by_text("Første samtale med eleven om skoledagen.")).to_be_visible()
    psychologist.get_by_role("link", name="Ny Børnelineal-vurdering").click()
    psychologist.locator("label[for]").filter(has_text=re.compile("^Rød")).first.click()
    psychologist.get_by_label("Begrundelse").fill("Afklaret behov for særlig støtte.")
    psychologist.get_by_role("button", name="Gem vurdering").click()
    assert case.journal_entries.count() == 1
    assert child.ratings.filter(colour="roed").exists()

    # Back at school, the leader sees the status.
    leader.goto(f"{site}{referral.get_absolute_url()}")
    expect(leader.locator(".ppr-status")).to_contain_text("Accepteret")
    expect(leader.get_by_role("heading", name="Forløb")).to_be_visible()
