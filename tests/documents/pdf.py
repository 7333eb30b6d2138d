"""Reading PDFs in tests with pypdf (pure Python: no poppler on the CI machine)."""

import io

from pypdf import PdfReader


def reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in reader(content).pages]


def outline_titles(content: bytes) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, depth 0 for the top level."""
    titles: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                titles.append((depth, item.title))

    walk(reader(content).outline, 0)
    return titles
