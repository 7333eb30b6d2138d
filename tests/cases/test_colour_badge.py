"""Børnelineal colours are shown in colour everywhere, with the colour's name as text, by one
include (templates/includes/colour_badge.html)."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from cases.colours import colour_badge
from tests.cases.referral_fixtures import submitted
from tests.conftest import client_for

BADGE = '<span class="ppr-badge ppr-colour-{}">{}</span>'


def test_the_intake_queue_shows_each_colour_in_colour_with_its_name(cast) -> None:
    submitted(cast, ruler_colour="roed")
    html = client_for(cast.secretary).get(reverse("cases:referral-queue")).text
    assert BADGE.format("roed", "Rød") in html


def test_the_referral_page_shows_the_colour_with_its_full_name(cast) -> None:
    referral = submitted(cast, ruler_colour="gul")
    html = client_for(cast.school_leader).get(referral.get_absolute_url()).text
    assert BADGE.format("gul", "Gul (sekundær forebyggelse)") in html


def test_the_badge_names_the_colour_and_escapes_a_label() -> None:
    assert colour_badge("groen") == BADGE.format("groen", "Grøn")
    assert colour_badge("roed", "<b>") == BADGE.format("roed", "&lt;b&gt;")
    assert colour_badge("", empty="Ingen vurdering") == "Ingen vurdering"


def test_every_template_draws_the_colour_with_the_one_include() -> None:
    root = Path(settings.BASE_DIR) / "templates"
    own = {root / "includes" / "colour_badge.html"}
    drawn_by_hand = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if path not in own and "ppr-colour-" in path.read_text(encoding="utf-8")
    ]
    assert drawn_by_hand == []


def test_the_colours_have_a_swatch_and_dark_text_in_the_stylesheet() -> None:
    css = (Path(settings.BASE_DIR) / "static" / "css" / "ppr.css").read_text(encoding="utf-8")
    for colour in ("groen", "gul", "roed"):
        assert f".ppr-colour-{colour}::before {{ background:" in css
