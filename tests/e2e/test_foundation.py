"""Log in through the real form as every role, land on Mit overblik, and pass an axe-core scan."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

#: One user per kind of role in the standing cast.
ROLES = [
    "psychologist",
    "ppr_leader",
    "secretary",
    "school_leader",
    "daycare_leader",
    "teacher",
    "social_worker",
    "health_visitor",
    "administrator",
]
SERIOUS = {"serious", "critical"}

axe = Axe()


def serious_violations(page: Page) -> list[str]:
    results = axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:5]}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def log_in(page: Page, site: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{site}/konto/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind", exact=True).click()


def test_login_page_has_no_serious_accessibility_violations(page: Page, site: str) -> None:
    page.goto(f"{site}/konto/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i PPR Sag")
    assert serious_violations(page) == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_lands_on_mit_overblik_and_it_is_accessible(
    page: Page, site: str, cast: Any, role: str
) -> None:
    user = getattr(cast, role)
    log_in(page, site, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()
    assert page.url.rstrip("/") == site
    assert serious_violations(page) == []


def test_a_wrong_password_shows_a_danish_error_in_the_browser(
    page: Page, site: str, cast: Any
) -> None:
    log_in(page, site, cast.teacher.email, "forkert-kode")
    expect(page.get_by_role("alert")).to_contain_text("Formularen er ikke udfyldt korrekt")
    assert serious_violations(page) == []


def csp_errors(page: Page) -> list[str]:
    """Collects the browser's CSP complaints (a blocked script or style) for the rest of the test."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


def test_the_idle_warning_appears_under_csp_and_staying_logged_in_works(
    page: Page, site: str, cast: Any, settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 4
    settings.SESSION_IDLE_WARNING = 3
    errors = csp_errors(page)
    log_in(page, site, cast.psychologist.email)
    dialog = page.get_by_role("dialog", name="Du bliver snart logget ud")
    expect(dialog).to_be_visible(timeout=5000)
    expect(page.get_by_role("button", name="Forbliv logget ind")).to_be_focused()
    with page.expect_response(lambda response: "/session/forny/" in response.url) as keep_alive:
        page.get_by_role("button", name="Forbliv logget ind").click()
    assert keep_alive.value.status == 204
    expect(dialog).to_be_hidden()
    assert errors == []


def test_an_idle_browser_is_sent_to_the_login_page(
    page: Page, site: str, cast: Any, settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 1
    settings.SESSION_IDLE_WARNING = 1
    log_in(page, site, cast.social_worker.email)
    page.wait_for_url("**/konto/login/**", timeout=15000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i PPR Sag")
