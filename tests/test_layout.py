"""The page frame on every screen: DKFDS breadcrumbs, a favicon, the grouped main menu and
checkboxes and radios in DKFDS markup (input before its label)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

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
