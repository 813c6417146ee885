"""jjj_book.chapters.tracing: each computed number knows the observations it depends on, found by tracing
(issue 16) or declared by the chapter (issue 13), and one table shows both kinds of cells."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from jjj_book.chapters import innovation, tracing
from jjj_book.claims import REGISTRY
from jjj_book.provenance import Sourced
from jjj_book.vocab import PROVINCES, REGION_SHORT


def _rid(indicator, region, year, vintage="published"):
    return f"{indicator}|{region}|{year}|annual|{vintage}"


def test_a_derived_value_depends_on_the_rows_it_is_computed_from(pkg):
    facts = tracing.facts(pkg, innovation.rd_facts, "published", 2013, 2023)
    year = facts["rd_year"].value
    share = facts["rd_he_of_bj"]
    assert isinstance(share, Sourced) and share.formula == innovation.FORMULAS["rd_he_of_bj"]
    ids = {_rid(r["indicator"], r["region"], r["year"], r["vintage"]) for r in share.rows}
    assert {_rid("rd_intensity", "CN-BJ", year), _rid("rd_intensity", "CN-HE", year)} <= ids
    assert all(r["year"] == year for r in share.rows)          # not the other years read
    assert facts["ratio_word"] in ("扩大", "缩小", "持平", "无法判断")   # words stay words


def test_a_dependency_hidden_by_rounding_is_found(pkg):
    def rounded(p):   # the value does not change when one of its rows is dropped and the next year used
        wide = p.wide("rd_intensity", "published", regions=["CN-BJ"])
        return {"x": f"{round(float(wide['CN-BJ'].iloc[0]) * 0, 1) + 1:.0f}", "first": int(wide.index.min()),
                "scaled": f"{float(wide['CN-BJ'].iloc[0]):.0f}"}

    facts = tracing.facts(pkg, rounded, formulas={})
    assert facts["x"].rows is None and facts["x"].formula == tracing.NO_ROW_FORMULA   # truly constant
    first = facts["first"].value
    assert [r["year"] for r in facts["scaled"].rows] == [first]


def test_a_traced_tables_number_cells_know_their_rows(pkg):
    frame = tracing.traced(pkg, innovation.turnover_table, "published", 2013, 2023)
    cells = frame.attrs["jjj_cells"]
    assert cells, "no cell traced"
    for (i, j), (rows, _formula) in cells.items():
        shown = frame.iat[i, j]
        if j > 0:   # a value column: its one row is the observation shown
            assert len(rows) == 1 and f"{rows[0]['value']:,.1f}" == shown
            assert rows[0]["year"] == frame.iat[i, 0]
    html = tracing.table(frame, "出处", ["发布数"])._repr_html_()
    assert html.count("data-jjj-prov=") == len(cells) and 'class="jjj-provenance"' in html


def test_an_untraced_table_is_shown_as_before(pkg):
    frame = pd.DataFrame({"年份": [2020], "值": ["1.0"]})
    assert "data-jjj-prov" not in tracing.table(frame, "出处", ["发布数"])._repr_html_()


# --------------------------------------------------------------------------- declared rows: the same values and tables

def test_declared_values_are_sourced_values_and_record_puts_them_on_the_page(ch, monkeypatch):
    glued = []
    monkeypatch.setattr("myst_nb.glue", lambda name, value, **_k: glued.append((name, value)))
    one = tracing.obs(ch.pkg, "gdp", "census4", ["CN-BJ"], [2011])
    three = tracing.obs(ch.pkg, "gdp", "census4", years=[2011])
    values = {"bj": tracing.declared(one), "total": tracing.declared(three, "三地之和"), "y": tracing.param("起点年份"),
              "inc": tracing.of_claim("status.gdp_increase_2011_2021"), "rep": tracing.reported("status.gdp_2011")}
    assert all(isinstance(v, Sourced) for v in values.values())
    tracing.record(ch, values)
    n = ch.prov.numbers
    assert n["bj"]["kind"] == "observation" and n["bj"]["rows"] == [_rid("gdp", "CN-BJ", 2011, "census4")]
    assert n["total"]["kind"] == "derived" and n["total"]["formula"] == "三地之和" and len(n["total"]["rows"]) == 3
    assert n["y"]["kind"] == "parameter" and n["y"]["label"] == "起点年份" and n["y"]["rows"] == []
    inc = n["inc"]
    assert inc["formula"] == ch.results["status.gdp_increase_2011_2021"].note and len(inc["rows"]) == 6
    assert n["rep"]["kind"] == "reported" and n["rep"]["report"]["publication"]
    assert glued == [("rep", REGISTRY["status.gdp_2011"].reported)]   # only the report's figure is glued here
    with pytest.raises(ValueError, match="no rows"):
        tracing.record(ch, {"bad": tracing.declared(one.iloc[0:0])})


def test_declared_cells_are_shown_by_the_same_table_as_ch_table(ch, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    wide = ch.pkg.wide("gdp", "census4", regions=PROVINCES).loc[2011:2012]
    cells = tracing.wide_cells(wide)
    assert cells[(1, 2)] == _rid("gdp", "CN-HE", 2012, "census4") and len(cells) == 6
    assert tracing.wide_cells(wide, transpose=True, col_offset=1)[(2, 2)] == cells[(1, 2)]
    frame = wide.rename(columns=REGION_SHORT)
    tracing.show_table(ch, frame, cells, "gdp", source="出处")
    markup = shown[0]
    block = json.loads(re.search(r'class="jjj-provenance">(.*?)</script>', markup).group(1))
    assert markup.count('data-jjj-prov="gdp:') == 6 and block["numbers"]["gdp:1:2"]["rows"] == [cells[(1, 2)]]
    assert block["numbers"]["gdp:1:2"]["label"] == "表：2012，河北"
    source = '<p class="jjj-chart-source jjj-table-source">出处</p>'
    assert markup == ch.table_html(frame, cells, name="gdp") + source   # one renderer behind both
    assert ch.table_html(frame, wide, name="gdp") == ch.table_html(frame, cells, name="gdp")


def test_a_traced_tables_anchors_are_the_same_in_every_build():
    code = ("import pandas as pd; from jjj_book.chapters.tracing import show; "
            "f = pd.DataFrame({'年份': [2020], '北京': ['1.0']}); f.attrs['jjj_cells'] = {(0, 1): ([], '')}; "
            "print(show(f).name)")
    names = {subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONHASHSEED=seed), check=True,
                            capture_output=True, text=True).stdout for seed in ("1", "2")}
    assert len(names) == 1 and names.pop().startswith("t-")


@pytest.mark.parametrize("setting", ["", "1", "0"])
def test_tracing_can_be_switched_off_and_then_names_every_row_read(pkg, monkeypatch, setting):
    """JJJ_BOOK_TRACE=0 (nbval's kernels) skips the re-runs: each value names all the rows read, a superset."""
    monkeypatch.setenv("JJJ_BOOK_TRACE", setting)
    facts = tracing.facts(pkg, innovation.rd_facts, "published", 2013, 2023)
    share = facts["rd_he_of_bj"]
    read = {r["year"] for f in facts.values() if isinstance(f, Sourced) for r in f.rows}
    years = {r["year"] for r in share.rows}
    if setting == "0":
        assert years == read and len(years) > 1        # every row read, not only those of its year
    else:
        assert years == {facts["rd_year"].value}       # only the rows it depends on
