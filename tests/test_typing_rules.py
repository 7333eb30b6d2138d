"""Every ``type: ignore`` in the project's code names its error code and says why (issue 20).

mypy's ``ignore-without-code`` refuses a bare ignore and ``warn_unused_ignores`` one that
silences nothing; the reason is ours: ``# type: ignore[code]  # why``, on the same line.
"""

import io
import os
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Not the project's own typed code: the tests (not type-checked), generated migrations, and
#: installed or vendored packages.
SKIPPED = {"tests", "migrations", ".venv", "node_modules", ".git"}

IGNORE = re.compile(r"type:\s*ignore")
#: ``# type: ignore[code, code]  # a reason`` (mypy reads the ignore at the comment's start).
WITH_REASON = re.compile(r"^#\s*type:\s*ignore\[[\w-]+(?:\s*,\s*[\w-]+)*\]\s+#\s*\S")


def unexplained_ignores(source: str) -> list[tuple[int, str]]:
    """The comments of ``source`` with a ``type: ignore`` lacking an error code or a reason:
    (line, comment). Only comments count: the words in a string are no ignore."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT or not IGNORE.search(token.string):
            continue
        if not WITH_REASON.match(token.string):
            found.append((token.start[0], token.string))
    return found


def project_sources() -> list[Path]:
    """The project's Python files, not descending into skipped or hidden folders."""
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in SKIPPED and not d.startswith(".")]
        found += [Path(folder, name) for name in names if name.endswith(".py")]
    return sorted(found)


def test_the_scan_wants_a_code_and_a_reason() -> None:
    source = (
        "a = 1  # type: ignore\n"
        "b = 2  # type: ignore[assignment]\n"
        "c = 3  # type: ignore[assignment]  # the stubs say so\n"
        "d = 4  # type: ignore[arg-type, union-attr]  # both, for one reason\n"
        "e = 5  # type: ignore[misc] #\n"
        "f = '# type: ignore'\n"
    )
    assert [line for line, _ in unexplained_ignores(source)] == [1, 2, 5]


def test_every_type_ignore_names_its_code_and_its_reason() -> None:
    files = project_sources()
    assert len(files) > 100
    assert not any("tests" in path.relative_to(ROOT).parts for path in files)
    unexplained = [
        f"{path.relative_to(ROOT)}:{line}: {comment}"
        for path in files
        for line, comment in unexplained_ignores(path.read_text(encoding="utf-8"))
    ]
    assert not unexplained, "Write `# type: ignore[code]  # why` (or fix the type):\n" + "\n".join(
        unexplained
    )


def test_every_type_ignore_in_the_tests_names_its_code_and_its_reason() -> None:
    """The tests are not type-checked yet (pyproject's mypy ``exclude``), so mypy does not
    flag an unused ignore there; an ignore that stays must at least say what and why."""
    # This module's own comments show the form the scan wants.
    files = [p for p in sorted((ROOT / "tests").rglob("*.py")) if p != Path(__file__).resolve()]
    assert len(files) > 100
    unexplained = [
        f"{path.relative_to(ROOT)}:{line}: {comment}"
        for path in files
        for line, comment in unexplained_ignores(path.read_text(encoding="utf-8"))
    ]
    assert unexplained == []
