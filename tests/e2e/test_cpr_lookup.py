"""The CPR lookup in the browser (SF1520 stand-in on 127.0.0.1): typing the child's CPR number
fills in the name by HTMX and lists the custody holders (the protected father without an
address); confirming creates them. With the register down, what was typed stays and a Danish
message says to go on by hand. axe clean at 390 px and 1366 px."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from cases.models import Child, Guardian
from tests.cpr.helpers import register_on

from .helpers import logged_in, serious_violations


@pytest.mark.parametrize("width", [390, 1366])
def test_the_cpr_number_fills_in_the_form_and_the_leader_confirms(
    browser: Browser, site: str, cast: Any, settings: Any, width: int
) -> None:
    with register_on(settings):
        page = logged_in(browser, site, cast.school_leader.email)
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{site}{reverse('cases:child-create')}")
        page.get_by_label("CPR-nummer").fill("150515-4001")
        page.get_by_label("CPR-nummer").press("Tab")
        expect(page.get_by_label("Fornavn")).to_have_value("Freja Marie")
        expect(page.get_by_label("Efternavn")).to_have_value("Standin")
        expect(page.get_by_text("Jonas Hemmelig (Far)")).to_be_visible()
        expect(page.get_by_text("Skjultvej")).to_have_count(0)
        expect(page.get_by_label("Opret forældrene med forældremyndighed")).to_be_checked()
        assert serious_violations(page) == []
        page.get_by_role("button", name="Registrér", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Freja Marie Standin")
        page.wait_for_load_state("networkidle")
        child = Child.objects.get()
        assert Guardian.objects.filter(child=child).count() == 2


def test_with_the_register_down_the_typed_name_stays(
    browser: Browser, site: str, cast: Any, settings: Any
) -> None:
    with register_on(settings) as stand_in:
        stand_in.down = True
        page = logged_in(browser, site, cast.school_leader.email)
        page.goto(f"{site}{reverse('cases:child-create')}")
        page.get_by_label("Fornavn").fill("Selv")
        page.get_by_label("CPR-nummer").fill("150515-4001")
        page.get_by_label("CPR-nummer").press("Tab")
        expect(page.get_by_text("CPR-registret svarer ikke lige nu")).to_be_visible()
        expect(page.get_by_label("Fornavn")).to_have_value("Selv")
        assert serious_violations(page) == []
