"""A parent in a real browser: signs in with MitID through the local stand-in (a real OpenID
Connect flow on 127.0.0.1), writes the parents' view into the school's draft (autosaved, then
sent; the leader sees it), and sends a message that the psychologist answers from the case page.
Every page at 1366 and 390 px, axe clean, no sideways scroll."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils.csp import CSP
from playwright.sync_api import Browser, Page, expect

from demo.mitid import MitIDStandIn
from messaging.models import Message
from parents.models import PerspectiveInvitation
from tests.cases.factories import CaseFactory, ChildFactory, ReferralFactory
from tests.parents.factories import give_custody
from tests.parents.mitid_fixtures import CALLBACK, CLIENT_ID, PERSONS, SECRET, mitid_app

from .helpers import DESKTOP, PHONE, logged_in, screen_problems, serious_violations


@pytest.fixture
def mitid(site: str, settings: Any) -> Iterator[MitIDStandIn]:
    """The local MitID stand-in, configured as the municipality's identity broker."""
    standin = MitIDStandIn(
        persons=PERSONS, clients={CLIENT_ID: SECRET}, redirect_uris=[f"{site}{CALLBACK}"]
    ).start()
    settings.PPR_MITID_SERVER_URL = standin.issuer
    settings.SOCIALACCOUNT_PROVIDERS = mitid_app(standin.issuer)
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, standin.issuer]}
    try:
        yield standin
    finally:
        standin.stop()


def parent_page(browser: Browser, site: str) -> Page:
    """A browser signed in as Pia Fjeldsted (``cast.parent``) through MitID."""
    page = browser.new_context().new_page()
    page.goto(f"{site}/foraeldre/log-ind/")
    page.get_by_role("button", name="Log ind med MitID").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MitID – lokal demo")
    page.get_by_label("Pia Fjeldsted", exact=False).check()
    page.get_by_label("Sikringsniveau").select_option("substantial")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine børn")
    return page


def check_screens(page: Page) -> None:
    """The page as it is, at a desktop and a phone: axe clean, no sideways scroll."""
    for screen in (DESKTOP, PHONE):
        page.set_viewport_size(screen)
        assert screen_problems(page, page.url, screen, menu=False) == []
        assert serious_violations(page) == []
    page.set_viewport_size(DESKTOP)


def settled(page: Page) -> None:
    page.wait_for_load_state("networkidle")


def test_a_parent_writes_the_parents_view_and_messages_the_psychologist(
    browser: Browser, site: str, cast: Any, mitid: MitIDStandIn
) -> None:
    child = ChildFactory(institution=cast.school, first_name="Ida", last_name="Browserløkke")
    give_custody(cast.parent, child)
    referral = ReferralFactory(child=child, author=cast.teacher, parents_perspective="")
    case = CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)

    # The school leader invites the custody holders from the draft.
    leader = logged_in(browser, site, cast.school_leader.email)
    leader.goto(f"{site}/sager/indstillinger/{referral.pk}/rediger/")
    leader.get_by_role("button", name="Invitér forældrene til at skrive deres perspektiv").click()
    expect(leader.get_by_text("Invitationen er sendt til")).to_be_visible()
    expect(leader.locator("#foraeldres-perspektiv")).to_contain_text("ikke besvaret endnu")

    # The parent finds the task on the portal's start page and writes (autosaved).
    parent = parent_page(browser, site)
    parent.get_by_role("link", name=re.compile("Skriv forældrenes perspektiv")).click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Forældrenes perspektiv")
    expect(parent.get_by_text(referral.concern)).to_have_count(0)
    check_screens(parent)
    view = "Derhjemme er Ida glad, men hun er træt efter skole."
    with parent.expect_response(lambda response: "/autogem/" in response.url, timeout=10_000):
        parent.get_by_label("Forældrenes perspektiv").press_sequentially(view)
    expect(parent.locator("#autosave-status")).to_contain_text("gemt kl.")
    parent.reload()
    expect(parent.get_by_label("Forældrenes perspektiv")).to_have_value(view)
    parent.get_by_role("button", name=re.compile("^Send til")).click()
    expect(parent.get_by_text("Forældrenes perspektiv er sendt")).to_be_visible()
    settled(parent)
    assert PerspectiveInvitation.objects.get().answered_at is not None

    # The leader sees the parent's text and when it came.
    leader.reload()
    expect(leader.locator("#foraeldres-perspektiv")).to_contain_text(view)
    expect(leader.locator("#foraeldres-perspektiv")).to_contain_text("besvaret")

    # The parent writes to PPR about the child.
    parent.get_by_role("navigation", name="Forældremenu").get_by_role(
        "link", name="Beskeder"
    ).click()
    check_screens(parent)
    parent.get_by_role("link", name="Ny besked om Ida").click()
    parent.get_by_label("Emne").fill("Hvornår ses vi?")
    parent.get_by_label("Besked").fill("Kan vi mødes i næste uge?")
    check_screens(parent)
    parent.get_by_role("button", name="Send besked").click()
    expect(parent.get_by_text("Din besked er sendt til PPR.")).to_be_visible()
    check_screens(parent)

    # The psychologist sees it on the case page and answers.
    psychologist = logged_in(browser, site, cast.psychologist.email)
    psychologist.goto(f"{site}{case.get_absolute_url()}")
    expect(psychologist.locator("#beskeder")).to_contain_text("1 ulæst")
    psychologist.get_by_role("link", name="Beskeder med forældre").click()
    check_screens(psychologist)
    psychologist.get_by_role("link", name="Hvornår ses vi?").click()
    expect(psychologist.get_by_text("Kan vi mødes i næste uge?")).to_be_visible()
    check_screens(psychologist)
    psychologist.get_by_role("textbox", name=re.compile("^Besked")).fill(
        "Ja, tirsdag kl. 10 på skolen."
    )
    psychologist.get_by_role("button", name="Send").click()
    expect(psychologist.get_by_text("Svaret er sendt og journaliseret på sagen.")).to_be_visible()
    psychologist.goto(f"{site}{case.get_absolute_url()}")
    expect(psychologist.get_by_text("Ja, tirsdag kl. 10 på skolen.")).to_be_visible()
    settled(psychologist)
    assert Message.objects.filter(journal_entry__isnull=False).count() == 2

    # The parent reads the answer.
    parent.goto(f"{site}/foraeldre/beskeder/")
    expect(parent.get_by_text("1 ulæst")).to_be_visible()
    parent.get_by_role("link", name="Hvornår ses vi?").click()
    expect(parent.get_by_text("Ja, tirsdag kl. 10 på skolen.")).to_be_visible()
    check_screens(parent)
