"""What every ``jjj-book`` command shares: exit codes, usage errors, lazily imported modules and
the book's layout (its root, chapters and their parameters)."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path


class _Lazy:
    """A module imported on first use: the command starts fast, and Ctrl-C during the (slow) import of
    pandas lands inside :func:`main`, which turns it into a message instead of a traceback."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr):
        import importlib

        return getattr(importlib.import_module(self._name), attr)


book = _Lazy("jjj_book.book")
data_mod = _Lazy("jjj_book.data")

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for (not with the data)."""



def _show(path) -> str:
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


# --------------------------------------------------------------------------- book layout

def book_root() -> Path:
    """The folder holding _toc.yml: $JJJ_BOOK_ROOT, else the checkout this package lives in, else cwd."""
    if os.environ.get("JJJ_BOOK_ROOT"):
        # an explicit root is never silently replaced by another book
        root = Path(os.environ["JJJ_BOOK_ROOT"])
        if not (root / "_toc.yml").is_file():
            raise UsageError(f"JJJ_BOOK_ROOT={root} is not a book (no _toc.yml there)")
        return root.resolve()
    candidates = [Path(__file__).resolve().parents[3], Path.cwd()]
    for cand in candidates:
        if (cand / "_toc.yml").is_file():
            return cand.resolve()
    raise UsageError("cannot find the book (a folder with _toc.yml); set JJJ_BOOK_ROOT")


def chapter_notebooks(root: Path) -> dict[str, Path]:
    """Every notebook of the book's table of contents (_toc.yml), chapters and appendices, by stem."""
    try:
        return {page.stem: page.path for page in book.notebooks(root)}
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"cannot read the chapters from {_show(root / '_toc.yml')}: {exc}") from None


def _short_name(stem: str) -> str:
    return stem.split("_", 1)[1] if stem[:2].isdigit() and stem[2:3] == "_" else stem


def resolve_chapter(name: str, root: Path) -> Path:
    """'01_status' or its short name 'status' → the notebook path."""
    books = chapter_notebooks(root)
    if name in books:
        return books[name]
    by_short = {_short_name(stem): path for stem, path in books.items()}
    if name in by_short:
        return by_short[name]
    known = ", ".join(f"{s} ({_short_name(s)})" if _short_name(s) != s else s for s in books)
    raise UsageError(f"unknown chapter {name!r}; known chapters: {known}")


def notebook_parameters(path: Path) -> dict[str, object]:
    """Names and default values of the notebook's papermill 'parameters' cell."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the notebook {_show(path)}: {exc}") from None
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            params = {}
            for node in ast.parse(source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    params[node.targets[0].id] = ast.literal_eval(node.value)
            return params
    raise UsageError(f"{path.name} has no cell tagged 'parameters'")


def coerce_parameter(name: str, text: str, default):
    """Convert a -p value to the type of the parameter's default."""
    kind = type(default)
    try:
        if kind is bool:
            if text.lower() in ("true", "1", "yes"):
                return True
            if text.lower() in ("false", "0", "no"):
                return False
            raise ValueError
        if kind in (int, float):
            return kind(text)
        if kind in (list, dict, tuple):
            value = ast.literal_eval(text)
            if not isinstance(value, kind):
                raise ValueError
            return value
    except (ValueError, SyntaxError):
        raise UsageError(f"parameter {name}: expected a {kind.__name__} like {default!r}, got {text!r}") from None
    return text


