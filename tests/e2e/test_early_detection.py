"""Issue 25, tidlig opsporing, in the browser: the health visitor finds a daycare child that
has no case and no observation from the overview's "Registrér en observation", records a
screening and rates the child from it; the daycare leader finds it in the
Tidlig opsporing overview. Each new page at 1366×900 and 390×844: the main menu is reachable, no
sideways scroll, no serious axe violation."""

import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import EarlyObservation
from tests.cases.factories import ChildFactory

from . import helpers
from .helpers import DESKTOP, PHONE, log_out, screen_problems, serious_violations


def _on_both_screens(page: Page) -> list[str]:
    problems = []
    for screen in (DESKTOP, PHONE):
        page.set_viewport_size(screen)
        problems += screen_problems(page, page.url, screen, menu=True)
        problems += [f"{screen['width']} px: {v}" for v in serious_violations(page)]
    page.set_viewport_size(DESKTOP)
    return problems


def test_a_screening_leads_to_a_rating_and_shows_in_the_overview(
    page: Page, site: str, cast: Any
) -> None:
    child = ChildFactory(institution=cast.daycare, first_name="Ronja", last_name="Kragh")
    helpers.log_in(page, site, cast.health_visitor.email)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Tidlig opsporing"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidlig opsporing")
    assert _on_both_screens(page) == []

    # The child has no observation yet: the overview's action leads to the child picker.
    page.get_by_role("link", name="Registrér en observation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrér en observation")
    assert _on_both_screens(page) == []
    search = page.get_by_role("searchbox", name="Find barnet")
    search.fill("Kraghxyz")  # search-as-you-type (HTMX)
    expect(page.locator("#child-count")).to_contain_text(
        "Ingen børn fundet – tjek stavningen eller CPR-nummeret."
    )
    search.fill("ronja kr")
    expect(page.locator("#child-count")).to_have_text("1 barn fundet.")
    page.get_by_label(re.compile(r"^Ronja Kragh")).check()
    assert _on_both_screens(page) == []
    page.get_by_role("button", name="Fortsæt til observationen").click()
    expect(page).to_have_url(f"{site}{reverse('cases:observation-create', args=[child.pk])}")
    assert _on_both_screens(page) == []
    page.get_by_role("button", name="Gem observation").click()  # nothing filled in
    expect(page.get_by_role("alert").first).to_contain_text("Formularen er ikke udfyldt korrekt")
    assert not EarlyObservation.objects.exists()
    page.get_by_label(re.compile(r"^Bekymring –")).check()
    page.get_by_label("Fund og beskrivelse").fill(
        "Screening ved 3-årsbesøget: få ord, trækker sig fra de andre børn."
    )
    page.get_by_role("button", name="Gem observation").click()
    expect(page.locator("article")).to_contain_text("Sundhedsplejens screening")

    page.get_by_role("link", name="Giv en Børnelineal-vurdering").click()
    expect(page.get_by_label("Gul (sekundær forebyggelse)", exact=False)).to_be_checked()
    assert _on_both_screens(page) == []
    page.get_by_role("button", name="Gem vurdering").click()
    expect(page.locator("article")).to_contain_text("Børnelineal-vurdering")
    assert EarlyObservation.objects.get().rating is not None
    log_out(page)

    helpers.log_in(page, site, cast.daycare_leader.email)
    page.goto(f"{site}{reverse('cases:observation-overview')}")
    expect(page.get_by_role("table")).to_contain_text("Ronja Kragh")
    expect(page.get_by_role("table")).to_contain_text("Børnelineal-vurdering")
    assert _on_both_screens(page) == []
