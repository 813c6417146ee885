"""Build the book once (in a scratch copy) and check what a reader gets.

Slow by nature (it executes the chapters); everything else about the build is
checked on that one build (the session fixture ``built_book`` in conftest.py,
shared with the browser tests in tests/e2e/), plus tiny books: two that must fail, and one
whose build output must stay short (what a newcomer sees).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, VENV_BIN, md, tiny_book
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
    assert len(re.findall(r'id="claim-status-', page)) == 12        # one line per claim, ids only in anchors
    assert "复算相符" in page and "与报告不符" in page and "无法核对" in page
    assert page.count("练习") >= 3 and "tag_hide-cell" in page
    assert "tag_hide-input" in page  # plumbing code folded, not deleted


def test_rebuild_without_changes_executes_nothing(book):
    result = build(book)
    assert result.returncode == 0
    assert "Executing" not in result.stdout
    assert "0 added, 0 changed, 0 removed" in result.stdout


def _stale_chapters(book: Path) -> set[str]:
    """The chapters whose recorded reads (the build's read tracking, ``_build/.jjj-execute/*.json``) no longer
    match the book's files: exactly those the next build must execute."""
    from jjj_book.build import fingerprints

    cache_dir = book / "_build" / fingerprints.CACHE_DIR
    inputs = fingerprints.Inputs(book, cache_dir)
    entries = [json.loads(p.read_text(encoding="utf-8")) for p in cache_dir.glob("*.json")]
    entries = [e for e in entries if "reads" in e]
    assert len(entries) == len(list((book / "chapters").glob("*.ipynb")))  # every chapter's reads were kept
    return {Path(e["notebook"]).stem for e in entries if any(inputs.value(k, w, n) != v for k, w, n, v in e["reads"])}


def test_a_data_change_re_executes_the_chapter_and_updates_the_page(book):
    """A change to the data package re-executes exactly the chapters that read what changed (found from the
    build's own read tracking), and the page shows the new computed value. The change is one that few, small
    chapters read: a value recorded as rejected in data/PROVENANCE.md (the data appendix counts and lists them),
    so the rebuild executes a chapter or two, not the book. (Observation values: every chapter that reads the
    whole observations table re-runs; tests/test_build_cache.py checks that, row by row, without kernels.)"""
    assert _stale_chapters(book) == set()  # the tracking agrees with the build before the change
    provenance = book / "data" / "PROVENANCE.md"
    page_path = book / "_build" / "html" / "chapters" / "data_appendix.html"
    words = lambda html: re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))  # noqa: E731  (glued values sit in spans)
    counted = re.compile(r"共(\d+)个。下表由这张表生成")
    before = int(counted.search(words(page_path.read_text(encoding="utf-8"))).group(1))
    lines = provenance.read_text(encoding="utf-8").splitlines()
    end = lines.index("<!-- rejected:end -->")  # the machine-readable table's end (jjj_book.series.rejected_values)
    while not lines[end - 1].startswith("|"):
        end -= 1
    lines.insert(end, "| gdp_per_capita | CN-HE | 2017 | * | 1 | a test's rejected value | 测试加入的舍弃值 |")
    provenance.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = _stale_chapters(book)
    assert "data_appendix" in expected and "01_status" not in expected and len(expected) <= 2, expected
    result = build(book)
    assert result.returncode == 0, result.stdout[-2000:]
    ran = set(re.findall(r"^  \[[#-]+\] +\d+/\d+  (\S+) +\d+\.\d s$", result.stdout, re.M))
    assert ran == expected, result.stdout
    assert _stale_chapters(book) == set()  # and their new results were kept
    page = words(page_path.read_text(encoding="utf-8"))
    assert int(counted.search(page).group(1)) == before + 1
    assert "测试加入的舍弃值" in page


# What a build must not show by default: (label, pattern).
NOISE = [("kernel notice", r"running over TCP without encryption|\[IPKernelApp\]"),
         ("ERROR line", r"\bERROR\b"),
         ("configuration dump", r"MdParserConfig\(|NbParserConfig\("),
         ("jieba chatter", r"Prefix dict|Loading model|Building prefix dict"),
         ("pip index warning", r"WARNING: Location '.*' is ignored"),
         ("traceback", r"Traceback \(most recent call last\)")]


def _noise(output: str) -> list[str]:
    return [f"{label}: {m.group(0)}" for label, pattern in NOISE for m in [re.search(pattern, output)] if m]


def test_a_default_build_shows_progress_and_where_the_book_is_and_no_noise(tmp_path):
    book = tiny_book(tmp_path / "tiny", {"01_x": [md("# 试验"), 'print("一")'],
                                         "02_x": [md("# 试验"), "import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()"]},
                     config=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    # `jjj-book build PATH` from another folder, as sphinx-build does (no JJJ_BOOK_ROOT)
    env = {k: v for k, v in os.environ.items() if k != "JJJ_BOOK_ROOT"}
    result = subprocess.run([str(VENV_BIN / "jjj-book"), "build", str(book)], capture_output=True, text=True,
                            cwd=work, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert _noise(output) == [], output
    for stem in ("01_x", "02_x"):  # one progress line per chapter, with its time
        assert re.search(rf"^  \[[#-]+\] [12]/2  {stem} +\d+\.\d s$", result.stdout, re.M), result.stdout
    assert f"The book is in {book / '_build' / 'html'}/" in result.stdout
    assert "python3 -m http.server -d" in result.stdout and "--bind 127.0.0.1" in result.stdout
    assert (book / "_build" / "html" / "chapters" / "02_x.html").is_file()
    assert len(output.splitlines()) <= 12, output
    # --verbose shows what the default keeps back (so the checks above can fail)
    verbose = subprocess.run([str(VENV_BIN / "jjj-book"), "build", "--all", "--verbose"], capture_output=True,
                             text=True, cwd=book, env=env)
    assert verbose.returncode == 0, verbose.stdout[-2000:] + verbose.stderr[-2000:]
    found = {n.split(":")[0] for n in _noise(verbose.stdout + verbose.stderr)}
    assert {"kernel notice", "configuration dump"} <= found


def test_build_outside_a_book_says_where_to_run_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JJJ_BOOK_ROOT"}
    result = subprocess.run([str(VENV_BIN / "jjj-book"), "build"], capture_output=True, text=True,
                            cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert f"{tmp_path} is not a book (no _toc.yml there)" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("pip_status", [0, 1])
def test_dev_py_keeps_pip_chatter_back_unless_pip_fails(tmp_path, pip_status):
    """dev.py's set-up on a fresh clone: pip's index warnings are shown only when pip fails."""
    for name in ("dev.py", "pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    fake = tmp_path / ".venv" / "bin" / "python"  # stands in for the venv's pip
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho \"WARNING: Location 'file:///opt/pypi/simple/x/' is ignored: it is neither "
                    f"a file nor a directory.\" >&2\nexit {pip_status}\n", encoding="utf-8")
    fake.chmod(0o755)
    result = subprocess.run([sys.executable, str(tmp_path / "dev.py"), "setup"], capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert "Setting up .venv" in output
    if pip_status == 0:
        assert result.returncode == 0 and "Location" not in output, output
        assert "Set up .venv in" in output
    else:
        assert result.returncode != 0 and "WARNING: Location 'file:///opt/pypi/simple/x/' is ignored" in output
        assert "installing jjj-book into" in output


@pytest.mark.parametrize("code", ['raise RuntimeError("chapter broke")',
                                  'import warnings\nwarnings.warn("a chapter warning")'])
def test_a_notebook_error_or_warning_fails_the_build_every_time(tmp_path, code):
    book = tiny_book(tmp_path / "tiny", {"01_x": [md("# 试验"), code]}, config=True)
    for attempt in (1, 2):  # a second build must not pass by skipping the failed page
        result = build(book)
        output = result.stdout + result.stderr
        assert result.returncode != 0, f"attempt {attempt} passed"
        assert "chapter broke" in output or "stderr was found in the cell outputs" in output
