"""Build the book once (in a scratch copy) and check what a reader gets.

Slow by nature (it executes the chapters); everything else about the build is
checked on that one build (the session fixture ``built_book`` in conftest.py,
shared with the browser tests in tests/e2e/), plus two tiny books that must fail.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from conftest import build_book as build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book(built_book) -> Path:
    """The book built once for the whole test run; the last two tests here rebuild it in place."""
    return built_book


def html_pages(book: Path) -> list[Path]:
    return sorted((book / "_build" / "html").rglob("*.html"))


def test_the_book_has_an_introduction_and_the_status_chapter(book):
    html = book / "_build" / "html"
    assert (html / "index.html").exists()
    intro = (html / "chapters" / "intro.html").read_text(encoding="utf-8")
    status = (html / "chapters" / "01_status.html").read_text(encoding="utf-8")
    assert "导读" in intro and 'lang="zh-CN"' in intro
    assert "发展现状" in status


EXTERNAL = re.compile(r"""<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)=["'](https?:)?//""", re.I)


def test_no_page_loads_anything_from_outside(book):
    for page in html_pages(book):
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), f"{page.name} loads an external resource: {EXTERNAL.search(text).group(0)}"
        assert "thebe" not in text.lower() or "thebe-" not in text, page.name
    for css in (book / "_build" / "html" / "_static").rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8", errors="ignore")), css.name


def test_chinese_web_font_is_served_locally(book):
    static = book / "_build" / "html" / "_static"
    assert (static / "fonts" / "NotoSansSC-Regular.subset.woff2").stat().st_size > 500_000
    assert (static / "fonts" / "OFL.txt").exists()
    page = (book / "_build" / "html" / "chapters" / "01_status.html").read_text(encoding="utf-8")
    assert "_static/jjj.css" in page
    assert "JJJ Noto Sans SC" in (static / "jjj.css").read_text(encoding="utf-8")


def _search_terms(book: Path) -> set[str]:
    index = (book / "_build" / "html" / "searchindex.js").read_text(encoding="utf-8")
    payload = index[index.index("(") + 1: index.rindex(")")]
    return set(json.loads(payload)["terms"])


@pytest.mark.parametrize("word", ["京津冀", "河北", "人均可支配收入", "城乡收入比", "地区生产总值"])
def test_search_index_holds_chinese_words(book, word):
    assert word in _search_terms(book)


def test_charts_are_images_with_alt_text(book):
    page = (book / "_build" / "html" / "chapters" / "01_status.html").read_text(encoding="utf-8")
    images = re.findall(r"<img [^>]*>", page)
    charts = [img for img in images if "_images/" in img]
    assert len(charts) >= 3
    for img in charts:
        src = re.search(r'src="([^"]+)"', img).group(1)
        assert (book / "_build" / "html" / "chapters" / src).resolve().exists()
        assert re.search(r'alt="[^"]*[\u4e00-\u9fff][^"]*"', img), img


def test_chapter_shows_verdicts_key_findings_and_folded_exercises(book):
    page = (book / "_build" / "html" / "chapters" / "01_status.html").read_text(encoding="utf-8")
    assert "要点 / Key findings" in page and "Key findings" in page
    assert page.count("verdict-") >= 12
    assert "核对：已复现" in page and "核对：与报告不符" in page
    assert page.count("练习") >= 3 and "tag_hide-cell" in page
    assert "tag_hide-input" in page  # plumbing code folded, not deleted


def test_rebuild_without_changes_executes_nothing(book):
    result = build(book)
    assert result.returncode == 0
    assert "Executing notebook" not in result.stdout
    assert "0 added, 0 changed, 0 removed" in result.stdout


def test_a_data_change_re_executes_the_chapter_and_updates_the_page(book):
    obs = book / "data" / "observations.csv"
    lines = obs.read_text(encoding="utf-8").splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith("gdp,CN-BJ,2011,annual,") and ",census4," in l)
    cells = lines[i].split(",")
    old_total_page = (book / "_build" / "html" / "chapters" / "01_status.html").read_text(encoding="utf-8")
    cells[4] = str(float(cells[4]) + 10000.0)  # +1 万亿元 in Beijing's 2011 GDP
    lines[i] = ",".join(cells)
    obs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = build(book)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "Executing notebook" in result.stdout
    page = (book / "_build" / "html" / "chapters" / "01_status.html").read_text(encoding="utf-8")
    assert "2011 年 4.67 万亿元" in old_total_page
    assert "2011 年 5.67 万亿元" in page


def _tiny_book(tmp_path: Path, code: str) -> Path:
    book = tmp_path / "tiny"
    (book / "chapters").mkdir(parents=True)
    for name in ("_config.yml", "jieba_userdict.txt"):
        shutil.copy(ROOT / name, book / name)
    (book / "_toc.yml").write_text("format: jb-book\nroot: chapters/intro\nchapters:\n  - file: chapters/01_x\n", encoding="utf-8")
    (book / "chapters" / "intro.md").write_text("# 导读\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 试验"), nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, book / "chapters" / "01_x.ipynb")
    return book


@pytest.mark.parametrize("code", ['raise RuntimeError("chapter broke")',
                                  'import warnings\nwarnings.warn("a chapter warning")'])
def test_a_notebook_error_or_warning_fails_the_build_every_time(tmp_path, code):
    book = _tiny_book(tmp_path, code)
    for attempt in (1, 2):  # a second build must not pass by skipping the failed page
        result = build(book)
        output = result.stdout + result.stderr
        assert result.returncode != 0, f"attempt {attempt} passed"
        assert "chapter broke" in output or "stderr was found in the cell outputs" in output
