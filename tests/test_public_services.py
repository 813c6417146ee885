"""Chapter 04_public_services: income gaps between and within the three, health per 1,000, pension rules.

Every claim of the chapter is a premise of the report's recommendations. The tests run each on the real
data and on copies of the data with rows added or changed, so each can come out reproduced, differs and
cannot_check (a claim that could only ever give one verdict would be a stub).
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import add_rows, DATA
from jjj_book import data, series
from jjj_book.claims import REGISTRY, evaluate_claim
from jjj_book.claims import public_services as ps



@pytest.fixture(scope="module")
def pkg():
    return data.load(DATA)




def drop_rows(data_dir, prefix: str, vintage: str) -> None:
    path = data_dir / "observations.csv"
    kept = [l for l in path.read_text(encoding="utf-8").splitlines()
            if not (l.startswith(prefix) and f",{vintage}," in l)]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def set_value(data_dir, prefix: str, vintage: str, value: float) -> None:
    """Replace the value of the one observation row starting with ``prefix`` in ``vintage``."""
    path = data_dir / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, l in enumerate(lines) if l.startswith(prefix) and f",{vintage}," in l]
    assert len(hits) == 1, (prefix, hits)
    cells = lines[hits[0]].split(",")
    cells[4] = str(value)
    lines[hits[0]] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(pkg, claim_id, vintage=None):
    return evaluate_claim(REGISTRY[claim_id], pkg, vintage)


# --------------------------------------------------------------------------- helpers

def test_pair_gaps_by_hand():
    income = pd.DataFrame({"CN-BJ": [100.0, 150.0], "CN-TJ": [80.0, 100.0], "CN-HE": [40.0, 75.0]}, index=[2016, 2024])
    g = ps.pair_gaps(income)
    assert g["ratio"].loc[2016, "CN-BJ/CN-HE"] == 2.5 and g["ratio"].loc[2024, "CN-BJ/CN-HE"] == 2.0
    assert g["yuan"].loc[2016, "CN-BJ/CN-HE"] == 60.0 and g["yuan"].loc[2024, "CN-BJ/CN-HE"] == 75.0
    assert g["ratio"].loc[2024, "CN-BJ/CN-TJ"] == 1.5


def test_latest_and_trend_compares_the_values_as_shown():
    assert ps.latest_and_trend(pd.Series(dtype=float)) is None
    assert ps.latest_and_trend(pd.Series({2020: 1.0}))[2].startswith("—")
    year, shown, trend = ps.latest_and_trend(pd.Series({2019: 4.9314, 2020: 4.9315}))
    assert (year, shown) == (2020, "4.93") and "基本持平" in trend
    assert "下降" in ps.latest_and_trend(pd.Series({2016: 2.66, 2024: 2.46}))[2]
    assert "扩大" in ps.latest_and_trend(pd.Series({2016: 32805.0, 2024: 50750.0}), "{:,.0f}", up="扩大")[2]


def test_income_table_keeps_complete_years_from_the_strategy_year(pkg):
    income = ps.income_table(pkg, "survey")
    assert income.notna().all().all() and income.index.min() >= ps.STRATEGY_YEAR
    assert list(income.columns) == series.PROVINCES
    disp = ps.income_dispersion(pkg, "survey")
    assert list(disp.index) == list(income.index)


def test_per_1000_of_one_region(pkg):
    tj = ps.per_1000_of(pkg, "health_tech_personnel", "published", "CN-TJ")
    personnel = pkg.wide("health_tech_personnel", "published", regions=["CN-TJ"]).loc[2020, "CN-TJ"]
    pop = pkg.wide("population_yearend", "census7", regions=["CN-TJ"]).loc[2020, "CN-TJ"]
    assert tj.loc[2020] == pytest.approx(personnel / pop * 1000)
    assert ps.per_1000_of(pkg, "health_tech_personnel", "published", "CN").empty  # no national population


def test_missing_years(pkg):
    gaps = ps.missing_years(pkg, "disposable_income_all", "survey", series.PROVINCES, 2014, 2024)
    assert 2014 in gaps["CN-HE"] and 2020 not in gaps.get("CN-HE", [])
    assert ps.missing_years(pkg, "no_such_indicator", "survey", ["CN-BJ"], 2020, 2021) == {"CN-BJ": [2020, 2021]}


# --------------------------------------------------------------------------- claims on the real data

def test_every_claim_gives_a_verdict_or_a_reason(pkg):
    ours = [c for c in REGISTRY.values() if c.chapter == ps.CHAPTER]
    assert len(ours) == 9
    for claim in ours:
        result = evaluate_claim(claim, pkg)
        assert claim.statement.startswith(ps.PREMISE)
        assert result.verdict in ("reproduced", "differs", "cannot_check")
        if result.verdict == "cannot_check":
            assert result.note, claim.id


def test_income_premises_on_the_real_data(pkg):
    for m in ps.MEASURES:
        result = check(pkg, f"public_services.income_gap_eased_{m}")
        assert result.verdict == "reproduced", result
    both = check(pkg, "public_services.bj_he_ratio_down_yuan_up")
    assert both.verdict == "reproduced" and "元" in both.note
    assert check(pkg, "public_services.urban_rural_ratio_fell_2021").verdict == "reproduced"
    assert check(pkg, "public_services.bj_urban_rural_yuan_gap_widened").verdict == "reproduced"


def test_health_and_pension_premises_cannot_be_checked_yet(pkg):
    below = check(pkg, "public_services.hebei_health_below_2020")
    assert below.verdict == "cannot_check" and "河北" in below.note and "北京" in below.note
    above = check(pkg, "public_services.tianjin_health_above_national_2020")
    assert above.verdict == "cannot_check" and "全国" in above.note and "人口" in above.note
    rules = check(pkg, "public_services.pension_rules_differ")
    assert rules.verdict == "cannot_check" and "缴费基数下限" in rules.note


# --------------------------------------------------------------------------- claims turned by changed data

def test_income_dispersion_claim_follows_the_data(pkg, data_copy):
    # Raise Hebei's latest income far above the others: dispersion must grow, the claim must differ.
    last = int(ps.income_table(pkg, "survey").index.max())
    set_value(data_copy, f"disposable_income_all,CN-HE,{last},annual,", "survey", 400000)
    result = check(data.load(data_copy), "public_services.income_gap_eased_theil")
    assert result.verdict == "differs" and result.reproduced is False
    drop_rows(data_copy, "disposable_income_all,CN-TJ,", "survey")
    assert check(data.load(data_copy), "public_services.income_gap_eased_cv").verdict == "cannot_check"


def test_bj_he_claim_differs_when_the_yuan_gap_shrinks(pkg, data_copy):
    income = ps.income_table(pkg, "survey")
    first, last = int(income.index.min()), int(income.index.max())
    # Hebei's last income so high that the yuan gap is below the first year's: ratio and gap both fall.
    gap0 = income.loc[first, "CN-BJ"] - income.loc[first, "CN-HE"]
    set_value(data_copy, f"disposable_income_all,CN-HE,{last},annual,", "survey", income.loc[last, "CN-BJ"] - gap0 + 100)
    result = check(data.load(data_copy), "public_services.bj_he_ratio_down_yuan_up")
    assert result.verdict == "differs"


def test_urban_rural_ratio_claim(data_copy):
    set_value(data_copy, "urban_rural_income_ratio,CN-TJ,2021,annual,", "survey", 1.90)
    result = check(data.load(data_copy), "public_services.urban_rural_ratio_fell_2021")
    assert result.verdict == "differs" and "1.90" in result.note
    drop_rows(data_copy, "urban_rural_income_ratio,CN-HE,2020,", "survey")
    result = check(data.load(data_copy), "public_services.urban_rural_ratio_fell_2021")
    assert result.verdict == "cannot_check" and "河北" in result.note


def test_bj_urban_rural_gap_claim(pkg, data_copy):
    table = series.urban_rural(pkg, "survey", ["CN-BJ"]).set_index("year")
    last = int(table.index.max())
    first_gap = table["gap"].iloc[0]
    set_value(data_copy, f"rural_disposable_income,CN-BJ,{last},annual,", "survey",
              table.loc[last, "urban"] - first_gap + 1000)
    assert check(data.load(data_copy), "public_services.bj_urban_rural_yuan_gap_widened").verdict == "differs"
    drop_rows(data_copy, "rural_disposable_income,CN-BJ,", "survey")
    assert check(data.load(data_copy), "public_services.bj_urban_rural_yuan_gap_widened").verdict == "cannot_check"


def test_hebei_health_premise_with_provincial_counts(data_copy):
    pkg = add_rows(data_copy, "health_tech_personnel,CN-BJ,2020,30.0,10k_persons,published",
                   "health_tech_personnel,CN-HE,2020,55.0,10k_persons,published")
    result = check(pkg, "public_services.hebei_health_below_2020")
    pop = pkg.wide("population_yearend", "census7", regions=["CN-HE"]).loc[2020, "CN-HE"]
    assert result.verdict == "reproduced" and f"{55.0 / pop * 1000:.2f}" in result.note
    set_value(data_copy, "health_tech_personnel,CN-HE,2020,annual,", "published", 90.0)  # ≈ 12 per 1,000
    assert check(data.load(data_copy), "public_services.hebei_health_below_2020").verdict == "differs"


def test_tianjin_above_national_once_the_national_population_exists(data_copy):
    pkg = add_rows(data_copy, "population_yearend,CN,2020,141212,10k_persons,census7")
    result = check(pkg, "public_services.tianjin_health_above_national_2020")
    tj = 11.40 / pkg.wide("population_yearend", "census7", regions=["CN-TJ"]).loc[2020, "CN-TJ"] * 1000
    national = 1067.8 / 141212 * 1000
    assert result.verdict == ("reproduced" if tj > national else "differs")
    assert f"{national:.2f}" in result.note
    set_value(data_copy, "population_yearend,CN,2020,annual,", "census7", 100000)  # national 10.7 per 1,000
    assert check(data.load(data_copy), "public_services.tianjin_health_above_national_2020").verdict == "differs"


def test_pension_rules_premise_once_the_indicators_exist(data_copy):
    with (data_copy / "indicators.csv").open("a", encoding="utf-8") as fh:
        fh.write("pension_employer_rate,城镇职工基本养老保险单位缴费比例,Employer contribution rate,pct,true,test\n")
        fh.write("pension_base_floor,城镇职工基本养老保险缴费基数下限,Contribution base floor,yuan,true,test\n")
    pkg = data.load(data_copy)
    assert "三地同年齐全" in check(pkg, "public_services.pension_rules_differ").note
    same = [f"pension_employer_rate,{r},2023,16,pct,published" for r in series.PROVINCES]
    pkg = add_rows(data_copy, *same)
    assert check(pkg, "public_services.pension_rules_differ").verdict == "differs"
    pkg = add_rows(data_copy, "pension_base_floor,CN-BJ,2023,6326,yuan,published",
                   "pension_base_floor,CN-TJ,2023,4497,yuan,published",
                   "pension_base_floor,CN-HE,2023,4049,yuan,published")
    result = check(pkg, "public_services.pension_rules_differ")
    assert result.verdict == "reproduced" and "2023" in result.note
