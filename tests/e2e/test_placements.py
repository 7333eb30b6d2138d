"""Placement in the browser: the PPR leader reads an offer's places per school year, its placed
child and its waiting list; the psychologist reassesses the placement (a refused form keeps its
values) and returns the child to the general offer. Both pages at 390×844 and 1366×900: no
sideways scroll, no serious axe violation."""

from typing import Any

from playwright.sync_api import Page, expect

from tests.visitation.factories import offer
from tests.visitation.placement_factories import granted, other_grant
from tests.visitation.test_placements import PROGRESS, _start
from visitation.models import Placement

from . import helpers
from .helpers import csp_errors, log_out, serious_violations

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _on_both_screens(page: Page) -> list[str]:
    """Serious axe violations and sideways scroll, at 1366×900 and at 390×844."""
    problems = []
    for screen in (DESKTOP, PHONE):
        page.set_viewport_size(screen)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > screen["width"]:
            problems.append(f"{screen['width']} px: the page is {width} px wide")
        problems.extend(f"{screen['width']} px: {v}" for v in serious_violations(page))
    page.set_viewport_size(DESKTOP)
    return problems


def test_the_offer_page_and_the_review_that_returns_the_child(
    page: Page, site: str, cast: Any
) -> None:
    chosen = offer(cast, places=1)
    placement = Placement.objects.get(decision=granted(cast, chosen, _start()))
    waiting = other_grant(cast, chosen, _start(), child__first_name="Bertram")
    csp = csp_errors(page)

    helpers.log_in(page, site, cast.ppr_leader.email)
    page.goto(f"{site}{chosen.get_absolute_url()}")
    table = page.get_by_role(
        "table", name="Besatte og ledige pladser i Kastanjeklassen pr. skoleår"
    )
    expect(table.get_by_role("row").nth(1)).to_contain_text("1")
    expect(page.get_by_role("link", name=placement.child.name)).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="Bertram")).to_contain_text(
        waiting.application.child.name
    )
    assert _on_both_screens(page) == []
    log_out(page)

    helpers.log_in(page, site, cast.psychologist.email)
    page.goto(f"{site}{placement.get_absolute_url()}")
    page.get_by_role("link", name="Revurdér placeringen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revurdering")
    page.get_by_label("Barnets udvikling og progression").fill(PROGRESS)
    page.get_by_label("Begrundelse for farven").fill("Klarer sig med let støtte.")
    page.get_by_label("Barnet vender tilbage til almentilbuddet").check()
    page.get_by_role("button", name="Gem revurderingen").click()
    # No colour chosen: refused at the field, the text written is still there.
    expect(page.get_by_role("alert")).to_contain_text("Formularen er ikke udfyldt korrekt")
    expect(page.locator(".form-error-message")).to_contain_text("Vælg grøn, gul eller rød.")
    expect(page.get_by_label("Barnets udvikling og progression")).to_have_value(PROGRESS)
    assert _on_both_screens(page) == []
    page.get_by_label("Grøn (primær forebyggelse)", exact=False).check()
    page.get_by_role("button", name="Gem revurderingen").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text(
        "Barnet vender tilbage til almentilbuddet"
    )
    expect(page.locator(".ppr-facts")).to_contain_text("Tilbage til almentilbuddet")
    placement.refresh_from_db()
    assert placement.end_reason == "almen"
    assert csp == []
