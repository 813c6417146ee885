"""What chapter 05_green computes (jjj_book.chapters.green): year axes with gaps, compounding, the PM2.5
gap, the tables, the recommendation table, the gaps and the glued values, on the real data and on copies
where a value changed (the glued words and numbers follow the data)."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from conftest import add_rows, drop_rows
from jjj_book import data
from jjj_book.chapters import green
from jjj_book.claims import evaluate_chapter
from jjj_book.vocab import NO_INDICATOR

matplotlib.use("Agg")
PARAMS = dict(published_vintage="published", index_release="idx2021d")


def test_compound_multiplies_the_annual_rates():
    assert green.compound(pd.Series([-10.0, -10.0])) == pytest.approx(-19.0)
    assert green.compound([]) == 0.0


def test_consecutive_run_is_the_latest_run():
    assert green.consecutive_run([2013, 2014, 2015, 2019, 2020, 2021]) == [2019, 2020, 2021]
    assert green.consecutive_run([2020, 2018]) == [2020]


def test_full_years_leaves_missing_years_as_gaps():
    full = green.full_years(pd.DataFrame({"CN-TJ": [48.0, 37.0]}, index=[2020, 2022]), 2019, 2023)
    assert list(full.index) == [2019, 2020, 2021, 2022, 2023]
    assert full["CN-TJ"].isna().tolist() == [True, False, True, False, True]


def test_one_source_span_keeps_the_longest_span_of_one_source():
    rows = pd.DataFrame({"year": [2013, 2022, 2024], "value": [108.0, 36.8, 99.0], "source_id": ["he", "he", "other"]})
    kept = green.one_source_span(rows)
    assert kept["year"].tolist() == [2013, 2022] and set(kept["source_id"]) == {"he"}


def test_sector_shares_sum_to_100(pkg):
    shares = green.sector_shares(pkg, "census5")
    total = shares["primary"] + shares["secondary"] + shares["tertiary"]
    assert not total.empty and ((total - 100).abs() < 1e-9).all().all()


def test_pm25_gap_uses_only_common_years(pkg):
    gap = green.pm25_gap(pkg, "published")
    both = pkg.wide("pm25_annual_mean", "published", regions=["CN-BJ", "CN-HE"]).dropna()
    assert list(gap.index) == list(both.index) and 2018 not in gap.index
    assert gap.loc[2022, "diff"] == pytest.approx(36.8 - 30) and gap.loc[2022, "ratio"] == pytest.approx(36.8 / 30)
    table = green.pm25_gap_table(pkg, "published")
    assert table.iloc[-1].tolist() == ["2022", "30", "36.8", "6.8", "1.23"] and "本书计算" in table.attrs["source"]


def test_tables_print_counts_as_integers_and_leave_out_empty_regions(pkg):
    steel = green.steel_table(pkg, "published")
    assert list(steel.columns) == ["年份", "天津（万吨）", "河北（万吨）"]   # Beijing has no steel row
    assert steel["河北（万吨）"].tolist() == ["23,730", "21,051"] and steel["天津（万吨）"].tolist()[1] == "—"
    energy = green.energy_cumulative_table(pkg, "published")
    assert energy.set_index("地区").loc["北京", "累计变化（连乘）"] == "-16.0%"


def test_recommendation_table_computes_values_and_marks_missing_indicators(pkg):
    table, rows = green.recommendation_table(pkg, "published", "census5", "idx2021d", 2013, 2024)
    assert list(table.columns) == ["建议", "指标", "最新值", "趋势", "来源"]
    bare = table.loc[table["指标"] == NO_INDICATOR]
    assert len(bare) == green.without_indicator() == 3 and bare["来源"].str.len().min() > 10
    steel = table.loc[table["指标"] == "河北粗钢产量"].iloc[0]
    assert steel["最新值"] == "21,051万吨（2023年）" and "23,730万吨" in steel["趋势"]
    gap = table.loc[table["指标"].str.contains("之差")].iloc[0]
    assert gap["最新值"].startswith("6.8") and "2022" in gap["最新值"] and "缩小" in gap["趋势"]
    index = table.loc[table["指标"] == "京津冀绿色发展指数"].iloc[0]
    assert index["最新值"] == "153.0（2021年）" and "+8.5" in index["趋势"]
    assert not rows.empty and "数据来源" in table.attrs["source"]
    assert "jjj-cards" in green.show(table)._repr_html_()   # a wide table reads as cards on a phone


def test_recommendation_table_without_data(data_copy):
    drop_rows(data_copy, "crude_steel_output,", "jjj_index_green")
    table, _ = green.recommendation_table(data.load(data_copy), "published", "census5", "idx2021d", 2013, 2024)
    assert table.loc[table["指标"] == "河北粗钢产量", "最新值"].iloc[0] == "—"
    assert table.loc[table["指标"] == "京津冀绿色发展指数", "最新值"].iloc[0] == "—"


def test_gaps_list_missing_years_in_chinese(pkg):
    gaps = green.gaps(pkg, "published", "census5", 2013, 2024)
    assert list(gaps.columns) == ["指标", "数据版本", "缺少的年份"] and len(gaps) == 4
    row = gaps.loc[gaps["指标"].str.contains("PM2.5")].iloc[0]
    assert "天津：2013—2019、2021、2023—2024" in row["缺少的年份"]
    assert "北京：全部年份" in gaps.loc[gaps["指标"] == "粗钢产量", "缺少的年份"].iloc[0]
    assert not gaps.apply(lambda c: c.astype(str).str.contains("CN-|published|census")).any().any()


def test_glued_values_are_plain_and_follow_the_data(pkg, data_copy):
    values = green.values(pkg, "published", "census5", "idx2021d", evaluate_chapter(pkg, "05_green", PARAMS))
    assert all(type(v) in (int, float, str) for v in values.values())
    assert (values["green_gap_word"], values["green_he_vs_bj"], values["green_ratio_word"]) == ("缩小", "仍高于", "上升")
    assert values["green_steel_v1"] == pytest.approx(21050.6) and values["green_n_none"] == 3
    assert values["green_pm_held_tj"] == "2020、2022"
    # Hebei's 2022 value below Beijing's 2013 gap: the words turn
    changed = add_rows(data_copy, "pm25_annual_mean,CN-BJ,2024,20,ug_m3,published",
                       "pm25_annual_mean,CN-HE,2024,45,ug_m3,published", source="he-eeb-pm25")
    again = green.values(changed, "published", "census5", "idx2021d", evaluate_chapter(changed, "05_green", PARAMS))
    assert again["green_gap_y1"] == 2024 and again["green_gap_word"] == "扩大" and again["green_gap1"] == 25


def test_pm25_chart_keeps_gaps_and_separates_close_points(pkg):
    fig = green.pm25_chart(pkg, "published", 2013, 2024)
    ax = fig.axes[0]
    lines = {l.get_label(): l for l in ax.get_lines()}
    tj, he = lines["天津"], lines["河北"]
    tj_x = [x for x, y in zip(tj.get_xdata(), tj.get_ydata()) if not pd.isna(y)]
    he_x = [x for x, y in zip(he.get_xdata(), he.get_ydata()) if not pd.isna(y)]
    assert len(tj.get_xdata()) == 12 and pd.isna(tj.get_ydata()[2021 - 2013])        # 2021 stays a gap
    assert min(abs(a - b) for a in tj_x for b in he_x) > 0.1                             # never on top of each other
    assert tj.get_marker() != he.get_marker() and ax.get_ylim()[0] == 0                  # no truncated axis
    assert ax.get_legend() is not None
