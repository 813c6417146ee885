"""What chapter 01_status computes for its pages (jjj_book.chapters.status)."""

from __future__ import annotations

import re

import pytest

from conftest import DATA, add_rows, read_notebook, row, set_value
from jjj_book import claims, data
from jjj_book.chapters import status as chapter

CODES = re.compile(r"CN-[A-Z]{2}|census\d|communique|survey|status\.")


def _visible(styler) -> str:
    """Everything a reader sees of a display table: headers, cells and the source line."""
    frame = styler.data
    return " ".join(map(str, [frame.columns.name, *frame.columns, *frame.index, *frame.to_numpy().ravel(),
                              styler.caption or ""]))


def test_claims_by_vintage_shows_each_vintage_with_a_computed_value_and_a_mark(pkg):
    shown = chapter.claims_by_vintage(pkg)
    frame = shown.data
    assert list(frame.index) == [pkg.vintage_name(v) for v in pkg.vintages_of("gdp")]
    assert list(frame.columns) == ["2011年（报告 4.4）", "2021年（报告 9.6）", "增加（报告 5.2）"]
    census4, release = pkg.vintage_name("census4"), pkg.vintage_name("communique")
    total = claims.evaluate(pkg, ids=["status.gdp_2011"], vintage="census4")[0].reproduced
    assert frame.loc[census4, "2011年（报告 4.4）"] == f"{total:.2f} ×"
    assert frame.loc[release, "2021年（报告 9.6）"].endswith("√")       # agrees in one vintage …
    assert frame.loc[census4, "2021年（报告 9.6）"].endswith("×")       # … differs in another
    assert frame.loc[release, "增加（报告 5.2）"] == "—"                  # never across communiqué years
    assert not CODES.search(_visible(shown)) and "数据来源" in shown.caption


def test_claims_by_vintage_follows_the_data(data_copy):
    bj = float(row(data_copy / "observations.csv", "gdp,CN-BJ,2011,annual,", "census4").split(",")[4])
    set_value(data_copy, "gdp,CN-BJ,2011,annual,", "census4", bj - 2686.0)  # −0.27 万亿元
    frame = chapter.claims_by_vintage(data.load(data_copy)).data
    assert frame.loc["四经普修订数", "2011年（报告 4.4）"] == "4.40 √"


def test_closest_start_names_the_nearest_vintage(pkg):
    closest = chapter.closest_start(pkg, 2011)
    totals = {pkg.vintage_name(v): t[2011] for v, t in chapter.gdp_totals(pkg).items() if 2011 in t.index}
    assert closest["vintage"] == min(totals, key=lambda k: abs(totals[k] - 4.4))
    assert closest["low"] == pytest.approx(min(totals.values()))
    assert closest["within"].startswith("仍超出") and closest["verdict"] == "differs"


def test_revision_size_is_computed_from_the_two_vintages(pkg):
    rev = chapter.revision_size(pkg)
    first = pkg.wide("gdp", "original")
    revised = pkg.wide("gdp", "census4")
    code = {"北京": "CN-BJ", "天津": "CN-TJ", "河北": "CN-HE"}[rev["region"]]
    years = first.index.intersection(revised.index)
    mean = float((revised.loc[years, code] / first.loc[years, code] - 1).mean() * 100)
    assert rev["mean"] == pytest.approx(abs(mean)) and rev["word"] == ("下调" if mean < 0 else "上调")
    assert rev["low"] <= rev["mean"] <= rev["high"]


def test_growth_bars_keep_the_report_window_and_find_the_leaders(pkg):
    bars, rows = chapter.growth_bars(pkg, "communique")
    assert list(bars.index) == ["2019年", "2020年", "2021年", "2022年前三季度"]
    assert set(rows["vintage"]) == {"communique"}
    assert chapter.leaders(bars) == ["2019年", "2020年", "2022年前三季度"]


def test_revised_growth_reports_a_changed_leader(data_copy, pkg):
    bars, _ = chapter.growth_bars(pkg, "communique")
    assert chapter.revised_growth(pkg, "census5", 2019, 2021, bars)["changed"] == []
    set_value(data_copy, "gdp_real_growth,CN-HE,2020,annual,", "census5", "0.1")
    revised = chapter.revised_growth(data.load(data_copy), "census5", 2019, 2021, bars)
    assert revised["changed"] == [2020] and "2020" in revised["changed_words"]
    assert revised["table"].data.loc["2020年", "增速最快"] == "天津"


def test_method_check_separates_the_documented_year(pkg):
    check = chapter.method_check(pkg, "census5", "census7")
    assert check["odd_years"] == "2024"
    assert "初步核算" in check["odd_note"]                       # the reason recorded on the data rows
    assert check["odd_worst"] > check["bound"] and check["bound"] <= 0.01
    assert check["table"].data.loc["2024年", "天津"].startswith("-0.")


def test_gap_story_words_and_the_two_measures(pkg):
    yuan, ratio = chapter.per_capita_gaps(pkg, "census4", "census7")
    tj = chapter.gap_story(yuan, ratio, "CN-TJ", 2014, 2021)
    assert tj["yuan_change"] == pytest.approx(yuan.loc[2021, "CN-TJ"] - yuan.loc[2014, "CN-TJ"])
    assert (tj["yuan_word"], tj["ratio_word"], tj["agree"]) == ("扩大", "缩小", "相反")


def test_income_pairs_put_the_published_ratio_beside_the_computed_one(data_copy):
    pkg = add_rows(data_copy, "urban_disposable_income,CN-TJ,2020,47659,yuan,survey",
                   "rural_disposable_income,CN-TJ,2020,25691,yuan,survey")
    pairs = chapter.income_pairs(pkg, "survey")
    row = pairs["table"].data.loc["天津2020年"]
    assert row["比值（本书）"] == "1.86" and row["比值（公布）"] == "1.86"   # 47,659 ÷ 25,691; published 1.86
    assert row["之差（元）"] == "21,968"
    assert "天津" in pairs["regions"]


def test_published_ratios_and_their_direction(pkg, data_copy):
    ratios = chapter.published_ratios(pkg, "survey")
    assert ratios["all_fell"] == "都下降了" and ratios["ratio_trend"] == "在缩小"
    assert list(ratios["table"].data.index) == ["北京", "天津", "河北"]
    assert row(data_copy / "observations.csv", "urban_rural_income_ratio,CN-HE,2021,annual,", "survey").split(",")[4] == "2.19"
    set_value(data_copy, "urban_rural_income_ratio,CN-HE,2021,annual,", "survey", "2.40")
    assert chapter.published_ratios(data.load(data_copy), "survey")["ratio_trend"] == "各地方向不一"


def test_data_gaps_list_incomes_from_the_survey_start_and_no_codes(pkg):
    gaps = chapter.data_gaps(pkg, "census4", "communique", "census7", "survey", 2011, 2021)
    frame = gaps.data
    assert list(frame.columns) == ["数据版本", "缺少的年份"]
    rural = frame.loc[frame.index == "农村居民人均可支配收入", "缺少的年份"].tolist()
    assert len(rural) == 1 and "天津：全部年份" in rural[0] and rural[0].endswith("（2013—2021年中）")
    assert not CODES.search(_visible(gaps))


def test_key_findings_are_plain_python_values_glue_can_read(pkg):
    results = {r.id: r for r in claims.evaluate(pkg, chapter="01_status")}
    found = chapter.key_findings(pkg, results, "census4", "communique", "census7", "survey", 2011, 2021, 2014)
    assert all(type(v) in (int, float, str) for v in found.values()), found
    assert found["kf_2021_agree"] == "相符" and found["kf_tj_ratio_word"] == "缩小"
    assert found["kf_ur_missing"] == 3


def test_key_figures_are_the_pinned_values(pkg):
    key = chapter.key_figures(pkg, "census4", "communique", "census7", 2011, 2021, 2014)
    assert key["三地GDP合计 2021（万亿元，communique）"] == pytest.approx(
        claims.evaluate(pkg, ids=["status.gdp_2021"])[0].reproduced)


def test_charts_have_legends_sources_and_break_marks(pkg):
    fig = chapter.gdp_chart(pkg, "census4", 2011)
    levels, shares = fig.axes
    assert levels.get_legend() is not None and shares.get_legend() is not None   # the share chart too
    assert [t.get_text() for t in shares.get_legend().get_texts()] == ["北京", "天津", "河北"]
    assert any("数据来源" in t.get_text() for t in fig.texts)
    assert any(t.get_text() == "初步数" for t in levels.texts)      # census4's spliced preliminary year
    yuan, ratio = chapter.per_capita_gaps(pkg, "census4", "census7")
    gap = chapter.gap_chart(pkg, yuan, ratio, 2012, "census4", "census7")
    colours = {line.get_color() for ax in gap.axes for line in ax.get_lines() if line.get_label().endswith("河北")}
    assert colours.isdisjoint({"#D55E00", "#0072B2", "#009E73"})   # a comparison never takes a region's colour


# --------------------------------------------------------------------------- provenance on the built page (issue 16)
# No number of the page lacks provenance (on the real built book) and its numbers follow a changed value:
# tests/test_chapter_provenance.py, for every chapter.


def test_number_sources_name_every_glued_number_of_the_notebook(pkg):
    """Every glue name the prose pastes with a number format has a source in chapters.numbers."""
    from jjj_book.chapters import numbers

    prose = "".join(c.source for c in read_notebook("01_status").cells if c.cell_type == "markdown")
    formatted = set(re.findall(r"\{glue:text\}`([a-z0-9_]+):[^`]*`", prose))
    params = {"gdp_vintage": "census4", "release_vintage": "communique", "population_vintage": "census7",
              "income_vintage": "survey", "compare_vintage": "census5", "start_year": 2011, "end_year": 2021,
              "strategy_year": 2014}
    specs = numbers.status(pkg, params)
    assert formatted and formatted <= set(specs), formatted - set(specs)
    assert specs["kf_gdp_end"].formula and len(specs["kf_gdp_end"].rows) == 3


def test_claims_by_vintage_cells_open_the_rows_of_each_vintage(pkg):
    from jjj_book.chapters import setup

    ch = setup("01_status", data_dir=str(DATA), gdp_vintage="census4", release_vintage="communique",
               income_vintage="survey")
    cells = chapter.claims_by_vintage_cells(ch)
    vintages = pkg.vintages_of("gdp")
    for (i, _j), (rows, formula) in cells.items():
        assert set(rows["vintage"]) == {vintages[i]} and formula
    assert (vintages.index("census5"), 0) in cells and (vintages.index("communique"), 2) not in cells


def test_a_display_table_has_the_same_html_in_every_build():
    """pandas gives each styled table a random id; the book's pages must be the same for the same data."""
    import subprocess
    import sys

    code = ("import pandas as pd; from jjj_book.chapters import status; "
            "print(status.table(pd.DataFrame({'值': [1.5]}, index=['北京']), '地区').to_html())")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)}
    assert len(runs) == 1 and "北京" in runs.pop()
