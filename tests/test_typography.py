"""The book-wide Sphinx extension jjj_book.build.typography: Chinese without stray spaces, key-figure
cells off the page, tables that read on a phone, the theme's strings in Chinese."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree

from jjj_book.build import typography

GAP = re.compile(rf"[{typography.CJK}]\s+[{typography.CJK}]")


def _doctree(rst: str):
    return publish_doctree(rst, settings_overrides={"report_level": 5})


def test_source_line_breaks_between_chinese_characters_go():
    tree = _doctree("京津冀三地地区生产总值合计约 4.4 万亿元。\n核对这组数字之前\n要先问：用的是哪一版。\n")
    assert typography.join_cjk(tree) == 2
    assert tree.astext() == "京津冀三地地区生产总值合计约 4.4 万亿元。核对这组数字之前要先问：用的是哪一版。"


def test_spaces_next_to_latin_letters_and_digits_stay():
    tree = _doctree("2011 年的 GDP 为 4.4 万亿元（data.stats.gov.cn 发布）。\n")
    assert typography.join_cjk(tree) == 0
    assert "2011 年的 GDP 为 4.4 万亿元" in tree.astext()


def test_gaps_across_inline_markup_and_quotation_marks_go():
    tree = _doctree("见 *发展现状* 一节；报告称\n“协同发展”\n取得成效。\n")
    typography.join_cjk(tree)
    assert tree.astext() == "见发展现状一节；报告称“协同发展”取得成效。"
    assert tree.next_node(nodes.emphasis).astext() == "发展现状"   # the markup itself survives


def test_a_gap_after_inline_raw_html_goes_but_the_raw_html_is_left_as_written():
    tree = _doctree("正文。\n")
    para = nodes.paragraph("", "", nodes.raw("", '<a href="p.zip">学生版课堂包</a>', format="html"),
                           nodes.Text(" 中的笔记本。"))
    tree += para
    typography.join_cjk(tree)
    assert para.astext() == '<a href="p.zip">学生版课堂包</a>中的笔记本。'


def test_code_literal_blocks_and_math_are_never_touched():
    tree = _doctree("中文 ``代码 里 的 空格`` 中文\n\n::\n\n    打印 结果\n    第二 行\n\n:math:`中 文`\n")
    typography.join_cjk(tree)
    assert tree.next_node(nodes.literal).astext() == "代码 里 的 空格"
    assert tree.next_node(nodes.literal_block).astext() == "打印 结果\n第二 行"
    assert tree.next_node(nodes.math).astext() == "中 文"
    # a gap next to a code span is not joined across it either
    assert tree.next_node(nodes.paragraph).astext().startswith("中文 代码")


def test_cells_tagged_nbval_check_output_leave_the_page():
    tree = _doctree("正文\n")
    kept = nodes.container(classes=["cell", "tag_hide-input"])
    checked = nodes.container(classes=["cell", "tag_nbval-check-output", "tag_hide-input"])
    checked += nodes.paragraph(text="status.gdp_2011 True 9.6356")
    tree += [kept, checked]
    assert typography.drop_check_cells(tree) == 1
    assert "status.gdp_2011" not in tree.astext() and kept.parent is tree


TABLE = """<table class="table">
<thead><tr class="row-odd"><th class="head"><p>判断（转述）</p></th><th class="head"><p>核对</p></th>
<th class="head"><p>地区</p></th></tr></thead>
<tbody><tr class="row-even"><td><p>2011年京津冀三地地区生产总值合计约4.4万亿元，比十年前增加了一倍多。</p></td>
<td><p>与报告不符</p></td><td class="x"><p>北京市</p></td></tr></tbody></table>"""


def test_table_cells_get_their_column_label_and_short_cells_never_wrap():
    out = typography.annotate_tables("<p>前</p>" + TABLE)
    cells = re.findall(r"<td\b[^>]*>", out)
    assert cells == ['<td data-label="判断（转述）">', '<td class="jjj-short" data-label="核对">',
                     '<td class="x jjj-short" data-label="地区">']
    assert '<th class="head jjj-short">' in out        # headings: short, no label
    assert typography.annotate_tables(out) == out        # a second pass changes nothing


def test_english_attributes_of_the_theme_turn_chinese():
    page = '<button title="Toggle primary sidebar"></button><nav aria-label="Main"></nav><a title="Other thing">'
    out = typography.translate_attributes(page, typography.THEME_STRINGS)
    assert 'title="显示或隐藏全书目录"' in out and 'aria-label="全书目录"' in out
    assert 'title="Other thing"' in out                  # an unknown string is left alone (the browser check sees it)


# --------------------------------------------------------------------------- a tiny Sphinx build with the extension

INDEX = """# 导读

这本书把报告的判断
一条一条重新算一遍，见 {ref}`第一章 <one>`
一节。代码 `a  b` 不动。

```{toctree}
one
```
"""

NOTEBOOK = {
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "cells": [
        {"cell_type": "markdown", "id": "m1", "metadata": {},
         "source": ["(one)=\n", "# 第一章\n", "\n", "三地合计\n", "增加了。\n"]},
        {"cell_type": "code", "id": "c1", "execution_count": 1, "metadata": {"tags": ["hide-input"]},
         "source": ["print('正文 里的 输出')"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["读者 看到的 输出\n"]}]},
        {"cell_type": "code", "id": "c2", "execution_count": 2, "metadata": {"tags": ["nbval-check-output"]},
         "source": ["print(key_figures)"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["status.gdp_2011 True 9.6356\n"]}]},
    ],
}


@pytest.fixture(scope="module")
def tiny_html(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("tiny")
    (src / "conf.py").write_text(
        "extensions = ['myst_nb', 'sphinx_book_theme', 'jjj_book.build.typography']\n"
        "html_theme = 'sphinx_book_theme'\nlanguage = 'zh_CN'\nnb_execution_mode = 'off'\n"
        "nb_code_prompt_show = '显示{type}'\nnb_code_prompt_hide = '隐藏{type}'\n", encoding="utf-8")
    (src / "index.md").write_text(INDEX, encoding="utf-8")
    (src / "one.ipynb").write_text(json.dumps(NOTEBOOK, ensure_ascii=False), encoding="utf-8")
    out = src / "_build"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    return out


def _visible_text(page: str) -> str:
    """The prose of each paragraph, heading, list item and table cell on its own line (code as \\x00)."""
    page = re.sub(r"<(script|style|pre|code)\b.*?</\1>", "\x00", page, flags=re.S)
    blocks = re.findall(r"<(p|h[1-6]|li|td|th|dt|dd)\b[^>]*>(.*?)</\1>", page, flags=re.S)
    return "\n".join(" ".join(re.sub(r"<[^>]+>", "", inner).split(" ")) for _, inner in blocks)


def test_the_built_html_has_no_space_between_chinese_characters(tiny_html):
    index = (tiny_html / "index.html").read_text(encoding="utf-8")
    article = index[index.index("<article"):index.index("</article>")]
    assert "这本书把报告的判断一条一条重新算一遍，见" in _visible_text(article)
    gaps = [GAP.findall(block) for block in _visible_text(article).split("\n")]
    assert not any(gaps), gaps
    assert '<span class="pre">a</span>&#160; <span class="pre">b</span>' in article   # code keeps its spaces
    one = (tiny_html / "one.html").read_text(encoding="utf-8")
    assert "三地合计增加了。" in _visible_text(one)


def test_the_built_page_drops_the_key_figure_cell_and_keeps_the_others(tiny_html):
    one = (tiny_html / "one.html").read_text(encoding="utf-8")
    assert "读者 看到的 输出" in one                       # output text of a code cell is left as printed
    assert '<p class="collapsed admonition-title">显示代码</p>' in one   # not "显示source"
    assert "source" not in _visible_text(one)
    assert "status.gdp_2011" not in one and "key_figures" not in one


def test_the_built_page_has_no_english_theme_attribute_left(tiny_html):
    page = (tiny_html / "one.html").read_text(encoding="utf-8")
    english = [f"{a}={v!r}" for a, v in re.findall(r'\b(title|aria-label|placeholder)="([^"]*)"', page)
               if re.search(r"[a-z]{2,}", v)]   # a word; acronyms such as PDF are fine
    assert not english, english
    assert "列印" not in page and 'title="打印为 PDF"' in page


def test_line_breaks_between_chinese_characters_in_raw_html_go_but_code_and_typed_spaces_stay():
    body = "<small>数据来源：国家统计局\n《国家数据》</small><pre>打印\n结果</pre><p>报告 是 → 本书 是</p>"
    out = typography.join_cjk_html(body)
    assert "<small>数据来源：国家统计局《国家数据》</small>" in out
    assert "<pre>打印\n结果</pre>" in out and "报告 是 → 本书 是" in out
