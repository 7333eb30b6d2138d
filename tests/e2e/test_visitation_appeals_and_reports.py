"""The PPR leader, in a browser, registers a complaint about a decision (a refused date is
named at its field), records the sending of the decision letter to a custody holder, and
reads the spending report; each page checked at 1366 and 390 px (axe, no sideways scroll)."""

from datetime import date
from typing import Any

from playwright.sync_api import Page, expect

from tests.cases.factories import GuardianFactory
from tests.visitation.factories import decision

from .helpers import log_in, serious_violations

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _check(page: Page) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert serious_violations(page) == [], page.url
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{page.url} scrolls sideways at {size['width']} px"
    page.set_viewport_size(DESKTOP)


def test_the_leader_registers_an_appeal_sends_the_letter_and_reads_the_spending(
    page: Page, site: str, cast: Any
) -> None:
    granted = decision(cast)
    GuardianFactory(child=granted.application.child, name="Birgit Ærø", has_custody=True)
    log_in(page, site, cast.ppr_leader.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")

    page.goto(f"{site}/visitation/afgoerelse/{granted.pk}/klager/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Klager over afgørelsen")
    _check(page)
    page.get_by_label("Klagen modtaget").fill("2099-01-01")
    page.get_by_role("button", name="Registrér klagen").click()
    expect(page.locator("#id_received_on_error")).to_be_visible()
    page.get_by_label("Klagen modtaget").fill(date.today().isoformat())
    page.get_by_label("Klagerens navn (valgfrit)").fill("Birgit Ærø")
    page.get_by_role("button", name="Registrér klagen").click()
    expect(page.get_by_text("Klagen er registreret.")).to_be_visible()
    _check(page)

    page.goto(f"{site}/visitation/afgoerelse/{granted.pk}/send/")
    _check(page)
    page.get_by_role("button", name="Send og registrér").click()
    expect(page.get_by_text("Forsendelsen af afgørelsesbrevet er registreret")).to_be_visible()

    page.goto(f"{site}/rapporter/drift/udgift-specialtilbud/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Udgift til specialtilbud")
    _check(page)
