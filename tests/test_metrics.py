"""Metrics on small cases computed by hand."""

import math

import pandas as pd
import pytest

from jjj_book import metrics, text


def test_growth_is_percentage_change_on_consecutive_years():
    levels = pd.Series([100.0, 110.0, 121.0], index=[2019, 2020, 2021])
    assert metrics.growth(levels).tolist()[1:] == pytest.approx([10.0, 10.0])
    assert math.isnan(metrics.growth(levels).iloc[0])


def test_growth_refuses_a_gap_in_the_years():
    with pytest.raises(ValueError, match="consecutive"):
        metrics.growth(pd.Series([100.0, 121.0], index=[2019, 2021]))


def test_cagr_over_two_years():
    assert metrics.cagr(100, 121, 2) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        metrics.cagr(0, 121, 2)
    with pytest.raises(ValueError):
        metrics.cagr(100, 121, 0)


def test_shares_sum_to_100():
    table = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 2.0]}, index=[2020, 2021])
    result = metrics.shares(table)
    assert result.loc[2020].tolist() == pytest.approx([25.0, 75.0])
    assert result.sum(axis=1).tolist() == pytest.approx([100.0, 100.0])


def test_gaps_in_units_and_as_ratio_can_move_in_opposite_directions():
    # 10 vs 5 → 16 vs 9: the yuan gap widens (5 → 7) while the ratio narrows (2.0 → 1.78)
    high = pd.Series([10.0, 16.0], index=[2014, 2021])
    low = pd.Series([5.0, 9.0], index=[2014, 2021])
    assert metrics.absolute_gap(high, low).tolist() == [5.0, 7.0]
    assert metrics.relative_gap(high, low).tolist() == pytest.approx([2.0, 16 / 9])
    assert metrics.direction(metrics.change(metrics.absolute_gap(high, low), 2014, 2021)) == "widened"
    assert metrics.direction(metrics.change(metrics.relative_gap(high, low), 2014, 2021)) == "narrowed"
    assert metrics.direction(0.0) == "unchanged"


def test_coefficient_of_variation_uses_population_sd():
    table = pd.DataFrame({"a": [1.0], "b": [2.0], "c": [3.0]})
    assert metrics.coefficient_of_variation(table).iloc[0] == pytest.approx(math.sqrt(2 / 3) / 2)


def test_theil_index_by_hand():
    values = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 2.0]})
    weights = pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 1.0]})
    expected = 0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    result = metrics.theil(values, weights)
    assert result.iloc[0] == pytest.approx(expected)
    assert result.iloc[1] == pytest.approx(0.0)


def test_per_capita_from_100m_yuan_and_10k_persons():
    # 1 亿元 shared by 1 万人 is 10,000 yuan each
    assert metrics.per_capita_yuan(1.0, 1.0) == pytest.approx(10_000.0)
    pop = pd.Series([100.0, 110.0, 130.0], index=[2019, 2020, 2021])
    assert metrics.average_population(pop).tolist()[1:] == [105.0, 120.0]


def test_year_ranges_compress_runs():
    assert text.year_ranges([2017, 2013, 2014, 2015]) == "2013—2015、2017"
    assert text.year_ranges([2020]) == "2020"


def test_markdown_table_shows_gaps_and_unsigned_zeros():
    frame = pd.DataFrame({"a": [-0.001, float("nan")], "b": [1.234, -2.0]}, index=[2020, 2021])
    table = text.markdown_table(frame, "{:+.2f}")
    assert "| 2020 | 0.00 | +1.23 |" in table
    assert "| 2021 | — | -2.00 |" in table
