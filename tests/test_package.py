"""The package's floor plan (issue 13): small modules and functions, no import cycle, and the layers
(data → series/metrics → claims → chapters → book) never import upward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src"
PACKAGE = SRC / "jjj_book"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The jjj_book modules ``path`` imports when it is imported (module level; a name imported from a
    package that is a module of it counts as that module)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jjj_book"):
            subs = {f"{node.module}.{a.name}" for a in node.names}
            subs = {m for m in subs if m in NAMES}
            found |= subs or {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("jjj_book")}
    return found & NAMES


NAMES = {_name(p) for p in MODULES}
GRAPH = {_name(p): imports(p) - {_name(p)} for p in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle of ``graph`` (as the path that closes it), found by depth-first search."""
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back():
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("lower, upper", [("jjj_book.claims", ("jjj_book.plots", "jjj_book.chapters", "jjj_book.build")),
                                          ("jjj_book.data", ("jjj_book.series", "jjj_book.claims", "jjj_book.chapters")),
                                          ("jjj_book.chapters", ("jjj_book.build", "jjj_book.cli"))])
def test_a_layer_never_imports_the_layers_above_it(lower, upper):
    for module, deps in GRAPH.items():
        if module == lower or module.startswith(lower + "."):
            assert not [d for d in deps if d.startswith(upper)], (module, deps)


def test_no_module_over_500_lines_and_no_function_over_60():
    long_modules = [p.name for p in MODULES if len(p.read_text(encoding="utf-8").splitlines()) > 500]
    long_functions = [(p.name, n.name) for p in MODULES for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                      if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > 60]
    assert long_modules == [] and long_functions == []
