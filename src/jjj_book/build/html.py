"""``jjj-book build``: build the HTML book of a folder, and say briefly what happened.

Sphinx runs in this process through jupyter-book's own configuration (``_config.yml`` and
``_toc.yml`` turned into Sphinx settings exactly as ``jupyter-book build`` does), with
``-W --keep-going``. By default Sphinx runs quietly: what a newcomer sees is one line per
executed chapter (printed by :mod:`jjj_book.build.sphinx_ext`), warnings and errors with their
file and line, and where the book is. ``verbose`` shows every status message of Sphinx,
myst-nb, the kernels and jieba instead.

Before Sphinx starts, the whole build is skipped when nothing it reads or writes changed
since the last successful one (:mod:`jjj_book.build.stamp`).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from jjj_book.build import stamp
from jjj_book.build.fingerprints import CACHE_DIR

SERVE = "python3 -m http.server -d {html} 8000 --bind 127.0.0.1"


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        rel = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return str(path)
    return rel.as_posix() or "."


def sphinx_build(root: Path, verbose: bool) -> int:
    """Run Sphinx on the book in ``root`` as ``jupyter-book build -W --keep-going`` would; 0 on success."""
    from jupyter_book.cli.main import build as jb_build
    from jupyter_book.sphinx import build_sphinx

    path_config, source, overrides = jb_build.callback(
        path_source=str(root), path_output=None, config=None, toc=None, warningiserror=True, nitpick=False,
        keep_going=True, freshenv=False, builder="html", custom_builder=None, verbose=0, quiet=0,
        individualpages=False, get_config_only=True)
    result = build_sphinx(source, root / "_build" / "html", use_external_toc=True, noconfig=True,
                          path_config=path_config, confoverrides=overrides, builder="html",
                          warningiserror=True, keep_going=True, freshenv=False, verbosity=0,
                          quiet=not verbose, really_quiet=False)
    if isinstance(result, KeyboardInterrupt):
        raise result
    if isinstance(result, BaseException):
        return 1  # Sphinx has printed the error (and where it happened) on stderr
    return int(result or 0)


def where_the_book_is(root: Path) -> list[str]:
    html = root / "_build" / "html"
    return [f"The book is in {shown(html)}/ — open {shown(html / 'index.html')} in a browser.",
            "Search shows page excerpts only over HTTP; to serve the book on this machine:",
            f"    {SERVE.format(html=shown(html))}   # then open http://127.0.0.1:8000/"]


def build_pdfs(root: Path) -> int:
    """Print the built book as two PDFs (students': no solutions; teachers': with them) into _build/pdf/."""
    from jjj_book.build import pdf

    out = root / "_build" / "pdf"
    started = time.perf_counter()
    print("Printing the PDF edition (Chromium)…", flush=True)
    try:
        for edition, name in (("student", "jjj-book.pdf"), ("teacher", "jjj-book-teacher.pdf")):
            made = pdf.make_pdf(root, root / "_build" / "html", out / name, edition)
            print(f"  {shown(made.path)}: {made.pages} pages, {made.size / 1024 / 1024:.1f} MB")
    except (RuntimeError, FileNotFoundError, ValueError) as why:
        print(f"error: the PDF was not made: {why}", file=sys.stderr)
        return 1
    print(f"Done in {time.perf_counter() - started:.0f} s.")
    return 0


def build(root: Path, everything: bool = False, verbose: bool = False) -> int:
    """Build the book in ``root`` into ``root/_build/html``; return the exit status."""
    root = root.resolve()
    started = time.perf_counter()
    if everything:
        # forget every kept chapter result as well: everything is executed again
        shutil.rmtree(root / "_build" / CACHE_DIR, ignore_errors=True)
    elif stamp.up_to_date(root):
        # No file of the book, no helper, nothing installed and nothing in _build changed since the
        # last successful build: Sphinx would re-read, execute and write nothing (make-style check).
        print("jjj-book: nothing changed since the last successful build (0 added, 0 changed, 0 removed).")
        print("\n".join(where_the_book_is(root)))
        return 0
    print(f"Building the book in {root} (HTML into {shown(root / '_build' / 'html')}/)…", flush=True)
    (root / "_build" / stamp.STAMP).unlink(missing_ok=True)
    inputs = stamp.build_inputs(root)
    try:
        status = sphinx_build(root, verbose)
    except KeyboardInterrupt:
        (root / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        raise
    if status != 0:
        # Sphinx keeps the environment of a failed build, and the next build would then
        # skip the failing pages and succeed. Forget it, so every failure repeats.
        (root / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        print("error: the book did not build (see the messages above); the next build re-reads every page",
              file=sys.stderr)
        return status
    stamp.write_stamp(root, inputs)  # not if an input changed during the build
    print(f"Done in {time.perf_counter() - started:.0f} s.")
    print("\n".join(where_the_book_is(root)))
    return 0
