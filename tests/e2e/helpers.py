"""Shared steps of the browser tests: log in through the real form, scan with axe-core.

axe-core comes from npm (package.json) and is copied to static/vendor/axe-core by
scripts/copy-vendor.mjs at build time (``npm run build``, part of ``make test``); it is never
committed. The page under test loads it as a same-origin script from the live server's static
files (``page.add_script_tag(url=...)``): the app's CSP allows scripts from 'self' and nonced
ones only, so the inline script that ``add_script_tag(path=...)`` or ``content=`` writes is
blocked, and bypassing CSP in the browser would hide the CSP errors other tests look for.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import Browser, Page, ViewportSize, expect
from playwright.sync_api import Error as PlaywrightError

from tests.factories import PASSWORD

AXE_CORE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

#: Runs axe in the page and returns only what the tests assert on (id, impact, first targets).
_RUN_AXE = """async () => {
  const results = await window.axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target),
  }));
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now (WCAG 2.x A/AA and best practice)."""
    if not AXE_CORE.exists():
        raise AssertionError(f"{AXE_CORE} is missing: run `npm ci && npm run build` (make install)")
    # A click that navigates returns before the new document exists; scanning then would load
    # axe into a document that is being replaced (document.head is null for a moment).
    page.wait_for_load_state("load")
    for attempt in range(3):
        try:
            if not page.evaluate("() => typeof window.axe === 'object'"):
                origin = page.evaluate("() => window.location.origin")
                page.add_script_tag(url=f"{origin}{settings.STATIC_URL}vendor/axe-core/axe.min.js")
            return page.evaluate(_RUN_AXE)
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_load_state("load")
    raise AssertionError("unreachable")


def serious_violations(page: Page) -> list[str]:
    """The serious and critical violations, readable in an assertion message."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {v['targets']}"
        for v in axe_violations(page)
        if v["impact"] in SERIOUS
    ]


def log_in(page: Page, site: str, email: str, password: str = PASSWORD) -> None:
    """Fill in and submit the real login form (no session shortcuts)."""
    page.goto(f"{site}/konto/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind", exact=True).click()


def logged_in(browser: Browser, site: str, email: str) -> Page:
    """A fresh browser context (own cookies) logged in as ``email``, on Mit overblik."""
    page = browser.new_context().new_page()
    log_in(page, site, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    return page


def open_from_menu(page: Page, group: str, entry: str) -> None:
    """Follow ``entry`` in the main menu's ``group`` (a group opens as a dropdown first)."""
    menu = page.get_by_role("navigation", name="Hovedmenu")
    menu.get_by_role("button", name=group, exact=True).click()
    menu.get_by_role("link", name=entry, exact=True).click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").click()


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


#: The two screens every page must work on: a desktop and a phone (DKFDS's drawer below 992 px).
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def screen_problems(page: Page, url: str, screen: ViewportSize, *, menu: bool) -> list[str]:
    """What keeps the page from working on ``screen``: it scrolls sideways, or its main menu
    cannot be reached (on a phone: the Menu button does not open the drawer with its links)."""
    width = screen["width"]
    problems = []
    # A click that navigates returns before the next page has loaded; measured too early, the
    # page has no document element yet (a CI run failed on that: "reading 'scrollWidth'").
    page.wait_for_load_state()
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{url} at {width} px: the page is {scroll_width} px wide")
    if not menu:
        return problems
    if width == DESKTOP["width"]:
        if not page.get_by_role("navigation", name="Hovedmenu").is_visible():
            problems.append(f"{url} at {width} px: no main menu")
        return problems
    button = page.get_by_role("button", name="Menu", exact=True)
    if not button.is_visible():
        return [*problems, f"{url} at {width} px: no Menu button"]
    button.click()
    drawer = page.get_by_role("dialog", name="Menu")
    links = drawer.get_by_role("navigation", name="Hovedmenu").get_by_role("link")
    if not links.first.is_visible():
        problems.append(f"{url} at {width} px: the Menu button shows no menu links")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    return problems
