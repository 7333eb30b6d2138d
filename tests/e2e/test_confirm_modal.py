"""Issue 18: a destructive action asks first in a DKFDS modal that works with the keyboard alone:
it opens from the trigger, holds the focus while open, closes on Escape with the focus back on
the trigger, and its confirm button does the action (here: calling off a koordineringskonference,
which can then be undone)."""

from typing import Any

from playwright.sync_api import Page, expect

from meetings.models import ConferenceMeeting
from tests.meetings.factories import ConferenceFactory, SeriesFactory

from .helpers import csp_errors, log_in, serious_violations


def _focused_inside(page: Page, selector: str) -> bool:
    return page.evaluate(
        "(sel) => document.querySelector(sel).contains(document.activeElement)", selector
    )


def test_the_cancel_modal_works_with_the_keyboard(page: Page, site: str, cast: Any) -> None:
    series = SeriesFactory(
        institution=cast.school, created_by=cast.school_leader, standing=[cast.school_leader]
    )
    meeting = ConferenceFactory(
        series=series, created_by=cast.school_leader, participants=[cast.school_leader]
    )
    csp = csp_errors(page)
    log_in(page, site, cast.school_leader.email)
    page.goto(f"{site}{meeting.get_absolute_url()}")

    trigger = page.get_by_role("link", name="Aflys mødet")
    trigger.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Aflys mødet?")
    expect(dialog).to_be_visible()
    modal = f"#bekraeft-aflys-{meeting.pk}"
    assert _focused_inside(page, modal), "the focus moves into the modal"
    assert not serious_violations(page)

    # Tab and Shift+Tab never leave the modal.
    for key in ["Tab"] * 5 + ["Shift+Tab"] * 7:
        page.keyboard.press(key)
        assert _focused_inside(page, modal), f"focus left the modal after {key}"

    # Escape closes it and gives the focus back to the trigger; nothing happened.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()
    assert ConferenceMeeting.objects.get().cancelled_at is None

    # Open again and confirm with the keyboard.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Aflys mødet").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Mødet er aflyst, og deltagerne har fået besked.")).to_be_visible()
    assert ConferenceMeeting.objects.get().cancelled_at is not None

    # Fortryd, for a few minutes.
    page.get_by_role("button", name="Fortryd aflysningen").click()
    expect(page.get_by_text("Aflysningen er fortrudt")).to_be_visible()
    assert ConferenceMeeting.objects.get().cancelled_at is None
    assert not csp
