"""A tiny book with one demo chapter that uses every provenance call (glued numbers in prose, a table,
verdicts, a chart switched between vintages), built from a data copy with one value changed.

Shared by tests/test_provenance_model.py and tests/e2e/test_provenance_browser.py; the lead extends
the same checks to the real chapters once they adopt the calls.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from conftest import DATA, ROOT, build_book, set_cell

# The one value changed in the data copy (Beijing's 2011 GDP, 4th-census revision): the page must
# show the changed value and still carry its provenance.
CHANGED_ROW = "gdp,CN-BJ,2011,annual,"
CHANGED_VALUE = "17000.1"

PROSE = """(demo)=
# 演示：数字的出处

2011年三地地区生产总值合计 {glue:text}`gdp_2011_total:.2f` 万亿元，其中北京 {glue:text}`bj_2011:,.1f` 亿元，\
占三地的 {glue:text}`bj_share:.1f`%。

同一个数字可以出现两次：北京约 {glue:text}`bj_2011:,.0f` 亿元。
"""
PARAMS = '''data_dir = "../data"
gdp_vintage = "census4"
release_vintage = "communique"
income_vintage = "survey"'''
SETUP = '''from jjj_book.chapters import setup
from jjj_book import plots, provenance
ch = setup("01_status", data_dir=data_dir, gdp_vintage=gdp_vintage, release_vintage=release_vintage,
           income_vintage=income_vintage)
pkg, names = ch.pkg, ch.names'''
GLUE = '''rows = provenance.rows_of(pkg, "gdp", gdp_vintage, ["CN-BJ", "CN-TJ", "CN-HE"], [2011])
total = rows["value"].sum()
bj = rows.loc[rows["region"] == "CN-BJ"]
ch.glue("gdp_2011_total", total / 10000, rows=rows, formula="北京、天津、河北2011年地区生产总值之和，亿元折合万亿元",
        label="2011年三地地区生产总值合计（万亿元）")
ch.glue("bj_2011", float(bj["value"].iloc[0]), rows=bj, label="2011年北京地区生产总值（亿元）")
ch.glue("bj_share", 100 * float(bj["value"].iloc[0]) / total, rows=rows, formula="北京 ÷ 三地合计 × 100",
        uses=["bj_2011", "gdp_2011_total"], label="北京占三地的比重（%）");'''
TABLE = '''wide = pkg.wide("gdp", gdp_vintage, regions=["CN-BJ", "CN-TJ", "CN-HE"]).loc[2011:2013]
shown = wide.rename(columns=names)
shown.index.name = "年份"
ch.table(shown, wide, name="gdp-table", caption="地区生产总值（亿元）")'''
VERDICTS = 'ch.verdicts("status.gdp_2011", "status.gdp_2021")'
CHART = '''def gdp_chart(vintage):
    table = pkg.wide("gdp", vintage, regions=["CN-BJ", "CN-TJ", "CN-HE"])
    fig, ax = plots.new_figure()
    plots.line_by_region(ax[0] if hasattr(ax, "__len__") else ax, table, names)
    plots.finish(fig, pkg.citation(pkg.series("gdp", vintage)), [pkg.vintage_name(vintage)])
    return fig

variants = ["census4", "census5", "census2"]
ch.chart_variants({v: gdp_chart(v) for v in variants}, default=gdp_vintage,
                  rows={v: pkg.series("gdp", v) for v in variants}, claims=["status.gdp_2011"],
                  alt="三地地区生产总值", name="gdp")'''


def numbers_without_provenance(page_html: str) -> list[str]:
    """What a built page shows as a number without provenance: every glued value with a digit whose key
    (from its id ``n-<key>``) is not in the page's provenance, every ``data-jjj-prov`` key not in it, every
    row or source a number refers to that the record lacks, every source id not in data/sources.csv."""
    import csv
    import json
    import re

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    rec = {"numbers": {}, "rows": {}, "sources": {}}
    for script in soup.select('script.jjj-provenance[type="application/json"]'):
        data = json.loads(script.string)
        for part in rec:
            rec[part].update(data[part])
    with (DATA / "sources.csv").open(encoding="utf-8") as fh:
        known = {row["id"] for row in csv.DictReader(fh)}
    bad = []
    for span in soup.select("span.pasted-text"):
        if not re.search(r"\d", span.get_text()):
            continue
        m = re.fullmatch(r"n-(.+?)(?:-\d+)?", span.get("id", ""))
        if not m or (m.group(1) not in rec["numbers"] and span["id"][2:] not in rec["numbers"]):
            bad.append(f"glued {span.get('id', '')!r}: {span.get_text()}")
    for node in soup.select("[data-jjj-prov]"):
        if node["data-jjj-prov"] not in rec["numbers"]:
            bad.append(f"{node['data-jjj-prov']}: {node.get_text()}")
    for key, number in rec["numbers"].items():
        bad += [f"{key}: row {r}" for r in number["rows"] if r not in rec["rows"]]
        bad += [f"{key}: uses {u}" for u in number["uses"] if u not in rec["numbers"]]
    for rid, row in rec["rows"].items():
        if row["source"] not in rec["sources"] or row["source"] not in known:
            bad.append(f"{rid}: source {row['source']}")
    return bad


def demo_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    code = nbformat.v4.new_code_cell
    cells = [nbformat.v4.new_markdown_cell(PROSE), code(PARAMS), code(SETUP), code(GLUE),
             nbformat.v4.new_markdown_cell("## 表格"), code(TABLE),
             nbformat.v4.new_markdown_cell("## 核对"), code(VERDICTS),
             nbformat.v4.new_markdown_cell("## 换一个数据版本看图"), code(CHART),
             code("ch.provenance()")]
    for cell in cells[1:]:
        if cell.cell_type == "code":
            cell.metadata["tags"] = ["parameters"] if cell.source is PARAMS else ["remove-input"]
    cells[3].metadata["tags"] = ["remove-cell"]   # gluing shows nothing
    nb.cells = cells
    return nb


def make_demo_book(dest: Path, change: bool = True) -> Path:
    """The tiny book in ``dest``: the book's configuration and static files, a data copy (one value
    changed unless ``change`` is false), an introduction and the demo chapter."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "jieba_userdict.txt"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "_static", dest / "_static", dirs_exist_ok=True)
    shutil.copytree(DATA, dest / "data", ignore=shutil.ignore_patterns("_staging"), dirs_exist_ok=True)
    if change:
        set_cell(dest / "data" / "observations.csv", CHANGED_ROW, "value", CHANGED_VALUE)
    (dest / "chapters").mkdir(exist_ok=True)
    (dest / "chapters" / "intro.md").write_text("# 演示书\n\n只有一章。\n", encoding="utf-8")
    nbformat.write(demo_notebook(), dest / "chapters" / "demo.ipynb")
    (dest / "_toc.yml").write_text("format: jb-book\nroot: chapters/intro\nchapters:\n  - file: chapters/demo\n",
                                   encoding="utf-8")
    return dest


def build_demo_book(dest: Path, change: bool = True) -> Path:
    """Make and build the demo book; return its chapter page."""
    make_demo_book(dest, change)
    result = build_book(dest)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return dest / "_build" / "html" / "chapters" / "demo.html"
