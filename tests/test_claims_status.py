"""The claims of chapter 01_status (jjj_book.claims.status) on the real data and on broken copies."""

from __future__ import annotations

import ast

import pytest

from conftest import ROOT, add_rows, drop_rows, row, set_value
from jjj_book import claims, data
from jjj_book.claims import status
from jjj_book.cli import notebook_parameters


def test_every_status_claim_gets_a_verdict_on_the_real_data(pkg):
    results = {r.id: r for r in claims.evaluate(pkg, chapter="01_status")}
    assert len(results) == 12
    assert all(r.verdict in claims.VERDICTS and r.kind == "report" for r in results.values())
    # the report's 2021 total is the communiqué one, summed by the book; its 2011 total matches no vintage held
    assert (results["status.gdp_2021"].verdict, results["status.gdp_2021"].basis) == ("recomputed", "recomputed")
    assert results["status.gdp_2011"].verdict == "differs"


def test_gdp_total_is_recomputed_from_the_data(data_copy):
    # Halving Beijing's 2011 census4 GDP must move the recomputed total by exactly that amount.
    before = claims.evaluate(data.load(data_copy), ids=["status.gdp_2011"])[0].reproduced
    bj = float(row(data_copy / "observations.csv", "gdp,CN-BJ,2011,annual,", "census4").split(",")[4])
    set_value(data_copy, "gdp,CN-BJ,2011,annual,", "census4", bj / 2)
    after = claims.evaluate(data.load(data_copy), ids=["status.gdp_2011"])[0].reproduced
    assert after == pytest.approx(before - bj / 2 * 1e-4)


# the row dropped (prefix, vintage), the claim, what its note then names and what it must not name
WITHOUT_A_PROVINCE = {
    "total": ("gdp,CN-TJ,2011,annual,", "census4", "status.gdp_2011", ["天津", "2011"], ["北京"]),
    "growth": ("gdp_real_growth,CN-TJ,2020,annual,", "communique", "status.hebei_fastest_2020",
               ["天津", "统计公报"], []),
}


@pytest.mark.parametrize("case", WITHOUT_A_PROVINCE)
def test_a_missing_province_makes_the_claim_uncheckable_and_is_named(data_copy, case):
    prefix, vintage, claim_id, named, not_named = WITHOUT_A_PROVINCE[case]
    assert drop_rows(data_copy, prefix, vintage=vintage) == 1
    result = claims.evaluate(data.load(data_copy), ids=[claim_id])[0]
    assert result.verdict == "cannot_check"
    assert all(w in result.note for w in named) and not any(w in result.note for w in not_named), result.note


def test_an_increase_is_never_taken_across_the_years_of_the_communique(pkg):
    with pytest.raises(claims.CannotCheck, match="不能跨年相减"):
        status.gdp_increase(pkg, "communique")


def test_hebei_slower_in_a_year_turns_the_verdict(data_copy):
    set_value(data_copy, "gdp_real_growth,CN-HE,2019,annual,", "communique", "1.0")
    result = claims.evaluate(data.load(data_copy), ids=["status.hebei_fastest_2019"])[0]
    assert (result.reproduced, result.verdict) == (False, "differs")


def test_urban_rural_claim_says_which_official_table_would_close_it(pkg):
    result = claims.evaluate(pkg, ids=["status.urban_rural_gap_tj"])[0]
    assert result.verdict == "cannot_check"
    assert "《天津统计年鉴》" in result.note and "2014年" in result.note
    assert "status." not in result.note and "CN-" not in result.note


@pytest.mark.parametrize("rural_2021, direction, verdict", [("30000", "widened", "recomputed"),
                                                             ("60000", "narrowed", "differs")])
def test_urban_rural_claim_is_recomputed_once_both_incomes_are_there(data_copy, rural_2021, direction, verdict):
    # Tianjin holds no income for 2014 or 2021: add all four and the claim is checked from them.
    pkg = add_rows(data_copy,
                   "urban_disposable_income,CN-TJ,2014,31506,yuan,survey",
                   "rural_disposable_income,CN-TJ,2014,17014,yuan,survey",
                   "urban_disposable_income,CN-TJ,2021,51486,yuan,survey",
                   f"rural_disposable_income,CN-TJ,2021,{rural_2021},yuan,survey")
    result = claims.evaluate(pkg, ids=["status.urban_rural_gap_tj"])[0]
    assert (result.reproduced, result.verdict, result.basis) == (direction, verdict, "recomputed")
    assert "14,492元" in result.note   # 31,506 − 17,014


def test_a_vintage_override_is_applied(pkg):
    result = claims.evaluate(pkg, ids=["status.gdp_2011"], vintage="census5")[0]
    assert result.vintage == "census5"
    assert result.reproduced != claims.evaluate(pkg, ids=["status.gdp_2011"])[0].reproduced


def test_a_chapter_evaluates_its_claims_in_the_vintages_of_its_parameters(pkg):
    params = notebook_parameters(ROOT / "chapters" / "01_status.ipynb") | {"gdp_vintage": "census5"}
    results = claims.evaluate_chapter(pkg, "01_status", params)
    assert set(results) == {c.id for c in claims.REGISTRY.values() if c.chapter == "01_status"}
    assert results["status.gdp_2011"].vintage == "census5"
    assert results["status.gdp_2021"].vintage == params["release_vintage"]
    with pytest.raises(KeyError, match="income_vintage"):
        claims.evaluate_chapter(pkg, "01_status", {"gdp_vintage": "census4", "release_vintage": "communique"})


def test_the_claims_module_imports_no_chapter_or_plotting_code():
    # tables and charts live in jjj_book.chapters.status; claims/ holds only the claims
    tree = ast.parse((ROOT / "src" / "jjj_book" / "claims" / "status.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    named = {f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not {m for m in imported | named if "chapters" in m or "plots" in m or "matplotlib" in m}, imported
