"""The book's layout, read from its ``_toc.yml`` in one place.

Every part of the package that needs "the chapters" (``jjj-book run``, the build's
pre-execution, the downloads extension, the nbval refresher, the tests) asks here,
so a page added to the table of contents is seen everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Page:
    """One entry of the table of contents."""

    file: str          # as written in _toc.yml, without suffix: "chapters/01_status"
    path: Path         # the source file on disk (.ipynb or .md)
    part: str | None   # the caption of the part it belongs to

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"

    @property
    def is_numbered_chapter(self) -> bool:
        """A report chapter (01_status … 08_since), as opposed to the intro and the appendices."""
        return self.stem[:2].isdigit() and self.stem[2:3] == "_"


def _resolve(root: Path, file: str) -> Path:
    for suffix in (".ipynb", ".md"):
        candidate = root / f"{file}{suffix}"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{root / '_toc.yml'}: no .ipynb or .md file for entry {file!r}")


def pages(root: Path) -> list[Page]:
    """Every page of the book in reading order: the root page first, then each part's chapters."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    found = [Page(toc["root"], _resolve(root, toc["root"]), None)]

    def walk(entries, part):
        for entry in entries or []:
            if "file" in entry:
                found.append(Page(entry["file"], _resolve(root, entry["file"]), part))
            walk(entry.get("sections"), part)

    for part in toc.get("parts", []):
        walk(part.get("chapters"), part.get("caption"))
    walk(toc.get("chapters"), None)
    return found


def notebooks(root: Path) -> list[Page]:
    """The executable pages (every notebook in the table of contents, appendices included)."""
    return [p for p in pages(root) if p.is_notebook]


def chapters(root: Path) -> list[Page]:
    """The numbered report chapters (01_status … 08_since), in the order of the table of contents."""
    return [p for p in notebooks(root) if p.is_numbered_chapter]
