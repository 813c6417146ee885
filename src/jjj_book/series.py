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


def average_population(package: DataPackage, vintage: str, regions: list[str] = PROVINCES) -> pd.DataFrame:
    """Average of consecutive year-end populations (万人), one vintage."""
    pop = package.wide("population_yearend", vintage, "annual", regions)
    if pop.empty:
        return pop
    years = range(int(pop.index.min()), int(pop.index.max()) + 1)
    return metrics.average_population(pop.reindex(years)).dropna(how="all")


def per_capita_gdp_dispersion(package: DataPackage, gdp_vintage: str,
                              population_vintage: str | None = None) -> pd.DataFrame:
    """Dispersion of GDP per capita across the three provinces, per year.

    Columns: cv, max_min, theil (weighted by average population), and the gaps
    Beijing−Hebei and Tianjin−Hebei in yuan.
    """
    pc = gdp_per_capita(package, gdp_vintage, population_vintage=population_vintage)
    if pc.empty or pc.shape[1] < len(PROVINCES):
        return pd.DataFrame(columns=["cv", "max_min", "theil", "gap_bj_he", "gap_tj_he"], dtype=float)
    pop = average_population(package, pc.attrs["population_vintage"])
    result = metrics.dispersion(pc, pop)
    result["gap_bj_he"] = (pc["CN-BJ"] - pc["CN-HE"]).loc[result.index]
    result["gap_tj_he"] = (pc["CN-TJ"] - pc["CN-HE"]).loc[result.index]
    result.attrs.update(pc.attrs)
    return result


def urban_rural(package: DataPackage, vintage: str, regions: list[str] = PROVINCES) -> pd.DataFrame:
    """Tidy urban and rural disposable income per region and year, with the gap in yuan and the ratio.

    Only years where both are present for a region are returned.
    """
    rows = []
    urban = package.wide("urban_disposable_income", vintage, "annual", regions)
    rural = package.wide("rural_disposable_income", vintage, "annual", regions)
    for region in regions:
        if region not in urban or region not in rural:
            continue
        both = pd.concat({"urban": urban[region], "rural": rural[region]}, axis=1).dropna()
        for year, rec in both.iterrows():
            rows.append({"region": region, "year": int(year), "urban": rec["urban"], "rural": rec["rural"],
                         "gap": metrics.absolute_gap(rec["urban"], rec["rural"]),
                         "ratio": metrics.relative_gap(rec["urban"], rec["rural"])})
    return pd.DataFrame(rows, columns=["region", "year", "urban", "rural", "gap", "ratio"])


def per_1000(package: DataPackage, indicator: str, vintage: str, population_vintage: str,
             regions: list[str] = PROVINCES) -> pd.Series:
    """Regional total of a head count (万人) per 1,000 year-end residents, years where all regions report."""
    count = regional_total(package, indicator, vintage, regions=regions)
    pop = regional_total(package, "population_yearend", population_vintage, regions=regions)
    both = pd.concat({"count": count, "pop": pop}, axis=1).dropna()
    return (both["count"] / both["pop"] * 1000.0).rename(f"{indicator}_per_1000")


def missing_regions(package: DataPackage, indicator: str, vintage: str, year: int,
                    regions: list[str] = PROVINCES, period: str = "annual") -> list[str]:
    """Codes of the regions with no value of ``indicator`` in ``year`` (one vintage)."""
    table = package.wide(indicator, vintage, period, regions)
    return [r for r in regions if r not in table or year not in table.index or pd.isna(table.loc[year, r])]
