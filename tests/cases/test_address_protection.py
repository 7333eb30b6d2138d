"""Name and address protection (navne- og adressebeskyttelse) on the staff side: a protected
guardian's address is shown to no one on the child's page, and no template that reaches a
custody holder or a forum (PDFs, Digital Post, meetings) prints any guardian's address."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.cases.factories import ChildFactory, GuardianFactory
from tests.conftest import client_for

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize("role", ["school_leader", "teacher", "ppr_leader", "secretary"])
def test_the_childs_page_never_shows_a_protected_guardians_address(cast, role: str) -> None:
    child = ChildFactory(institution=cast.school)
    GuardianFactory(
        child=child, name="Skjult Forælder", address="Hemmeligvej 9", name_address_protected=True
    )
    GuardianFactory(child=child, name="Åben Forælder", relation="far", address="Åbenvej 1")
    html = (
        client_for(getattr(cast, role))
        .get(reverse("cases:child-detail", kwargs={"pk": child.pk}))
        .text
    )
    assert "Skjult Forælder" in html and "Hemmeligvej" not in html
    assert "Navne- og adressebeskyttelse: adressen vises ikke" in html
    assert "Åbenvej 1" in html


def test_only_the_childs_page_prints_a_guardians_address_and_only_unprotected() -> None:
    printing = {
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if "guardian.address" in path.read_text()
    }
    assert printing == {"cases/child_detail.html"}
    text = (TEMPLATES / "cases/child_detail.html").read_text()
    assert "{% if guardian.name_address_protected %}" in text.split("guardian.address")[0]


def test_no_pdf_digital_post_or_meeting_template_names_an_address_field() -> None:
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if "pdf" in name or name.startswith(("meetings/", "parents/", "documents/")):
            assert ".address" not in path.read_text(), name
