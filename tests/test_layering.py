"""The shared core in ppr/ never imports a domain app (or the demo), not even inside a function."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPPER = {"cases", "meetings", "indsatser", "reports", "demo"}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every absolute import in a module's source, at any depth: (line, module)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def test_the_scan_finds_imports_inside_functions() -> None:
    source = (
        "import os\ndef f():\n    from cases.models import Case\n    import_module('meetings.x')\n"
    )
    assert imported_modules(source) == [(1, "os"), (3, "cases.models"), (4, "meetings.x")]


def test_ppr_imports_no_domain_app() -> None:
    files = sorted((ROOT / "ppr").rglob("*.py"))
    assert len(files) > 50
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path.read_text())
        if module.split(".")[0] in UPPER
    ]
    assert upward == []
