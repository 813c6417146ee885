"""What chapter 06_culture computes (jjj_book.chapters.culture): the recommendation table, coverage,
the industry and facility tables with their scopes, the gaps, the bars that show a missing year, and
the glued values (which follow the data)."""

from __future__ import annotations

import matplotlib
import pytest

from conftest import add_rows
from jjj_book.chapters import culture as cu
from jjj_book.claims import evaluate_chapter
from jjj_book.vocab import NO_INDICATOR

matplotlib.use("Agg")


def test_recommendation_table_is_computed_and_says_where_no_indicator_exists(pkg):
    table, rows = cu.recommendation_table(pkg, "published", 2019, 2024)
    assert list(table.columns) == ["建议", "指标", "最新值", "趋势", "来源"]
    assert (table["指标"] == NO_INDICATOR).sum() == sum(1 for rec in cu.RECOMMENDATIONS if rec.missing)
    revenue = table.loc[table["指标"] == "规模以上文化企业营业收入"].iloc[0]
    assert "23,022.6亿元" in revenue["最新值"] and "+6.6%" in revenue["趋势"]  # growth as published, not from levels
    firms = table.loc[table["指标"].str.contains("单位）数")].iloc[0]
    assert "5,539家" in firms["最新值"] and "5,539.0" not in firms["最新值"]   # counts as integers
    assert "持平" in table.loc[table["指标"] == "公共图书馆机构数"].iloc[0]["趋势"]
    # a narrower window changes the latest value: it is computed, not stored
    early, _ = cu.recommendation_table(pkg, "published", 2019, 2021)
    assert "17,563.8" in early.loc[early["指标"] == "规模以上文化企业营业收入"].iloc[0]["最新值"]
    assert not rows.empty and set(rows["vintage"]) <= {"published", cu.latest_release(pkg)}
    assert not table.apply(lambda c: c.astype(str).str.contains("CN-|idx20")).any().any()


def test_index_row_stays_inside_one_release(pkg):
    table, _ = cu.recommendation_table(pkg, "published", 2019, 2024, "idx2022d")
    row = table.loc[table["指标"].str.contains("共享发展指数")].iloc[0]
    level = pkg.wide("jjj_index_shared", "idx2022d", regions=["JJJ"]).iloc[-1, 0]
    change = pkg.wide("jjj_index_shared_change", "idx2022d", regions=["JJJ"]).iloc[-1, 0]
    assert f"{level:.1f}" in row["最新值"] and f"{change:.1f}点" in row["趋势"]
    latest, _ = cu.recommendation_table(pkg, "published", 2019, 2024)   # a release that prints no change
    assert "不可相减" in latest.loc[latest["指标"].str.contains("共享发展指数")].iloc[0]["趋势"]


def test_coverage_and_the_recommendations_without_indicator(pkg):
    cov = cu.coverage(pkg, "published", 2019, 2024)
    assert all("CN-TJ" not in regs for regs in cov.values())
    bare, total = cu.no_indicator_count()
    assert total == len(cu.RECOMMENDATIONS) and bare == sum(not regs for regs in cov.values()) == 2


def test_gaps_and_tables_read_as_chinese(pkg):
    gaps = cu.gaps(pkg, "published", 2019, 2024).set_index("指标")["缺少的年份"]
    assert "天津：全部年份" in gaps["规模以上文化及相关产业企业营业收入"]
    assert "北京：2020、2022—2023；" in gaps["规模以上文化及相关产业企业营业收入"]
    industry = cu.industry_table(pkg, "published", 2019, 2024).set_index(["地区", "年份"])
    assert industry.loc[("北京", "2021"), "单位数（家）"] == "5,539" and industry.loc[("北京", "2019"), "单位数（家）"] == "—"
    assert industry.loc[("北京", "2021"), "平均每家收入（亿元）"] == f"{17563.8 / 5539:.2f}"
    facilities = cu.facilities_table(pkg, "published", 2019, 2024)
    assert "204" in facilities["数值（家）"].tolist() and "数据来源" in facilities.attrs["source"]


def test_scopes_never_merge_different_definitions():
    assert cu.scope("culture_revenue", "CN-BJ") != cu.scope("culture_revenue", "CN-HE") == cu.scope("culture_revenue", "CN")
    assert cu.scope("public_libraries", "CN-BJ") != cu.scope("public_libraries", "CN")
    assert "备案" in cu.scope("museums_registered", "CN-BJ")


def test_growth_chart_shows_every_year_and_marks_the_missing_ones(pkg):
    fig = cu.growth_chart(pkg, "published", 2019, 2024)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(y) for y in range(2019, 2025)]   # 2023 not skipped
    assert any(t.get_text() == "无数据" and round(t.xy[0]) == 2023 for t in ax.texts)
    crosses = [l for l in ax.get_lines() if l.get_marker() == "x"]
    lacking = sum(len(l.get_xdata()) for l in crosses)
    growth = pkg.wide("culture_revenue_growth", "published", regions=cu.WITH_CN).reindex(range(2019, 2025))
    growth = growth.loc[:, growth.notna().any()]
    assert lacking == int(growth.isna().sum().sum()) > 0 and ax.get_legend() is not None


def test_glued_values_are_plain_and_follow_the_data(pkg, data_copy):
    results = evaluate_chapter(pkg, "06_culture", {"published_vintage": "published"})
    values = cu.values(pkg, "published", 2019, 2024, cu.latest_release(pkg), results)
    assert all(type(v) in (int, float, str) for v in values.values())
    assert values["culture_ratio_year"] == 2024 and values["culture_ratio"] == pytest.approx(23022.6 / 885.1)
    assert values["culture_g_none_years"] == "2023" and values["culture_n_bare"] == 2
    assert values["culture_g_same"].startswith("年份不同")
    changed = add_rows(data_copy, "culture_revenue_growth,CN,2024,3.0,pct,published",
                       "culture_revenue_growth,CN-BJ,2023,5.0,pct,published")
    again = cu.values(changed, "published", 2019, 2024, cu.latest_release(changed),
                      evaluate_chapter(changed, "06_culture", {"published_vintage": "published"}))
    assert again["culture_g_same"].startswith("年份相同") and again["culture_g_none_years"] == "无"
