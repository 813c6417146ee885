"""Series derived from the data package in code (never stored in data/).

Each function keeps to one vintage of each input and says which in its
result, so nothing silently mixes revisions.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import metrics
from jjj_book.data import DataPackage

PROVINCES = ["CN-BJ", "CN-TJ", "CN-HE"]

# Per-capita GDP divides GDP of one economic-census vintage by the population
# series current at the time that GDP vintage was published.
POPULATION_FOR_GDP_VINTAGE = {
    "original": "pop_original",
    "communique": "census7",
    "census4": "census7",
    "census5": "census7",
}


def regional_total(package: DataPackage, indicator: str, vintage: str, period: str = "annual",
                   regions: list[str] = PROVINCES) -> pd.Series:
    """Sum over the three provinces, only for years where all three are present."""
    table = package.wide(indicator, vintage, period, regions)
    complete = table.dropna()
    complete = complete.loc[:, [r for r in regions if r in complete.columns]]
    if complete.shape[1] < len(regions):
        return pd.Series(dtype=float, name=f"{indicator}:{vintage}")
    total = complete.sum(axis=1)
    total.name = f"{indicator}:{vintage}"
    return total


def gdp_per_capita(package: DataPackage, gdp_vintage: str, regions: list[str] = PROVINCES,
                   population_vintage: str | None = None) -> pd.DataFrame:
    """GDP per person in yuan: GDP ÷ average of previous and current year-end population.

    Only years with GDP and both year-ends of population are returned.
    """
    pop_vintage = population_vintage or POPULATION_FOR_GDP_VINTAGE[gdp_vintage]
    gdp = package.wide("gdp", gdp_vintage, "annual", regions)
    pop = package.wide("population_yearend", pop_vintage, "annual", regions)
    if gdp.empty or pop.empty:
        return pd.DataFrame(columns=regions, dtype=float)
    years = range(int(pop.index.min()), int(pop.index.max()) + 1)
    avg_pop = metrics.average_population(pop.reindex(years))
    result = metrics.per_capita_yuan(gdp, avg_pop.reindex(gdp.index)).dropna(how="all")
    result.attrs.update(gdp_vintage=gdp_vintage, population_vintage=pop_vintage)
    return result
