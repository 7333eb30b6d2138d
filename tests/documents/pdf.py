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


def placed_texts(content: bytes, page: int) -> list[tuple[str, float]]:
    """Each run of text on a page with the height of its baseline (points from the bottom)."""
    placed: list[tuple[str, float]] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if text.strip():
            placed.append((text.strip(), cm[5] + tm[5] * cm[3]))

    reader(content).pages[page].extract_text(visitor_text=visit)
    return placed


def header_rule_top(content: bytes, page: int) -> float:
    """The upper edge of the rule under the running header: the highest full-width horizontal
    path in the page's top quarter (points from the bottom)."""
    pdf_page = reader(content).pages[page]
    height = float(pdf_page.mediabox.height)
    ys: dict[float, list[float]] = {}

    def visit(operator: bytes, args: list, cm: list, tm: list) -> None:
        if operator in (b"m", b"l"):
            x, y = (
                float(cm[4]) + float(cm[0]) * float(args[0]),
                float(cm[5]) + float(cm[3]) * float(args[1]),
            )
            ys.setdefault(round(y, 1), []).append(x)

    pdf_page.extract_text(visitor_operand_before=visit)
    rules = [y for y, xs in ys.items() if y > height * 0.75 and max(xs) - min(xs) > 400]
    return max(rules)
