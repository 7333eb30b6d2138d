"""Issue 25 in the browser, as the roles who use it (the TRIO and the open consultation are
walked in test_trio_and_consultation.py):

- the PPR leader adds an effect goal (a Danish error first), retires it and finds it under
  Udgåede effektmål, enters a year's prevention spending, adds an initiative with its tovholder
  and an activity whose date has passed (flagged late), and marks it done (no longer late);
- a school leader imports a quarter's absence from a CSV file: a file with a bad line shows the
  Danish error for that line and saves nothing, the corrected file opens the cases with their
  klassetrin, and the pupil over 10 % has the TRIO's henvisning drafted and prefilled;
- the health visitor rates a daycare child on the child's Børnelineal page, and the history
  filtered by her profession shows her rating.

Every page on the way is checked at 1366×900 and 390×844: the main menu is reachable (the
navigation bar; on the phone the Menu button's drawer), the page does not scroll sideways, and
axe-core finds no serious or critical violation."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import RaterProfession, RulerRating
from indsatser.models import AbsenceCase
from meetings.models import ForumReferral
from ppr.deadlines import calendar
from reports.models import (
    ActivityStatus,
    DevelopmentPlan,
    EffectGoal,
    PlanActivity,
    PreventionSpending,
)
from tests.cases.factories import ChildFactory

from .helpers import (
    DESKTOP,
    PHONE,
    log_in,
    log_out,
    open_from_menu,
    screen_problems,
    serious_violations,
)

CPR_A = "010116-1234"
CPR_B = "020215-2345"


def both_screens(page: Page) -> list[str]:
    """What is wrong with the page as it is now on the desktop and, resized, on the phone."""
    problems = []
    for screen in (DESKTOP, PHONE):
        page.set_viewport_size(screen)
        problems += screen_problems(page, page.url, screen, menu=True)
        problems += [f"{page.url} at {screen['width']} px: {v}" for v in serious_violations(page)]
    page.set_viewport_size(DESKTOP)
    return problems


def says(page: Page, text: str) -> None:
    """The page's message (the green box above the content) says ``text``."""
    expect(page.locator("#messages")).to_contain_text(text)


def test_the_ppr_leader_keeps_the_effect_goals_and_the_development_plan(
    page: Page, site: str, cast: Any
) -> None:
    DevelopmentPlan.objects.create(key="ppr-paa-sporet", name="PPR på sporet")
    problems: list[str] = []
    log_in(page, site, cast.ppr_leader.email)
    open_from_menu(page, "Rapporter", "Rapporter")
    page.get_by_role("main").get_by_role("link", name="Effektmål", exact=True).click()
    page.get_by_role("link", name="Nyt effektmål").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nyt effektmål")

    # A goal without a name is refused in Danish, and what was typed stays.
    page.locator("#id_unit").select_option("procent")
    page.locator("#id_direction").select_option("lavere")
    page.locator("#id_baseline_value").fill("14,5")
    page.locator("#id_baseline_year").fill("2025")
    page.locator("#id_target_value").fill("10")
    page.locator("#id_target_year").fill("2028")
    page.get_by_label("Manuelt indtastet af PPR-lederen").check()
    page.get_by_role("button", name="Opret effektmål").click()
    expect(page.get_by_text("Giv målet et navn.").first).to_be_visible()
    expect(page.locator("#id_baseline_value")).to_have_value("14,5")
    problems += both_screens(page)
    assert not EffectGoal.objects.filter(baseline_value=Decimal("14.5")).exists()
    page.locator("#id_name").fill("Andel elever med bekymrende fravær i overskolingen")
    page.get_by_role("button", name="Opret effektmål").click()
    says(page, "Effektmålet er oprettet.")
    goal = EffectGoal.objects.get(name="Andel elever med bekymrende fravær i overskolingen")
    assert (goal.baseline_year, goal.target_year, goal.retired_at) == (2025, 2028, None)
    problems += both_screens(page)

    # Retired: gone from the dashboard, listed under Udgåede effektmål with its history kept.
    page.get_by_role("button", name="Tag målet ud af brug").click()
    says(page, "Effektmålet er udgået.")
    goal.refresh_from_db()
    assert goal.retired_at is not None and goal.retired_by == cast.ppr_leader
    page.goto(f"{site}{reverse('reports:goal-dashboard')}")
    expect(page.get_by_role("main")).not_to_contain_text(goal.name)
    page.get_by_role("link", name="Udgåede effektmål").click()
    expect(page.get_by_role("table")).to_contain_text(goal.name)
    problems += both_screens(page)

    # The prevention spending of last year, typed the Danish way.
    page.goto(f"{site}{reverse('reports:goal-dashboard')}")
    page.get_by_role("link", name="Udgift til forebyggelse").click()
    last_year = calendar.today().year - 1
    page.locator("#id_year").fill(str(last_year))
    page.locator("#id_amount").fill("21.500.000")
    page.locator("#id_note").fill("Økonomiafdelingen, regnskab")
    page.get_by_role("button", name="Gem udgift").click()
    expect(page.get_by_role("table")).to_contain_text(str(last_year))
    assert PreventionSpending.objects.get(year=last_year).amount == 21_500_000
    problems += both_screens(page)

    # The development plan: a new initiative with its tovholder, a late activity, then done.
    open_from_menu(page, "Rapporter", "Rapporter")
    page.get_by_role("main").get_by_role("link", name="Udviklingsplan", exact=True).click()
    page.get_by_role("link", name="Ny udviklingsindsats").click()
    page.locator("#id_number").fill("3.6")
    page.locator("#id_title").fill("Bekymrende fravær – overbygning og mellemtrin")
    page.locator("#id_owner_text").fill("Hanne / Michael")
    problems += both_screens(page)
    page.get_by_role("button", name="Opret indsats").click()
    says(page, "Indsatsen er oprettet.")
    page.get_by_role("link", name="Ny aktivitet, delmål eller milepæl").click()
    page.locator("#id_kind").select_option("aktivitet")
    page.locator("#id_number").fill("2")
    page.locator("#id_title").fill("Kortlægning af fraværet på mellemtrinnet")
    page.locator("#id_due_on").fill((calendar.today() - timedelta(days=30)).isoformat())
    page.locator("#id_owner_text").fill("Hanne / Michael")
    page.locator("#id_status").select_option(ActivityStatus.IN_PROGRESS)
    problems += both_screens(page)
    page.get_by_role("button", name="Opret aktivitet").click()
    row = page.get_by_role("row", name="Aktivitet 2: Kortlægning af fraværet på mellemtrinnet")
    expect(row).to_contain_text("Forsinket")
    problems += both_screens(page)
    row.get_by_role("link", name="Opdater").click()
    page.locator("#id_status").select_option(ActivityStatus.DONE)
    page.locator("#id_status_note").fill("Kortlægningen er fremlagt for styregruppen.")
    problems += both_screens(page)
    page.get_by_role("button", name="Gem", exact=True).click()
    says(page, "Aktiviteten er gemt.")
    expect(row).not_to_contain_text("Forsinket")
    expect(row).to_contain_text("Kortlægningen er fremlagt for styregruppen.")
    activity = PlanActivity.objects.get(title="Kortlægning af fraværet på mellemtrinnet")
    assert (activity.status, activity.version) == (ActivityStatus.DONE, 2)
    assert problems == [], "\n".join(problems)


def csv_upload(text: str) -> dict[str, Any]:
    return {"name": "fravaer.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_a_school_leader_imports_a_quarter_of_absence_from_the_schools_csv(
    page: Page, site: str, cast: Any
) -> None:
    ChildFactory(institution=cast.school, cpr=CPR_A, first_name="Alma")
    ChildFactory(institution=cast.school, cpr=CPR_B, first_name="Bo")
    problems: list[str] = []
    log_in(page, site, cast.school_leader.email)
    open_from_menu(page, "Indsatser", "Bekymrende fravær")
    page.get_by_role("link", name="Indlæs fravær fra CSV").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Indlæs fravær")
    problems += both_screens(page)

    # Line 3's klassetrin is no grade: nothing is saved, the error names the line in Danish.
    page.get_by_label("CSV-fil").set_input_files(
        csv_upload(f"cpr;klassetrin;fravaer\n{CPR_A};8;12,5\n{CPR_B};syv;3\n")
    )
    page.get_by_role("button", name="Indlæs fravær").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Filen er ikke indlæst – intet er gemt")
    expect(errors).to_contain_text("Linje 3: klassetrin skal være et tal fra 0 til 10.")
    expect(errors).not_to_contain_text(CPR_B)
    assert not AbsenceCase.objects.exists()
    problems += both_screens(page)

    page.get_by_label("CSV-fil").set_input_files(
        csv_upload(f"cpr;klassetrin;fravaer\n{CPR_A};8;12,5\n{CPR_B};5;3\n")
    )
    page.get_by_role("button", name="Indlæs fravær").click()
    says(page, "2 nye fraværssager")
    cases = {c.child.first_name: c for c in AbsenceCase.objects.select_related("child")}
    assert (cases["Alma"].grade, cases["Bo"].grade) == (8, 5)
    problems += both_screens(page)

    # Over 10 %: the procedure drafted the TRIO's henvisning, prefilled from the file.
    page.goto(f"{site}{cases['Alma'].get_absolute_url()}")
    page.get_by_role("link", name="Udfyldt kladde til TRIO'ens henvisning", exact=False).click()
    expect(page.get_by_role("main")).to_contain_text("12,5 % ulovligt fravær")
    expect(page.get_by_role("main")).to_contain_text("8. klasse")
    draft = ForumReferral.objects.get(absence_step__absence_case=cases["Alma"])
    assert draft.is_draft and draft.institution == cast.school
    assert not ForumReferral.objects.filter(absence_step__absence_case=cases["Bo"]).exists()
    problems += both_screens(page)
    log_out(page)
    assert problems == [], "\n".join(problems)


def test_the_health_visitor_rates_a_daycare_child_and_reads_the_history_by_profession(
    page: Page, site: str, cast: Any
) -> None:
    child = ChildFactory(institution=cast.daycare, first_name="Ellen")
    problems: list[str] = []
    log_in(page, site, cast.health_visitor.email)
    page.goto(f"{site}{reverse('cases:child-ratings', args=[child.pk])}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Børnelineal for")
    problems += both_screens(page)
    page.get_by_role("link", name="Ny Børnelineal-vurdering").click()
    page.get_by_label("Gul (sekundær forebyggelse)", exact=False).check()
    page.get_by_label("Begrundelse").fill("Sent sprog ved screeningen; følges op om tre måneder.")
    problems += both_screens(page)
    page.get_by_role("button", name="Gem vurdering").click()
    says(page, "Vurderingen er gemt.")
    rating = RulerRating.objects.get(child=child)
    assert (rating.profession, rating.rater) == (
        RaterProfession.HEALTH_VISITOR,
        cast.health_visitor,
    )
    page.get_by_label("Faggruppe", exact=True).select_option(RaterProfession.HEALTH_VISITOR)
    page.get_by_role("button", name="Vis").click()
    expect(
        page.get_by_role("heading", name="Vurderinger fra faggruppen Sundhedsplejerske")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Sent sprog ved screeningen")
    problems += both_screens(page)
    assert problems == [], "\n".join(problems)
