"""Serve MathJax 3 from the built book itself, so formulas render offline.

The MathJax distribution comes from the PyPI package ``django-static-mathjax`` (a
dependency of this project; it holds MathJax under ``mathjax/static/mathjax/es5``).
When a build finishes, the one component the book loads (``tex-chtml.js``), the web
fonts it asks for and MathJax's licence are copied into ``<outdir>/_static/mathjax/``,
keeping their layout relative to the script: MathJax finds its fonts at
``[mathjax]/output/chtml/fonts/woff-v2``, ``[mathjax]`` being the script's folder.
Files already there with the same bytes are left alone.

``_config.yml`` points Sphinx at the copy (``mathjax_path: mathjax/tex-chtml.js``,
relative to ``_static``); Sphinx adds the script only to pages that contain math.
MathJax is deliberately not under ``html_static_path``: jupyter-book would inject every
script found there into every page.
"""

from __future__ import annotations

import filecmp
import importlib.util
import shutil
from pathlib import Path

from sphinx.util import logging

import jjj_book

logger = logging.getLogger(__name__)

SCRIPT = "tex-chtml.js"
FONTS = "output/chtml/fonts/woff-v2"
TARGET = Path("_static") / "mathjax"


def mathjax_dir() -> Path:
    """The ``es5`` folder of the installed MathJax distribution."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("MathJax is not installed (pip package django-static-mathjax)")
    for location in spec.submodule_search_locations:
        es5 = Path(location) / "static" / "mathjax" / "es5"
        if (es5 / SCRIPT).is_file():
            return es5
    raise FileNotFoundError(f"no {SCRIPT} in the installed MathJax distribution")


def files_to_copy(es5: Path) -> list[tuple[Path, Path]]:
    """(source, path relative to the target folder) for the script, its fonts and the licence."""
    pairs = [(es5 / SCRIPT, Path(SCRIPT))]
    pairs += [(font, Path(FONTS) / font.name) for font in sorted((es5 / FONTS).glob("*.woff"))]
    licence = es5.parent / "LICENSE"
    if licence.is_file():
        pairs.append((licence, Path("LICENSE")))
    return pairs


def copy_mathjax(es5: Path, target: Path) -> list[Path]:
    """Copy MathJax into ``target``; return the files written (unchanged files are skipped)."""
    written = []
    for source, rel in files_to_copy(es5):
        dest = target / rel
        if dest.is_file() and filecmp.cmp(source, dest, shallow=False):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)
    return written


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    written = copy_mathjax(mathjax_dir(), Path(app.outdir) / TARGET)
    if written:
        logger.info(f"jjj_book: copied MathJax ({len(written)} files) into {TARGET.as_posix()}/")


def setup(app):
    app.connect("build-finished", _build_finished)
    return {"version": jjj_book.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
