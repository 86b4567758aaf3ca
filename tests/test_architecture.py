"""The layout a newcomer relies on: click only in ``generator/cli``, the library never imports
the CLI, and no two modules import each other in a cycle (module-level imports)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    """Modules imported by a file; with ``top_level_only``, not those inside functions (a
    lazy import inside a function is how an optional part stays optional)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def library_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "cli" not in p.relative_to(PACKAGE).parts]


def test_click_and_the_cli_are_used_by_the_cli_only() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imports(path, top_level_only=False)
            if m == "click" or m.startswith("click.") or m.startswith("generator.cli"))
        for path in library_files()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_cycles_between_modules() -> None:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: {m for m in imports(path, top_level_only=True) if m in modules and m != name}
             for name, path in modules.items()}
    # a package's __init__ re-exporting its own modules is not a cycle worth failing on
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt):], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_benchmarks_are_not_inside_a_library_package() -> None:
    inside = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*bench*.py")
              if p.relative_to(PACKAGE).parts[0] not in ("benchmarks", "cli")]
    assert inside == []
