"""Chapter 02_problems: dispersion measures, regional per-1000 figures, and the section's claims.

Claims that are `cannot_check` on the real data are exercised on a copy of the
data package with the missing rows added, so the checks themselves are tested
(a claim that could never come out `reproduced` or `differs` would be a stub).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from conftest import add_rows, DATA
from jjj_book import data, metrics, series
from jjj_book.claims import REGISTRY, evaluate_claim





def check(pkg, claim_id, vintage=None):
    return evaluate_claim(REGISTRY[claim_id], pkg, vintage)


# --------------------------------------------------------------------------- metrics

def test_max_min_ratio_and_dispersion_by_hand():
    values = pd.DataFrame({"a": [100.0, 200.0], "b": [50.0, 50.0], "c": [50.0, 50.0]}, index=[2014, 2021])
    weights = pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 1.0], "c": [2.0, 2.0]}, index=[2014, 2021])
    d = metrics.dispersion(values, weights)
    assert d.loc[2014, "max_min"] == 2.0 and d.loc[2021, "max_min"] == 4.0
    # CV of (100, 50, 50): mean 66.67, population SD 23.57
    assert d.loc[2014, "cv"] == pytest.approx(math.sqrt(((100 - 200 / 3) ** 2 + 2 * (50 - 200 / 3) ** 2) / 3) / (200 / 3))
    # Theil by hand for 2014: weighted mean 62.5; shares 100/250, 50/250, 100/250
    mean = (100 + 50 + 2 * 50) / 4
    expected = 0.4 * math.log(100 / mean) + 0.2 * math.log(50 / mean) + 0.4 * math.log(50 / mean)
    assert d.loc[2014, "theil"] == pytest.approx(expected)
    assert d.loc[2021, "theil"] > d.loc[2014, "theil"]


def test_dispersion_skips_incomplete_years():
    values = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, 2.0]}, index=[2020, 2021])
    d = metrics.dispersion(values, values.fillna(1.0))
    assert list(d.index) == [2020]


def test_theil_is_zero_when_all_are_equal():
    values = pd.DataFrame({"a": [5.0], "b": [5.0]}, index=[2020])
    assert metrics.theil(values, pd.DataFrame({"a": [3.0], "b": [1.0]}, index=[2020])).iloc[0] == pytest.approx(0.0)


def test_rebase():
    index = pd.Series({2010: 100.0, 2014: 140.0, 2019: 168.0})
    assert metrics.rebase(index, 2014).to_dict() == pytest.approx({2010: 100 / 1.4, 2014: 100.0, 2019: 120.0})
    with pytest.raises(ValueError, match="2015"):
        metrics.rebase(index, 2015)


# --------------------------------------------------------------------------- series

def test_per_capita_dispersion_uses_one_vintage_and_average_population():
    pkg = data.load(DATA)
    d = series.per_capita_gdp_dispersion(pkg, "census4")
    pc = series.gdp_per_capita(pkg, "census4")
    assert d.attrs["gdp_vintage"] == "census4" and d.attrs["population_vintage"] == "census7"
    assert d.loc[2021, "gap_bj_he"] == pytest.approx(pc.loc[2021, "CN-BJ"] - pc.loc[2021, "CN-HE"])
    assert d.loc[2021, "max_min"] == pytest.approx(pc.loc[2021].max() / pc.loc[2021].min())


def test_per_1000_sums_the_provinces(data_copy):
    pkg = add_rows(data_copy, "health_tech_personnel,CN-BJ,2021,30,10k_persons,published",
                   "health_tech_personnel,CN-TJ,2021,12,10k_persons,published",
                   "health_tech_personnel,CN-HE,2021,60,10k_persons,published")
    pop = pkg.wide("population_yearend", "census7", regions=series.PROVINCES).loc[2021].sum()
    got = series.per_1000(pkg, "health_tech_personnel", "published", "census7")
    assert got.loc[2021] == pytest.approx(102 / pop * 1000)


def test_urban_rural_gap_and_ratio(data_copy):
    pkg = add_rows(data_copy, "urban_disposable_income,CN-TJ,2021,50000,yuan,survey",
                   "rural_disposable_income,CN-TJ,2021,25000,yuan,survey")
    table = series.urban_rural(pkg, "survey", ["CN-TJ"])
    row = table.loc[table["year"] == 2021].iloc[0]
    assert (row["gap"], row["ratio"]) == (25000, 2.0)


# --------------------------------------------------------------------------- claims on the real data

def test_the_economic_gap_did_not_narrow_on_every_measure():
    pkg = data.load(DATA)
    for measure in ("cv", "max_min", "theil"):
        result = check(pkg, f"problems.gap_not_narrowed_{measure}")
        assert result.verdict == "reproduced", result
        assert "2014" in result.note and "2021" in result.note


def test_beijing_2019_culture_growth_depends_on_the_vintage():
    pkg = data.load(DATA)
    assert check(pkg, "problems.beijing_culture_growth_2019").verdict == "reproduced"
    first = check(pkg, "problems.beijing_culture_growth_2019", "published")
    assert first.verdict == "differs" and first.reproduced == pytest.approx(14.4)


def test_every_problems_claim_states_a_verdict_or_a_reason():
    pkg = data.load(DATA)
    for claim in REGISTRY.values():
        if claim.chapter != "02_problems":
            continue
        result = evaluate_claim(claim, pkg)
        assert result.verdict in ("reproduced", "differs", "cannot_check")
        if result.verdict == "cannot_check":
            assert result.note, claim.id


# --------------------------------------------------------------------------- claims made checkable by added data

def test_urban_rural_ratio_check_recomputes_the_published_ratio(data_copy):
    pkg = add_rows(data_copy, "urban_disposable_income,CN-HE,2021,39791,yuan,survey",
                   "rural_disposable_income,CN-HE,2021,18179,yuan,survey")
    result = check(pkg, "problems.urban_rural_ratio_he_2021")
    assert result.reproduced == pytest.approx(39791 / 18179, abs=1e-6)
    assert result.verdict == ("reproduced" if abs(39791 / 18179 - 2.19) <= 0.005 else "differs")


def test_hebei_culture_claims_and_the_gap_to_the_national_rate(data_copy):
    pkg = add_rows(data_copy, "culture_revenue,CN-HE,2021,968.3,100m_yuan,published",
                   "culture_revenue_growth,CN-HE,2021,18.0,pct,published",
                   "culture_firms,CN-HE,2021,1324,count,published")
    assert check(pkg, "problems.hebei_culture_revenue_2021").verdict == "reproduced"
    assert check(pkg, "problems.hebei_culture_firms_2021").verdict == "reproduced"
    growth = check(pkg, "problems.hebei_culture_growth_2021")
    assert growth.verdict == "differs" and growth.difference == pytest.approx(-1.0)
    above = check(pkg, "problems.hebei_culture_above_national_2021")  # 18.0 − national 16.0
    assert above.reproduced == pytest.approx(2.0) and above.verdict == "differs"


def test_health_personnel_per_1000_and_its_growth(data_copy):
    have = data.load(data_copy).wide("health_tech_personnel", "published", regions=series.PROVINCES)
    levels = {2020: {"CN-BJ": 30.4, "CN-TJ": 11.0, "CN-HE": 50.0}, 2021: {"CN-BJ": 32.0, "CN-TJ": 12.0, "CN-HE": 56.0}}
    rows = []
    for year, by_region in levels.items():
        for region, value in by_region.items():
            if region in have and year in have.index and not pd.isna(have.loc[year, region]):
                by_region[region] = float(have.loc[year, region])  # a published figure is already there
            else:
                rows.append(f"health_tech_personnel,{region},{year},{value},10k_persons,published")
    pkg = add_rows(data_copy, *rows)
    pop = pkg.wide("population_yearend", "census7", regions=series.PROVINCES).sum(axis=1)
    total = {y: sum(v.values()) for y, v in levels.items()}
    level = check(pkg, "problems.health_per_1000_2021")
    assert level.reproduced == pytest.approx(total[2021] / pop[2021] * 1000, rel=1e-6)
    growth = check(pkg, "problems.health_per_1000_growth_2021")
    expected = ((total[2021] / pop[2021]) / (total[2020] / pop[2020]) - 1) * 100
    assert growth.reproduced == pytest.approx(expected, rel=1e-6)


def test_pension_total_needs_both_schemes_in_all_three(data_copy):
    rows = [f"pension_employees,{r},{y},{v},10k_persons,published"
            for y in (2020, 2021) for r, v in zip(("CN-BJ", "CN-TJ", "CN-HE"), (1700, 800, 2000 + (y - 2020) * 40))]
    pkg = add_rows(data_copy, *rows)
    missing = check(pkg, "problems.pension_2021")
    assert missing.verdict == "cannot_check" and "城乡居民" in missing.note
    rows = [f"pension_residents,{r},{y},{v},10k_persons,published"
            for y in (2020, 2021) for r, v in zip(("CN-BJ", "CN-TJ", "CN-HE"), (190, 150, 3331 + (y - 2020) * 8))]
    pkg = add_rows(data_copy, *rows)
    total = check(pkg, "problems.pension_2021")
    assert total.reproduced == pytest.approx(1700 + 800 + 2040 + 190 + 150 + 3339)
    assert check(pkg, "problems.pension_change_2021").reproduced == pytest.approx(48.0)
    assert check(pkg, "problems.pension_change_2021").verdict == "reproduced"


def test_shared_index_change_is_computed_inside_one_release(data_copy):
    pkg = add_rows(data_copy, "jjj_index_shared,JJJ,2020,125.0,index,idx2021d",
                   "jjj_index_shared,JJJ,2021,127.6,index,idx2021d")
    assert check(pkg, "problems.shared_index_2021").verdict == "reproduced"
    change = check(pkg, "problems.shared_index_change_2021")
    assert change.reproduced == pytest.approx(2.6) and change.verdict == "differs"
    # The 2020 value of another release must not be used: with only idx2020d's 2020, the change is uncheckable.
    pkg = add_rows(data_copy, "jjj_index_shared,JJJ,2021,127.6,index,idx2022d")
    assert check(pkg, "problems.shared_index_change_2021", "idx2022d").verdict == "cannot_check"


def test_six_industries_need_an_official_figure_for_each(data_copy):
    result = check(data.load(data_copy), "problems.six_industries")
    assert result.verdict == "cannot_check" and "焦化" in result.note and "火电" in result.note
    ind = data_copy / "indicators.csv"
    with ind.open("a", encoding="utf-8") as fh:
        fh.write("capacity_cut_coke,压减焦炭产能,Coke capacity removed,10k_tonnes,true,test\n")
        fh.write("capacity_cut_thermal_power,关停火电机组,Thermal power capacity closed,10k_kw,true,test\n")
    pkg = add_rows(data_copy, "capacity_cut_coke,CN-HE,2016,1000,10k_tonnes,published",
                   "capacity_cut_thermal_power,CN-HE,2017,17.4,10k_kw,published")
    assert check(pkg, "problems.six_industries").verdict == "reproduced"
