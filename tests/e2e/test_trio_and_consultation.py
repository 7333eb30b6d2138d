"""Issue 25 in the browser: the school leader sets the koordinerende TRIO and reads its history,
the teacher in the TRIO books Skolesocialrådgivning's talks until the fourth is refused with a
pointer to the henvisning, and the henvisning form asks for the school's own response. Each new
page at 1366×900 and 390×844: no sideways scroll, no serious axe violation."""

from datetime import time, timedelta
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from meetings import services
from meetings.models import ConsultationSlot, TalkWith
from meetings.schoolyears import current_school_year
from ppr.deadlines import calendar
from tests.cases.factories import ChildFactory
from tests.meetings.factories import cast_trio, give_meeting_consent

from . import helpers
from .helpers import DESKTOP, PHONE, log_out, screen_problems, serious_violations


def _on_both_screens(page: Page) -> list[str]:
    problems = []
    for screen in (DESKTOP, PHONE):
        page.set_viewport_size(screen)
        problems += screen_problems(page, page.url, screen, menu=False)
        problems += [f"{screen['width']} px: {v}" for v in serious_violations(page)]
    page.set_viewport_size(DESKTOP)
    return problems


def test_the_trio_the_talks_and_the_own_response_on_both_screens(
    page: Page, site: str, cast: Any
) -> None:
    helpers.log_in(page, site, cast.school_leader.email)
    page.goto(
        f"{site}{reverse('meetings:trio-update', args=[cast.school.pk, current_school_year()])}"
    )
    page.get_by_label("Leder").select_option(str(cast.school_leader.pk))
    page.get_by_label("PPR-psykolog").select_option(str(cast.psychologist.pk))
    page.get_by_label("Pædagogisk/faglig ressourceperson").select_option(str(cast.teacher.pk))
    assert _on_both_screens(page) == []
    page.get_by_role("button", name="Gem TRIO").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Koordinerende TRIO")
    expect(page.get_by_role("table")).to_contain_text(str(cast.teacher))
    assert _on_both_screens(page) == []
    page.goto(f"{site}{reverse('meetings:trio-list')}")
    expect(page.get_by_role("table")).to_contain_text(str(cast.psychologist))
    assert _on_both_screens(page) == []
    log_out(page)

    slot = ConsultationSlot.objects.create(
        institution=cast.school,
        social_worker=cast.social_worker,
        weekday=calendar.today().weekday(),
        starts_at=time(8, 0),
        ends_at=time(10, 0),
        location="Lokale 12",
        created_by=cast.social_worker,
    )
    child = ChildFactory(institution=cast.school, first_name="Asta")
    give_meeting_consent(child, "Skolesocialrådgivning", recorded_by=cast.school_leader)
    for weeks in (3, 2, 1):
        services.book_talk(
            slot=slot,
            held_on=calendar.today() - timedelta(weeks=weeks),
            talk_with=TalkWith.PUPIL,
            child=child,
            by=cast.social_worker,
        )
    cast_trio(cast)
    helpers.log_in(page, site, cast.teacher.email)
    page.goto(f"{site}{reverse('meetings:consultation-list')}")
    expect(page.get_by_role("table")).to_contain_text("3 af 3")
    assert _on_both_screens(page) == []
    page.get_by_role("link", name="Book samtale").first.click()
    page.get_by_label("Samtale med").select_option("elev")
    page.get_by_label("Barn", exact=True).select_option(str(child.pk))
    page.get_by_role("button", name="Book samtalen").click()
    expect(page.locator(".alert-warning")).to_contain_text("Barnet har brugt de 3 samtaler")
    assert _on_both_screens(page) == []
    page.get_by_role("link", name="Lav en henvisning").click()
    expect(page.get_by_role("group", name="Institutionens egen indsats")).to_be_visible()
    assert _on_both_screens(page) == []
