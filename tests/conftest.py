"""Shared fixtures and helpers, one copy each (import the helpers with ``from conftest import …``):

- the data: ``pkg`` (the real package, loaded once per run, read only), ``data_copy`` (a writable copy),
  ``check`` (the located problems `jjj-book check` reports), ``claim_result`` (one claim evaluated);
- row edits on a data copy: ``add_rows``, ``row``, ``set_cell``, ``set_value``, ``drop_rows``, ``rewrite``;
- notebooks: ``read_notebook`` (a stored one; its parameters: ``jjj_book.cli.notebook_parameters``);
- books: ``notebook``/``md``/``params``/``write_notebook`` (a notebook from cells) and ``tiny_book``
  (a small book in a temp dir); ``built_book``/``book_html``, the real book built once per test run
  (shared by test_book.py and the browser layer in tests/e2e/).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import io
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
VENV_BIN = Path(sys.executable).parent
TEST_OUTPUT = ROOT / "test-output"
# What a scratch copy of the book leaves out (build output, caches, VCS, test results).
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "_staging", "__pycache__", "*.egg-info",
                                     "test-output", ".ipynb_checkpoints", ".pytest_cache")
# The pristine HTML of test builds, under the fingerprint of their sources, for the next runs. Outside
# the repository: _build belongs to `jjj-book build` (whose up-to-date check looks at all of it).
HTML_CACHE = Path(tempfile.gettempdir()) / f"jjj-book-test-html-{getpass.getuser()}"
# The chapter results of the test builds (laid out as a book root: _build/.jjj-execute/), for the next
# build of a test run; and the lock that makes test processes (pytest -n) build the book one at a time.
RESULTS_CACHE = Path(tempfile.gettempdir()) / f"jjj-book-test-results-{getpass.getuser()}"
BUILD_LOCK = FileLock(str(Path(tempfile.gettempdir()) / f"jjj-book-test-build-{getpass.getuser()}.lock"))


def pytest_collection_modifyitems(config, items):
    """nbval's cells of the chapters (chapters/*.ipynb, collected because testpaths names chapters/) start a
    kernel and execute a whole chapter: they are ``slow``, outside the fast lane. What the chapters compute
    is tested as modules in the fast lane (tests/test_chapter_*.py); nbval pins the printed key figures."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


class _UntracedKernels:
    """nbval starts a chapter's kernel when the chapter's first cell is set up: start it with
    ``JJJ_BOOK_TRACE=0``. The key figures nbval pins do not depend on provenance tracing, which re-runs each
    computation without each row it read and takes most of a chapter's time; the provenance of every
    number is tested on the built book (tests/e2e, tests/test_chapter_provenance.py) and in-process.
    Only the kernels see it: the variable is removed again when the cell is torn down. (A plugin, not a
    hook of this file: this file's run hooks apply to tests/ only, the notebooks are in chapters/.)"""

    before: str | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        if item.path.suffix == ".ipynb":
            self.before = os.environ.get("JJJ_BOOK_TRACE")
            os.environ["JJJ_BOOK_TRACE"] = "0"

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item):
        if item.path.suffix == ".ipynb":
            if self.before is None:
                os.environ.pop("JJJ_BOOK_TRACE", None)
            else:
                os.environ["JJJ_BOOK_TRACE"] = self.before


def pytest_configure(config):
    config.pluginmanager.register(_UntracedKernels(), "jjj-untraced-kernels")


# --------------------------------------------------------------------------- the data package

def _table_digests(package) -> dict[str, int]:
    import pandas as pd

    return {name: int(pd.util.hash_pandas_object(frame).sum()) for name, frame in package.tables.items()}


@pytest.fixture(scope="session")
def pkg():
    """The real data package, loaded once per test run and shared by every test file. Read only: a test that
    changes data uses ``data_copy`` and loads that; a test that changed this one in place fails the run."""
    from jjj_book import data

    package = data.load(DATA)
    before = _table_digests(package)
    yield package
    assert _table_digests(package) == before, "a test changed the shared data package in place (use data_copy)"


@pytest.fixture(scope="module")
def ch():
    """Chapter 01 set up on the book's data, as its notebook's ``setup()`` call does (a chapter object)."""
    import warnings

    from jjj_book.chapters import setup

    with warnings.catch_warnings():
        chapter = setup("01_status", data_dir="", gdp_vintage="census4", release_vintage="communique",
                        income_vintage="survey")
    warnings.resetwarnings()
    return chapter


def copy_data(dest: Path) -> Path:
    """A copy of data/ in ``dest`` (without the helpers' staging folder)."""
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns("_staging"), dirs_exist_ok=True)
    return dest


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (without the helpers' staging folder)."""
    return copy_data(tmp_path / "data")


def check(data_dir) -> list[str]:
    """What `jjj-book check` reports for a data folder: each problem located as
    "file, line N, column 'c': expected …; found …" (data.validate, the check command's engine); [] when valid."""
    from jjj_book import data

    return [str(p) for p in data.validate(data_dir)]


def cli_main(*argv: str) -> subprocess.CompletedProcess:
    """``jjj-book ARGV…`` through ``cli.main`` in this process, from the repository root: the command's whole
    code path without a Python start-up (tests that must see the console script itself run it with
    subprocess). Returns its exit code, stdout and stderr as a CompletedProcess."""
    from jjj_book import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return subprocess.CompletedProcess(list(argv), code, out.getvalue(), err.getvalue())


def claim_result(package, claim_id: str, vintage=None):
    """One registered claim evaluated on a package (under a vintage, or the claim's default)."""
    from jjj_book.claims import REGISTRY, evaluate_claim

    return evaluate_claim(REGISTRY[claim_id], package, vintage)


TEST_SOURCE = "hb-stats-75yr"  # any existing source id will do for rows a test adds


def add_rows(data_dir: Path, *rows: str, source: str = TEST_SOURCE):
    """Append observation rows ('indicator,region,year,value,unit,vintage') and load the package."""
    from jjj_book import data

    with (data_dir / "observations.csv").open("a", encoding="utf-8") as fh:
        for row in rows:
            ind, region, year, value, unit, vintage = row.split(",")
            fh.write(f"{ind},{region},{year},annual,{value},{unit},{vintage},{source},test row\n")
    return data.load(data_dir)


def rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def first_row(path: Path, startswith: str) -> tuple[int, str]:
    """(line number, line) of the first line starting with a prefix; the header is line 1."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(startswith):
            return number, line
    raise AssertionError(f"no line starting with {startswith!r} in {path}")


def _in_vintage(line: str, header: list[str], vintage: str | None) -> bool:
    return vintage is None or line.split(",")[header.index("vintage")] == vintage


def row(path: Path, prefix: str, vintage: str | None = None) -> str:
    """The first line starting with ``prefix`` (and, given a vintage, in that vintage)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].lstrip("\ufeff").split(",")
    for line in lines[1:]:
        if line.startswith(prefix) and _in_vintage(line, header, vintage):
            return line
    raise AssertionError(f"fixture setup: no row {prefix!r} in vintage {vintage} in {path.name}")


def set_cell(path: Path, prefix: str, column: str, value: str, vintage: str | None = None) -> int:
    """Set one cell of the first row starting with ``prefix`` (in ``vintage``, if given); return that row's
    line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].lstrip("\ufeff").split(",")
    for number, line in enumerate(lines, start=1):
        if number > 1 and line.startswith(prefix) and _in_vintage(line, header, vintage):
            cells = line.split(",")  # the rows edited here have no quoted commas
            cells[header.index(column)] = value
            lines[number - 1] = ",".join(cells)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return number
    raise AssertionError(f"no line starting with {prefix!r} in {path}")


def set_value(data_dir: Path, prefix: str, vintage: str, value) -> int:
    """Set the value of the one observation row starting with ``prefix`` in ``vintage``; return its line
    number. Two such rows are ambiguous: the test setup fails rather than guess."""
    path = data_dir / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].lstrip("\ufeff").split(",")
    hits = [n for n, l in enumerate(lines[1:], start=2) if l.startswith(prefix) and _in_vintage(l, header, vintage)]
    assert len(hits) == 1, f"fixture setup: {len(hits)} rows {prefix!r} in {vintage}"
    return set_cell(path, prefix, "value", str(value), vintage)


def drop_rows(data_dir: Path, *prefixes: str, vintage: str | None = None) -> int:
    """Remove the observation rows starting with any of the prefixes (in ``vintage``, if given); return how
    many went (at least one, or the test setup fails)."""
    path = data_dir / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].lstrip("\ufeff").split(",")
    kept = lines[:1] + [l for l in lines[1:] if not (any(l.startswith(p) for p in prefixes)
                                                    and _in_vintage(l, header, vintage))]
    assert len(kept) < len(lines), f"fixture setup: no row starts with {prefixes} in vintage {vintage}"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return len(lines) - len(kept)


# --------------------------------------------------------------------------- notebooks and tiny books

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
md = nbformat.v4.new_markdown_cell


def params(source: str) -> nbformat.NotebookNode:
    """A code cell tagged ``parameters`` (papermill's and `jjj-book run`'s)."""
    return nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})


def notebook(*cells) -> nbformat.NotebookNode:
    """A Python 3 notebook of ``cells``: a string is a code cell; cells from ``md``, ``params`` or nbformat
    are taken as they are."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    nb.cells = [nbformat.v4.new_code_cell(c) if isinstance(c, str) else c for c in cells]
    return nb


def write_notebook(path: Path, *cells) -> Path:
    nbformat.write(notebook(*cells), path)
    return path


def read_notebook(notebook: str | Path) -> nbformat.NotebookNode:
    """A stored notebook: a path, or the stem of one in chapters/ ('01_status', 'methods'). Cell sources
    are strings. (A notebook's parameters: ``jjj_book.cli.notebook_parameters``, the one `jjj-book run`
    reads.)"""
    path = Path(notebook) if str(notebook).endswith(".ipynb") else ROOT / "chapters" / f"{notebook}.ipynb"
    return nbformat.read(path, as_version=4)


def tiny_book(dest: Path, chapters: Mapping[str, str | Sequence | nbformat.NotebookNode], *, config: bool = False,
              data: bool = False, intro: str = "# 导读\n", pages: Mapping[str, str] | None = None) -> Path:
    """A small book in ``dest``: ``chapters/intro.md`` and one notebook per entry of ``chapters`` (stem →
    a code source, a list of cells as ``notebook`` takes them, or a notebook), then one Markdown page per
    entry of ``pages`` (stem → text), listed in that order in ``_toc.yml``. ``config``: with the real
    _config.yml, jieba dictionary and _static/ (to build it with `jjj-book build`); ``data``: with a copy
    of data/ in ``dest/data``."""
    pages = dict(pages or {})
    (dest / "chapters").mkdir(parents=True, exist_ok=True)
    if config:
        for name in ("_config.yml", "jieba_userdict.txt"):
            shutil.copy(ROOT / name, dest / name)
        shutil.copytree(ROOT / "_static", dest / "_static", dirs_exist_ok=True)  # CSS, favicon
    if data:
        copy_data(dest / "data")
    (dest / "_toc.yml").write_text("format: jb-book\nroot: chapters/intro\nchapters:\n"
                                   + "".join(f"  - file: chapters/{stem}\n" for stem in [*chapters, *pages]),
                                   encoding="utf-8")
    (dest / "chapters" / "intro.md").write_text(intro, encoding="utf-8")
    for stem, text in pages.items():
        (dest / "chapters" / f"{stem}.md").write_text(text, encoding="utf-8")
    for stem, content in chapters.items():
        if isinstance(content, str):
            content = [content]
        nb = content if isinstance(content, nbformat.NotebookNode) else notebook(*content)
        nbformat.write(nb, dest / "chapters" / f"{stem}.ipynb")
    return dest


# --------------------------------------------------------------------------- the book, built once per run

def build_book(book: Path, *extra: str) -> subprocess.CompletedProcess:
    """``jjj-book build`` on the book in ``book`` (a scratch copy, never the work tree)."""
    env = dict(os.environ, JJJ_BOOK_ROOT=str(book))
    return subprocess.run([str(VENV_BIN / "jjj-book"), "build", *extra], capture_output=True, text=True,
                          env=env, cwd=book)


def _build_inputs(root: Path):
    """Every file a scratch copy of ``root`` holds that can change the HTML (not tests/, .ci/, README)."""
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        skipped = set(COPY_IGNORE(dirpath, dirnames + filenames))
        if here == root:
            skipped |= {"tests", ".ci", "README.md"}
        dirnames[:] = sorted(d for d in dirnames if d not in skipped)
        for name in sorted(filenames):
            if name not in skipped:
                yield here / name


def book_fingerprint(root: Path = ROOT) -> str:
    """A digest of the book's sources, data, helpers, lock file, the build tools' versions and this file."""
    digest = hashlib.sha256()
    digest.update(f"{sys.version} {platform.machine()}".encode())
    for dist in ("jupyter-book", "sphinx", "myst-nb", "sphinx-book-theme", "pydata-sphinx-theme", "jieba"):
        digest.update(f"{dist}=={metadata.version(dist)}\n".encode())
    digest.update(Path(__file__).read_bytes())  # how the tests build the book
    for path in _build_inputs(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _cached_html(fingerprint: str) -> Path:
    return HTML_CACHE / fingerprint[:20] / "html"


def _store_html(html: Path, fingerprint: str) -> Path:
    """Keep a copy of freshly built HTML, under the fingerprint of its sources, for the next runs.

    A copy is never replaced (another test run may be serving it); copies not used for an hour go.
    """
    dest = _cached_html(fingerprint).parent
    HTML_CACHE.mkdir(parents=True, exist_ok=True)
    if not dest.is_dir():
        staging = HTML_CACHE / f".{dest.name}.{os.getpid()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(html, staging / "html")
        try:
            staging.rename(dest)
        except OSError:  # another run stored the same build meanwhile
            shutil.rmtree(staging, ignore_errors=True)
    os.utime(dest)
    for old in HTML_CACHE.iterdir():
        if old != dest and time.time() - old.stat().st_mtime > 3600:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    return dest / "html"


def seed_executed(source: Path, dest: Path) -> list[str]:
    """Copy the chapter results ``source``'s own builds kept (``_build/.jjj-execute``: each executed
    notebook with the fingerprint of its inputs) into the scratch copy ``dest``, so that building the copy
    executes only the chapters whose inputs changed since (``python3 dev.py build`` then ``dev.py test``).

    Safe because the build serves a kept result only when every part of its fingerprint matches the copy
    (``jjj_book.build.cache.staleness``: code cells, the jjj_book package, the environment, the execution
    settings, and each table, indicator and file the chapter read, located relative to the book root);
    anything else is executed again. Returns the notebooks whose results were copied.
    """
    from jjj_book.build.fingerprints import CACHE_DIR

    kept = source / "_build" / CACHE_DIR
    if not kept.is_dir():
        return []
    target = dest / "_build" / CACHE_DIR
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(kept.iterdir()):   # not the hidden files of a build in progress
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, target / path.name)
            if path.suffix == ".ipynb":
                copied.append(path.stem)
    return copied


_built_html: list[Path] = []


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """A scratch copy of the repository with the book built in it, once per test run; the chapter results
    the work tree's build kept are reused where still valid (``seed_executed``).

    test_book.py rebuilds it (nothing changed, then a data change) as its last tests; everything that
    only looks at the HTML uses ``book_html``, which never changes.
    """
    dest = tmp_path_factory.mktemp("book") / "jjj-book"
    shutil.copytree(ROOT, dest, ignore=COPY_IGNORE)
    fingerprint = book_fingerprint(dest)
    with BUILD_LOCK:   # another test process building the book now: wait, then reuse its chapter results
        seed_executed(ROOT, dest)
        seed_executed(RESULTS_CACHE, dest)
        result = build_book(dest)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        seed_executed(dest, RESULTS_CACHE)
        _built_html.append(_store_html(dest / "_build" / "html", fingerprint))
    return dest


@pytest.fixture(scope="session")
def book_html(request) -> Path:
    """The built HTML as it came out of the build: never modified by any test.

    Reused from an earlier run (``HTML_CACHE``) when nothing that goes into the book has changed since,
    so running the browser layer alone does not rebuild; otherwise the book is built (once) now.
    """
    cached = _cached_html(book_fingerprint(ROOT))
    with BUILD_LOCK:   # a test process building it now stores it here when done
        if cached.is_dir():
            os.utime(cached.parent)
            return cached
        request.getfixturevalue("built_book")
    return _built_html[-1]
