"""What chapter 04_public_services computes (jjj_book.chapters.public_services): the recommendation
table, the values glued into the prose, the display tables, the income chart, the gaps and the key
figures. Values are checked against the data package and on copies with a value changed, so the
glued number and trend word are seen to follow the data.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from conftest import add_rows, set_value
from jjj_book import data, plots
from jjj_book.chapters import public_services as chapter
from jjj_book.vocab import NO_INDICATOR

ARGS = ("survey", "published", "census7", "idx2020d", 2014, 2024)


# --------------------------------------------------------------------------- recommendations

def test_recommendation_table_covers_every_recommendation(pkg):
    table, used = chapter.recommendations(pkg, *ARGS)
    assert [k for k in table["建议"] if k != "〃"] == [r.key for r in chapter.RECOMMENDATIONS]
    assert (table["指标"] == NO_INDICATOR).sum() == sum(1 for r in chapter.RECOMMENDATIONS if r.missing)
    gap = table[table["指标"] == "北京与河北收入之差"].iloc[0]
    income = chapter.income_table(pkg, "survey", 2014, 2024)
    last = int(income.index.max())
    assert gap["最新值"] == f"{income.loc[last, 'CN-BJ'] - income.loc[last, 'CN-HE']:,.0f}元（{last}年）"
    assert gap["趋势"].endswith("扩大")
    hebei = table[table["指标"].str.startswith("河北每千人")].iloc[0]
    assert hebei["最新值"] == chapter.MISSING_IN_PACKAGE  # no Hebei counts: said, not hidden
    shared = table[table["指标"].str.startswith("区域共享发展指数")].iloc[0]
    assert shared["最新值"].endswith(f"（{int(pkg.wide('jjj_index_shared', chapter.latest_release_with(pkg, 'jjj_index_shared'), regions=['JJJ']).index.max())}年）")
    assert not table.apply(lambda col: col.astype(str).str.contains("CN-|census|idx20")).any().any()


def test_derived_row_compares_values_as_shown():
    rows = pd.DataFrame({"year": [2019, 2020]})

    class Pkg:   # the sources of rows are all derived_row asks of the package
        @staticmethod
        def sources_for(rows):
            return pd.DataFrame({"publication": ["某公报"] * len(rows)})

    flat = chapter.derived_row(Pkg, "x", pd.Series({2019: 4.9314, 2020: 4.9315}), "", 2, rows, ["发布数"], 2014, 2024)
    assert flat["最新值"] == "4.93（2020年）" and flat["趋势"] == "2019—2020年基本持平"
    assert flat["来源"] == "《某公报》（发布数）"
    assert chapter.derived_row(Pkg, "x", pd.Series(dtype=float), "", 2, rows, [], 2014, 2024)["最新值"] == "数据包尚缺"


# --------------------------------------------------------------------------- income

def test_income_facts_on_the_real_data(pkg):
    facts = chapter.income_facts(pkg, "survey", "census7", 2014, 2024)
    disp = chapter.income_dispersion(pkg, "survey", "census7", 2014, 2024)
    y0, y1 = int(disp.index.min()), int(disp.index.max())
    assert (facts["y0"], facts["y1"]) == (y0, y1)
    assert facts["cv1"] == f"{disp.loc[y1, 'cv']:.3f}"
    assert facts["disp_word"] == ("在缩小" if disp.loc[y1, "cv"] < disp.loc[y0, "cv"] else "在扩大")
    assert facts["ratio_word"] == "缩小" and facts["gap_word"] == "扩大"
    assert set(facts) >= {"growth_bj", "growth_tj", "growth_he", "pair_word_bj_he", "he_needed"}


def test_income_words_follow_a_changed_datum(pkg, data_copy):
    last = int(chapter.income_table(pkg, "survey").index.max())
    set_value(data_copy, f"disposable_income_all,CN-HE,{last},annual,", "survey", 400000)
    facts = chapter.income_facts(data.load(data_copy), "survey", "census7", 2014, 2024)
    assert facts["disp_word"] == "在扩大" and facts["gap_word"] == "缩小" and facts["gap1"].startswith("-")


def test_income_facts_without_two_years_are_dashes(pkg):
    facts = chapter.income_facts(pkg, "survey", "census7", 2030, 2031)
    assert facts["y0"] == "—" and facts["disp_word"] == "无法判断"


def test_dispersion_table_shows_the_first_and_last_year(pkg):
    table = chapter.dispersion_table(pkg, "survey", "census7", 2014, 2024)
    assert list(table.columns) == ["三地离散程度", "2016年", "2024年", "变化"] and len(table) == 3
    assert list(table["变化"].str.len()) == [6, 5, 7]   # +0.000, +0.00, +0.0000: cv, max/min, Theil


def test_income_chart_uses_derived_colours_for_the_pairs(pkg):
    fig = chapter.income_chart(pkg, "survey", 2014, 2024)
    region_colours = {c.lower() for c in plots.REGION_COLORS.values()}
    for ax in fig.axes[1:3]:
        assert len(ax.lines) == 3 and ax.get_legend() is not None
        assert not {line.get_color().lower() for line in ax.lines} & region_colours
    assert [t.get_text() for t in fig.axes[2].get_legend().get_texts()][0] == "北京−河北"
    assert fig.axes[1].get_ylim()[0] == 1.0 and fig.axes[2].get_ylim()[0] == 0   # no truncated axis
    plt.close(fig)


# --------------------------------------------------------------------------- within, health, pensions

def test_within_facts_and_tables(pkg):
    facts = chapter.within_facts(pkg, "survey", 2014, 2024)
    assert facts["ur_fell_n"] == 3 and facts["ur_fell"] == "北京、天津、河北"
    bj = chapter.bj_urban_rural_table(pkg, "survey", 2014, 2024)
    assert int(bj["年份"].iloc[0]) == facts["bj_ur_y0"] and facts["bj_ur_gap_word"] == "扩大"
    ratios = chapter.urban_rural_ratio_table(pkg, "survey", 2014, 2024)
    assert list(ratios.columns) == ["年份", "北京", "天津", "河北"] and (ratios["天津"] == "—").any()


def test_tianjin_health_and_coverage(pkg):
    table = chapter.tianjin_health_table(pkg, "published", "census7", 2014, 2024)
    found = chapter.tianjin_health(pkg, "published", "census7", 2014, 2024)
    assert list(table.columns) == ["天津每千名常住人口"] + [f"{y}年" for y in found.index]
    assert table.iloc[0, -1] == f"{found.iloc[-1, 0]:.2f}"
    coverage = chapter.health_coverage_table(pkg, "published")
    assert coverage.set_index("地区").loc["河北", "数据包中的医疗卫生指标"] == "没有"
    facts = chapter.health_facts(pkg, "published", "census7", "idx2020d", 2014, 2024)
    assert facts["tj_hp_year"] == int(found.index.max()) and "年" in facts["jjj_hp"]


def test_coverage_counts_follow_the_package(pkg, data_copy):
    assert chapter.coverage_facts(pkg, "published") == {"n_edu": 0, "n_pension_obs": 0, "n_rules": 0}
    more = add_rows(data_copy, "pension_employees,CN-BJ,2023,1900,10k_persons,published")
    assert chapter.coverage_facts(more, "published")["n_pension_obs"] == 1
    table = chapter.pension_table(more, "published")
    assert table.iloc[0]["观测数"] == 1 and table.iloc[0]["年份"] == "2023"


def test_gaps_are_in_chinese_and_name_the_missing_rules(pkg):
    gaps = chapter.gaps(pkg, "survey", "published", "census7", 2014, 2024)
    assert list(gaps.columns) == ["指标", "数据版本", "缺少的年份"]
    assert not gaps.apply(lambda col: col.astype(str).str.contains("CN-|census|pension_|_")).any().any()
    assert set(chapter.PENSION_RULES.values()) <= set(gaps["指标"])
    income = gaps[gaps["指标"] == "全体居民人均可支配收入"]
    assert all(re.match(r"^(北京|天津|河北)：", cell) for cell in income["缺少的年份"])


def test_key_figures_match_the_computations(pkg):
    key = chapter.key_figures(pkg, "survey", "published", "census7", 2014, 2024)
    income = chapter.income_table(pkg, "survey", 2014, 2024)
    last = int(income.index.max())
    assert key[f"京-冀收入差（元） {last}"] == pytest.approx(income.loc[last, "CN-BJ"] - income.loc[last, "CN-HE"])
    assert any(k.startswith("天津每千人卫生技术人员") for k in key.index)
