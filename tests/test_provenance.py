"""Data truth, second pass: vintages that are series have no base break inside them, arithmetic across a
vintage that is not a series is refused, PROVENANCE.md matches the data, and every source is citable."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pandas as pd
import pytest

from jjj_book import metrics, series
from jjj_book.metrics import NotASeriesError
from conftest import DATA

PROVENANCE = DATA / "PROVENANCE.md"
SCHEMA = DATA / "SCHEMA.md"


def _md_table(marker: str) -> list[dict]:
    """Rows of the Markdown table between <!-- marker:start --> and <!-- marker:end --> in PROVENANCE.md."""
    text = PROVENANCE.read_text(encoding="utf-8")
    m = re.search(rf"<!-- {marker}:start -->(.*?)<!-- {marker}:end -->", text, re.S)
    assert m, f"PROVENANCE.md has no {marker} table"
    lines = [ln.strip() for ln in m.group(1).strip().splitlines() if ln.strip().startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = []
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        rows.append(dict(zip(header, cells)))
    return rows


def _matching(obs: pd.DataFrame, row: dict) -> pd.DataFrame:
    mask = (obs["indicator"] == row["indicator"]) & (obs["region"] == row["region"])
    if row["year"] != "*":
        mask &= obs["year"] == int(row["year"])
    if row["vintage"] != "*":
        mask &= obs["vintage"] == row["vintage"]
    return obs.loc[mask]


# --------------------------------------------------------------------------- PROVENANCE.md ↔ observations.csv

def test_every_rejected_value_is_absent_from_the_data(pkg):
    rejected = _md_table("rejected")
    assert len(rejected) >= 30
    known = set(pkg.indicators["id"])
    present = []
    for row in rejected:
        assert row["indicator"] in known, row  # a typo would make the check vacuous
        hits = _matching(pkg.observations, row)
        if (hits["value"] - float(row["value"])).abs().lt(1e-9).any():
            present.append(row)
    assert present == []


def test_every_value_located_by_search_is_in_the_data(pkg):
    located = _md_table("located")
    assert len(located) >= 20
    missing = [row for row in located
               if not (_matching(pkg.observations, row)["value"] - float(row["value"])).abs().lt(1e-9).any()]
    assert missing == []


def test_the_rejected_beijing_urban_income_is_gone_and_so_are_its_sources(pkg):
    urban = pkg.wide("urban_disposable_income", "survey", regions=["CN-BJ"])
    assert not {2021, 2022} & set(urban.index)
    assert not {"bjstats-income-2021", "bjstats-income-2022"} & set(pkg.sources["id"])


def test_hebei_and_tianjin_have_no_communique_population(pkg):
    pop = pkg.wide("population_yearend", "communique")
    assert "CN-HE" not in pop.columns and "CN-TJ" not in pop.columns


# --------------------------------------------------------------------------- citations

OFFICIAL_HOSTS = (".gov.cn",)
OFFICIAL_EXTRA = {"www.cstsa.org.cn"}  # 中国统计学会, publisher of the 2024 index release


def test_every_source_has_publisher_publication_release_and_date(pkg):
    src = pkg.sources
    for col in ("publisher", "publication", "table_or_release", "date"):
        assert (src[col].str.strip() != "").all(), src.loc[src[col].str.strip() == "", "id"].tolist()
    assert src["date"].str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()


def test_urls_are_official_and_their_kind_is_stated(pkg):
    src = pkg.sources
    for rec in src.itertuples():
        if rec.address_kind == "none":
            assert rec.url == "", rec.id
            continue
        host = urlsplit(rec.url).hostname or ""
        assert host.endswith(OFFICIAL_HOSTS) or host in OFFICIAL_EXTRA, (rec.id, rec.url)
        assert rec.url not in rec.retrieved_from or rec.retrieved_from.startswith("official"), rec.id
    # mirrors are labelled as the copy read, never given as the address
    read = src.loc[src["retrieved_from"] != "", "retrieved_from"]
    assert read.str.startswith(("copy read (not the official site)", "official site")).all()
    # more than the 24 of 113 that had any official address before the second pass
    assert (src["address_kind"] != "none").sum() > 24


# --------------------------------------------------------------------------- vintages.csv

def test_every_observation_is_listed_under_its_vintage(pkg):
    listed = {v: set(series.vintage_info(pkg, v)["indicators"]) for v in pkg.vintages["id"]}
    stray = pkg.observations.loc[[ind not in listed[v] for ind, v in
                                  zip(pkg.observations["indicator"], pkg.observations["vintage"])]]
    assert stray.empty, stray[["indicator", "vintage"]].drop_duplicates().values.tolist()
    assert set().union(*listed.values()) <= set(pkg.indicators["id"])


def test_communique_and_published_are_not_series(pkg):
    assert not series.is_series(pkg, "communique") and not series.is_series(pkg, "published")
    assert series.is_series(pkg, "census5") and series.breaks(pkg, "census4") == [2023]


def test_schema_lists_every_unit_and_vintage(pkg):
    text = SCHEMA.read_text(encoding="utf-8")
    assert [u for u in pkg.units["id"] if f"`{u}`" not in text] == []
    assert [v for v in pkg.vintages["id"] if f"`{v}`" not in text and not v.startswith("idx")] == []


# --------------------------------------------------------------------------- identities within each series vintage

def _series_vintages(pkg):
    return [v for v in pkg.vintages["id"] if series.is_series(pkg, v)]


def test_sectors_sum_to_gdp_in_every_series_vintage(pkg):
    checked = 0
    for v in _series_vintages(pkg):
        parts = [pkg.wide(i, v) for i in ("gdp_primary", "gdp_secondary", "gdp_tertiary")]
        gdp = pkg.wide("gdp", v)
        if any(p.empty for p in parts) or gdp.empty:
            continue
        total = parts[0] + parts[1] + parts[2]
        both = total.stack().dropna().to_frame("sum").join(gdp.stack().dropna().rename("gdp"), how="inner")
        gap = (both["sum"] - both["gdp"]).abs()
        assert (gap <= 0.2 + 1e-4 * both["gdp"]).all(), (v, both[gap > 0.2 + 1e-4 * both["gdp"]])
        checked += len(both)
    assert checked >= 15


def test_official_per_capita_is_gdp_over_average_population_except_where_documented(pkg):
    checked = 0
    for v in _series_vintages(pkg):
        official = pkg.wide("gdp_per_capita", v)
        if official.empty or v not in series.POPULATION_FOR_GDP_VINTAGE:
            continue
        computed = series.gdp_per_capita(pkg, v)
        diff = ((computed / official - 1).abs() * 100).stack().dropna()
        documented = {(int(r.year), r.region) for r in series.documented_discrepancies(pkg, "gdp_per_capita", v).itertuples()}
        for (year, region), pct in diff.items():
            if (int(year), region) in documented:
                assert pct > 0.1, (v, year, region)   # the note explains a real difference
            else:
                assert pct < 0.1, (v, year, region, pct)
            checked += 1
    assert checked >= 20


def test_published_ratios_equal_recomputed_ratios(pkg):
    published = pkg.wide("urban_rural_income_ratio", "survey")
    levels = series.urban_rural(pkg, "survey").set_index(["year", "region"])["ratio"]
    checked = 0
    for (year, region), value in published.stack().dropna().items():
        if (year, region) in levels.index:
            assert abs(levels.loc[(year, region)] - value) <= 0.006, (year, region)
            checked += 1
    assert checked >= 1


# The NBS revision calendar: the 3rd economic census revised GDP from 2013 on (December 2014), the 4th from
# 2018 on (November 2019). A vintage named for one basis holds no year printed on another.
CENSUS_BASIS_YEARS = {"census2": (None, 2012), "original": (2013, 2017)}


def test_no_gdp_series_vintage_straddles_a_census_revision(pkg):
    for v, (lo, hi) in CENSUS_BASIS_YEARS.items():
        years = set(pkg.series("gdp", v)["year"])
        assert years, v
        assert lo is None or min(years) >= lo, (v, sorted(years))
        assert hi is None or max(years) <= hi, (v, sorted(years))


def test_nominal_and_real_growth_agree_within_a_plausible_deflator(pkg):
    levels = pkg.wide("gdp", "census5")
    real = pkg.wide("gdp_real_growth", "census5")
    nominal = series.growth(pkg, "gdp", "census5")
    deflator = ((1 + nominal / 100) / (1 + real / 100) - 1) * 100
    values = deflator.stack().dropna()
    assert len(values) >= 15 and values.between(-6, 10).all(), values[~values.between(-6, 10)]
    assert not levels.empty


# --------------------------------------------------------------------------- the guards

def test_growth_across_a_non_series_vintage_is_refused(pkg):
    with pytest.raises(NotASeriesError, match="communique"):
        metrics.growth(pkg.wide("gdp", "communique").loc[[2019, 2020]])
    with pytest.raises(NotASeriesError):
        series.growth(pkg, "gdp", "communique")
    with pytest.raises(NotASeriesError):
        series.cagr(pkg, "tech_contracts_bj_to_tjhe", "published", "CN-BJ", 2013, 2023)
    with pytest.raises(NotASeriesError):
        series.average_population(pkg, "communique")


def test_per_capita_with_another_releases_population_is_refused(pkg):
    with pytest.raises(NotASeriesError, match="pop_original"):
        series.gdp_per_capita(pkg, "communique", population_vintage="census7")


def test_communique_per_capita_uses_each_releases_population(pkg):
    official = pkg.wide("gdp_per_capita", "communique")
    computed = series.gdp_per_capita(pkg, "communique")
    diff = ((computed / official - 1).abs() * 100).stack().dropna()
    assert len(diff) >= 3 and (diff < 0.1).all(), diff


def test_growth_within_a_series_is_allowed_and_gapped_at_a_break(pkg):
    g = series.growth(pkg, "gdp", "census4")
    assert g.loc[2022].notna().all() and g.loc[2023].isna().all()
    with pytest.raises(NotASeriesError, match="break"):
        series.cagr(pkg, "gdp", "census4", "CN-BJ", 2014, 2023)
    assert series.cagr(pkg, "gdp", "census4", "CN-BJ", 2014, 2022) > 0


def test_split_at_breaks_leaves_a_gap_for_charts(pkg):
    table = series.split_at_breaks(pkg.wide("gdp", "census4"))
    assert table.loc[2022.5].isna().all()
    assert table.loc[2022].notna().all() and table.loc[2023].notna().all()
    assert series.segments([2011, 2012, 2013, 2015, 2016], [2013]) == [[2011, 2012], [2013], [2015, 2016]]


def test_census5_2024_per_capita_says_why_it_differs(pkg):
    note = series.per_capita_note(pkg, "census5", 2024)
    assert "初步核算" in note and re.search(r"[\u4e00-\u9fff]", note[0])
    assert series.per_capita_note(pkg, "census5", 2023) == ""


def test_every_gap_stated_in_provenance_is_a_gap_in_the_data(pkg):
    missing = _md_table("missing")
    assert len(missing) >= 20
    obs = pkg.observations.loc[pkg.observations["period"] == "annual"]
    found = []
    for row in missing:
        mask = obs["indicator"] == row["indicator"]
        if row["region"] != "*":
            mask &= obs["region"] == row["region"]
        if row["vintage"] != "*":
            mask &= obs["vintage"] == row["vintage"]
        if row["years"] != "*":
            lo, _, hi = row["years"].partition("-")
            mask &= obs["year"].between(int(lo), int(hi or lo))
        if mask.any():
            found.append(row)
    assert found == []
