"""The visitation route in a real browser (issue 21), from the application to the yearly review.

A school leader applies for special support on the basis of the child's final PPV; the PPR
leader plans a meeting of the visitation committee and puts the application on its agenda;
the committee recommends a grant against the parents' wish, so the parents are heard first
(partshøring: no decision before their deadline); the deadline passes (its dates are moved in
the database, as the time is a working-day count from the day it was sent) and the PPR leader
decides; the school leader downloads the decision letter (its text: reasons, appeal guidance,
the masked CPR number, æøå); the child is placed in the offer, which shows its capacity; the
yearly review's deadline reminds the psychologist once although the sweep runs twice (the
clock moved with time-machine); the psychologist's review returns the child to the general
offer, which frees the place and is counted. Every visitation page on the way is checked at
1366×900 and, resized in place, at 390×844 (axe, no sideways scroll, the menu reachable).
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import time_machine
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from ppr.deadlines import calendar, tasks
from ppr.deadlines.models import Notification, Reminder
from reports.formatting import number
from tests.cases.ppv_fixtures import CPR, private_storage  # noqa: F401  (fixture)
from tests.documents.pdf import page_texts
from tests.visitation.factories import case_with_final_ppv, offer
from visitation.models import (
    ApplicationStatus,
    Committee,
    Decision,
    Hearing,
    Placement,
    PlacementEndReason,
    SupportApplication,
    school_year_label,
    school_year_of,
)

from .helpers import (
    DESKTOP,
    PHONE,
    logged_in,
    open_from_menu,
    screen_problems,
    serious_violations,
)

FACTS = "Åse har trods et års støtte i klassen ikke nået handleplanens mål; PPV'en anbefaler en mindre gruppe."
ASSESSMENT = "Behovet kan ikke dækkes i den almene undervisning, og Kastanjeklassen møder det."
#: The label "Begrundelse", with or without "(skal udfyldes)".
REASON = re.compile(r"^Begrundelse( \(|$)")
PROGRESS = "Åse deltager nu i fire lektioner om dagen og har fået to faste venner i klassen."


def settled(page: Page) -> None:
    """Let the page's requests (htmx bell, autosave) finish before the test reads the database:
    on SQLite the test and the live server share one connection."""
    page.wait_for_load_state("networkidle")


class Screens:
    """Checks each page visited on the desktop and, resized in place, on a phone."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, page: Page) -> None:
        settled(page)
        url = page.url
        self.checked.append(url)
        self.problems.extend(f"{url}: {v}" for v in serious_violations(page))
        self.problems.extend(screen_problems(page, url, DESKTOP, menu=True))
        page.set_viewport_size(PHONE)
        self.problems.extend(f"{url} at 390 px: {v}" for v in serious_violations(page))
        self.problems.extend(screen_problems(page, url, PHONE, menu=True))
        page.set_viewport_size(DESKTOP)


def desktop(browser: Browser, site: str, email: str) -> Page:
    page = logged_in(browser, site, email)
    page.set_viewport_size(DESKTOP)
    return page


def test_the_visitation_route_from_application_to_review(
    browser: Browser,
    site: str,
    cast: Any,
    private_storage: Path,  # noqa: F811
) -> None:
    case = case_with_final_ppv(cast)
    child = case.child
    # 3,650,000 kr. a year: 10,000 kr. a day in the spending figures (365-day years).
    chosen = offer(cast, places=2, yearly_price=Decimal("3650000.00"))
    Committee.objects.create(name="Visitationsudvalget")
    screens = Screens()
    # The grant starts 60 days back (decided late), so the place has been used and costs
    # money when the review returns the child today.
    start = calendar.today() - timedelta(days=60)

    # The school leader applies for a place in a special class for Åse.
    leader = desktop(browser, site, cast.school_leader.email)
    open_from_menu(leader, "Sager", "Visitation")
    expect(leader.get_by_role("heading", level=1)).to_have_text(
        "Visitation: ansøgninger om specialpædagogisk bistand"
    )
    screens.check(leader)
    leader.get_by_role("link", name="Ny ansøgning").click()
    screens.check(leader)
    leader.get_by_label(re.compile(r"^Barn\b")).select_option(value=str(child.pk))
    leader.get_by_role("button", name="Start ansøgningen").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text(child.name)
    # The application rests on the final PPV, signed today.
    expect(leader.get_by_role("region", name="Grundlag: barnets PPV")).to_contain_text(
        "Endelig PPV version 1"
    )
    screens.check(leader)
    leader.get_by_label("Hvad søges der om?").select_option(label="Specialklasse")
    leader.get_by_label("Ønsket tilbud").select_option(value=str(chosen.pk))
    leader.get_by_label(REASON).fill(
        "Åse har brug for en mindre gruppe med faste voksne hele skoledagen."
    )
    leader.get_by_label("Mål", exact=True).fill("Åse deltager i fællesskabet i tre lektioner.")
    leader.get_by_label("Hvad er gjort", exact=True).fill("Støttelærer og pauseplan.")
    leader.get_by_label("Periode", exact=True).fill("august–oktober")
    leader.get_by_label("Evaluering", exact=True).fill("Målene er kun delvist nået.")
    for party in ("Eleven/barnet", "Forældre", "PPR"):
        leader.get_by_label(party, exact=True).check()
    leader.get_by_label("Forældrene er uenige i ansøgningen").check()
    leader.get_by_label("Forældrenes syn", exact=True).fill(
        "Forældrene ønsker, at Åse bliver i sin klasse med mere støtte."
    )
    leader.get_by_label("Barnets eget perspektiv").fill("Der er for meget larm i klassen.")
    leader.get_by_role("button", name="Send ansøgningen til visitation").click()
    expect(leader.get_by_text("Ansøgningen er sendt til visitationen.")).to_be_visible()
    screens.check(leader)
    settled(leader)
    application = SupportApplication.objects.get(child=child)
    assert application.status == ApplicationStatus.SUBMITTED

    # The PPR leader plans the committee's meeting and puts the application on its agenda.
    ppr = desktop(browser, site, cast.ppr_leader.email)
    open_from_menu(ppr, "Møder", "Visitationsmøder")
    expect(ppr.get_by_role("heading", level=1)).to_have_text("Visitationsmøder")
    screens.check(ppr)
    ppr.get_by_role("link", name="Visitationsudvalg: medlemmer og møder").click()
    screens.check(ppr)
    ppr.get_by_role("link", name="Visitationsudvalget").click()
    expect(ppr.get_by_role("heading", level=1)).to_have_text("Visitationsudvalget")
    screens.check(ppr)
    ppr.get_by_label("Mødedato").fill(calendar.today().isoformat())
    ppr.get_by_role("button", name="Planlæg mødet").click()
    expect(ppr.get_by_text("Mødet er planlagt.")).to_be_visible()
    expect(ppr.get_by_role("heading", level=1)).to_contain_text("Visitationsudvalget: møde")
    expect(ppr.get_by_role("heading", name="Ansøgninger klar til dagsordenen")).to_be_visible()
    screens.check(ppr)
    ppr.get_by_role("button", name="Sæt dem på dagsordenen").click()
    expect(ppr.get_by_text("1 ansøgning(er) er sat på dagsordenen.")).to_be_visible()
    agenda = ppr.get_by_role("main")
    expect(agenda.get_by_role("link", name=child.name)).to_be_visible()
    screens.check(ppr)
    settled(ppr)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ON_AGENDA

    # The committee recommends the special class: against the parents' wish.
    agenda.get_by_role("link", name=child.name).click()
    expect(ppr.get_by_role("heading", level=1)).to_contain_text(child.name)
    screens.check(ppr)
    ppr.get_by_label("Sagsfremstilling").fill("PPV'en anbefaler en mindre gruppe med faste voksne.")
    ppr.get_by_role("button", name="Gem sagsfremstillingen").click()
    ppr.get_by_label("Bevilg", exact=True).check()
    ppr.get_by_label("Anbefalet tilbud").select_option(value=str(chosen.pk))
    ppr.get_by_label(REASON).fill("Behovet er dokumenteret i PPV'en.")
    ppr.get_by_role("button", name="Gem indstillingen").click()
    expect(ppr.get_by_text("Indstillingen går imod forældrenes ønske.").first).to_be_visible()
    expect(ppr.get_by_role("button", name="Træf afgørelsen")).to_have_count(0)

    # Partshøring: the parents get the material and a deadline; no decision before it.
    ppr.get_by_label("Materiale og forventet afgørelse").fill(
        "PPV'en og udvalgets indstilling: plads i Kastanjeklassen."
    )
    ppr.get_by_role("button", name="Send partshøringen til forældrene").click()
    settled(ppr)
    hearing = Hearing.objects.get(application=application)
    deadline = calendar.add_working_days(calendar.today(), 10)
    assert (hearing.sent_on, hearing.deadline) == (calendar.today(), deadline)
    expect(ppr.get_by_text(f"med frist til {deadline:%d.%m.%Y}")).to_be_visible()
    expect(
        ppr.get_by_role("status").filter(has_text="Der kan træffes afgørelse, når de har svaret")
    ).to_be_visible()
    expect(ppr.get_by_role("button", name="Træf afgørelsen")).to_have_count(0)
    screens.check(ppr)

    # The deadline passes without an answer (the hearing's dates moved back past it).
    sent = calendar.today() - timedelta(days=30)
    Hearing.objects.filter(pk=hearing.pk).update(
        sent_on=sent, deadline=calendar.add_working_days(sent, 10)
    )
    ppr.reload()
    expect(
        ppr.get_by_role("status").filter(has_text="Der kan træffes afgørelse, når de har svaret")
    ).to_have_count(0)

    # The PPR leader decides: granted, with the offer, the start and the reasons.
    ppr.get_by_label("Bevilget", exact=True).check()
    ppr.get_by_label("Tilbud (ved bevilling)").select_option(value=str(chosen.pk))
    ppr.get_by_label("Start (ved bevilling)").fill(start.isoformat())
    ppr.get_by_label("De faktiske forhold, afgørelsen bygger på").fill(FACTS)
    ppr.get_by_label("Hovedhensyn i vurderingen").fill(ASSESSMENT)
    ppr.get_by_role("button", name="Træf afgørelsen").click()
    expect(ppr.get_by_text("Afgørelsen er truffet.")).to_be_visible()
    review_on = calendar.add_months(start, 12)
    expect(ppr.get_by_text(f"revurderes senest {review_on:%d.%m.%Y}")).to_be_visible()
    expect(ppr.get_by_role("heading", name="Klagevejledning")).to_be_visible()
    expect(ppr.get_by_text("Klagenævnet for Specialundervisning").first).to_be_visible()
    screens.check(ppr)
    settled(ppr)
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.offer, decision.starts_on) == ("bevilget", chosen, start)

    # The school leader opens the application and downloads the decision letter.
    open_from_menu(leader, "Sager", "Visitation")
    leader.get_by_role("link", name=f"Nr. {application.pk}", exact=True).click()
    expect(leader.get_by_role("heading", name="Afgørelse", exact=True)).to_be_visible()
    screens.check(leader)
    leader.get_by_role("link", name="Afgørelsesbrev (PDF)").click()
    with leader.expect_download() as download:
        leader.get_by_role("link", name=re.compile("^Hent PDF")).click()
    text = " ".join(" ".join(page_texts(Path(download.value.path()).read_bytes())).split())
    assert "Afgørelse om specialpædagogisk bistand" in text
    assert "Kastanjeklassen" in text and "Åse Ørsted Kjær" in text
    assert FACTS in text and ASSESSMENT in text
    assert "forvaltningslovens §§ 22–24" in text
    assert "Klagenævnet for Specialundervisning" in text and "4 uger" in text
    assert "140315-xxxx" in text and CPR not in text.replace("-", "")

    # The child is placed in the offer: one of its two places is taken in that school year.
    open_from_menu(ppr, "Indsatser", "Specialtilbud")
    screens.check(ppr)
    ppr.get_by_role("link", name="Kastanjeklassen").click()
    expect(ppr.get_by_role("heading", level=1)).to_have_text("Kastanjeklassen")
    year = school_year_of(start)
    places = ppr.get_by_role("region", name="Pladser pr. skoleår")

    def used(school_year: int) -> Any:
        """The cells of the school year's row: places, taken, free."""
        header = ppr.get_by_role("rowheader", name=school_year_label(school_year), exact=True)
        return places.get_by_role("row").filter(has=header).get_by_role("cell")

    # The place is taken from the start's school year on (no end is planned).
    expect(used(year)).to_have_text(["2", "1", "1"])
    expect(used(year + 1)).to_have_text(["2", "1", "1"])
    placed = ppr.get_by_role("link", name=child.name)
    expect(placed).to_be_visible()
    screens.check(ppr)
    placement = Placement.objects.get(decision=decision)
    assert (placement.offer, placement.review_on, placement.school_year) == (
        chosen,
        review_on,
        year,
    )
    placed.click()
    expect(ppr.get_by_role("heading", level=1)).to_have_text(f"{child.name} i Kastanjeklassen")
    screens.check(ppr)

    # The review comes due: the deadline sweep runs twice the day before; one reminder.
    mails_before = len(mail.outbox)
    with time_machine.travel(placement.review_on - timedelta(days=1), tick=False):
        for _ in range(2):
            tasks.sweep.apply()
    reminder = Reminder.objects.get()
    assert reminder.deadline.subject == placement
    [notification] = Notification.objects.filter(recipient=cast.psychologist)
    assert child.first_name not in notification.message
    assert [m.to for m in mail.outbox[mails_before:]] == [[cast.psychologist.email]]

    # The psychologist follows the notification to the review and returns Åse to her class.
    psychologist = desktop(browser, site, cast.psychologist.email)
    psychologist.get_by_role("link", name=re.compile("^Notifikationer")).first.click()
    psychologist.get_by_role("link", name=re.compile("^Frist nærmer sig: Revurdering")).click()
    expect(psychologist.get_by_role("heading", level=1)).to_have_text(
        f"Revurdering: {child.name} i Kastanjeklassen"
    )
    screens.check(psychologist)
    psychologist.get_by_label("Barnets udvikling og progression").fill(PROGRESS)
    psychologist.locator("label[for]").filter(has_text=re.compile(r"^\s*Grøn")).first.click()
    psychologist.get_by_label("Begrundelse for farven").fill("Klarer sig i almenklassen.")
    psychologist.get_by_label("Barnet vender tilbage til almentilbuddet").check()
    psychologist.get_by_role("button", name="Gem revurderingen").click()
    expect(psychologist.get_by_role("heading", level=1)).to_have_text(
        f"{child.name} i Kastanjeklassen"
    )
    expect(
        psychologist.get_by_text("Barnet vender tilbage til almentilbuddet").first
    ).to_be_visible()
    screens.check(psychologist)
    settled(psychologist)
    placement.refresh_from_db()
    assert not placement.is_active and placement.end_reason == PlacementEndReason.RETURNED

    # The place is free again from the next school year (it was held in this one).
    ppr.get_by_role("link", name="Kastanjeklassen").first.click()
    expect(ppr.get_by_role("heading", level=1)).to_have_text("Kastanjeklassen")
    expect(used(year)).to_have_text(["2", "1", "1"])
    expect(used(year + 1)).to_have_text(["2", "0", "2"])
    expect(ppr.get_by_text("Ingen placerede børn, du har adgang til.")).to_be_visible()

    # The reports count the return and the spending; the effect goal measures it.
    today = calendar.today()
    kroner = ((today - max(start, date(today.year, 1, 1))).days + 1) * 10_000
    open_from_menu(ppr, "Rapporter", "Rapporter")
    screens.check(ppr)
    ppr.get_by_role("link", name="Tilbage til almentilbuddet", exact=True).click()
    expect(ppr.get_by_role("heading", level=1)).to_have_text("Tilbage til almentilbuddet")
    returned = ppr.get_by_role("row").filter(has_text="Kastanjeklassen")
    expect(returned.get_by_role("cell")).to_have_text([str(today.year), "Kastanjeklassen", "1"])
    screens.check(ppr)
    ppr.go_back()
    ppr.get_by_role("link", name="Placeringer pr. tilbud og år", exact=True).click()
    placed_row = ppr.get_by_role("row").filter(has_text="Kastanjeklassen").first
    expect(placed_row).to_contain_text(number(kroner))
    screens.check(ppr)
    ppr.go_back()
    ppr.get_by_role("link", name="Udgift til specialtilbud", exact=True).click()
    expect(ppr.get_by_role("heading", level=1)).to_have_text("Udgift til specialtilbud")
    spent = ppr.get_by_role("row").filter(
        has=ppr.get_by_role("cell", name=str(today.year), exact=True)
    )
    expect(spent).to_contain_text(number(kroner))
    screens.check(ppr)
    ppr.go_back()
    ppr.get_by_role("link", name="Effektmål", exact=True).click()
    ppr.get_by_role("link", name="Lavere udgift til specialtilbud").first.click()
    expect(ppr.get_by_role("heading", level=1)).to_have_text("Lavere udgift til specialtilbud")
    figures = ppr.get_by_role("region", name="Mål og målinger")
    this_year = figures.get_by_role("row").filter(
        has=ppr.get_by_role("rowheader", name=re.compile(rf"^{today.year}"))
    )
    measured = Decimal(kroner) / 1_000_000
    expect(this_year.get_by_role("cell").first).to_have_text(number(measured, 1))

    for page in (leader, ppr, psychologist):
        settled(page)
    assert screens.problems == [], "\n".join(screens.problems)
    assert len(screens.checked) >= 15
