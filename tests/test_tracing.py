"""jjj_book.chapters.tracing: each computed number knows the observations it depends on (issue 16)."""

from __future__ import annotations

import pandas as pd

from jjj_book.chapters import innovation, tracing
from jjj_book.provenance import Sourced


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
