"""The main flow in a real browser: a school leader's referral becomes a PPR case.

The leader drafts (autosaved over htmx; a reload keeps the text), is stopped by the handleplan
gate, completes the plan and submits; PPR's secretary receives it; the PPR leader accepts it and
assigns a psychologist; the psychologist finds the case on Mit overblik, writes a journal entry
and a Børnelineal rating; the leader sees the referral as "Accepteret". And the referral form
works from the keyboard alone.
"""

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from cases.models import Case, Referral, ReferralStatus
from tests.cases.referral_fixtures import child_with_consent, draft

from .helpers import csp_errors, logged_in, open_from_menu, serious_violations


def settled(page: Page) -> None:
    """Let the page's requests (htmx bell, autosave) finish before the test reads the database:
    on SQLite the test and the live server share one connection."""
    page.wait_for_load_state("networkidle")


def test_a_school_leaders_referral_becomes_a_case(browser: Browser, site: str, cast: Any) -> None:
    child = child_with_consent(cast)

    # The school leader starts a draft for the child.
    leader = logged_in(browser, site, cast.school_leader.email)
    errors = csp_errors(leader)
    open_from_menu(leader, "Sager", "Indstillinger")
    leader.get_by_role("link", name="Ny indstilling").click()
    # The child is found by typing part of the name (search-as-you-type over htmx).
    leader.get_by_label("Find barnet").press_sequentially(child.last_name[:4])
    leader.get_by_role("radio", name=re.compile(re.escape(child.name))).check()
    leader.get_by_role("button", name="Opret kladde").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text(child.name)
    assert serious_violations(leader) == []

    # Typing autosaves the draft over htmx, and a reload shows the saved text.
    concern = "Eleven trives ikke og isolerer sig."
    with leader.expect_response(lambda response: "/autogem/" in response.url, timeout=10_000):
        leader.get_by_label("Bekymringen", exact=True).press_sequentially(concern)
    expect(leader.locator("#autosave-status")).to_have_text(re.compile(r"^Gemt kl\. \d\d:\d\d$"))
    leader.reload()
    expect(leader.get_by_label("Bekymringen", exact=True)).to_have_value(concern)
    settled(leader)
    referral = Referral.objects.get(child=child)
    assert referral.concern == concern and referral.status == ReferralStatus.DRAFT

    leader.get_by_label("Barnets styrker og ressourcer").fill("Kreativ og hjælpsom.")
    leader.get_by_label("Barnets eget perspektiv").fill("Frikvartererne er svære.")
    leader.get_by_label("Forældrenes perspektiv").fill("Samme billede derhjemme.")
    leader.get_by_label("Mål", exact=True).fill("Deltager i gruppearbejde.")
    leader.get_by_label("Hvad er gjort", exact=True).fill("Makkerpar og pausekort.")
    leader.get_by_label("Periode", exact=True).fill("August–oktober")
    leader.get_by_label("Ansøgning om specialpædagogisk bistand").check()
    leader.get_by_label("Gul (sekundær forebyggelse)").check()

    # Submitting without an evaluated handleplan is stopped with a clear message.
    leader.get_by_role("button", name="Send indstillingen til PPR").click()
    expect(leader.get_by_role("alert").first).to_contain_text(
        "En skole kan ikke søge om specialpædagogisk bistand uden en evalueret handleplan"
    )
    assert serious_violations(leader) == []

    # Completing the plan lets it through; the leader gets a receipt.
    leader.get_by_label("Evaluering", exact=True).fill(
        "Evalueret med forældre og team: delvist nået."
    )
    leader.get_by_label("Forældre", exact=True).check()
    leader.get_by_label("Klasseteamet").check()
    leader.get_by_role("button", name="Send indstillingen til PPR").click()
    expect(leader.get_by_text("Indstillingen er sendt til PPR")).to_be_visible()
    expect(leader.locator(".ppr-status")).to_contain_text("Indsendt")

    # PPR's secretary finds it in the intake queue and marks it received.
    secretary = logged_in(browser, site, cast.secretary.email)
    open_from_menu(secretary, "Sager", "Modtagelse")
    assert serious_violations(secretary) == []
    secretary.get_by_role("link", name=f"Nr. {referral.pk}", exact=True).click()
    secretary.get_by_role("button", name="Markér som modtaget (send kvittering)").click()
    expect(secretary.locator(".ppr-status")).to_contain_text("Modtaget")
    expect(secretary.get_by_role("link", name="Visitér")).to_have_count(0)

    # The PPR leader accepts it and assigns the psychologist: a case is opened.
    ppr = logged_in(browser, site, cast.ppr_leader.email)
    ppr.goto(f"{site}{referral.get_absolute_url()}")
    ppr.get_by_role("link", name="Visitér").click()
    assert serious_violations(ppr) == []
    ppr.get_by_label("Sagsbehandler").select_option(value=str(cast.psychologist.pk))
    ppr.get_by_role("button", name="Acceptér").click()
    # The decision is sent to the school: a DKFDS modal asks first.
    ppr.get_by_role("dialog", name="Acceptér indstillingen?").get_by_role(
        "button", name="Acceptér"
    ).click()
    expect(ppr.get_by_text("Indstillingen er accepteret")).to_be_visible()

    # The psychologist sees the case on Mit overblik, writes a journal entry and a rating.
    psychologist = logged_in(browser, site, cast.psychologist.email)
    psychologist.get_by_role("region", name="Mine åbne sager").get_by_role(
        "link", name=child.name
    ).click()
    expect(psychologist.get_by_role("heading", level=1)).to_contain_text(child.name)
    assert serious_violations(psychologist) == []
    psychologist.get_by_role("link", name="Nyt journalnotat").click()
    psychologist.get_by_label("Type").select_option(label="Samtale")
    psychologist.get_by_label("Tekst").fill("Første samtale med eleven om skoledagen.")
    psychologist.get_by_role("button", name="Gem notat").click()
    expect(psychologist.get_by_text("Første samtale med eleven om skoledagen.")).to_be_visible()
    psychologist.get_by_role("link", name="Ny Børnelineal-vurdering").click()
    psychologist.locator("label[for]").filter(has_text=re.compile(r"^\s*Rød")).first.click()
    psychologist.get_by_label("Begrundelse").fill("Afklaret behov for særlig støtte.")
    psychologist.get_by_role("button", name="Gem vurdering").click()
    expect(psychologist.get_by_role("heading", level=1)).to_contain_text(child.name)

    # Back at school, the leader sees the status.
    leader.goto(f"{site}{referral.get_absolute_url()}")
    expect(leader.locator(".ppr-status")).to_contain_text("Accepteret")
    expect(leader.get_by_role("heading", name="Forløb")).to_be_visible()
    for page in (leader, secretary, ppr, psychologist):
        settled(page)
    case = Case.objects.get(child=child)
    assert case.assigned == cast.psychologist
    assert case.journal_entries.count() == 1
    assert child.ratings.filter(colour="roed").exists()
    assert errors == []


#: A form control's identity: radio groups are one tab stop (arrow keys move inside them).
_KEY = """el => el.type === "radio" ? "radio:" + el.name : (el.id || el.name + ":" + el.value)"""

#: The focused element and whether focus is visible: an outline or a box shadow on it or, for
#: DKFDS's visually hidden checkboxes and radios, on its label or the label's ::before box.
_FOCUS = f"""() => {{
  const el = document.activeElement;
  const key = {_KEY};
  const seen = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  let visible = el.matches(":focus-visible") && seen(getComputedStyle(el));
  if (!visible && el.labels && el.labels.length) {{
    const label = el.labels[0];
    visible = seen(getComputedStyle(label, "::before")) || seen(getComputedStyle(label));
  }}
  return {{key: key(el), text: (el.innerText || "").trim(), visible: visible,
          inForm: !!el.closest("#referral-form")}};
}}"""


def test_the_referral_form_works_from_the_keyboard_alone(
    browser: Browser, site: str, cast: Any
) -> None:
    referral = draft(cast, concern="", plan_evaluation="")
    leader = logged_in(browser, site, cast.school_leader.email)
    leader.goto(f"{site}/sager/indstillinger/{referral.pk}/rediger/")
    expect(leader.get_by_role("heading", level=1)).to_contain_text(referral.child.name)
    controls = leader.eval_on_selector_all(
        "#referral-form :is(input:not([type=hidden]), textarea, select, button)",
        f"els => [...new Set(els.map({_KEY}))]",
    )
    assert len(controls) > 15 and controls[-1] == "action:submit", controls

    # Tab from the top of the page: the skip link comes first and jumps past the menu.
    leader.keyboard.press("Tab")
    skip = leader.evaluate(_FOCUS)
    assert skip["text"] == "Gå til sidens indhold" and skip["visible"], skip
    leader.keyboard.press("Enter")

    reached: list[str] = []
    not_visible: list[str] = []
    for _ in range(80):
        leader.keyboard.press("Tab")
        focused = leader.evaluate(_FOCUS)
        if not focused["inForm"]:
            assert not reached, f"focus left the form after {reached}"
            continue
        reached.append(focused["key"])
        if not focused["visible"]:
            not_visible.append(focused["key"])
        if focused["key"] == "action:submit":
            break
    # Every field, in the order of the form, and the submit button; focus always visible.
    assert reached == controls
    assert not_visible == [], f"focus not visible on {not_visible}"

    # Typing and pressing Enter on "Gem kladde" saves the draft without the mouse.
    leader.get_by_label("Bekymringen", exact=True).focus()
    leader.keyboard.type("Skrevet med tastaturet.")
    leader.get_by_role("button", name="Gem kladde").focus()
    leader.keyboard.press("Enter")
    expect(leader.get_by_role("heading", level=1)).to_contain_text(referral.child.name)
    expect(leader.get_by_label("Bekymringen", exact=True)).to_have_value("Skrevet med tastaturet.")
