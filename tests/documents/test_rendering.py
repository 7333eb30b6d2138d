"""The one renderer: template → HTML → PDF with the project's print stylesheet and fonts."""

import re

import pytest

from ppr.documents.rendering import render, render_html, render_pdf

from .conftest import sample_context
from .pdf import outline_titles, page_texts, reader

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "Fortroligt — indeholder følsomme personoplysninger"


@pytest.fixture(scope="module")
def pdf(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> bytes:
    """One render shared by the module's assertions (rendering takes about half a second)."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]  # django_db_blocker is annotated as a FixtureRequest
        return render_pdf("documents/example.html", sample_context())


def test_renderer_produces_a_pdf_of_several_a4_pages(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    pages = reader(pdf).pages
    assert len(pages) >= 2
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_every_page_says_side_x_af_y(pdf: bytes) -> None:
    texts = page_texts(pdf)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Side {number} af {total}" in text


def test_every_page_carries_the_confidentiality_line(pdf: bytes) -> None:
    assert all(CONFIDENTIAL in text for text in page_texts(pdf))


def test_every_page_has_the_running_header_with_municipality_ppr_and_child(pdf: bytes) -> None:
    for text in page_texts(pdf):
        assert "Demo Kommune" in text
        assert "PPR" in text
        assert "Åse Ørsted Kjær · 010203-xxxx" in text


def test_danish_letters_come_out_of_the_pdf_as_text(pdf: bytes) -> None:
    text = "\n".join(page_texts(pdf))
    for word in ("Pædagogisk", "Åse", "Ørsted", "Løvstrøm", "Forældrenes", "frikvartererne"):
        assert word in text
    assert "æ" in text and "ø" in text and "å" in text


def embedded_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in reader(content).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1].replace("-", ""))
    return fonts


def test_only_the_projects_ibm_plex_sans_is_embedded(pdf: bytes) -> None:
    assert embedded_fonts(pdf) == {"IBMPlexSans", "IBMPlexSansSemiBold", "IBMPlexSansBold"}


def test_central_european_letters_in_a_name_also_use_the_projects_font() -> None:
    content = render_pdf(
        "documents/example.html",
        {
            "title": "Notat",
            "subject_line": "Łukasz Hodžić · 020304-xxxx",
            "lead": "Şule Yılmaz, Dvořák",
        },
    )
    text = "\n".join(page_texts(content))
    for name in ("Łukasz Hodžić", "Şule Yılmaz", "Dvořák"):
        assert name in text
    assert all(font.startswith("IBMPlexSans") for font in embedded_fonts(content))


def test_headings_h1_to_h3_make_the_pdf_outline(pdf: bytes) -> None:
    assert outline_titles(pdf) == [
        (0, "Pædagogisk psykologisk vurdering"),
        (1, "Barnets perspektiv"),
        (2, "Samtale på skolen"),
        (1, "Forældrenes perspektiv"),
        (1, "Sammenfatning og vurdering"),
    ]


def test_h4_headings_stay_out_of_the_outline() -> None:
    html = (
        '<html lang="da"><head><title>T</title><link rel="stylesheet" href="/static/css/print.css">'
        "</head><body><h1>Én</h1><h2>To</h2><h3>Tre</h3><h4>Fire</h4><h5>Fem</h5></body></html>"
    )
    content = render_html(html).content
    assert outline_titles(content) == [(0, "Én"), (1, "To"), (2, "Tre")]


def test_the_pdf_is_tagged_for_accessibility_as_pdf_ua_1(pdf: bytes) -> None:
    root = reader(pdf).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "da"
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()


def test_the_document_title_is_the_pdf_title(pdf: bytes) -> None:
    assert reader(pdf).metadata.title == "Pædagogisk psykologisk vurdering"


def test_no_full_cpr_number_appears_in_the_pdf(pdf: bytes) -> None:
    text = "\n".join(page_texts(pdf))
    assert "010203-xxxx" in text
    assert not re.search(r"\d{6}-?\d{4}", text)


def test_render_counts_the_pages() -> None:
    rendered = render("documents/example.html", sample_context())
    assert rendered.page_count == len(reader(rendered.content).pages)
