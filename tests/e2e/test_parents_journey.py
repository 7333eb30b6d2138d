"""The parents' portal from end to end in a real browser (issue 22, "Done when"): a custody holder
signs in with MitID through the local stand-in (a real OpenID Connect flow with PKCE, nonce and
an RS256-signed ID token, served on 127.0.0.1 beside the live server), sees only her own child,
consents to naming the child at the school's konference, writes the parents' view into the
school's draft after the leader's invitation, reads the final PPV, sends a message that the
psychologist answers from the case page, reads the answer, and withdraws her consent: the
konference no longer names the child, for her and for the school.

Every parent page at 1366 and 390 px: the parents' menu reachable, no sideways scroll, no
serious axe violation, no CSP error.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils.csp import CSP
from playwright.sync_api import Browser, Page, expect

from cases.models import ConsentForm, ConsentScope
from demo.mitid import MitIDStandIn
from meetings.services import has_meeting_consent
from messaging.models import Message
from parents.models import PerspectiveInvitation
from tests.cases.factories import ChildFactory, ConsentFactory, ReferralFactory
from tests.meetings.factories import AgendaItemFactory, ConferenceFactory, SeriesFactory, at
from tests.parents.factories import give_custody
from tests.parents.mitid_fixtures import CALLBACK, CLIENT_ID, PERSONS, SECRET, mitid_app
from tests.visitation.factories import case_with_final_ppv

from .helpers import DESKTOP, PHONE, csp_errors, logged_in, screen_problems, serious_violations

MENU_ENTRIES = ("Mine børn", "Beskeder")


@pytest.fixture
def mitid(site: str, settings: Any) -> Iterator[MitIDStandIn]:
    """The local MitID stand-in on a free port of 127.0.0.1, configured as the municipality's
    identity broker (discovery, JWKS, authorize, token and userinfo are fetched over HTTP)."""
    standin = MitIDStandIn(
        persons=PERSONS, clients={CLIENT_ID: SECRET}, redirect_uris=[f"{site}{CALLBACK}"]
    ).start()
    cache.clear()  # allauth's MitID login counters (per IP, per person) outlive a test
    settings.PPR_MITID_SERVER_URL = standin.issuer
    settings.SOCIALACCOUNT_PROVIDERS = mitid_app(standin.issuer)
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, standin.issuer]}
    try:
        yield standin
    finally:
        standin.stop()


def parent_page_problems(page: Page) -> list[str]:
    """The parent page as it is, at a desktop and a phone: the parents' menu and its entries
    visible inside the screen, no sideways scroll, no serious axe violation."""
    problems = []
    for screen in (DESKTOP, PHONE):
        page.set_viewport_size(screen)
        width = screen["width"]
        where = f"{page.url} at {width} px"
        page.wait_for_load_state()
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{where}: the page is {scroll_width} px wide")
        menu = page.get_by_role("navigation", name="Forældremenu")
        entries = [menu.get_by_role("link", name=name, exact=True) for name in MENU_ENTRIES]
        for entry in [*entries, menu.get_by_role("button", name="Log ud")]:
            box = entry.bounding_box() if entry.is_visible() else None
            if box is None or box["x"] < 0 or box["x"] + box["width"] > width:
                problems.append(f"{where}: the parents' menu entry {entry} is not reachable")
        problems += [f"{where}: {violation}" for violation in serious_violations(page)]
    page.set_viewport_size(DESKTOP)
    return problems


def staff_page_problems(page: Page) -> list[str]:
    """A staff page (the case's messages) at a desktop and a phone, with the staff menu."""
    problems = []
    for screen in (DESKTOP, PHONE):
        page.set_viewport_size(screen)
        problems += screen_problems(page, page.url, screen, menu=True)
        problems += [f"{page.url} at {screen['width']} px: {v}" for v in serious_violations(page)]
    page.set_viewport_size(DESKTOP)
    return problems


def sign_in_with_mitid(page: Page, site: str, standin: MitIDStandIn) -> None:
    """From the parents' entry point through the stand-in's login page and back."""
    page.goto(f"{site}/foraeldre/log-ind/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind for forældre")
    page.get_by_role("button", name="Log ind med MitID").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(standin.issuer)}/authorize\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("MitID – lokal demo")
    page.get_by_label("Pia Fjeldsted", exact=False).check()
    page.get_by_label("Sikringsniveau").select_option("substantial")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine børn")


def test_a_parents_whole_journey_through_the_portal(
    browser: Browser, site: str, cast: Any, mitid: MitIDStandIn
) -> None:
    # Åse: an open case with the psychologist and a final PPV; her mother Mette and father
    # Søren have consented to the konference on paper, Pia (the cast's parent) holds custody too.
    case = case_with_final_ppv(cast)
    child = case.child
    pia = give_custody(cast.parent, child)
    series = SeriesFactory(institution=cast.school, created_by=cast.school_leader)
    for guardian in child.guardians.filter(has_custody=True).exclude(pk=pia.pk):
        ConsentFactory(
            guardian=guardian,
            scope=ConsentScope.MEETING,
            meeting_name=series.name,
            form=ConsentForm.WRITTEN,
            recorded_by=cast.school_leader,
        )
    konference = ConferenceFactory(series=series, starts_at=at(6, 13), ends_at=at(6, 15))
    AgendaItemFactory(meeting=konference, child=child, submitted_by=cast.school_leader)
    # The school is drafting a new referral of Åse; Otto holds custody of Bent elsewhere.
    referral = ReferralFactory(child=child, author=cast.teacher, parents_perspective="")
    bent = give_custody(
        cast.other_parent, ChildFactory(institution=cast.school, first_name="Bent"), relation="far"
    )
    assert not has_meeting_consent(child, series.name)

    parent = browser.new_context().new_page()
    csp = csp_errors(parent)
    problems: list[str] = []

    # 1. Sign in with MitID (the stand-in) and see only Åse.
    sign_in_with_mitid(parent, site, mitid)
    main = parent.locator("main")
    expect(parent.get_by_role("link", name=child.name)).to_be_visible()
    expect(main).not_to_contain_text("Bent")
    problems += parent_page_problems(parent)
    other_child = parent.goto(f"{site}/foraeldre/boern/{bent.pk}/")
    assert other_child is not None and other_child.status == 404
    parent.goto(f"{site}/foraeldre/")
    parent.get_by_role("link", name=child.name).click()
    expect(parent.get_by_role("heading", level=1)).to_have_text(child.name)
    meetings = parent.get_by_role("region", name="Kommende møder, hvor Åse nævnes ved navn")
    expect(meetings).not_to_contain_text(series.name)
    problems += parent_page_problems(parent)

    # 2. Consent to naming Åse at the konference (refused unticked, then given).
    parent.get_by_role("link", name="Giv samtykke").click()
    problems += parent_page_problems(parent)
    parent.get_by_label("Møde").select_option(series.name)
    parent.get_by_role("button", name="Læs teksten om samtykke til det valgte møde").click()
    expect(parent.locator(".ppr-consent-text")).to_contain_text(f"“{series.name}”")
    problems += parent_page_problems(parent)
    parent.get_by_role("button", name="Giv samtykke").click()
    expect(parent.locator(".form-error-message")).to_contain_text("Sæt flueben")
    parent.get_by_label("Jeg har læst teksten og giver mit samtykke").check()
    parent.get_by_role("button", name="Giv samtykke").click()
    expect(parent.locator("#messages")).to_contain_text("Dit samtykke er registreret")
    expect(main).to_contain_text(f"Ja, på “{series.name}”")
    expect(meetings).to_contain_text(series.name)
    assert has_meeting_consent(child, series.name)
    problems += parent_page_problems(parent)

    # 3. The school leader invites the custody holders to write in the draft; Pia writes
    #    (autosaved) and sends, seeing only that section; the leader sees her text.
    leader = logged_in(browser, site, cast.school_leader.email)
    leader.goto(f"{site}/sager/indstillinger/{referral.pk}/rediger/")
    leader.get_by_role("button", name="Invitér forældrene til at skrive deres perspektiv").click()
    expect(leader.get_by_text("Invitationen er sendt til")).to_be_visible()
    expect(leader.locator("#foraeldres-perspektiv")).to_contain_text("ikke besvaret endnu")
    parent.goto(f"{site}/foraeldre/")
    parent.get_by_role("link", name=re.compile("Skriv forældrenes perspektiv")).click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Forældrenes perspektiv")
    expect(parent.get_by_text(referral.concern)).to_have_count(0)
    problems += parent_page_problems(parent)
    view = "Derhjemme er Åse glad, men hun er træt efter skole."
    with parent.expect_response(lambda response: "/autogem/" in response.url, timeout=10_000):
        parent.get_by_label("Forældrenes perspektiv").press_sequentially(view)
    expect(parent.locator("#autosave-status")).to_contain_text("gemt kl.")
    parent.reload()
    expect(parent.get_by_label("Forældrenes perspektiv")).to_have_value(view)
    parent.get_by_role("button", name=re.compile("^Send til")).click()
    expect(parent.get_by_text("Forældrenes perspektiv er sendt")).to_be_visible()
    parent.wait_for_load_state("networkidle")
    assert PerspectiveInvitation.objects.get(guardian=pia).answered_at is not None
    leader.reload()
    expect(leader.locator("#foraeldres-perspektiv")).to_contain_text(view)
    expect(leader.locator("#foraeldres-perspektiv")).to_contain_text("besvaret")

    # 4. Read the final PPV.
    parent.goto(f"{site}/foraeldre/")
    parent.get_by_role("link", name=child.name).click()
    with parent.expect_download() as download_info:
        parent.get_by_role("link", name="PPV version 1", exact=False).click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # 5. Write to PPR about Åse.
    parent.get_by_role("navigation", name="Forældremenu").get_by_role(
        "link", name="Beskeder"
    ).click()
    expect(parent).to_have_url(re.compile("/foraeldre/beskeder/$"))
    problems += parent_page_problems(parent)
    parent.get_by_role("link", name="Ny besked om Åse").click()
    parent.get_by_label("Emne").fill("Hvornår ses vi?")
    parent.get_by_label("Besked").fill("Kan vi mødes i næste uge?")
    problems += parent_page_problems(parent)
    parent.get_by_role("button", name="Send besked").click()
    expect(parent.get_by_text("Din besked er sendt til PPR.")).to_be_visible()
    problems += parent_page_problems(parent)

    # 6. The psychologist answers from the case page.
    psychologist = logged_in(browser, site, cast.psychologist.email)
    psychologist.goto(f"{site}{case.get_absolute_url()}")
    expect(psychologist.locator("#beskeder")).to_contain_text("1 ulæst")
    psychologist.get_by_role("link", name="Beskeder med forældre").click()
    expect(psychologist.get_by_role("heading", level=1)).to_have_text("Beskeder med forældre")
    problems += staff_page_problems(psychologist)
    psychologist.get_by_role("link", name="Hvornår ses vi?").click()
    expect(psychologist.get_by_text("Kan vi mødes i næste uge?")).to_be_visible()
    problems += staff_page_problems(psychologist)
    psychologist.get_by_role("textbox", name=re.compile("^Besked")).fill(
        "Ja, tirsdag kl. 10 på skolen."
    )
    psychologist.get_by_role("button", name="Send").click()
    expect(psychologist.get_by_text("Svaret er sendt og journaliseret på sagen.")).to_be_visible()
    psychologist.wait_for_load_state("networkidle")
    assert Message.objects.filter(journal_entry__isnull=False).count() == 2

    # 7. Pia reads the answer.
    parent.goto(f"{site}/foraeldre/beskeder/")
    expect(parent.get_by_text("1 ulæst")).to_be_visible()
    parent.get_by_role("link", name="Hvornår ses vi?").click()
    expect(parent.get_by_text("Ja, tirsdag kl. 10 på skolen.")).to_be_visible()
    problems += parent_page_problems(parent)

    # 8. Withdraw the consent: the konference no longer names Åse, for Pia and the school.
    parent.get_by_role("navigation", name="Forældremenu").get_by_role(
        "link", name="Mine børn"
    ).click()
    parent.get_by_role("link", name=child.name).click()
    parent.get_by_role("link", name="Træk samtykket tilbage").first.click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Træk samtykket tilbage?")
    problems += parent_page_problems(parent)
    parent.get_by_role("button", name="Træk samtykket tilbage").click()
    expect(parent.locator("#messages")).to_contain_text("Dit samtykke er trukket tilbage")
    expect(main).to_contain_text(f"Nej, ikke på “{series.name}”")
    expect(meetings).not_to_contain_text(series.name)
    assert not has_meeting_consent(child, series.name)
    problems += parent_page_problems(parent)
    leader.goto(f"{site}{konference.get_absolute_url()}")
    item = leader.locator(".ppr-agenda-item")
    expect(item).to_contain_text("Samtykket er trukket tilbage")
    expect(item).not_to_contain_text(child.name)

    assert problems == []
    assert csp == []
