"""Sphinx hooks for the book build.

Notebooks are executed by myst-nb, which re-runs a page only when Sphinx
re-reads it, and Sphinx re-reads a page only when the page itself (or a noted
dependency) changed. A chapter's results also depend on the data package and
on this helper package, so every notebook page notes those files as
dependencies: editing a CSV or a helper module re-executes the chapters on the
next build, and a build with nothing changed re-executes nothing.
"""

from __future__ import annotations

from pathlib import Path

import jjj_book

PACKAGE_DIR = Path(jjj_book.__file__).resolve().parent


def chapter_dependencies(book_root: Path) -> list[Path]:
    data = sorted(p for p in (book_root / "data").glob("*") if p.suffix in {".csv", ".json"})
    code = sorted(PACKAGE_DIR.rglob("*.py"))
    return data + code


def _note_dependencies(app, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    for dep in chapter_dependencies(Path(app.srcdir)):
        app.env.note_dependency(str(dep))


def setup(app):
    app.connect("source-read", _note_dependencies)
    return {"version": jjj_book.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
