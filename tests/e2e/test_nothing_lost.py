"""Nothing typed is lost: text typed just before the user leaves a draft is saved first, and a
long text without a stored draft warns before the page is left (issue 18).

The autosave waits 2 s after the last key; these tests type and act at once, well inside it.
"""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Dialog, Page, expect

from cases.models import Ppv, Referral
from tests.cases.case_fixtures import make_case
from tests.cases.ppv_fixtures import draft as ppv_draft
from tests.cases.referral_fixtures import draft
from tests.security.test_access_matrix import all_routes

from .helpers import logged_in


def settled(page: Page) -> None:
    """Let the page's requests finish before the test reads the database (SQLite shares one
    connection between the test and the live server)."""
    page.wait_for_load_state("networkidle")


def open_draft(browser: Browser, site: str, cast: Any) -> tuple[Page, Referral]:
    referral = draft(cast, concern="Første udkast.")
    page = logged_in(browser, site, cast.school_leader.email)
    page.goto(f"{site}/sager/indstillinger/{referral.pk}/rediger/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(referral.child.name)
    return page, referral


def test_text_typed_just_before_vedhaeft_is_saved(browser: Browser, site: str, cast: Any) -> None:
    page, referral = open_draft(browser, site, cast)
    concern = page.get_by_label("Bekymringen", exact=True)
    concern.fill("")
    concern.press_sequentially("Skrevet lige før bilaget.")
    page.get_by_role("button", name="Vedhæft", exact=True).click()
    expect(page.get_by_text("Vælg en fil").first).to_be_visible()
    expect(page.get_by_label("Bekymringen", exact=True)).to_have_value("Skrevet lige før bilaget.")
    settled(page)
    referral.refresh_from_db()
    assert referral.concern == "Skrevet lige før bilaget."


def test_text_typed_just_before_following_a_link_is_saved(
    browser: Browser, site: str, cast: Any
) -> None:
    page, referral = open_draft(browser, site, cast)
    page.get_by_label("Barnets styrker og ressourcer").fill("Hjælpsom i frikvarteret.")
    page.get_by_role("link", name="Se indstillingen og dens forløb").click()
    expect(page).to_have_url(f"{site}{referral.get_absolute_url()}")
    settled(page)
    referral.refresh_from_db()
    assert referral.strengths == "Hjælpsom i frikvarteret."


def test_leaving_a_field_saves_at_once(browser: Browser, site: str, cast: Any) -> None:
    page, referral = open_draft(browser, site, cast)
    with page.expect_response(lambda response: "/autogem/" in response.url, timeout=1_500):
        page.get_by_label("Forældrenes perspektiv").fill("Mor er bekymret.")
        page.get_by_label("Mål", exact=True).focus()
    expect(page.locator("#autosave-status")).to_contain_text("Gemt kl.")
    settled(page)
    referral.refresh_from_db()
    assert referral.parents_perspective == "Mor er bekymret."


def test_the_own_save_button_right_after_typing_saves_without_a_conflict(
    browser: Browser, site: str, cast: Any
) -> None:
    page, referral = open_draft(browser, site, cast)
    page.get_by_label("Bekymringen", exact=True).fill("Gemt med knappen.")
    page.get_by_label("Mål", exact=True).focus()  # an autosave starts ...
    page.get_by_role("button", name="Gem kladde").click()  # ... and the full save follows it
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    settled(page)
    referral.refresh_from_db()
    assert referral.concern == "Gemt med knappen."


def test_a_failed_autosave_is_shown_and_leaving_asks_first(
    browser: Browser, site: str, cast: Any
) -> None:
    page, referral = open_draft(browser, site, cast)
    page.route("**/autogem/", lambda route: route.fulfill(status=500, body="fejl"))
    page.get_by_label("Bekymringen", exact=True).fill("Går tabt uden advarsel?")
    page.get_by_label("Mål", exact=True).focus()
    expect(page.get_by_role("alert")).to_contain_text("kunne ikke gemmes")
    page.on("dialog", lambda dialog: dialog.dismiss())
    # The question comes after the last save attempt has failed, so wait for it, not for the page.
    with page.expect_event("dialog") as asked:
        page.get_by_role("link", name="Se indstillingen og dens forløb").click()
    assert "ikke gemt" in asked.value.message
    expect(page.get_by_label("Bekymringen", exact=True)).to_have_value("Går tabt uden advarsel?")


def test_ppv_text_typed_just_before_leaving_is_saved(
    browser: Browser, site: str, cast: Any
) -> None:
    ppv = ppv_draft(cast)
    page = logged_in(browser, site, cast.psychologist.email)
    page.goto(f"{site}/sager/ppv/{ppv.pk}/rediger/")
    page.get_by_label("Sammenfatning og vurdering").fill("Vurderet lige før linket.")
    page.get_by_role("link", name="Se kladden og versionshistorikken").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    settled(page)
    assert Ppv.objects.get(pk=ppv.pk).summary == "Vurderet lige før linket."


def beforeunload_asked(page: Page) -> bool:
    """Close the page as a user closing the tab would; True if the browser asked first."""
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    with page.expect_event("close", timeout=5_000):
        page.close(run_before_unload=True)
    return "beforeunload" in asked


def test_an_unsaved_journal_entry_warns_before_the_page_is_left(
    browser: Browser, site: str, cast: Any
) -> None:
    case = make_case(cast, assigned=cast.psychologist)
    page = logged_in(browser, site, cast.psychologist.email)
    page.goto(f"{site}{case.get_absolute_url()}journal/ny/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nyt journalnotat")
    page.get_by_label("Tekst").fill("En lang samtale, der ikke er gemt endnu.")
    assert beforeunload_asked(page)


def test_an_untouched_form_leaves_without_asking(browser: Browser, site: str, cast: Any) -> None:
    case = make_case(cast, assigned=cast.psychologist)
    page = logged_in(browser, site, cast.psychologist.email)
    page.goto(f"{site}{case.get_absolute_url()}journal/ny/")
    page.get_by_label("Tekst").click()
    assert not beforeunload_asked(page)


@pytest.mark.parametrize(
    ("name", "role"),
    [("meetings:note-detail", "psychologist"), ("indsatser:follow-up-record", "psychologist")],
)
def test_an_unsaved_notat_or_follow_up_warns_before_the_page_is_left(
    browser: Browser, site: str, cast: Any, name: str, role: str
) -> None:
    """The notat and the follow-up's note are long texts without a stored draft, like the
    journal: typed and not saved, leaving asks first (the page and its object from the access
    matrix)."""
    route = next(r for r in all_routes() if r.name == name and r.method == "get")
    assert route.expect[role] == 200
    page = logged_in(browser, site, getattr(cast, role).email)
    page.goto(f"{site}{reverse(name, kwargs=route.kwargs(cast))}")
    page.locator("main form[method=post] textarea").first.fill("Skrevet, ikke gemt endnu.")
    assert beforeunload_asked(page)


@pytest.mark.parametrize(
    "name", ["cases:journal-create", "indsatser:follow-up-record", "meetings:note-detail"]
)
@pytest.mark.parametrize("leave", ["blur", "link"])
def test_a_journal_entry_follow_up_or_notat_is_there_when_the_user_comes_back(
    browser: Browser, site: str, cast: Any, name: str, leave: str
) -> None:
    """Typed, then the field left (and the page reloaded, as after a crash) or a link followed
    at once: coming back to the form, the text is there. The journal entry and the follow-up
    keep it in the user's own draft, the notat in its own draft state."""
    route = next(r for r in all_routes() if r.name == name and r.method == "get")
    url = f"{site}{reverse(name, kwargs=route.kwargs(cast))}"
    page = logged_in(browser, site, cast.psychologist.email)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        text = f"Skrevet på en tablet, {leave}, {width} px."
        field = page.locator("main form[data-autosave] textarea").first
        field.fill(text)
        if leave == "blur":
            field.blur()
            expect(page.locator("#autosave-status")).to_contain_text("gemt")
            settled(page)
            page.goto(url)  # as after a crash: nothing is sent on the way out
        else:
            page.locator("nav a[href], header a[href]").first.click()
            page.wait_for_url(lambda address: address != url)
            settled(page)
            page.goto(url)
        expect(page.locator("main form[data-autosave] textarea").first).to_have_value(text)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
