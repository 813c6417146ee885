"""Growth, shares, gaps and dispersion: the arithmetic every chapter shares.

All functions take pandas objects indexed by year (rows) and, for tables,
regions (columns), and return the same shape. Nothing here reads files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# 亿元 / 万人 = 1e8 / 1e4 yuan per person
YUAN_PER_100M_YUAN_PER_10K_PERSONS = 1e4


def growth(levels: pd.Series | pd.DataFrame, periods: int = 1) -> pd.Series | pd.DataFrame:
    """Percentage change over ``periods`` rows (nominal if the levels are nominal).

    Years must be consecutive: a gap in the index would silently stretch the
    period, so it is refused.
    """
    refuse_across_years(levels, "growth")
    _require_consecutive(levels.index)
    return _gap_breaks((levels / levels.shift(periods) - 1.0) * 100.0, periods)


def cagr(first: float, last: float, years: int) -> float:
    """Compound annual growth rate in percent between two levels ``years`` apart."""
    if years <= 0:
        raise ValueError("years must be positive")
    if first <= 0 or last <= 0:
        raise ValueError("CAGR needs positive levels")
    return ((last / first) ** (1.0 / years) - 1.0) * 100.0


def shares(table: pd.DataFrame) -> pd.DataFrame:
    """Each column's share of the row total, in percent."""
    return table.div(table.sum(axis=1), axis=0) * 100.0


def absolute_gap(high: pd.Series, low: pd.Series) -> pd.Series:
    """Gap in the units of the data (e.g. yuan): high − low."""
    return high - low


def relative_gap(high: pd.Series, low: pd.Series) -> pd.Series:
    """Gap as a ratio: high ÷ low (1 means no gap)."""
    return high / low


def coefficient_of_variation(table: pd.DataFrame) -> pd.Series:
    """Unweighted coefficient of variation across columns, per row (population SD ÷ mean)."""
    return table.std(axis=1, ddof=0) / table.mean(axis=1)


def max_min_ratio(table: pd.DataFrame) -> pd.Series:
    """Highest ÷ lowest value across columns, per row (1 means all equal)."""
    return table.max(axis=1) / table.min(axis=1)


def theil(values: pd.DataFrame, weights: pd.DataFrame) -> pd.Series:
    """Theil T index of ``values`` (e.g. GDP per capita) weighted by ``weights`` (population).

    T = Σ_i s_i · ln(y_i / ȳ), with s_i the income share of unit i and ȳ the
    weighted mean; 0 means equal, larger means more unequal.
    """
    total = values * weights
    share = total.div(total.sum(axis=1), axis=0)
    mean = total.sum(axis=1) / weights.sum(axis=1)
    return (share * np.log(values.div(mean, axis=0))).sum(axis=1)


def dispersion(values: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """CV, max/min ratio and weighted Theil index per row, for years where every column has a value."""
    complete = values.dropna()
    complete = complete.loc[complete.index.isin(weights.dropna().index)]
    w = weights.loc[complete.index, complete.columns]
    return pd.DataFrame({
        "cv": coefficient_of_variation(complete),
        "max_min": max_min_ratio(complete),
        "theil": theil(complete, w),
    })


def rebase(index: pd.Series, base_year: int) -> pd.Series:
    """Re-express an index so that ``base_year`` = 100 (same release only: a re-based
    series is still not comparable with a release that changed its method)."""
    if base_year not in index.index or pd.isna(index.loc[base_year]):
        raise ValueError(f"base year {base_year} is not in the series")
    return index / index.loc[base_year] * 100.0


def average_population(year_end: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Mean of the previous and the current year-end population (the per-capita denominator NBS uses)."""
    refuse_across_years(year_end, "an average of two year-end populations")
    _require_consecutive(year_end.index)
    return _gap_breaks((year_end + year_end.shift(1)) / 2.0, 1)


def per_capita_yuan(total_100m_yuan, population_10k):
    """Yuan per person from a total in 亿元 and a population in 万人."""
    return total_100m_yuan / population_10k * YUAN_PER_100M_YUAN_PER_10K_PERSONS


def change(series: pd.Series, start: int, end: int) -> float:
    """Difference between two years of a series (end − start)."""
    return float(series.loc[end] - series.loc[start])


def direction(delta: float, tolerance: float = 0.0) -> str:
    """'widened' / 'narrowed' / 'unchanged' for the change of a gap."""
    if delta > tolerance:
        return "widened"
    if delta < -tolerance:
        return "narrowed"
    return "unchanged"


def _require_consecutive(index: pd.Index) -> None:
    years = list(index)
    if any(b - a != 1 for a, b in zip(years, years[1:])):
        raise ValueError(f"years must be consecutive and sorted; got {years}")


class NotASeriesError(ValueError):
    """Arithmetic across years of a vintage whose years do not form a comparable series
    (e.g. each year's communiqué, on the basis current that year): refused, never guessed."""


def refuse_across_years(table, what: str) -> None:
    """Raise :class:`NotASeriesError` when ``table`` (from ``DataPackage.wide``, which records the vintage
    in ``attrs``) belongs to a vintage that vintages.csv marks ``series = no``."""
    attrs = getattr(table, "attrs", {}) or {}
    if attrs.get("series") is False:
        raise NotASeriesError(
            f"{what} across years of vintage {attrs.get('vintage')!r} is refused: its years are separate releases, "
            f"each on the basis current that year, not a comparable series (vintages.csv, column 'series' = no). "
            f"Use a census-revised series vintage (census4, census5, …) or a rate as printed.")


def _gap_breaks(result, periods: int):
    """NaN for every row whose window crosses a year listed in ``attrs['breaks']`` (a new segment)."""
    breaks = (getattr(result, "attrs", {}) or {}).get("breaks") or ()
    for b in breaks:
        for k in range(periods):
            if b + k in result.index:
                result.loc[b + k] = np.nan
    return result

