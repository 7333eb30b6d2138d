"""The shared core in ppr/ never imports a domain app (or the demo), not even inside a function."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPPER = {
    "cases",
    "meetings",
    "indsatser",
    "visitation",
    "parents",
    "messaging",
    "reports",
    "lifecycle",
    "demo",
}


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


# --- No import cycles, not even through an import inside a function -------------------------

#: The project's packages from the bottom up: each imports only those before it.
LAYERS = (
    "ppr",
    "cases",
    "indsatser",
    "meetings",
    "visitation",
    "parents",
    "messaging",
    "reports",
    "lifecycle",
    "demo",
)


def project_modules() -> dict[str, Path]:
    """Every module of the project's packages (migrations aside), by dotted name."""
    modules = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def import_graph(sources: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Which known module each module imports, at any depth (inside functions too), relative
    imports resolved. ``sources`` maps a dotted name to (source, is a package's __init__). A
    name resolves to its longest known module prefix (``from cases.models import Case`` is
    cases.models); a package's own submodules are not an edge to the package."""

    def known(name: str) -> str | None:
        while name and name not in sources:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, (source, is_package) in sources.items():
        package = module if is_package else module.rpartition(".")[0]
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                targets |= {known(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parents + ([node.module] if node.module else []))
                targets |= {known(f"{base}.{alias.name}") or known(base) for alias in node.names}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_cycle_scan_sees_a_cycle_closed_inside_a_function() -> None:
    sources = {
        "app": ("", True),
        "app.models": ("from .querysets import Visible\n", False),
        "app.querysets": ("def visible():\n    from .models import Course\n", False),
        "app.rules": ("from app.models import Course\n", False),
    }
    graph = import_graph(sources)
    assert graph["app.querysets"] == {"app.models"}
    assert cycles(graph) == [["app.models", "app.querysets"]]


def project_graph() -> dict[str, set[str]]:
    sources = {
        m: (path.read_text(), path.name == "__init__.py") for m, path in project_modules().items()
    }
    return import_graph(sources)


def test_no_module_imports_itself_back_not_even_inside_a_function() -> None:
    """Models ↔ querysets ↔ rules, services ↔ tasks, cases ↔ meetings: each cycle is broken
    by direction (a lower module that both use, the related model reached through its foreign
    key, a hook registered from the upper app's ready()), not hidden in a function."""
    graph = project_graph()
    assert len(graph) > 200
    assert cycles(graph) == []


def test_each_package_imports_only_the_layers_below_it() -> None:
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in project_graph().items()
        for target in targets
        if LAYERS.index(target.split(".")[0]) > LAYERS.index(module.split(".")[0])
    )
    assert upward == []


# --- Imports at the top of the module ----------------------------------------------------------


def imports_inside_functions(source: str) -> list[tuple[int, str]]:
    """(line, function) of every import inside a function body, except in an AppConfig's
    ready(): Django allows importing a module that imports models only once the app registry
    is ready, and ready() exists to run such imports (menu entries, panels, receivers)."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append((node.lineno, function.name))
    return found


def test_the_scan_finds_an_import_in_a_nested_function() -> None:
    source = "import os\ndef f():\n    def g():\n        from x import y\n"
    assert {line for line, _ in imports_inside_functions(source)} == {4}


def test_application_code_imports_at_the_top_of_the_module() -> None:
    """A cycle is broken by direction, not hidden behind an import inside a function (issue 20)."""
    inside = sorted(
        f"{path.relative_to(ROOT)}:{line} in {function}()"
        for path in project_modules().values()
        for line, function in imports_inside_functions(path.read_text())
        if not (path.name == "apps.py" and function == "ready")
    )
    assert inside == []
