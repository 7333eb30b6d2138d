"""Log in through the real form as every role, land on Mit overblik with that role's panels,
and pass an axe-core scan (no serious or critical violations) on the login and start pages."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .helpers import csp_errors, log_in, serious_violations

#: Each role of the standing cast, with the role label and the start-page panels it must see
#: (the headings of its "Mit overblik"), and panels it must not see.
ROLES: dict[str, tuple[str, set[str], set[str]]] = {
    "psychologist": ("PPR-psykolog", {"Mine åbne sager", "Mine frister"}, {"Åbne sager pr. team"}),
    "ppr_leader": (
        "PPR-leder",
        {"Modtagelse af indstillinger", "Åbne sager pr. team"},
        {"Mine kladder"},
    ),
    "secretary": ("PPR-sekretær", {"Modtagelse af indstillinger"}, {"Åbne sager pr. team"}),
    "school_leader": (
        "Institutionsleder",
        {"Institutionens indstillinger"},
        {"Modtagelse af indstillinger", "Mine åbne sager"},
    ),
    "daycare_leader": (
        "Institutionsleder",
        {"Institutionens indstillinger"},
        {"Modtagelse af indstillinger", "Mine åbne sager"},
    ),
    "teacher": (
        "Medarbejder",
        {"Mine frister"},
        {"Modtagelse af indstillinger", "Mine åbne sager"},
    ),
    "social_worker": ("Socialrådgiver", set(), {"Modtagelse af indstillinger", "Mine åbne sager"}),
    "health_visitor": (
        "Sundhedsplejerske",
        set(),
        {"Modtagelse af indstillinger", "Mine åbne sager"},
    ),
    "administrator": (
        "Administrator",
        set(),
        {"Modtagelse af indstillinger", "Mine åbne sager", "Institutionens indstillinger"},
    ),
}


def test_login_page_has_no_serious_accessibility_violations(page: Page, site: str) -> None:
    errors = csp_errors(page)
    page.goto(f"{site}/konto/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i PPR Sag")
    assert serious_violations(page) == []
    assert errors == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_lands_on_mit_overblik_and_it_is_accessible(
    page: Page, site: str, cast: Any, role: str
) -> None:
    label, must_see, must_not_see = ROLES[role]
    user = getattr(cast, role)
    errors = csp_errors(page)
    log_in(page, site, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    assert page.url.rstrip("/") == site
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()
    expect(page.get_by_role("region", name="Dine roller")).to_contain_text(label)
    panels = set(page.locator("main h2").all_inner_texts())
    assert must_see <= panels, f"{role} misses {must_see - panels} (has {panels})"
    assert not must_not_see & panels, f"{role} sees {must_not_see & panels}"
    assert serious_violations(page) == []
    assert errors == []


def test_a_wrong_password_shows_a_danish_error_in_the_browser(
    page: Page, site: str, cast: Any
) -> None:
    log_in(page, site, cast.teacher.email, "forkert-kode")
    expect(page.get_by_role("alert")).to_contain_text("Formularen er ikke udfyldt korrekt")
    assert serious_violations(page) == []


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
