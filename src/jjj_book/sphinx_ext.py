"""Sphinx hooks for the book build: execute the chapters, then let myst-nb render them.

With ``execute_notebooks: "off"`` (the book's setting) myst-nb executes nothing and
this extension does it instead (:mod:`jjj_book.execute`):

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
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

import jjj_book
from jjj_book import execute

PACKAGE_DIR = Path(jjj_book.__file__).resolve().parent
logger = logging.getLogger(__name__)


def chapter_dependencies(book_root: Path) -> list[Path]:
    data = sorted(p for p in (book_root / "data").glob("*") if p.suffix in {".csv", ".json"})
    code = sorted(PACKAGE_DIR.rglob("*.py"))
    return data + code


def _ours(app) -> bool:
    return app.config.nb_execution_mode in ("off", False, None) and app.config.jjj_execute


def _settings(app) -> execute.Settings:
    return execute.Settings(timeout=app.config.nb_execution_timeout,
                            allow_errors=bool(app.config.nb_execution_allow_errors),
                            workers=int(app.config.jjj_execute_workers or 0),
                            exclude=tuple(app.config.nb_execution_excludepatterns or ()))


def cache_dir(app) -> Path:
    return Path(app.doctreedir).parent / execute.CACHE_DIR


def _notebooks(app) -> list[Path]:
    """The notebooks Sphinx will build (found as Sphinx finds its documents)."""
    builder = app.builder
    exclude = list(app.config.exclude_patterns) + list(app.config.templates_path) + builder.get_asset_paths()
    docnames = app.project.discover(exclude, app.config.include_patterns)
    paths = [Path(app.project.doc2path(d, absolute=True)) for d in sorted(docnames)]
    return [p for p in paths if p.suffix == ".ipynb"]


def _execute_chapters(app) -> None:
    if not _ours(app):
        return
    app._jjj_inputs = execute.Inputs(Path(app.srcdir), cache_dir(app))
    report = execute.execute_stale(Path(app.srcdir), _notebooks(app), cache_dir(app), _settings(app),
                                   log=logger.info)
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


def _source_read(app, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    if not _ours(app):
        for dep in chapter_dependencies(Path(app.srcdir)):
            app.env.note_dependency(str(dep))
        return
    root, cache, settings = Path(app.srcdir), cache_dir(app), _settings(app)
    inputs = getattr(app, "_jjj_inputs", None) or execute.Inputs(root, cache)
    rel = inputs.where(path)
    if any(fnmatch.fnmatch(rel, pat) for pat in settings.exclude):
        return
    nb = json.loads(source[0])
    if execute.staleness(path, inputs, cache, settings, nb) is not None:
        # Not executed when the builder started (the notebook changed since, or it was not
        # found then): execute it now, alone.
        report = execute.execute_stale(root, [path], cache, settings, log=logger.info)
        if report.failures:
            raise ExtensionError(f"{rel}: {report.failures[0].error}")
        if report.outcomes[0].warning:
            logger.warning(report.outcomes[0].warning, type="jjj_book", subtype="execute")
    executed = execute.result_path(cache, rel)
    try:
        source[0] = execute.merged_source(source[0], json.loads(executed.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ExtensionError(f"{rel}: no executed copy that matches the notebook ({exc}); "
                             "was it edited during the build? Build again.") from None
    app.env.note_dependency(str(executed))


def setup(app):
    app.add_config_value("jjj_execute", True, "env")
    app.add_config_value("jjj_execute_workers", 0, "env")  # 0: one per CPU core (or $JJJ_BOOK_WORKERS)
    app.connect("builder-inited", _execute_chapters)
    app.connect("source-read", _source_read)
    return {"version": jjj_book.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
