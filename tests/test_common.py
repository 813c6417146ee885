"""What several chapters compute the same way (jjj_book.chapters.common)."""

import pandas as pd

from conftest import add_rows
from jjj_book import data
from jjj_book.chapters import common


def test_latest_common_year_needs_every_column():
    table = pd.DataFrame({"a": [1.0, 2.0, None], "b": [1.0, None, 3.0]}, index=[2019, 2020, 2021])
    assert common.latest_common_year(table, ["a", "b"]) == 2019
    assert common.latest_common_year(table, ["a"]) == 2020
    assert common.latest_common_year(table, ["a", "zzz"]) is None


def test_missing_years_and_the_gap_table_follow_the_data(data_copy):
    pkg = data.load(data_copy)
    gaps = common.missing_years(pkg, ["gdp"], "census4", ["CN-BJ"], 2009, 2012)
    assert list(gaps["years"].iloc[0]) == [y for y in (2009, 2010) if y not in set(
        pkg.series("gdp", "census4", regions=["CN-BJ"])["year"])]
    pkg = add_rows(data_copy, "gdp,CN-BJ,2010,15000,100m_yuan,census4")
    after = common.missing_years(pkg, ["gdp"], "census4", ["CN-BJ"], 2009, 2012)
    assert 2010 not in list(after["years"].iloc[0])
    table = common.gap_table(pkg, [("gdp", "census4")], ["CN-BJ"], 2009, 2012)
    assert list(table.columns) == common.GAP_COLUMNS and table.iloc[0]["缺少的年份"].startswith("北京：")


def test_recommendation_table_marks_what_no_indicator_measures(pkg):
    recs = [common.Recommendation("平台", "……", [common.Indicator("rd_intensity", "CN-HE", "published")]),
            common.Recommendation("利益", "……", [], "没有公开统计")]
    table, used = common.recommendation_table(pkg, recs, {"published": "published"}, 2014, 2022)
    assert list(table.columns) == common.RECOMMENDATION_COLUMNS
    assert table["建议"].tolist()[0] == "平台" and "利益" in table["建议"].tolist()
    assert table.iloc[-1]["指标"] == common.NO_INDICATOR and table.iloc[-1]["来源"] == "没有公开统计"
    assert not used.empty and set(used["indicator"]) == {"rd_intensity"}


def test_a_vintage_that_is_not_a_series_shows_two_printed_values_and_no_direction(pkg):
    assert not pkg.vintage_facts("published")["series"]
    recs = [common.Recommendation("平台", "……", [common.Indicator("rd_intensity", "CN-HE", "published")])]
    table, _ = common.recommendation_table(pkg, recs, {"published": "published"}, 2014, 2022)
    trend = table.iloc[0]["趋势"]
    assert "不作差" in trend and "→" in trend and "上升" not in trend and "下降" not in trend
