"""A course in a real browser, from start to follow-up: the psychologist starts a course on the
child's case with goals and a follow-up date, adds a session, marks attendance over HTMX, holds
the follow-up with goal statuses and a Børnelineal rating, and the page shows before and after;
the child's school reads the course without being able to record in it."""

from datetime import timedelta
from typing import Any

from playwright.sync_api import Browser, expect

from cases.models import Case, RatingContext
from indsatser.models import Attendance, Course, FollowUpStatus
from ppr.deadlines import calendar
from ppr.deadlines.models import Deadline, DeadlineState
from tests.cases.factories import RulerRatingFactory
from tests.indsatser.factories import SHORT_TALKS, child_with_consent

from .helpers import logged_in, serious_violations


def test_a_course_from_start_to_follow_up(browser: Browser, site: str, cast: Any) -> None:
    child = child_with_consent(institution=cast.school, first_name="Alma", last_name="Vestergaard")
    case = Case.objects.create(child=child, assigned=cast.psychologist, team=cast.team_vest)
    today = calendar.today()
    RulerRatingFactory(
        child=child,
        colour="roed",
        rated_on=today - timedelta(days=30),
        case=case,
        rater=cast.psychologist,
    )

    # The psychologist starts the course from the Forløb page's hint: on the child's case page.
    page = logged_in(browser, site, cast.psychologist.email)
    page.goto(f"{site}/indsatser/forloeb/")
    expect(page.get_by_text("startes fra barnets sag")).to_be_visible()
    page.goto(f"{site}{case.get_absolute_url()}")
    page.get_by_role("link", name="Start forløb").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nyt forløb for Alma Vestergaard")
    page.get_by_label("Indsats").select_option(label=SHORT_TALKS)
    page.get_by_label("Mål (ét pr. linje)").fill(
        "Alma deltager i frikvartererne tre dage om ugen.\nAlma fortæller selv, at hun har en ven."
    )
    page.get_by_label("Første opfølgning").fill(today.isoformat())
    page.get_by_role("button", name="Start forløbet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SHORT_TALKS)
    course = Course.objects.get()
    assert course.goals.count() == 2
    assert Deadline.objects.filter(kind="opfoelgning", responsible=cast.psychologist).count() == 1
    assert serious_violations(page) == []

    # A session, then attendance in the grid: the cell changes without a page load.
    page.get_by_label("Dato for gangen").fill(today.isoformat())
    page.get_by_label("Emne").fill("Første samtale")
    page.get_by_role("button", name="Tilføj gang").click()
    expect(page.get_by_text("Gangen er tilføjet.")).to_be_visible()
    page.get_by_role("link", name="Fremmøde pr. gang").click()
    cell = page.locator("#attendance-grid td.ppr-attendance__cell").first
    cell.get_by_role("button").click()
    expect(page.locator("#attendance-grid td.ppr-attendance__cell").first).to_contain_text(
        "Til stede"
    )
    assert Attendance.objects.get().present is True
    assert serious_violations(page) == []

    # The follow-up: goals and a rating; the deadline is met and the page shows before/after.
    page.goto(f"{site}{course.get_absolute_url()}")
    page.get_by_role("link", name="Registrér opfølgningen").click()
    page.get_by_label("Notat fra opfølgningen").fill(
        "Samtale med Alma og mor. Frikvartererne går bedre."
    )
    page.get_by_role("group", name="Alma deltager i frikvartererne tre dage om ugen.").get_by_label(
        "Opfyldt", exact=True
    ).check()
    page.get_by_role("group", name="Alma fortæller selv, at hun har en ven.").get_by_label(
        "Delvist opfyldt"
    ).check()
    page.get_by_label("Børnelineal: Alma Vestergaard").select_option("gul")
    page.get_by_label("Begrundelse for Alma Vestergaard").fill(
        "Bedre trivsel, stadig sårbar i grupper."
    )
    assert serious_violations(page) == []
    page.get_by_role("button", name="Gem opfølgningen").click()
    expect(page.get_by_text("Opfølgningen er registreret.")).to_be_visible()
    ratings = page.get_by_role(
        "table", name="Seneste vurdering før forløbet og seneste vurdering ved en opfølgning"
    )
    expect(ratings).to_contain_text("Rød (tertiær forebyggelse)")
    expect(ratings).to_contain_text("Gul (sekundær forebyggelse)")
    follow_up = course.follow_ups.get()
    assert follow_up.status == FollowUpStatus.HELD
    assert follow_up.ratings.get().context == RatingContext.FOLLOW_UP
    assert Deadline.objects.for_subject(follow_up).get().state == DeadlineState.MET

    # The school leader reads the course, with no recording controls.
    leader = logged_in(browser, site, cast.school_leader.email)
    leader.goto(f"{site}{course.get_absolute_url()}")
    expect(leader.get_by_role("heading", level=1)).to_contain_text(SHORT_TALKS)
    expect(leader.get_by_text("Delvist opfyldt")).to_be_visible()
    expect(leader.get_by_role("button", name="Tilføj gang")).to_have_count(0)
    expect(leader.get_by_text("Samtale med Alma og mor.")).to_have_count(0)
