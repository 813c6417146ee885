"""What chapter 02_problems computes for its pages (jjj_book.chapters.problems), and the
dispersion measures it rests on. The claims are tested in test_claims_problems.py."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from conftest import add_rows, set_value
from jjj_book import data, metrics, series
from jjj_book.chapters import problems as chapter
from jjj_book.chapters.common import GAP_COLUMNS
from jjj_book.claims import evaluate_chapter


# --------------------------------------------------------------------------- metrics

def test_max_min_ratio_and_dispersion_by_hand():
    values = pd.DataFrame({"a": [100.0, 200.0], "b": [50.0, 50.0], "c": [50.0, 50.0]}, index=[2014, 2021])
    weights = pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 1.0], "c": [2.0, 2.0]}, index=[2014, 2021])
    d = metrics.dispersion(values, weights)
    assert d.loc[2014, "max_min"] == 2.0 and d.loc[2021, "max_min"] == 4.0
    # CV of (100, 50, 50): mean 66.67, population SD 23.57
    assert d.loc[2014, "cv"] == pytest.approx(math.sqrt(((100 - 200 / 3) ** 2 + 2 * (50 - 200 / 3) ** 2) / 3) / (200 / 3))
    # Theil by hand for 2014: weighted mean 62.5; shares 100/250, 50/250, 100/250
    mean = (100 + 50 + 2 * 50) / 4
    expected = 0.4 * math.log(100 / mean) + 0.2 * math.log(50 / mean) + 0.4 * math.log(50 / mean)
    assert d.loc[2014, "theil"] == pytest.approx(expected)
    assert d.loc[2021, "theil"] > d.loc[2014, "theil"]


def test_dispersion_skips_incomplete_years():
    values = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, 2.0]}, index=[2020, 2021])
    d = metrics.dispersion(values, values.fillna(1.0))
    assert list(d.index) == [2020]


def test_theil_is_zero_when_all_are_equal():
    values = pd.DataFrame({"a": [5.0], "b": [5.0]}, index=[2020])
    assert metrics.theil(values, pd.DataFrame({"a": [3.0], "b": [1.0]}, index=[2020])).iloc[0] == pytest.approx(0.0)


def test_rebase():
    index = pd.Series({2010: 100.0, 2014: 140.0, 2019: 168.0})
    assert metrics.rebase(index, 2014).to_dict() == pytest.approx({2010: 100 / 1.4, 2014: 100.0, 2019: 120.0})
    with pytest.raises(ValueError, match="2015"):
        metrics.rebase(index, 2015)


# --------------------------------------------------------------------------- between the three

def test_dispersion_moves_and_the_gap_words():
    table = pd.DataFrame({"cv": [0.4, 0.5], "max_min": [3.0, 3.5], "theil": [0.13, 0.16]}, index=[2014, 2021])
    moves = chapter.dispersion_moves(table, 2014, 2021)
    assert moves["cv"] == (0.4, 0.5)
    assert chapter.gap_verdict(moves)[:2] == ("没有缩小", "成立")
    assert chapter.gap_verdict(chapter.dispersion_moves(table.iloc[::-1].set_axis([2014, 2021]), 2014, 2021))[1] \
        == "不成立"
    mixed = table.assign(cv=[0.5, 0.4])
    assert chapter.gap_verdict(chapter.dispersion_moves(mixed, 2014, 2021))[1] == "只部分成立"
    missing = chapter.dispersion_moves(table, 2014, 2030)
    assert math.isnan(missing["cv"][1]) and chapter.gap_verdict(missing)[0] == "无法判断"


def test_the_gap_word_follows_the_data(data_copy, pkg):
    """Halve Beijing's 2021 GDP: the dispersion falls below 2014's and the page's words turn."""
    before = series.per_capita_gdp_dispersion(pkg, "census4")
    assert chapter.gap_verdict(chapter.dispersion_moves(before, 2014, 2021))[0] == "没有缩小"
    rows = pkg.series("gdp", "census4", regions=["CN-BJ"])
    value = float(rows.loc[rows["year"] == 2021, "value"].iloc[0])
    set_value(data_copy, "gdp,CN-BJ,2021,annual,", "census4", f"{value / 2:g}")
    after = series.per_capita_gdp_dispersion(data.load(data_copy), "census4")
    moves = chapter.dispersion_moves(after, 2014, 2021)
    assert moves["cv"][1] < before.loc[2021, "cv"]
    assert chapter.gap_verdict(moves)[0] != "没有缩小"


def test_population_shares_add_up_to_100(pkg):
    shares = chapter.population_shares(pkg, "census7", 2021)
    assert sum(shares.values()) == pytest.approx(100.0)
    assert shares["CN-HE"] > shares["CN-BJ"] > shares["CN-TJ"]


def test_revision_table_computes_each_row_in_one_vintage(pkg):
    changes = chapter.revision_changes(pkg, ["census4", "census5"], "census7", 2014, 2021)
    assert set(changes["vintage"]) == {"census4", "census5"} and len(changes) == 6
    own = series.per_capita_gdp_dispersion(pkg, "census5", "census7")
    row = changes[(changes["vintage"] == "census5") & (changes["measure"] == "theil")].iloc[0]
    assert row["change"] == pytest.approx(own.loc[2021, "theil"] - own.loc[2014, "theil"])
    shown = chapter.revision_table(pkg, changes, 2014, 2021)
    assert list(shown.columns) == ["数据版本", "量度", "2014年", "2021年", "变化"]
    assert not shown["数据版本"].str.contains("census").any()
    assert shown["变化"].str.match(r"^[+-]\d+\.\d{2,3}$").all()
    assert chapter.revision_agreement(changes) == ("一致", "扩大")
    flipped = changes.assign(change=[-1.0] + list(changes["change"][1:]))
    assert chapter.revision_agreement(flipped)[0] == "不一致"


def test_income_window_and_words(pkg):
    table = chapter.income_dispersion(pkg, "survey", "census7")
    first, last = chapter.income_window(table, 2021)
    assert last == 2021 and first == int(table.index.min())
    word = chapter.income_word(table, first, last)[0]
    assert word == ("在收窄" if table.loc[last, "cv"] < table.loc[first, "cv"] else "没有收窄")
    assert set(chapter.trend_words(table, first, last).values()) <= {"扩大", "缩小", "基本不变"}


# --------------------------------------------------------------------------- inside each

def test_published_ratios_table_and_which_fell(pkg):
    ratios, rows = chapter.published_ratios(pkg, "survey")
    shown = chapter.ratio_table(ratios)
    assert list(shown.columns) == ["年份", "北京", "天津", "河北"]
    assert shown.loc[shown["年份"] == "2021", "河北"].iloc[0] == "2.19"
    assert (shown == "—").any().any()   # a year one region does not print stays visibly empty
    assert chapter.ratio_fell(ratios, 2020, 2021) == "北京、天津、河北"
    assert chapter.ratio_fell(ratios.iloc[::-1].set_axis(ratios.index), 2020, 2021) == "没有一地"


def test_urban_rural_table_formats_yuan_and_ratio(data_copy):
    pkg = add_rows(data_copy, "urban_disposable_income,CN-TJ,2021,50000,yuan,survey",
                   "rural_disposable_income,CN-TJ,2021,25000,yuan,survey")
    shown, _ = chapter.urban_rural_table(pkg, "survey")
    row = shown[(shown["地区"] == "天津") & (shown["年份"] == "2021")].iloc[0]
    assert (row["城镇（元）"], row["差（元）"], row["比（倍）"]) == ("50,000", "25,000", "2.00")


# --------------------------------------------------------------------------- index releases

def test_index_release_table_has_one_row_per_release_in_its_own_numbers(pkg):
    table, rows = chapter.index_release_table(pkg)
    releases = chapter.index_releases(pkg)
    assert len(table) == len(releases) and table["发布批次（基期）"].is_unique
    assert not table.astype(str).apply(lambda c: c.str.contains("idx")).any().any()
    first = table.iloc[0]
    year, value = chapter.latest_in_release(pkg, "jjj_index_shared", releases[0])
    assert first["数据年份"] == str(year) and first["共享发展指数"] == chapter._as_printed(value)
    assert chapter._as_printed(132.80) == "132.8" and chapter._as_printed(216.21) == "216.21"


def test_implied_previous_year_stays_inside_one_release(pkg, data_copy):
    later = chapter.implied_previous_year(pkg, "jjj_index_shared", "idx2022d", 2022)
    assert later["implied"] == pytest.approx(later["level"] - later["change"])
    # a release without a printed change implies nothing (no subtraction across releases)
    assert chapter.implied_previous_year(pkg, "jjj_index_shared", "idx2020d", 2020) is None


def test_health_release_check_compares_the_reports_implied_previous_year(pkg):
    health = chapter.health_release_check(pkg, "idx2020d", 2020)
    assert health["implied"] == pytest.approx(9.0 / 1.096)
    assert health["agrees"] == ("相符" if abs(health["implied"] - health["printed"]) < 0.15 else "不符")
    assert chapter.health_release_check(pkg, "idx2020d", 2019) is None


# --------------------------------------------------------------------------- industry and culture

def test_capacity_cut_table_prints_whole_numbers(pkg):
    table, rows = chapter.capacity_cut_table(pkg, "published")
    assert len(table) == rows["indicator"].nunique() and not rows.empty
    cells = table.drop(columns="指标（单位）").stack()
    assert cells.str.match(r"^(—|[\d,]+)$").all()


def test_sector_shares_sum_to_100_in_one_vintage(pkg):
    vintage, shares, rows = chapter.sector_shares(pkg, ["census5", "census4"])
    assert vintage == "census5" and set(rows["vintage"]) == {"census5"}
    for table in shares.values():
        assert np.allclose(table.sum(axis=1), 100.0)
    shown = chapter.sector_table(shares, min(shares["CN-BJ"].index), max(shares["CN-BJ"].index))
    assert shown["地区"].tolist() == ["北京", "天津", "河北"] and shown.iloc[0, 1].endswith("%")
    assert chapter.sector_shares(pkg, ["no-such-vintage"])[0] is None


def test_culture_table_counts_are_integers(pkg):
    table, rows = chapter.culture_table(pkg, "published", since=2019)
    bj = table[(table["地区"] == "北京") & (table["年份"] == "2021")].iloc[0]
    assert bj["企业数（家）"] == "5,539" and bj["营业收入（亿元）"] == "17,563.8"
    assert (rows["year"] >= 2019).all()


def test_two_official_2019_growth_rates(pkg):
    both = chapter.culture_growth_both(pkg)
    assert set(both["vintage"]) == {"published", "restated"}
    shown = chapter.culture_versions_table(pkg, both)
    assert set(shown["2019年增速（%）"]) == {"14.4", "8.2"} and not shown["版本"].str.contains("restated").any()


# --------------------------------------------------------------------------- counts and gaps

def test_section_counts_and_gaps(pkg):
    params = dict(gdp_vintage="census4", compare_vintage="census5", population_vintage="census7",
                  income_vintage="survey", index_release="idx2021d", published_vintage="published",
                  culture_2019_vintage="restated", strategy_year=2014)
    results = evaluate_chapter(pkg, "02_problems", params)
    size = chapter.section_size(results, "problems-culture", "beijing")
    agree = chapter.section_counts(results, "problems-culture", "matches_publication", "beijing")
    assert size == 4 and 0 <= agree <= size
    gaps = chapter.gaps(pkg, params, 2021)
    assert list(gaps.columns) == GAP_COLUMNS
    assert "卫生技术人员" in set(gaps["指标"])
    assert not gaps.astype(str).apply(lambda c: c.str.contains("CN-|census|published")).any().any()


# --------------------------------------------------------------------------- provenance on the built page (issue 16)
# No number of the page lacks provenance (on the real built book) and its numbers follow a changed value:
# tests/test_chapter_provenance.py, for every chapter.


def test_table_cells_point_at_the_rows_they_show(pkg):
    ratios, _rows = chapter.published_ratios(pkg, "survey")
    shown = chapter.ratio_table(ratios)
    for (i, j), rid in chapter.ratio_cells(ratios).items():
        _indicator, region, year, _period, _vintage = rid.split("|")
        assert shown.iloc[i, 0] == year and shown.columns[j] == chapter.REGION_SHORT[region]
    cuts, rows = chapter.capacity_cut_table(pkg, "published")
    for (i, j), cell in chapter.capacity_cut_cells(rows).items():
        assert len(cell) == 1 and cuts.columns[j] == f"{int(cell['year'].iloc[0])}年"
