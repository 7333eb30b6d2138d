"""The running header of every PDF: the sender (municipality, PPR's name, address and contact
details) and the subject sit above the rule under the header, never cut by it."""

import pytest

from ppr.documents.rendering import render_pdf
from ppr.organisation.models import Municipality

from .conftest import sample_context
from .pdf import header_rule_top, page_texts, placed_texts

pytestmark = pytest.mark.django_db

#: How far below its baseline a letter reaches (g, j, p, Ø's stroke) at the header's 8.5 pt.
DESCENT = 2.5


@pytest.fixture
def nordvig() -> Municipality:
    municipality = Municipality.current()
    municipality.name = "Nordvig Kommune"
    municipality.ppr_name = "PPR Nordvig"
    municipality.ppr_address = "Rådhusvej 1, 9990 Nordvig"
    municipality.ppr_phone = "72 00 00 00"
    municipality.ppr_email = "ppr@nordvig.dk"
    municipality.save()
    return municipality


def test_the_rule_runs_under_the_municipality_and_the_childs_name_on_every_page(nordvig) -> None:
    content = render_pdf("documents/example.html", sample_context())
    for page in range(len(page_texts(content))):
        rule = header_rule_top(content, page)
        header = {text: y for text, y in placed_texts(content, page) if y > rule - 10}
        assert "Nordvig Kommune" in header
        assert "Åse Ørsted Kjær · 010203-xxxx" in header
        for text, baseline in header.items():
            assert baseline - DESCENT > rule, f"the rule cuts through {text!r} on page {page + 1}"


def test_every_page_names_ppr_with_its_address_and_contact_details(nordvig) -> None:
    content = render_pdf("documents/example.html", sample_context())
    for text in page_texts(content):
        assert "PPR Nordvig" in text
        assert "Rådhusvej 1, 9990 Nordvig · Tlf. 72 00 00 00 · ppr@nordvig.dk" in text


def test_without_its_own_name_ppr_is_named_after_the_municipality() -> None:
    content = render_pdf("documents/example.html", sample_context())
    assert all("PPR, Demo Kommune" in text for text in page_texts(content))
