"""The claims of chapter 02_problems (jjj_book.claims.problems) and the series they rest on.

Claims that are `cannot_check` on the real data are exercised on a copy of the
data package with the missing rows added, so the checks themselves are tested
(a claim that could never come out `recomputed`, `matches_publication` or `differs`
would be a stub). The chapter's tables are tested in test_chapter_problems.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import add_rows, claim_result, drop_rows, rewrite
from jjj_book import data, series
from jjj_book.claims import REGISTRY, evaluate_claim
from jjj_book.vocab import VERDICTS


# --------------------------------------------------------------------------- series

def test_per_capita_dispersion_uses_one_vintage_and_average_population(pkg):
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

def test_the_economic_gap_did_not_narrow_on_every_measure(pkg):
    for measure in ("cv", "max_min", "theil"):
        result = claim_result(pkg, f"problems.gap_not_narrowed_{measure}")
        assert result.verdict == "recomputed", result
        assert "2014" in result.note and "2021" in result.note


def test_beijing_2019_culture_growth_depends_on_the_vintage(pkg):
    assert claim_result(pkg, "problems.beijing_culture_growth_2019").verdict == "matches_publication"
    first = claim_result(pkg, "problems.beijing_culture_growth_2019", "published")
    assert first.verdict == "differs" and first.reproduced == pytest.approx(14.4)


def test_every_problems_claim_states_a_verdict_or_a_reason(pkg):
    for claim in REGISTRY.values():
        if claim.chapter != "02_problems":
            continue
        result = evaluate_claim(claim, pkg)
        assert result.verdict in VERDICTS
        if result.verdict == "cannot_check":
            assert result.note, claim.id


# --------------------------------------------------------------------------- claims made checkable by added data

def test_urban_rural_ratio_check_recomputes_the_published_ratio(data_copy):
    pkg = add_rows(data_copy, "urban_disposable_income,CN-HE,2021,39791,yuan,survey",
                   "rural_disposable_income,CN-HE,2021,18179,yuan,survey")
    result = claim_result(pkg, "problems.urban_rural_ratio_he_2021")
    assert result.reproduced == pytest.approx(39791 / 18179, abs=1e-6)
    assert result.verdict == ("recomputed" if abs(39791 / 18179 - 2.19) <= 0.005 else "differs")
    assert result.basis == "recomputed" and "元" in result.note


def test_published_urban_rural_ratios_agree_with_the_release_that_prints_them(pkg):
    # Without both incomes the ratio is looked up as the release printed it: never "cannot check"
    # under a table that prints exactly these ratios.
    for region in ("bj", "tj", "he"):
        for year in (2020, 2021):
            result = claim_result(pkg, f"problems.urban_rural_ratio_{region}_{year}")
            assert (result.verdict, result.basis) == ("matches_publication", "published"), result
            assert result.reproduced == REGISTRY[result.id].reported


def test_an_urban_rural_ratio_without_any_official_figure_says_what_would_close_the_gap(data_copy):
    assert drop_rows(data_copy, "urban_rural_income_ratio,CN-TJ,2021,") == 1
    result = claim_result(data.load(data_copy), "problems.urban_rural_ratio_tj_2021")
    assert result.verdict == "cannot_check"
    assert result.note.startswith("需要天津2021年") and "城镇和农村居民人均可支配收入" in result.note


def test_cannot_check_messages_name_the_missing_publication_without_ids(pkg):
    open_claims = [evaluate_claim(c, pkg) for c in REGISTRY.values() if c.chapter == "02_problems"]
    open_claims = [r for r in open_claims if r.verdict == "cannot_check"]
    assert open_claims
    for result in open_claims:
        assert result.note.startswith("需要"), result
        for code in ("CN-", "JJJ", "idx20", "census", "published", "survey", "problems."):
            assert code not in result.note, (result.id, result.note)


def test_hebei_culture_claims_and_the_gap_to_the_national_rate(data_copy):
    pkg = add_rows(data_copy, "culture_revenue,CN-HE,2021,968.3,100m_yuan,published",
                   "culture_revenue_growth,CN-HE,2021,18.0,pct,published",
                   "culture_firms,CN-HE,2021,1324,count,published")
    assert claim_result(pkg, "problems.hebei_culture_revenue_2021").verdict == "matches_publication"
    assert claim_result(pkg, "problems.hebei_culture_firms_2021").verdict == "matches_publication"
    growth = claim_result(pkg, "problems.hebei_culture_growth_2021")
    assert growth.verdict == "differs" and growth.difference == pytest.approx(-1.0)
    above = claim_result(pkg, "problems.hebei_culture_above_national_2021")  # 18.0 − national 16.0
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
    level = claim_result(pkg, "problems.health_per_1000_2021")
    assert level.reproduced == pytest.approx(total[2021] / pop[2021] * 1000, rel=1e-6)
    growth = claim_result(pkg, "problems.health_per_1000_growth_2021")
    expected = ((total[2021] / pop[2021]) / (total[2020] / pop[2020]) - 1) * 100
    assert growth.reproduced == pytest.approx(expected, rel=1e-6)


def test_pension_total_needs_both_schemes_in_all_three(data_copy):
    rows = [f"pension_employees,{r},{y},{v},10k_persons,published"
            for y in (2020, 2021) for r, v in zip(("CN-BJ", "CN-TJ", "CN-HE"), (1700, 800, 2000 + (y - 2020) * 40))]
    pkg = add_rows(data_copy, *rows)
    missing = claim_result(pkg, "problems.pension_2021")
    assert missing.verdict == "cannot_check" and "城乡居民" in missing.note
    rows = [f"pension_residents,{r},{y},{v},10k_persons,published"
            for y in (2020, 2021) for r, v in zip(("CN-BJ", "CN-TJ", "CN-HE"), (190, 150, 3331 + (y - 2020) * 8))]
    pkg = add_rows(data_copy, *rows)
    total = claim_result(pkg, "problems.pension_2021")
    assert total.reproduced == pytest.approx(1700 + 800 + 2040 + 190 + 150 + 3339)
    assert claim_result(pkg, "problems.pension_change_2021").reproduced == pytest.approx(48.0)
    assert claim_result(pkg, "problems.pension_change_2021").verdict == "recomputed"


def test_shared_index_change_is_computed_inside_one_release(data_copy):
    pkg = add_rows(data_copy, "jjj_index_shared,JJJ,2020,125.0,index,idx2021d",
                   "jjj_index_shared,JJJ,2021,127.6,index,idx2021d")
    assert claim_result(pkg, "problems.shared_index_2021").verdict == "matches_publication"
    change = claim_result(pkg, "problems.shared_index_change_2021")
    assert change.reproduced == pytest.approx(2.6) and change.verdict == "differs"
    # The 2020 value of another release must not be used: with only idx2020d's 2020, the change is uncheckable.
    pkg = add_rows(data_copy, "jjj_index_shared,JJJ,2021,127.6,index,idx2022d")
    assert claim_result(pkg, "problems.shared_index_change_2021", "idx2022d").verdict == "cannot_check"
    assert change.basis == "recomputed" and "125.0" in change.note


def test_a_change_the_release_printed_is_looked_up(data_copy):
    pkg = add_rows(data_copy, "jjj_index_shared,JJJ,2021,127.6,index,idx2021d",
                   "jjj_index_shared_change,JJJ,2021,1.8,index_points,idx2021d",
                   "jjj_index_shared,JJJ,2020,120.0,index,idx2021d")
    change = claim_result(pkg, "problems.shared_index_change_2021")   # printed 1.8 wins over 127.6 − 120.0
    assert (change.verdict, change.basis, change.reproduced) == ("matches_publication", "published", 1.8)


def test_six_industries_need_an_official_figure_for_each(data_copy):
    result = claim_result(data.load(data_copy), "problems.six_industries")
    assert result.verdict == "cannot_check" and "焦化" in result.note and "火电" in result.note
    ind = data_copy / "indicators.csv"
    with ind.open("a", encoding="utf-8") as fh:
        fh.write("capacity_cut_coke,压减焦炭产能,Coke capacity removed,10k_tonnes,true,test\n")
        fh.write("capacity_cut_thermal_power,关停火电机组,Thermal power capacity closed,10k_kw,true,test\n")
    # the published vintage lists the indicators it applies to
    rewrite(data_copy / "vintages.csv", "capacity_cut_cement capacity_cut_coal",
            "capacity_cut_cement capacity_cut_coal capacity_cut_coke capacity_cut_thermal_power")
    pkg = add_rows(data_copy, "capacity_cut_coke,CN-HE,2016,1000,10k_tonnes,published",
                   "capacity_cut_thermal_power,CN-HE,2017,17.4,10k_kw,published")
    assert claim_result(pkg, "problems.six_industries").verdict == "matches_publication"
