"""Sphinx extension: the classroom packs beside the HTML, and a role that links them with their size.

When the HTML builder starts, the two packs (:mod:`jjj_book.build.pack`) are written to
``<html>/classroom/`` — only when what goes into them (chapters, data, the package) changed
since the last build, so a build with nothing changed leaves them untouched. In a page,
``{pack}`student``` (or ``teacher``) becomes a download link that states the archive's size;
the page depends on the archive, so its size is never stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from jjj_book import book
from jjj_book.build import pack

logger = logging.getLogger(__name__)
FOLDER = "classroom"
STAMP = ".inputs"
LABEL = {"student": "学生版课堂包", "teacher": "教师版课堂包"}


def pack_inputs(root: Path) -> str:
    """Fingerprint of everything a pack holds: the pages, the data, the package and its metadata."""
    digest = hashlib.sha256()
    files = [page.path for page in book.pages(root)] + [root / "_toc.yml", root / "pyproject.toml", root / "setup.py"]
    files += sorted(p for p in (root / "data").glob("*") if p.is_file())
    files += sorted(p for p in (root / "src" / "jjj_book").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def make_if_stale(root: Path, out_dir: Path) -> bool:
    """Write both packs into ``out_dir`` unless they were made from the same inputs; True when written."""
    stamp = out_dir / STAMP
    current = pack_inputs(root)
    expected = [out_dir / f"{pack.PACK_NAME}-{kind}.zip" for kind in pack.KINDS]
    if stamp.is_file() and stamp.read_text() == current and all(p.is_file() for p in expected):
        return False
    made = pack.make_packs(root, out_dir)
    stamp.write_text(current)
    logger.info("classroom packs: " + ", ".join(f"{p.path.name} {p.size_text}" for p in made))
    return True


def _on_builder_inited(app) -> None:
    if app.builder.format != "html" or not (Path(app.srcdir) / "src" / "jjj_book").is_dir():
        return  # a book without the package's sources (a test's tiny book) has no pack to make
    make_if_stale(Path(app.srcdir), Path(app.outdir) / FOLDER)


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def pack_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{pack}`student``` → a download link with the archive's size."""
    env = inliner.document.settings.env
    kind = text.strip()
    if kind not in pack.KINDS:
        msg = inliner.reporter.error(f"pack kind must be one of {', '.join(pack.KINDS)}, not {kind!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    archive = Path(env.app.outdir) / FOLDER / f"{pack.PACK_NAME}-{kind}.zip"
    if not archive.is_file():
        msg = inliner.reporter.error(f"the {kind} classroom pack was not built ({archive})", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    env.note_dependency(str(archive))            # a new pack re-reads the page: its size is never stale
    up = "../" * env.docname.count("/")
    href = f"{up}{FOLDER}/{archive.name}"
    html = f'<a class="jjj-pack" href="{href}" download>{LABEL[kind]}（zip，{size_text(archive.stat().st_size)}）</a>'
    return [nodes.raw(rawtext, html, format="html")], []


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    app.add_role("pack", pack_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


def describe(out_dir: Path) -> str:
    """One line for the build's closing message: where the packs are and how large."""
    found = [p for p in (out_dir / f"{pack.PACK_NAME}-{k}.zip" for k in pack.KINDS) if p.is_file()]
    return json.dumps({p.name: size_text(p.stat().st_size) for p in found}, ensure_ascii=False)
