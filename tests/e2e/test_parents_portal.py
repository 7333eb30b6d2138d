"""The parents' portal in the browser: a custody holder sees only their own child, consents to
naming the child at the school's koordineringskonference, reads the final PPV, withdraws the
consent and sees the konference no longer may name the child. Every page at 1366×900 and
390×844: no sideways scroll, no serious axe violation.

The parent is signed in with a real session (Django's ``force_login``, its cookie handed to the
browser): the MitID login through the local OpenID Connect provider is tested on its own.
"""

from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from cases.models import ConsentForm, ConsentScope
from meetings.services import has_meeting_consent
from tests.cases.factories import ChildFactory, ConsentFactory
from tests.meetings.factories import AgendaItemFactory, ConferenceFactory, SeriesFactory, at
from tests.parents.factories import give_custody
from tests.visitation.factories import case_with_final_ppv

from .helpers import DESKTOP, PHONE, csp_errors, serious_violations


def sign_in_as_parent(page: Page, site: str, user: Any) -> None:
    """A real session for ``user`` in the browser (the cookie ``force_login`` made)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
    )


def on_both_screens(page: Page) -> list[str]:
    problems = []
    for screen in (DESKTOP, PHONE):
        page.set_viewport_size(screen)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > screen["width"]:
            problems.append(f"{page.url} at {screen['width']} px: {width} px wide")
        problems.extend(
            f"{page.url} at {screen['width']} px: {v}" for v in serious_violations(page)
        )
    page.set_viewport_size(DESKTOP)
    return problems


def test_a_parent_consents_reads_the_ppv_and_withdraws(page: Page, site: str, cast: Any) -> None:
    case = case_with_final_ppv(cast)  # Åse, with two custody holders and a rendered PPV
    child = case.child
    pia = give_custody(cast.parent, child)
    give_custody(cast.other_parent, ChildFactory(institution=cast.other_school, first_name="Bent"))
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
    csp = csp_errors(page)
    problems: list[str] = []

    sign_in_as_parent(page, site, cast.parent)
    page.goto(f"{site}/foraeldre/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine børn")
    expect(page.get_by_role("link", name=child.name)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Bent")
    problems += on_both_screens(page)

    page.get_by_role("link", name=child.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(child.name)
    expect(page.locator("main")).to_contain_text("Der er ingen kommende møder")
    problems += on_both_screens(page)

    # Consent to naming Åse at the konference.
    page.get_by_role("link", name="Giv samtykke").click()
    problems += on_both_screens(page)
    page.get_by_label("Møde").select_option(series.name)
    page.get_by_role("button", name="Læs teksten om samtykke til det valgte møde").click()
    expect(page.locator(".ppr-consent-text")).to_contain_text(f"“{series.name}”")
    problems += on_both_screens(page)
    page.get_by_role("button", name="Giv samtykke").click()
    expect(page.locator(".form-error-message")).to_contain_text("Sæt flueben")
    page.get_by_label("Jeg har læst teksten og giver mit samtykke").check()
    page.get_by_role("button", name="Giv samtykke").click()
    expect(page.locator("#messages")).to_contain_text("Dit samtykke er registreret")
    expect(page.locator("main")).to_contain_text(f"Ja, på “{series.name}”")
    meetings = page.get_by_role("region", name="Kommende møder, hvor Åse nævnes ved navn")
    expect(meetings).to_contain_text(series.name)
    assert has_meeting_consent(child, series.name)

    # Read the final PPV.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PPV version 1", exact=False).click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Withdraw: the konference may no longer name Åse.
    page.get_by_role("link", name="Træk samtykket tilbage").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Træk samtykket tilbage?")
    problems += on_both_screens(page)
    page.get_by_role("button", name="Træk samtykket tilbage").click()
    expect(page.locator("#messages")).to_contain_text("Dit samtykke er trukket tilbage")
    expect(page.locator("main")).to_contain_text(f"Nej, ikke på “{series.name}”")
    expect(meetings).not_to_contain_text(series.name)
    assert not has_meeting_consent(child, series.name)
    problems += on_both_screens(page)

    assert problems == []
    assert csp == []
