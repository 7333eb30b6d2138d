"""Log in through the real form as every role, land on Mit overblik with that role's panels,
and pass an axe-core scan (no serious or critical violations) on the login and start pages.

Few, broad tests: each browser test costs a database flush (seconds on PostgreSQL), so the
roles share one test and report every role's problems together."""

from typing import Any

from playwright.sync_api import Browser, Page, expect

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


def test_the_login_page_is_accessible_and_a_wrong_password_gets_a_danish_error(
    page: Page, site: str, cast: Any
) -> None:
    errors = csp_errors(page)
    page.goto(f"{site}/konto/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i PPR Sag")
    assert serious_violations(page) == []
    log_in(page, site, cast.teacher.email, "forkert-kode")
    expect(page.get_by_role("alert")).to_contain_text("Formularen er ikke udfyldt korrekt")
    assert serious_violations(page) == []
    assert errors == []
    # The scan does find problems: an image without a text alternative is critical.
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert [v for v in serious_violations(page) if v.startswith("image-alt (critical)")]


def test_every_role_logs_in_and_lands_on_its_own_accessible_mit_overblik(
    browser: Browser, site: str, cast: Any
) -> None:
    problems: dict[str, list[str]] = {}
    for role, (label, must_see, must_not_see) in ROLES.items():
        context = browser.new_context()
        page = context.new_page()
        errors = csp_errors(page)
        log_in(page, site, getattr(cast, role).email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
        expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()
        expect(page.get_by_role("region", name="Dine roller")).to_contain_text(label)
        panels = set(page.locator("main h2").all_inner_texts())
        found = [
            *([f"not on the start page: {page.url}"] if page.url.rstrip("/") != site else []),
            *[f"misses the panel {name!r}" for name in sorted(must_see - panels)],
            *[f"sees the panel {name!r}" for name in sorted(must_not_see & panels)],
            *serious_violations(page),
            *errors,
        ]
        if found:
            problems[role] = found
        context.close()
    assert problems == {}


def test_the_idle_warning_works_under_csp_and_an_idle_browser_is_logged_out(
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
    # Nobody answers the next warning: the browser ends on the login page.
    page.wait_for_url("**/konto/login/**", timeout=15000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i PPR Sag")
