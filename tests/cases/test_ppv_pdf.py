"""A real PPV rendered to PDF through the documents machinery: what the reader of the file sees."""

import re
from typing import Any

import pytest

from cases.ppv import services
from ppr.documents.models import Document, DocumentStatus
from tests.documents.pdf import outline_titles, page_texts

from .ppv_fixtures import (
    CPR,
    TEXT,
    draft,
    finalise,
    private_storage,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.usefixtures("private_storage")

#: Long enough sections to run over several pages.
LONG = "\n\n".join([TEXT * 3] * 3)


@pytest.fixture
def pdf(cast: Any, django_capture_on_commit_callbacks: Any) -> tuple[Document, bytes]:
    ppv = draft(cast, summary=LONG, recommendations=LONG, background=LONG)
    with django_capture_on_commit_callbacks(execute=True):
        final = finalise(ppv, cast.psychologist)
    document = Document.objects.for_subject(final).get()
    assert document.status == DocumentStatus.READY
    with document.file.open("rb") as handle:
        return document, handle.read()


def test_the_pdf_has_danish_letters_page_numbers_and_the_confidentiality_line(
    pdf: tuple[Document, bytes],
) -> None:
    document, content = pdf
    pages = page_texts(content)
    assert len(pages) == document.page_count >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Side {number} af {len(pages)}" in text
        assert "Fortroligt — indeholder følsomme personoplysninger" in text
        assert "Åse Ørsted Kjær · 140315-xxxx" in text  # running header: name, masked CPR
    whole = "\n".join(pages)
    for letters in ("æ", "ø", "å", "Æ", "Ø", "Å"):
        assert letters in whole
    assert "Pædagogisk psykologisk vurdering" in whole
    assert "Maja Løvstrøm" in whole and "Autoriseret psykolog" in whole


def test_the_pdf_never_holds_the_full_cpr_number(pdf: tuple[Document, bytes]) -> None:
    document, content = pdf
    whole = "\n".join(page_texts(content))
    digits = re.sub(r"\D", "", whole)
    assert CPR not in digits.replace(" ", "")
    assert CPR[6:] not in re.sub(r"\s", "", whole)
    assert "140315-xxxx" in whole
    assert CPR not in str(document.context)


def test_the_headings_make_the_pdf_outline(pdf: tuple[Document, bytes]) -> None:
    _document, content = pdf
    titles = outline_titles(content)
    assert (0, "Pædagogisk psykologisk vurdering") in titles
    assert (1, "Barnets udvikling") in titles
    assert (2, "Social og emotionel udvikling") in titles
    assert (1, "Anbefalinger til organisering af støtten") in titles


def test_a_correction_is_printed_as_a_new_version_naming_the_old(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = finalise(draft(cast), cast.psychologist)
    correction = services.correct_ppv(first, by=cast.psychologist, reason="Forkert klassetrin")
    with django_capture_on_commit_callbacks(execute=True):
        second = finalise(correction, cast.psychologist)
    document = Document.objects.for_subject(second).first()
    assert document is not None and document.version == 2
    with document.file.open("rb") as handle:
        whole = "\n".join(page_texts(handle.read()))
    assert "Version 2" in whole
    assert "erstatter version 1" in whole and "Forkert klassetrin" in whole
