"""Series derived from the data package in code (never stored in data/).

Each function keeps to one vintage of each input and says which in its
result, so nothing silently mixes revisions.
"""

from __future__ import annotations

import re

import pandas as pd

from jjj_book import metrics
from jjj_book.data import DataPackage
from jjj_book.metrics import NotASeriesError

PROVINCES = ["CN-BJ", "CN-TJ", "CN-HE"]

# Per-capita GDP divides GDP of one economic-census vintage by the population
# series current at the time that GDP vintage was published. ``communique`` is
# not a series: each year's release used the population current that year, so
# its basis depends on the year (see population_basis); it maps to None here.
POPULATION_FOR_GDP_VINTAGE = {
    "census2": "pop_original",
    "original": "pop_original",
    "communique": None,
    "census4": "census7",
    "census5": "census7",
}

# Year from which each year's communiqué divides by the 7th-census population
# (checked against the official per-capita values in the package: 2013 and 2019
# match pop_original, 2022 matches census7).
COMMUNIQUE_CENSUS7_FROM = 2020


def population_basis(gdp_vintage: str, year: int) -> str:
    """The population vintage that GDP of ``gdp_vintage`` in ``year`` is divided by."""
    if gdp_vintage == "communique":
        return "census7" if year >= COMMUNIQUE_CENSUS7_FROM else "pop_original"
    if gdp_vintage not in POPULATION_FOR_GDP_VINTAGE:
        raise KeyError(f"no population basis is known for GDP vintage {gdp_vintage!r}; "
                       f"pass population_vintage explicitly")
    return POPULATION_FOR_GDP_VINTAGE[gdp_vintage]


def vintage_info(package: DataPackage, vintage: str) -> dict:
    """One row of vintages.csv as a dict: ``indicators`` (list), ``series`` (bool), ``breaks`` (list of years)."""
    row = package.vintages.loc[package.vintages["id"] == vintage]
    if row.empty:
        raise KeyError(f"unknown vintage {vintage!r}")
    rec = row.iloc[0].to_dict()
    facts = package.vintage_facts(vintage)
    rec["indicators"] = str(rec.get("indicators", "") or "").split()
    rec["series"] = facts["series"]
    rec["breaks"] = list(facts["breaks"])
    return rec


def is_series(package: DataPackage, vintage: str) -> bool:
    """True when the years of ``vintage`` form a comparable series (vintages.csv, column ``series``)."""
    return package.vintage_facts(vintage)["series"]


def breaks(package: DataPackage, vintage: str) -> list[int]:
    """Years at which a new segment begins inside ``vintage`` (vintages.csv, column ``breaks``)."""
    return list(package.vintage_facts(vintage)["breaks"])


def require_series(package: DataPackage, vintage: str, what: str = "arithmetic across years") -> None:
    """Raise :class:`NotASeriesError` unless ``vintage`` is a comparable series."""
    if not is_series(package, vintage):
        raise NotASeriesError(
            f"{what} in vintage {vintage!r} ({package.vintage_name(vintage)}) is refused: its years are separate "
            f"releases, each on the basis current that year, not a comparable series (vintages.csv: series = no).")


def segments(years, break_years) -> list[list[int]]:
    """Consecutive runs of ``years`` that cross neither a gap nor a break (a break year starts a new run)."""
    runs: list[list[int]] = []
    for y in sorted(int(y) for y in years):
        if runs and y == runs[-1][-1] + 1 and y not in set(break_years):
            runs[-1].append(y)
        else:
            runs.append([y])
    return runs


def split_at_breaks(table: pd.DataFrame | pd.Series, break_years=None) -> pd.DataFrame | pd.Series:
    """A copy of a year-indexed table with a NaN row half a year before every break, so that
    matplotlib draws a gap there instead of a line across it. ``break_years`` defaults to
    ``table.attrs['breaks']`` (set by ``DataPackage.wide``); tables for several vintages may pass a union."""
    bys = list(table.attrs.get("breaks", ()) if break_years is None else break_years)
    bys = [b for b in bys if len(table.index) and table.index.min() < b <= table.index.max()]
    if not bys:
        return table.copy()
    gaps = pd.Index([b - 0.5 for b in bys])
    out = table.reindex(table.index.astype(float).union(gaps))
    out.attrs.update(table.attrs)
    return out


def growth(package: DataPackage, indicator: str, vintage: str, period: str = "annual",
           regions: list[str] = PROVINCES) -> pd.DataFrame:
    """Year-on-year change (%) of one indicator within one series vintage; NaN where a year is
    missing or a break starts a new segment. Refused for a vintage that is not a series."""
    require_series(package, vintage, "growth")
    table = package.wide(indicator, vintage, period, regions)
    if table.empty:
        return table
    full = table.reindex(range(int(table.index.min()), int(table.index.max()) + 1))
    full.attrs.update(table.attrs)
    return metrics.growth(full)


def cagr(package: DataPackage, indicator: str, vintage: str, region: str, start: int, end: int,
         period: str = "annual") -> float:
    """Compound annual growth (%) of one region between two years of one series vintage.

    Refused when the vintage is not a series, when a break lies between the two years,
    or when either year has no value."""
    require_series(package, vintage, "a compound annual growth rate")
    inside = [b for b in breaks(package, vintage) if start < b <= end]
    if inside:
        raise NotASeriesError(f"{indicator} in vintage {vintage!r} has a break at {inside} between {start} and {end}; "
                              f"no growth is computed across it")
    table = package.wide(indicator, vintage, period, [region])
    missing = [y for y in (start, end) if y not in table.index or pd.isna(table.loc[y, region])]
    if missing:
        raise KeyError(f"no {indicator} for {region} in {missing} (vintage {vintage!r})")
    return metrics.cagr(float(table.loc[start, region]), float(table.loc[end, region]), end - start)


_DISCREPANCY = re.compile(r"inconsisten", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def documented_discrepancies(package: DataPackage, indicator: str | None = None,
                             vintage: str | None = None) -> pd.DataFrame:
    """Observation rows whose note records an inconsistency inside the official file itself."""
    obs = package.observations if indicator is None else package.observations_for([indicator])
    mask = obs["note"].astype(str).str.contains(_DISCREPANCY)
    if vintage is not None:
        mask &= obs["vintage"] == vintage
    return obs.loc[mask].reset_index(drop=True)


def per_capita_note(package: DataPackage, vintage: str, year: int) -> str:
    """Why official per-capita GDP of ``vintage`` in ``year`` is not GDP ÷ average population,
    in Chinese as documented on the rows (empty string when nothing is documented)."""
    rows = documented_discrepancies(package, "gdp_per_capita", vintage)
    rows = rows.loc[rows["year"] == int(year)]
    for note in rows["note"]:
        m = _CJK.search(note)
        if m:
            return note[m.start():].strip()
    return ""


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
    if gdp_vintage == "communique" or not is_series(package, gdp_vintage):
        return _per_capita_by_release(package, gdp_vintage, regions, population_vintage)
    pop_vintage = population_vintage or population_basis(gdp_vintage, 0)
    gdp = package.wide("gdp", gdp_vintage, "annual", regions)
    pop = package.wide("population_yearend", pop_vintage, "annual", regions)
    if gdp.empty or pop.empty:
        return pd.DataFrame(columns=regions, dtype=float)
    years = range(int(pop.index.min()), int(pop.index.max()) + 1)
    avg_pop = metrics.average_population(pop.reindex(years))
    result = metrics.per_capita_yuan(gdp, avg_pop.reindex(gdp.index)).dropna(how="all")
    result.attrs.clear()
    result.attrs.update(gdp.attrs)
    result.attrs.update(indicator="gdp_per_capita_computed", gdp_vintage=gdp_vintage, population_vintage=pop_vintage)
    return result


def _per_capita_by_release(package: DataPackage, gdp_vintage: str, regions: list[str],
                           population_vintage: str | None) -> pd.DataFrame:
    """Per-capita GDP of a vintage that is not a series: each year on its own, divided by the
    population basis current in that year's release; a different basis is refused."""
    gdp = package.wide("gdp", gdp_vintage, "annual", regions)
    if gdp.empty:
        return pd.DataFrame(columns=regions, dtype=float)
    wrong = [int(y) for y in gdp.index
             if population_vintage is not None and population_basis(gdp_vintage, int(y)) != population_vintage]
    if wrong:
        raise NotASeriesError(
            f"per-capita GDP of {gdp_vintage!r} in {wrong} with population {population_vintage!r} is refused: "
            f"those releases divided by the population current then "
            f"({', '.join(sorted({population_basis(gdp_vintage, y) for y in wrong}))})")
    out = pd.DataFrame(index=gdp.index, columns=gdp.columns, dtype=float)
    used = []
    for year in gdp.index:
        basis = population_basis(gdp_vintage, int(year))
        pop = average_population(package, basis, regions)
        if int(year) in pop.index:
            out.loc[year] = metrics.per_capita_yuan(gdp.loc[year], pop.loc[int(year)].reindex(gdp.columns))
            used.append(basis)
    out = out.dropna(how="all")
    out.attrs.update(gdp_vintage=gdp_vintage, population_vintage="/".join(dict.fromkeys(used)),
                     vintage=gdp_vintage, series=False, breaks=())
    return out


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
    if gdp_vintage == "communique" or not is_series(package, gdp_vintage):
        # each release with the population current then (see population_basis)
        pop = pd.DataFrame({int(y): average_population(package, population_basis(gdp_vintage, int(y))).reindex(
            [int(y)]).iloc[0] for y in pc.index}).T.reindex(columns=pc.columns)
    else:
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


# --------------------------------------------------------------------------- what each vintage is (data appendix)

_ZH_START = re.compile(r"(?:^|(?<=[.;)]) )(?=[\u4e00-\u9fff\d][^A-Za-z]*[\u4e00-\u9fff])")


def description_zh(description: str) -> str:
    """The Chinese part of a bilingual description in vintages.csv ('English. 中文。' → '中文。')."""
    cjk = [m.start() for m in _ZH_START.finditer(description)]
    for start in cjk:
        rest = description[start:]
        if not re.search(r"[A-Za-z]{3,}", rest):
            return rest.strip()
    return description.strip()


def vintage_overview(package: DataPackage) -> pd.DataFrame:
    """One row per vintage: id, Chinese name and description, indicators it applies to (Chinese
    names), the years it holds, whether it is a comparable series, its breaks, number of observations."""
    obs = package.observations
    ind_names = dict(zip(package.indicators["id"], package.indicators["name_zh"]))
    rows = []
    for vintage in package.vintages["id"]:
        info = vintage_info(package, vintage)
        held = obs.loc[obs["vintage"] == vintage]
        rows.append({
            "id": vintage,
            "name_zh": info["name_zh"],
            "description_zh": description_zh(str(info["description"])),
            "indicators_zh": [ind_names[i] for i in info["indicators"] if i in ind_names],
            "indicators_held": sorted(set(held["indicator"])),
            "years": sorted(int(y) for y in set(held["year"])),
            "series": info["series"],
            "breaks": info["breaks"],
            "observations": int(len(held)),
        })
    return pd.DataFrame(rows)


def rejected_values(package: DataPackage) -> pd.DataFrame:
    """The machine-readable table of values that PROVENANCE.md records as seen and not stored."""
    path = package.root / "PROVENANCE.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    m = re.search(r"<!-- rejected:start -->(.*?)<!-- rejected:end -->", text, re.S)
    if not m:
        return pd.DataFrame(columns=["indicator", "region", "year", "vintage", "value", "why", "why_zh"])
    lines = [ln.strip() for ln in m.group(1).strip().splitlines() if ln.strip().startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = [dict(zip(header, [c.strip() for c in ln.strip("|").split("|")])) for ln in lines[2:]]
    return pd.DataFrame(rows, columns=header)
