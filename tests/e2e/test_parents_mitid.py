"""A custody holder signs in with MitID through the local stand-in (a real OpenID Connect flow
on 127.0.0.1) and sees only their own child, at 1366 and 390 px, axe clean."""

from typing import Any

from django.core.cache import cache
from django.utils.csp import CSP
from playwright.sync_api import Page, expect

from demo.mitid import MitIDStandIn
from tests.cases.factories import ChildFactory
from tests.parents.factories import give_custody
from tests.parents.mitid_fixtures import CALLBACK, CLIENT_ID, PERSONS, SECRET, mitid_app

from .helpers import DESKTOP, PHONE, csp_errors, screen_problems, serious_violations


def test_a_parent_signs_in_with_mitid_and_sees_only_their_own_child(
    page: Page, site: str, cast: Any, settings: Any
) -> None:
    give_custody(cast.parent, ChildFactory(institution=cast.school, first_name="Asta"))
    give_custody(cast.other_parent, ChildFactory(institution=cast.school, first_name="Carl"))
    standin = MitIDStandIn(
        persons=PERSONS, clients={CLIENT_ID: SECRET}, redirect_uris=[f"{site}{CALLBACK}"]
    ).start()
    cache.clear()  # allauth's MitID login counters (per IP, per person) outlive a test
    settings.PPR_MITID_SERVER_URL = standin.issuer
    settings.SOCIALACCOUNT_PROVIDERS = mitid_app(standin.issuer)
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, standin.issuer],
    }
    errors = csp_errors(page)
    problems: list[str] = []
    try:
        for screen in (DESKTOP, PHONE):
            page.set_viewport_size(screen)
            page.goto(f"{site}/foraeldre/log-ind/")
            expect(page.get_by_role("heading", level=1)).to_have_text("Log ind for forældre")
            problems += serious_violations(page)
            page.get_by_role("button", name="Log ind med MitID").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("MitID – lokal demo")
            page.get_by_label("Pia Fjeldsted", exact=False).check()
            page.get_by_label("Sikringsniveau").select_option("substantial")
            page.get_by_role("button", name="Log ind").click()

            expect(page.get_by_role("heading", level=1)).to_have_text("Mine børn")
            expect(page.get_by_role("heading", name="Asta", exact=False)).to_be_visible()
            expect(page.get_by_text("Carl")).to_have_count(0)
            expect(page.get_by_role("navigation", name="Forældremenu")).to_be_visible()
            problems += serious_violations(page)
            problems += screen_problems(page, page.url, screen, menu=False)

            page.get_by_role("button", name="Log ud").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Log ind for forældre")
    finally:
        standin.stop()

    assert problems == []
    assert errors == []
