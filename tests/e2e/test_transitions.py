"""Issue 25 in the browser, overgange: the daycare's leader finds a red child who starts school
next August on the institution's list and asks the school's TRIO to act; the school's leader
sees the anonymous request on the start page and the request list and records what the TRIO
will do. Each page at 1366×900 and 390×844: the main menu reachable, no sideways scroll, no
serious axe violation."""

import re
from datetime import date
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from meetings.models import TransitionRequest, TransitionRequestStatus
from meetings.schoolyears import current_school_year
from tests.meetings.factories import flagged_child

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


def test_asking_the_receiving_trio_and_its_answer_on_both_screens(
    page: Page, site: str, cast: Any
) -> None:
    child = flagged_child(
        cast.daycare,
        born=date(current_school_year() + 1 - 6, 4, 1),
        colour="roed",
        first_name="Valdemar",
        last_name="Skovbo",
    )
    helpers.log_in(page, site, cast.daycare_leader.email)
    page.goto(f"{site}{reverse('meetings:transition-list')}")
    expect(page.get_by_role("table")).to_contain_text("Valdemar Skovbo")
    expect(page.get_by_role("table")).to_contain_text("Skolestart")
    assert _on_both_screens(page) == []
    page.get_by_role("link", name="Bed modtagende TRIO handle").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bed modtagende TRIO handle")
    expect(page.get_by_text("Anmodningen er anonym")).to_be_visible()
    assert _on_both_screens(page) == []
    # Nothing filled in: Danish errors, the page stays.
    page.get_by_role("button", name="Bed modtagende TRIO handle").click()
    expect(page.locator("body")).to_contain_text("Vælg den skole, barnet skal gå på.")
    assert not TransitionRequest.objects.exists()
    page.get_by_label("Modtagende skole").select_option(str(cast.school.pk))
    page.get_by_label("Til den modtagende TRIO").fill("Uro ved skift; små grupper virker.")
    page.get_by_role("button", name="Bed modtagende TRIO handle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valdemar Skovbo")
    assert _on_both_screens(page) == []
    log_out(page)

    helpers.log_in(page, site, cast.school_leader.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    page.get_by_role("link", name="1 anmodning ved overgang venter på jeres TRIO").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Barn på")
    expect(table).not_to_contain_text("Valdemar")
    assert _on_both_screens(page) == []
    table.get_by_role("link", name=re.compile("^Barn på")).click()
    expect(page.locator("main")).to_contain_text("Uro ved skift")
    expect(page.locator("main")).not_to_contain_text("Skovbo")
    assert _on_both_screens(page) == []
    page.get_by_label("Det vil vi gøre").fill("Overleveringsmøde i maj.")
    page.get_by_role("button", name="Kvittér: det vil vi gøre").click()
    expect(page.locator("main")).to_contain_text("Modtagende TRIO handler")
    assert _on_both_screens(page) == []
    request = TransitionRequest.objects.get(child=child)
    assert request.status == TransitionRequestStatus.ACKNOWLEDGED
