"""What chapter 03_innovation computes (jjj_book.chapters.innovation): the recommendation table, the
values glued into the prose, the recomputed intensity, the index tables, the gaps and the key figures.

Values are checked against the data package (never typed in), and on copies with rows added, so a
changed datum is seen to change the glued number or word.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest

from conftest import add_rows
from jjj_book.chapters import innovation as chapter
from jjj_book.claims import evaluate_chapter
from jjj_book.render import format_value
from jjj_book.vocab import NO_INDICATOR, PROVINCES, VERDICT_LABEL

VINTAGES = {"published_vintage": "published", "index_release": "idx2021d"}


# --------------------------------------------------------------------------- recommendations

def test_recommendation_table_names_every_gap_and_computes_latest_values(pkg):
    table, used = chapter.recommendations(pkg, VINTAGES, 2013, 2023)
    recs = chapter.RECOMMENDATIONS
    assert len(table) == sum(len(r.indicators) + (1 if r.missing else 0) for r in recs)
    assert (table["指标"] == NO_INDICATOR).sum() == sum(1 for r in recs if r.missing)
    assert [k for k in table["建议"] if k != "〃"] == [r.key for r in recs]
    he = table[table["指标"] == "R&D投入强度·河北"].iloc[0]
    latest = pkg.wide("rd_intensity", "published", regions=["CN-HE"])["CN-HE"].dropna()
    assert he["最新值"] == f"{format_value(latest.iloc[-1], '%')}（{int(latest.index[-1])}年）"
    jjj = table[table["指标"] == "R&D投入强度·京津冀"].iloc[0]
    assert jjj["趋势"].startswith(f"{chapter.JJJ_RD_BREAK}—") and "断点" in jjj["趋势"]
    assert not used.empty and set(used["indicator"]) >= {"rd_intensity", "tech_contracts_bj_to_tjhe"}
    # A narrower window moves the latest value; no value at all shows as a gap.
    early, _ = chapter.recommendations(pkg, VINTAGES, 2013, 2021)
    assert early[early["指标"] == "R&D投入强度·河北"].iloc[0]["最新值"].endswith("（2021年）")
    none, _ = chapter.recommendations(pkg, VINTAGES, 2010, 2011)
    assert (none["最新值"] == "—").all()


def test_a_printed_index_change_becomes_the_trend(data_copy):
    pkg = add_rows(data_copy, "jjj_index_innovation_change,JJJ,2021,2.5,index_points,idx2021d")
    table, _ = chapter.recommendations(pkg, VINTAGES, 2013, 2023)
    assert table[table["指标"] == "创新发展指数"].iloc[0]["趋势"] == "比上年+2.5点（发布稿）"


def test_mechanisms_and_counts_follow_the_recommendations():
    table = chapter.mechanisms_table()
    assert list(table["建议"]) == [r.key for r in chapter.RECOMMENDATIONS if r.missing]
    counts = chapter.recommendation_counts()
    assert counts["n_rec"] == len(chapter.RECOMMENDATIONS)
    assert counts["n_rec_none"] == sum(1 for r in chapter.RECOMMENDATIONS if not r.indicators) > 0


# --------------------------------------------------------------------------- R&D

def test_rd_facts_come_from_the_latest_common_year(pkg):
    facts = chapter.rd_facts(pkg, "published", 2013, 2023)
    table = pkg.wide("rd_intensity", "published", regions=PROVINCES).dropna()
    year = int(table.index.max())
    bj, he = table.loc[year, "CN-BJ"], table.loc[year, "CN-HE"]
    assert facts["rd_year"] == year and isinstance(facts["rd_year"], int)
    assert facts["rd_he"] == f"{he:.2f}%" and facts["rd_he_of_bj"] == f"{he / bj * 100:.0f}%"
    ratio = chapter.rd_ratio_bj_he(pkg, "published")
    assert facts["ratio_n"] == len(ratio)
    assert facts["ratio_word"] == ("缩小" if ratio.iloc[-1] < ratio.iloc[0] else "扩大")


def test_the_trend_word_follows_the_data(data_copy):
    # Beijing 2020 at 5.0 against Hebei's 1.75: the ratio starts lower than it ends, the gap widened.
    pkg = add_rows(data_copy, "rd_intensity,CN-BJ,2020,5.0,pct,published")
    facts = chapter.rd_facts(pkg, "published", 2013, 2023)
    assert facts["ratio_first_year"] == 2020 and facts["ratio_first"] == "2.86倍"
    assert facts["ratio_word"] == "扩大" and facts["ratio_word_en"] == "widened"


def test_rd_facts_without_data_are_dashes(pkg):
    facts = chapter.rd_facts(pkg, "published", 2000, 2005)
    assert facts["rd_year"] == "—" and facts["ratio_word"] == "无法判断" and facts["rd_bj_missing"] == "2000—2005"


def test_the_break_values_are_shown_not_subtracted(pkg):
    facts = chapter.rd_break_facts(pkg, "published")
    assert facts["break_before_year"] < chapter.JJJ_RD_BREAK <= facts["break_after_year"]
    assert set(facts) == {"break_before_year", "break_before", "break_after_year", "break_after"}


def test_rd_recomputed_divides_expenditure_by_gdp_of_one_vintage(pkg):
    table = chapter.rd_recomputed(pkg, "published", "census4")
    row = table[(table["region"] == "CN-BJ") & (table["year"] == 2023)].iloc[0]
    gdp = pkg.wide("gdp", "census4", regions=["CN-BJ"]).loc[2023, "CN-BJ"]
    rd = pkg.wide("rd_expenditure", "published", regions=["CN-BJ"]).loc[2023, "CN-BJ"]
    assert row["recomputed"] == pytest.approx(rd / gdp * 100)
    other = chapter.rd_recomputed(pkg, "published", "census5")
    assert other.loc[other["year"] == 2023, "recomputed"].iloc[0] != pytest.approx(row["recomputed"])
    assert set(table["region"]) <= set(PROVINCES)  # no national GDP: the country is left out


def test_recompute_table_and_facts_are_readable(pkg):
    shown = chapter.recompute_table(pkg, "published", "census4", "census5", "census7", 2013, 2023)
    assert "地区" in shown.columns and set(shown["地区"]) <= {"北京", "天津", "河北"}
    assert all(isinstance(c, str) for c in shown["人均（元）"])
    assert not any("." in c for c in shown["人均（元）"])  # yuan per person: whole yuan
    facts = chapter.recompute_facts(pkg, "published", "census4", "census5", "census7", 2013, 2023)
    assert facts["recompute_agrees"] in ("一致", "不完全一致") and facts["shift_word"] in ("升高", "降低", "不变")
    assert facts["pp_multiple"].endswith("倍")


# --------------------------------------------------------------------------- flows and the index

def test_flow_facts_compare_two_printed_years_without_arithmetic_across_them(pkg):
    facts = chapter.flow_facts(pkg, "published", "census4", 2013, 2023)
    flows = chapter.flows(pkg, "published", 2013, 2023)
    assert facts["flow_first_year"] == int(flows.index.min())
    assert facts["flow_last"] == format_value(flows.iloc[-1], "亿元", 1)
    missing = [y for y in range(int(flows.index.min()), int(flows.index.max()) + 1) if y not in flows.index]
    assert facts["flow_gap_years"].startswith(str(missing[0]))
    assert not any("增长" in k or "cagr" in k or "multiple" in k for k in facts)


def test_flow_chart_leaves_missing_years_empty(pkg):
    fig = chapter.flow_chart(pkg, "published", 2013, 2023)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert len(heights) == 11 and heights.count(0) == 11 - len(chapter.flows(pkg, "published", 2013, 2023))
    plt.close(fig)


def test_rd_chart_has_a_legend_and_gaps(pkg):
    fig = chapter.rd_chart(pkg, "published", 2013, 2023)
    assert all(ax.get_legend() is not None for ax in fig.axes[:2])
    ys = fig.axes[0].lines[0].get_ydata()
    assert len(ys) == 11 and any(math.isnan(y) for y in ys)  # every year drawn, missing ones as NaN
    plt.close(fig)


def test_index_tables_keep_each_release_apart(pkg):
    table = chapter.index_table(pkg, "idx2021d")
    assert len(table) == len(chapter.releases(pkg))
    assert table["发布批次"].str.endswith("（本章所用）").sum() == 1
    printed = pkg.wide("jjj_index_innovation_change", "idx2022d", regions=["JJJ"])["JJJ"].iloc[-1]
    assert table["创新发展指数"].str.endswith(f"（{printed:+.1f}）").sum() == 1  # the change its release printed
    later = chapter.later_releases_table(pkg, "idx2021d")
    assert set(later["比上年"]) <= {"提高", "没有提高", "无法判断"} and len(later) % 2 == 0
    assert chapter.later_releases_table(pkg, chapter.releases(pkg)[-1]).empty


def test_gaps_name_what_is_missing_in_chinese(pkg):
    gaps = chapter.gaps(pkg, "published", "idx2021d", 2013, 2023)
    assert list(gaps.columns) == ["指标", "数据版本", "缺少的年份"]
    assert not gaps["缺少的年份"].str.contains("CN").any() and not gaps["数据版本"].str.contains("idx").any()
    index_rows = gaps[gaps["指标"].str.contains("创新发展指数")]
    assert list(index_rows["缺少的年份"]) == ["京津冀：2020（2020—2021年中）"]  # the previous year of the release used


def test_key_figures_and_verdict_words(pkg):
    key = chapter.key_figures(pkg, "published", "idx2021d", 2013, 2023)
    assert key["北京流向津冀技术合同 2013（亿元）"] == pytest.approx(
        pkg.wide("tech_contracts_bj_to_tjhe", "published", regions=["CN-BJ"]).loc[2013, "CN-BJ"])
    results = evaluate_chapter(pkg, "03_innovation", VINTAGES)
    ids = ["innovation.hebei_rd_far_below", "innovation.bj_flow_share_small"]
    words = chapter.verdict_words(results, ids)
    assert words == "、".join(VERDICT_LABEL[results[i].verdict] for i in ids)


def test_tables_carry_their_source_under_them(pkg):
    html = chapter.table(chapter.mechanisms_table(), "某公报", ["发布数"])._repr_html_()
    assert html.index("<table") < html.index("数据来源：某公报") and "数据版本：发布数" in html
    assert "<th>建议</th>" in html and "<th></th>" not in html   # no index column
