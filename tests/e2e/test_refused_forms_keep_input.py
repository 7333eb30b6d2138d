"""A refused form keeps everything typed (issue 18): for each of the app's forms a browser fills
every field, makes one invalid, submits, and finds every other field still holding what was
typed, and the error at the invalid field.

The pages and their objects come from the access matrix (tests/security/matrix), as a role that
may open them; the fields are filled generically, so a field added later is covered too.
"""

from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.security.test_access_matrix import all_routes

from .helpers import logged_in

#: (page, field made invalid, its invalid value[, role]). Dates use year 1: refused by every
#: date field; a select made invalid is set to its empty choice. Without a role, the first role
#: the matrix lets in opens the page. Not here: forms of one field, the draft forms that save
#: as they are typed (test_nothing_lost.py), and forms whose fields are alternatives or all
#: optional (a group's new participant by child or CPR; a PPV's recipients).
FORMS: list[tuple[str, ...]] = [
    ("cases:child-create", "cpr", "123"),
    ("cases:guardian-create", "email", "ikke-en-adresse"),
    ("cases:consent-create", "given_on", "0001-01-01"),
    ("cases:journal-create", "occurred_on", "0001-01-01"),
    ("cases:journal-correct", "occurred_on", "0001-01-01"),
    ("cases:rating-create", "rated_on", "0001-01-01"),
    ("indsatser:course-create", "starts_on", "0001-01-01"),
    ("indsatser:case-course-create", "starts_on", "0001-01-01"),
    ("indsatser:course-update", "ends_on", "0001-01-01"),
    ("indsatser:follow-up-record", "held_on", "0001-01-01"),
    ("indsatser:absence-create", "percent", "140"),
    ("indsatser:absence-detail", "done_on", "2099-01-01", "teacher"),
    ("indsatser:intervention-create", "name", ""),
    ("meetings:forumreferral-create", "referred_on", "0001-01-01", "school_leader"),
    ("meetings:forummeeting-create", "day", "0001-01-01", "school_leader"),
    ("meetings:series-create", "name", "", "school_leader"),
    ("reports:activity-update", "due_on", "0001-01-01"),
    ("reports:goal-update", "baseline_value", "-5"),
    ("cases:case-close", "outcome", ""),
    ("deadlines:deadline-settings", "receipt_working_days", "-1"),
    ("indsatser:intervention-update", "name", ""),
    ("indsatser:course-detail", "held_on", "0001-01-01"),
    ("indsatser:course-end", "outcome", ""),
    ("indsatser:procedure-step-create", "threshold_percent", "140"),
    ("indsatser:procedure-step-update", "threshold_percent", "140"),
    ("meetings:forum-update", "name", ""),
    ("meetings:forumreferral-finish", "referred_on", "0001-01-01"),
    ("meetings:trio-update", "resource_title", "010115-4321", "school_leader"),
    ("meetings:slot-create", "location", "", "school_leader"),
    ("meetings:talk-create", "held_on", "0001-01-01", "teacher"),
    ("meetings:series-detail", "day", "0001-01-01", "school_leader"),
    ("meetings:conference-detail", "title", "010115-4321"),
    ("meetings:tuesday-plan", "year", "1"),
    ("meetings:school-holidays", "starts_on", "0001-01-01"),
    ("meetings:tuesday-agenda", "droeftelse-0-keywords", "010115-4321"),
    ("meetings:seat-swap", "colleague", ""),
    ("visitation:offer-create", "min_age", "-1"),
    ("visitation:offer-update", "min_age", "-1"),
    ("visitation:committee-detail", "held_on", "0001-01-01"),
    ("cases:referral-visitate", "redirect-forum", ""),
    ("cases:ppv-finalise", "signed_on", "0001-01-01"),
    ("visitation:entry-detail", "note", ""),
]

#: Fills every visible field of the form with a value its kind accepts.
_FILL = """(form, today) => {
  for (const el of form.elements) {
    if (!el.name || el.disabled || ["hidden", "submit", "button", "file", "reset"].includes(el.type)) continue;
    if (el.tagName === "SELECT") {
      const options = [...el.options].filter(o => o.value);
      if (options.length) options[options.length - 1].selected = true;
    } else if (el.type === "checkbox") {
      el.checked = true;
    } else if (el.type === "radio") {
      const group = form.querySelectorAll(`input[type=radio][name="${el.name}"]`);
      group[group.length - 1].checked = true;
    } else if (el.type === "date") {
      el.value = today;
    } else if (el.type === "time") {
      el.value = el.name.includes("end") ? "15:00" : "13:00";
    } else if (el.type === "number" || el.inputMode === "decimal" || el.inputMode === "numeric") {
      el.value = "7";
    } else if (el.type === "email") {
      el.value = "mor@example.dk";
    } else {
      el.value = "Skrevet i " + el.name;
    }
    el.dispatchEvent(new Event("input", {bubbles: true}));
  }
}"""

#: Every named, visible field's value (a list for checkboxes, radios and multiple selects).
_VALUES = """(form) => {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || ["hidden", "submit", "button", "file", "reset"].includes(el.type)) continue;
    let value;
    if (el.type === "checkbox" || el.type === "radio") value = el.checked ? [el.value] : [];
    else if (el.tagName === "SELECT") value = [...el.selectedOptions].map(o => o.value);
    else value = [el.value];
    values[el.name] = (values[el.name] || []).concat(value);
  }
  return values;
}"""


def _page_route(name: str) -> Any:
    for route in all_routes():
        if route.name == name and route.method == "get":
            return route
    raise AssertionError(f"{name} has no GET route in the access matrix")


def _role(route: Any) -> str:
    return next(role for role, status in route.expect.items() if status == 200)


@pytest.mark.parametrize("form", FORMS, ids=[f[0] for f in FORMS])
def test_a_refused_form_keeps_every_value_typed(
    browser: Browser, site: str, cast: Any, form: tuple[str, ...]
) -> None:
    name, field, invalid, *role = form
    route = _page_route(name)
    user = getattr(cast, role[0] if role else _role(route))
    query = route.query or urlencode(route.data(cast))
    url = reverse(name, kwargs=route.kwargs(cast)) + (f"?{query}" if query else "")
    page = logged_in(browser, site, user.email)
    page.goto(f"{site}{url}")
    form_selector = f"main form[method=post]:has([name='{field}'])"
    page_form = page.locator(form_selector).first
    expect(page_form).to_be_visible()
    page_form.evaluate(_FILL, timezone.localdate().isoformat())
    invalid_field = page.locator(f"{form_selector} [name='{field}']").first
    if invalid_field.evaluate("el => el.tagName") == "SELECT":
        invalid_field.select_option(invalid)
    else:
        invalid_field.fill(invalid)
    typed = page_form.evaluate(_VALUES)

    with page.expect_navigation():
        page_form.evaluate("form => form.requestSubmit()")
    page_form = page.locator(form_selector).first
    expect(page_form).to_be_visible()
    kept = page_form.evaluate(_VALUES)

    lost = {
        key: (value, kept.get(key))
        for key, value in typed.items()
        if key != field and kept.get(key) != value
    }
    assert lost == {}, f"{name}: typed → after the refusal: {lost}"
    error = page.locator(f".form-error:has([name='{field}']) .form-error-message")
    expect(error.first).to_be_visible()
