"""The build-free parts of the browser layer: which pages the TOC lists, and how links are resolved."""

from __future__ import annotations

from .sitecheck import Site, pages_not_linked_from, sidebar_repeats, toc_docnames


def test_toc_pages_cover_parts_sections_globs_and_file_suffixes(tmp_path):
    for name in ("chapters/intro.md", "chapters/01_a.ipynb", "chapters/glossary.md", "appendix/a1.md",
                 "appendix/a2.ipynb", "appendix/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("""format: jb-book
root: chapters/intro.md
parts:
  - caption: 甲
    chapters:
      - file: chapters/01_a
        sections:
          - file: chapters/glossary.md
      - url: https://example.com
        title: elsewhere
  - caption: 附录
    chapters:
      - glob: appendix/*
""", encoding="utf-8")
    assert toc_docnames(tmp_path) == ["chapters/intro", "chapters/01_a", "chapters/glossary", "appendix/a1",
                                      "appendix/a2"]


def test_link_checker_rules(tmp_path):
    """Relative, root-relative, directory and (percent-encoded, Chinese) fragment links; other sites."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<p id="top">x</p>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text("<h1 id='h'>a</h1>", encoding="utf-8")
    (tmp_path / "a" / "p.html").write_text(
        '<dt id="term-城乡收入比">城乡收入比</dt><a href="#term-%E5%9F%8E%E4%B9%A1%E6%94%B6%E5%85%A5%E6%AF%94">0</a>'
        '<a name="old"></a><a href="#old">1</a><a href="../index.html#top">2</a><a href="/a/#h">3</a>'
        '<a href="./">4</a><a href="p.html?x=1#old">5</a><a href="https://stats.gov.cn/x">6</a>'
        '<a href="mailto:a@b">7</a><a href="#">8</a><a href="">9</a>'
        '<a href="../index.html#gone">bad 1</a><a href="../../up.html">bad 2</a><a href="q.html">bad 3</a>'
        '<a href="%E6%B2%B3%E5%8C%97.html">bad 4</a>', encoding="utf-8")
    problems = [(p.href, p.reason) for p in Site(tmp_path).link_problems("a/p.html")]
    assert problems == [("../index.html#gone", "leads to a missing anchor #gone in index.html"),
                        ("../../up.html", "points outside the book"),
                        ("q.html", "leads to a missing file (a/q.html)"),
                        ("%E6%B2%B3%E5%8C%97.html", "leads to a missing file (a/河北.html)")]


def test_pages_the_introduction_does_not_link(tmp_path):
    """Only links in the article count (the sidebar links every page anyway)."""
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "intro.html").write_text(
        '<nav><a href="b.html">乙</a><a href="c.html">丙</a></nav>'
        '<article><a href="a.html#top">甲</a><a href="../index.html">首页</a><a href="https://x.org/c.html">外</a></article>',
        encoding="utf-8")
    pages = ["c/intro.html", "c/a.html", "c/b.html", "c/c.html"]
    assert pages_not_linked_from(Site(tmp_path), "c/intro.html", pages) == ["c/b.html", "c/c.html"]


def test_a_part_caption_that_is_also_a_chapter_title(tmp_path):
    nav = ('<nav class="bd-docs-nav"><p class="caption"><span class="caption-text">{cap}</span></p>'
           '<ul><li class="toctree-l1"><a class="reference internal" href="a.html">发展现状</a></li></ul></nav>')
    (tmp_path / "bad.html").write_text(nav.format(cap="发展现状"), encoding="utf-8")
    (tmp_path / "good.html").write_text(nav.format(cap="总体评估"), encoding="utf-8")
    site = Site(tmp_path)
    assert sidebar_repeats(site, "bad.html") == ["part caption '发展现状' is also a chapter title in the sidebar"]
    assert sidebar_repeats(site, "good.html") == []
