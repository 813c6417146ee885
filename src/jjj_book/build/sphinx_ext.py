"""Sphinx hooks for the book build: execute the chapters, then let myst-nb render them.

With ``execute_notebooks: "off"`` (the book's setting) myst-nb executes nothing and
this extension does it instead (:mod:`jjj_book.build.execute`):

- when the builder starts, every chapter whose kept result is out of date (its code,
  the helper package, the environment, or any data it read changed) is executed, in
  parallel; a chapter that fails, fails the build, and keeps no result, so it is
  executed (and fails) again on the next build;
- when Sphinx reads a chapter, the chapter's outputs are taken from its executed copy
  (``_build/.jjj-execute/``), and the page notes that copy as a dependency: Sphinx
  re-reads exactly the pages whose chapter was executed again, and a build with nothing
  changed reads and executes nothing.

With any other ``execute_notebooks`` mode myst-nb executes the chapters itself, and every
notebook page notes ``data/*`` and the helper package as dependencies (the slow way).

When Sphinx runs quietly (``jjj-book build`` without ``--verbose``), this extension prints one
progress line per executed chapter itself, and keeps the kernels' and jieba's notices back.
"""

from __future__ import annotations

import fnmatch
import json
import logging as std_logging
import sys
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

import jjj_book
from jjj_book import book
from jjj_book.build import cache as kept
from jjj_book.build import execute
from jjj_book.build.fingerprints import CACHE_DIR, Inputs, Settings

PACKAGE_DIR = Path(jjj_book.__file__).resolve().parent
logger = logging.getLogger(__name__)


def chapter_dependencies(book_root: Path) -> list[Path]:
    data = sorted(p for p in (book_root / "data").glob("*") if p.suffix in {".csv", ".json"})
    code = sorted(PACKAGE_DIR.rglob("*.py"))
    return data + code


def _ours(app) -> bool:
    return app.config.nb_execution_mode in ("off", False, None) and app.config.jjj_execute


def _settings(app) -> Settings:
    return Settings(timeout=app.config.nb_execution_timeout,
                    allow_errors=bool(app.config.nb_execution_allow_errors),
                    workers=int(app.config.jjj_execute_workers or 0),
                    exclude=tuple(app.config.nb_execution_excludepatterns or ()),
                    verbose=not _quiet(app))


def _quiet(app) -> bool:
    """Sphinx shows no status messages (``jjj-book build`` without ``--verbose``)."""
    return bool(getattr(app, "quiet", False))


def cache_dir(app) -> Path:
    return Path(app.doctreedir).parent / CACHE_DIR


def _notebooks(app) -> list[Path]:
    """The notebooks of the book, from its ``_toc.yml`` (appendices included)."""
    root = Path(app.srcdir)
    try:
        return [page.path for page in book.notebooks(root)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no readable _toc.yml: the notebooks Sphinx finds (sphinx-external-toc reports the problem)
    exclude = list(app.config.exclude_patterns) + list(app.config.templates_path) + app.builder.get_asset_paths()
    docnames = app.project.discover(exclude, app.config.include_patterns)
    paths = [Path(app.project.doc2path(d, absolute=True)) for d in sorted(docnames)]
    return [p for p in paths if p.suffix == ".ipynb"]


class LineProgress(execute.Progress):
    """One line per chapter on stdout: a bar, the count, the chapter and its time."""

    WIDTH = 20

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def begin(self, jobs: int, total: int, workers: int) -> None:
        up = total - jobs
        self._say(f"Executing {jobs} of {total} chapter{'s' if total != 1 else ''}, {workers} at a time"
                  + (f" ({up} up to date)" if up else "") + ":")

    def finished(self, outcome, done: int, jobs: int) -> None:
        filled = round(self.WIDTH * done / jobs)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        count = f"{done:>{len(str(jobs))}}/{jobs}"
        name = Path(outcome.notebook).stem
        took = f"FAILED after {outcome.seconds:.1f} s" if outcome.error else f"{outcome.seconds:5.1f} s"
        self._say(f"  [{bar}] {count}  {name:<20} {took}")


def _execute_chapters(app) -> None:
    if not _ours(app):
        return
    quiet = _quiet(app)
    root = Path(app.srcdir)
    app._jjj_inputs = Inputs(root, cache_dir(app))
    notebooks = _notebooks(app)
    report = execute.execute_stale(root, notebooks, cache_dir(app), _settings(app), log=logger.info,
                                   progress=LineProgress() if quiet else None)
    ran = report.executed
    logger.info(f"jjj_book: {len(ran)} of {len(report.outcomes)} notebooks executed "
                + (f"with {report.workers} worker(s) in {report.seconds:.1f} s" if ran else "(all up to date)"))
    for outcome in report.outcomes:
        if outcome.warning:
            logger.warning(outcome.warning, type="jjj_book", subtype="execute")
    if report.failures:
        details = "\n\n".join(f"{o.notebook}: {o.error}" for o in report.failures)
        raise ExtensionError(f"{len(report.failures)} notebook(s) failed to execute "
                             f"(nothing of theirs is kept; the next build executes them again):\n\n{details}")
    if quiet:
        if not ran:
            print(f"All {len(notebooks)} chapters are up to date (nothing to execute).", flush=True)
        print("Writing the pages (Sphinx)…", flush=True)


def _source_read(app, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    if not _ours(app):
        for dep in chapter_dependencies(Path(app.srcdir)):
            app.env.note_dependency(str(dep))
        return
    root, cache, settings = Path(app.srcdir), cache_dir(app), _settings(app)
    inputs = getattr(app, "_jjj_inputs", None) or Inputs(root, cache)
    rel = inputs.where(path)
    if any(fnmatch.fnmatch(rel, pat) for pat in settings.exclude):
        return
    nb = json.loads(source[0])
    if kept.staleness(path, inputs, cache, settings, nb) is not None:
        # Not executed when the builder started (the notebook changed since, or it was not
        # found then): execute it now, alone.
        report = execute.execute_stale(root, [path], cache, settings, log=logger.info,
                                       progress=LineProgress() if _quiet(app) else None)
        if report.failures:
            raise ExtensionError(f"{rel}: {report.failures[0].error}")
        if report.outcomes[0].warning:
            logger.warning(report.outcomes[0].warning, type="jjj_book", subtype="execute")
    executed = kept.result_path(cache, rel)
    try:
        source[0] = kept.merged_source(source[0], json.loads(executed.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ExtensionError(f"{rel}: no executed copy that matches the notebook ({exc}); "
                             "was it edited during the build? Build again.") from None
    app.env.note_dependency(str(executed))


def _quiet_libraries(app) -> None:
    """Without --verbose: jieba loads its dictionary silently (its notices go to stderr)."""
    if not _quiet(app):
        return
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(std_logging.WARNING)


def setup(app):
    app.connect("builder-inited", _quiet_libraries)
    app.add_config_value("jjj_execute", True, "env")
    app.add_config_value("jjj_execute_workers", 0, "env")  # 0: one per CPU core (or $JJJ_BOOK_WORKERS)
    app.connect("builder-inited", _execute_chapters)
    app.connect("source-read", _source_read)
    return {"version": jjj_book.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
