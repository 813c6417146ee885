"""The claims of chapter 04_public_services (jjj_book.claims.public_services): income gaps between and
within the three, health per 1,000, pension rules, and the computations their checks use.

Every claim of the chapter is a premise of the report's recommendations. The tests run each on the real
data and on copies of the data with rows added or changed, so each can come out agreeing (recomputed or
matches_publication), differs and cannot_check (a claim that could only ever give one verdict would be a
stub). The chapter's tables are tested in test_chapter_public_services.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import add_rows, claim_result, drop_rows, rewrite, set_value
from jjj_book import data, series
from jjj_book.claims import PREMISE_PREFIX, REGISTRY, evaluate_claim
from jjj_book.claims import public_services as ps
from jjj_book.vocab import MEASURES, STRATEGY_YEAR, VERDICTS


# --------------------------------------------------------------------------- helpers

def test_pair_gaps_by_hand():
    income = pd.DataFrame({"CN-BJ": [100.0, 150.0], "CN-TJ": [80.0, 100.0], "CN-HE": [40.0, 75.0]}, index=[2016, 2024])
    g = ps.pair_gaps(income)
    assert g["ratio"].loc[2016, "CN-BJ/CN-HE"] == 2.5 and g["ratio"].loc[2024, "CN-BJ/CN-HE"] == 2.0
    assert g["yuan"].loc[2016, "CN-BJ/CN-HE"] == 60.0 and g["yuan"].loc[2024, "CN-BJ/CN-HE"] == 75.0
    assert g["ratio"].loc[2024, "CN-BJ/CN-TJ"] == 1.5


def test_income_table_keeps_complete_years_from_the_strategy_year(pkg):
    income = ps.income_table(pkg, "survey")
    assert income.notna().all().all() and income.index.min() >= STRATEGY_YEAR
    assert list(income.columns) == ps.PROVINCES
    disp = ps.income_dispersion(pkg, "survey")
    assert list(disp.index) == list(income.index)


def test_per_1000_of_one_region(pkg):
    tj = ps.per_1000_of(pkg, "health_tech_personnel", "published", "CN-TJ")
    personnel = pkg.wide("health_tech_personnel", "published", regions=["CN-TJ"]).loc[2020, "CN-TJ"]
    pop = pkg.wide("population_yearend", "census7", regions=["CN-TJ"]).loc[2020, "CN-TJ"]
    assert tj.loc[2020] == pytest.approx(personnel / pop * 1000)
    assert ps.per_1000_of(pkg, "health_tech_personnel", "published", "CN").empty  # no national population


# --------------------------------------------------------------------------- claims on the real data

def test_every_claim_gives_a_verdict_or_a_reason(pkg):
    ours = [c for c in REGISTRY.values() if c.chapter == ps.CHAPTER]
    assert len(ours) == 9
    for claim in ours:
        result = evaluate_claim(claim, pkg)
        assert claim.kind == "premise" and not claim.statement.startswith(PREMISE_PREFIX)
        assert result.verdict in VERDICTS
        if result.verdict == "cannot_check":
            assert result.note, claim.id


def test_income_premises_on_the_real_data(pkg):
    for m in MEASURES:
        result = claim_result(pkg, f"public_services.income_gap_eased_{m}")
        assert result.verdict == "recomputed" and result.basis == "recomputed", result
    both = claim_result(pkg, "public_services.bj_he_ratio_down_yuan_up")
    assert both.verdict == "recomputed" and "元" in both.note
    # No urban and rural income for 2020 and 2021 in the package: the printed ratios decide (not "cannot check").
    printed = claim_result(pkg, "public_services.urban_rural_ratio_fell_2021")
    assert printed.verdict == "matches_publication" and printed.basis == "published" and "统计部门公布" in printed.note
    assert claim_result(pkg, "public_services.bj_urban_rural_yuan_gap_widened").verdict == "recomputed"


def test_health_and_pension_premises_cannot_be_checked_yet(pkg):
    below = claim_result(pkg, "public_services.hebei_health_below_2020")
    assert below.verdict == "cannot_check" and "河北" in below.note and "北京" in below.note
    assert below.note.startswith("需要") and "统计公报" in below.note  # what would close the gap
    above = claim_result(pkg, "public_services.tianjin_health_above_national_2020")
    assert above.verdict == "cannot_check" and "全国" in above.note and "人口" in above.note
    rules = claim_result(pkg, "public_services.pension_rules_differ")
    assert rules.verdict == "cannot_check" and "缴费基数下限" in rules.note and "社会保障" in rules.note
    assert not any(code in r.note for r in (below, above, rules) for code in ("CN-", "census", "published"))


# --------------------------------------------------------------------------- claims turned by changed data

def test_income_dispersion_claim_follows_the_data(pkg, data_copy):
    # Raise Hebei's latest income far above the others: dispersion must grow, the claim must differ.
    last = int(ps.income_table(pkg, "survey").index.max())
    set_value(data_copy, f"disposable_income_all,CN-HE,{last},annual,", "survey", 400000)
    result = claim_result(data.load(data_copy), "public_services.income_gap_eased_theil")
    assert result.verdict == "differs" and result.reproduced is False
    drop_rows(data_copy, "disposable_income_all,CN-TJ,", vintage="survey")
    assert claim_result(data.load(data_copy), "public_services.income_gap_eased_cv").verdict == "cannot_check"


def test_bj_he_claim_differs_when_the_yuan_gap_shrinks(pkg, data_copy):
    income = ps.income_table(pkg, "survey")
    first, last = int(income.index.min()), int(income.index.max())
    # Hebei's last income so high that the yuan gap is below the first year's: ratio and gap both fall.
    gap0 = income.loc[first, "CN-BJ"] - income.loc[first, "CN-HE"]
    set_value(data_copy, f"disposable_income_all,CN-HE,{last},annual,", "survey", income.loc[last, "CN-BJ"] - gap0 + 100)
    result = claim_result(data.load(data_copy), "public_services.bj_he_ratio_down_yuan_up")
    assert result.verdict == "differs"


def test_urban_rural_ratio_claim(data_copy):
    set_value(data_copy, "urban_rural_income_ratio,CN-TJ,2021,annual,", "survey", 1.90)
    result = claim_result(data.load(data_copy), "public_services.urban_rural_ratio_fell_2021")
    assert result.verdict == "differs" and "1.90" in result.note
    drop_rows(data_copy, "urban_rural_income_ratio,CN-HE,2020,", vintage="survey")
    result = claim_result(data.load(data_copy), "public_services.urban_rural_ratio_fell_2021")
    assert result.verdict == "cannot_check" and "河北" in result.note


def test_bj_urban_rural_gap_claim(pkg, data_copy):
    table = series.urban_rural(pkg, "survey", ["CN-BJ"]).set_index("year")
    last = int(table.index.max())
    first_gap = table["gap"].iloc[0]
    set_value(data_copy, f"rural_disposable_income,CN-BJ,{last},annual,", "survey",
              table.loc[last, "urban"] - first_gap + 1000)
    assert claim_result(data.load(data_copy), "public_services.bj_urban_rural_yuan_gap_widened").verdict == "differs"
    drop_rows(data_copy, "rural_disposable_income,CN-BJ,", vintage="survey")
    assert claim_result(data.load(data_copy), "public_services.bj_urban_rural_yuan_gap_widened").verdict == "cannot_check"


def test_hebei_health_premise_with_provincial_counts(data_copy):
    pkg = add_rows(data_copy, "health_tech_personnel,CN-BJ,2020,30.0,10k_persons,published",
                   "health_tech_personnel,CN-HE,2020,55.0,10k_persons,published")
    result = claim_result(pkg, "public_services.hebei_health_below_2020")
    pop = pkg.wide("population_yearend", "census7", regions=["CN-HE"]).loc[2020, "CN-HE"]
    assert result.verdict == "recomputed" and f"{55.0 / pop * 1000:.1f}" in result.note
    set_value(data_copy, "health_tech_personnel,CN-HE,2020,annual,", "published", 90.0)  # ≈ 12 per 1,000
    assert claim_result(data.load(data_copy), "public_services.hebei_health_below_2020").verdict == "differs"


def test_tianjin_above_national_once_the_national_population_exists(data_copy):
    pkg = add_rows(data_copy, "population_yearend,CN,2020,141212,10k_persons,census7")
    result = claim_result(pkg, "public_services.tianjin_health_above_national_2020")
    tj = 11.40 / pkg.wide("population_yearend", "census7", regions=["CN-TJ"]).loc[2020, "CN-TJ"] * 1000
    national = 1067.8 / 141212 * 1000
    assert result.verdict == ("recomputed" if tj > national else "differs")
    assert f"{national:.1f}" in result.note
    set_value(data_copy, "population_yearend,CN,2020,annual,", "census7", 100000)  # national 10.7 per 1,000
    assert claim_result(data.load(data_copy), "public_services.tianjin_health_above_national_2020").verdict == "differs"


def test_pension_rules_premise_once_the_indicators_exist(data_copy):
    with (data_copy / "indicators.csv").open("a", encoding="utf-8") as fh:
        fh.write("pension_employer_rate,城镇职工基本养老保险单位缴费比例,Employer contribution rate,pct,true,test\n")
        fh.write("pension_base_floor,城镇职工基本养老保险缴费基数下限,Contribution base floor,yuan,true,test\n")
    rewrite(data_copy / "vintages.csv", " pension_employees pension_residents,",
            " pension_employees pension_residents pension_employer_rate pension_base_floor,")
    pkg = data.load(data_copy)
    assert "三地同一年份" in claim_result(pkg, "public_services.pension_rules_differ").note
    same = [f"pension_employer_rate,{r},2023,16,pct,published" for r in ps.PROVINCES]
    pkg = add_rows(data_copy, *same)
    assert claim_result(pkg, "public_services.pension_rules_differ").verdict == "differs"
    pkg = add_rows(data_copy, "pension_base_floor,CN-BJ,2023,6326,yuan,published",
                   "pension_base_floor,CN-TJ,2023,4497,yuan,published",
                   "pension_base_floor,CN-HE,2023,4049,yuan,published")
    result = claim_result(pkg, "public_services.pension_rules_differ")
    assert result.verdict == "matches_publication" and "2023" in result.note


def test_urban_rural_ratio_is_recomputed_where_both_incomes_exist(data_copy):
    rows = [f"{ind},{r},{y},{v},yuan,survey" for r in ps.PROVINCES for y, (u, v_) in
            {2020: (50000, 20000), 2021: (52000, 21500)}.items() for ind, v in
            (("urban_disposable_income", u), ("rural_disposable_income", v_))]
    pkg = add_rows(data_copy, *rows)
    result = claim_result(pkg, "public_services.urban_rural_ratio_fell_2021")
    assert result.basis == "recomputed" and result.verdict == "recomputed"  # 2.50 → 2.42 in each
    assert "2.50 → 2.42" in result.note and "本书由城乡收入计算" in result.note
    table, basis = ps.urban_rural_ratios(pkg, "survey", (2020, 2021))
    assert set(basis.values()) == {"recomputed"} and table.loc[2021, "CN-HE"] == pytest.approx(52000 / 21500)
