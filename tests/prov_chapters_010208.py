"""The book's chapters 01, 02 and 08 in a small book built once per test run from a data copy with one
value changed (Beijing's 2021 GDP, 4th-census revision), for the provenance checks (issue 16) of
tests/test_chapter_status.py, test_chapter_problems.py, test_chapter_since.py and the browser layer.

The small book holds the real configuration and static files, a short introduction, the glossary (the
chapters' ``{term}`` targets), the three chapters, and a stub page carrying every other
label they refer to with ``{ref}``.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from conftest import DATA, ROOT, build_book, set_cell

CHAPTERS = ("01_status", "02_problems", "08_since")
CHANGED_ROW = "gdp,CN-BJ,2021,annual,41045.6,100m_yuan,census4,"
CHANGED_ID = "gdp|CN-BJ|2021|annual|census4"
CHANGED_VALUE = "41945.6"
CHANGED_TEXT = "41,945.6"        # as the page's provenance prints the row
_BUILT: dict[str, Path] = {}


def make_book(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "jieba_userdict.txt"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "_static", dest / "_static", dirs_exist_ok=True)
    shutil.copytree(DATA, dest / "data", ignore=shutil.ignore_patterns("_staging"), dirs_exist_ok=True)
    set_cell(dest / "data" / "observations.csv", CHANGED_ROW, "value", CHANGED_VALUE)
    (dest / "chapters").mkdir(exist_ok=True)
    pages = ("glossary.md", *(f"{c}.ipynb" for c in CHAPTERS))
    for name in pages:
        text = (ROOT / "chapters" / name).read_text(encoding="utf-8")
        if name.endswith(".ipynb"):   # the chapters read the changed copy, not the package's own data
            assert 'data_dir = \\"\\"' in text, name
            text = text.replace('data_dir = \\"\\"', 'data_dir = \\"../data\\"', 1)
        (dest / "chapters" / name).write_text(text, encoding="utf-8")
    (dest / "chapters" / "intro.md").write_text("# 导读\n\n本书的三章。\n", encoding="utf-8")
    text = "".join((ROOT / "chapters" / n).read_text(encoding="utf-8") for n in pages)
    labels = set(re.findall(r"\(([a-z0-9-]+)\)=", text))
    wanted = set(re.findall(r"\{ref\}`[^`<]*<([a-z0-9-]+)>`", text)) | set(re.findall(r"\{ref\}`([a-z0-9-]+)`", text))
    (dest / "chapters" / "elsewhere.md").write_text(
        "# 其他章节\n\n" + "".join(f"({s})=\n## {s}\n\n见全书。\n\n" for s in sorted(wanted - labels)), encoding="utf-8")
    toc = "format: jb-book\nroot: chapters/intro\nchapters:\n" + "".join(
        f"  - file: chapters/{c}\n" for c in (*CHAPTERS, "glossary", "elsewhere"))
    (dest / "_toc.yml").write_text(toc, encoding="utf-8")
    return dest


def built_chapters() -> Path:
    """The small book's HTML folder, built once per test process."""
    if "html" not in _BUILT:
        dest = make_book(Path(tempfile.mkdtemp(prefix="jjj-prov-010208-")) / "book")
        result = build_book(dest)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        _BUILT["html"] = dest / "_build" / "html"
    return _BUILT["html"]


def page(chapter: str) -> str:
    return (built_chapters() / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")


def provenance_record(page_html: str) -> dict:
    """The page's provenance (numbers, rows, sources), merged from its JSON blocks."""
    rec = {"numbers": {}, "rows": {}, "sources": {}}
    for block in re.findall(r'<script type="application/json" class="jjj-provenance">(.*?)</script>', page_html, re.DOTALL):
        data = json.loads(block.replace("<\\/", "</"))
        for part, found in rec.items():
            found.update(data.get(part, {}))
    return rec


def numbers_using(rec: dict, row: str) -> list[str]:
    """Keys of the page's numbers that are, or are computed from, the observation ``row``."""
    return [k for k, n in rec["numbers"].items() if row in n["rows"]]
