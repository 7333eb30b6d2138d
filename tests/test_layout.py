"""The page frame on every screen: DKFDS breadcrumbs, a favicon, the grouped main menu and
checkboxes and radios in DKFDS markup (input before its label)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from demo.organisation import seed_organisation
from tests.cases.case_fixtures import make_case
from tests.conftest import Cast, client_for


def test_breadcrumbs_are_a_dkfds_breadcrumbs_nav(cast: Cast) -> None:
    html = client_for(cast.psychologist).get(reverse("cases:case-list")).content.decode()
    nav = re.search(r'<nav class="([^"]*)" aria-label="Brødkrumme">', html)
    assert nav is not None and "breadcrumbs" in nav.group(1).split()
    assert 'class="breadcrumbs__list-item" aria-current="page"' in html


@pytest.mark.django_db
def test_favicon_ico_is_served_not_404() -> None:
    response = client_for(None).get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".ico")
    assert finders.find("favicon.ico") is not None


def test_every_page_links_its_favicon(cast: Cast) -> None:
    html = client_for(cast.teacher).get(reverse("home")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon[^"]*\.ico"', html)


class _MainMenu(HTMLParser):
    """The top-level entries of the desktop main menu (DKFDS ``nav.nav > ul.mainmenu > li``):
    each one's text, whether it is a group (a button opening a submenu) and its aria-current."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, str | bool | None]] = []
        self.depth = 0  # <ul> nesting inside the main menu, 0 outside it
        self.in_nav = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "nav" and attributes.get("class") == "nav":
            self.in_nav = True
        elif self.in_nav and tag == "ul":
            self.depth += 1
        elif self.in_nav and self.depth == 1 and tag == "li":
            self.entries.append({"text": "", "group": False, "current": None})
        elif self.in_nav and self.depth == 1 and tag in ("a", "button"):
            self.entries[-1]["group"] = tag == "button"
            self.entries[-1]["current"] = attributes.get("aria-current")

    def handle_endtag(self, tag: str) -> None:
        if self.in_nav and tag == "ul":
            self.depth -= 1
        elif tag == "nav":
            self.in_nav = False

    def handle_data(self, data: str) -> None:
        if self.in_nav and self.depth == 1 and self.entries and data.strip():
            self.entries[-1]["text"] = f"{self.entries[-1]['text']}{data.strip()}"


def main_menu(html: str) -> list[dict[str, str | bool | None]]:
    parser = _MainMenu()
    parser.feed(html)
    return parser.entries


@pytest.mark.django_db
def test_no_demo_role_sees_more_than_eight_menu_entries() -> None:
    demo = seed_organisation()
    for user, (role, email, _password) in zip(demo.users.values(), demo.logins, strict=True):
        html = client_for(user).get(reverse("home")).content.decode()
        entries = main_menu(html)
        assert 1 <= len(entries) <= 8, f"{role} ({email}): {[e['text'] for e in entries]}"
        if user.is_ppr_leader:
            assert [e["text"] for e in entries] == [
                "Mit overblik",
                "Sager",
                "Møder",
                "Indsatser",
                "Frister",
                "Rapporter",
                "Administration",  # Adgangslog, Rettigheder
            ]


def test_the_current_page_and_its_group_are_marked(cast: Cast) -> None:
    case = make_case(cast, assigned=cast.psychologist)
    html = client_for(cast.psychologist).get(case.get_absolute_url()).content.decode()
    marked = [(e["text"], e["current"]) for e in main_menu(html) if e["current"]]
    assert marked == [("Sager", "true")]
    # The case list's entry in the group, both in the bar and in the mobile drawer.
    link = f'<a href="{reverse("cases:case-list")}" class="nav-link" aria-current="page">'
    assert html.count(link) == 2
    # The drawer's group starts open on the current page.
    assert re.search(
        r'class="button-mobile-menu js-menudropdown" data-js-target="mobilemenu-sager" '
        r'aria-expanded="true"',
        html,
    )


def test_the_header_has_dkfds_mobile_menu_button_and_drawer(cast: Cast) -> None:
    html = client_for(cast.teacher).get(reverse("home")).content.decode()
    assert 'class="function-link button-menu-open js-menu-open' in html
    assert '<div class="mobile-drawer" role="dialog" aria-modal="true"' in html
    assert '<nav class="navigation-menu-mobile" aria-label="Hovedmenu">' in html
    assert re.search(r'<script src="[^"]*/js/dkfds-init[.\w]*\.js" nonce="[^"]+" defer>', html)


@pytest.mark.django_db
def test_anonymous_pages_have_no_menu() -> None:
    html = client_for(None).get(reverse("account_login")).content.decode()
    assert main_menu(html) == [] and "js-menu-open" not in html


class _Choices(HTMLParser):
    """Every checkbox and radio button of a page: its id, class, and the tag right after it."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self._last: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self._last is not None:
            self._last["next"] = (
                f"{tag} for={attributes.get('for')} class={attributes.get('class')}"
            )
            self._last = None
        if tag == "input" and attributes.get("type") in ("checkbox", "radio"):
            self._last = {
                "id": attributes.get("id"),
                "class": attributes.get("class"),
                "type": attributes.get("type"),
                "next": None,
            }
            self.inputs.append(self._last)


def choices_not_in_dkfds_markup(html: str) -> list[dict[str, str | None]]:
    """The checkboxes and radios DKFDS cannot draw: without their DKFDS class, or not followed
    by their own label (DKFDS draws the box with ``.form-checkbox + label``)."""
    parser = _Choices()
    parser.feed(html)
    return [
        found
        for found in parser.inputs
        if found["class"] is None
        or f"form-{found['type']}" not in found["class"].split()
        or found["next"] != f"label for={found['id']} class=form-label"
    ]


def test_the_kun_igangvaerende_filter_checkbox_comes_before_its_label(cast: Cast) -> None:
    html = client_for(cast.ppr_leader).get(reverse("cases:referral-list")).content.decode()
    assert "Kun igangværende" in html
    assert choices_not_in_dkfds_markup(html) == []


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("psychologist", "indsatser:course-list"),
        ("psychologist", "indsatser:absence-list"),
        ("ppr_leader", "indsatser:intervention-create"),
        ("ppr_leader", "cases:case-list"),
        ("school_leader", "cases:referral-create"),
        ("school_leader", "meetings:series-create"),
    ],
)
def test_checkboxes_and_radios_are_in_dkfds_markup(cast: Cast, role: str, url_name: str) -> None:
    response = client_for(getattr(cast, role)).get(reverse(url_name), follow=True)
    assert response.status_code == 200
    assert choices_not_in_dkfds_markup(response.content.decode()) == []
