"""Chapter 06_culture: the premises of the report's culture priority, and the helpers behind its tables.

Every claim is run on the real data and on a copy of the data package with rows added (or removed),
so each can come out ``reproduced`` and ``differs`` or ``cannot_check``: a check that could only ever
give one verdict would be a stub.
"""

from __future__ import annotations

import pytest

from conftest import add_rows as _add_rows, DATA
from jjj_book import data
from jjj_book.claims import REGISTRY, evaluate_claim
from jjj_book.claims import culture as cu
from jjj_book.cli import notebook_parameters

SOURCE = "hb-stats-culture-2024"  # any existing source id will do for test rows



CLAIMS = ["culture.beijing_revenue_many_times_hebei", "culture.hebei_growth_above_national_latest",
          "culture.beijing_majority_of_three", "culture.museums_denser_in_beijing"]


@pytest.fixture(scope="module")
def pkg():
    return data.load(DATA)



def add_rows(data_dir, *rows: str):
    return _add_rows(data_dir, *rows, source=SOURCE)


def check(package, claim_id, vintage=None):
    return evaluate_claim(REGISTRY[claim_id], package, vintage)


def drop_rows(data_dir, prefix: str) -> None:
    path = data_dir / "observations.csv"
    kept = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(prefix)]
    assert len(kept) < len(path.read_text(encoding="utf-8").splitlines()), f"fixture setup: no row {prefix!r}"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- registry and notebook agree

def test_the_chapter_registers_premises_not_the_reports_numbers():
    mine = [c for c in REGISTRY.values() if c.chapter == cu.CHAPTER]
    assert [c.id for c in mine] == CLAIMS
    for c in mine:
        assert c.statement.startswith("报告的前提（本书转述）：") and c.reported is True and c.unit == "是/否"
    # the report's own culture figures stay in chapter 02, registered once
    assert not any(c.chapter == cu.CHAPTER and c.section == "problems-culture" for c in REGISTRY.values())


def test_parameters_are_literals_and_name_the_claims_vintage():
    params = notebook_parameters(DATA.parent / "chapters" / "06_culture.ipynb")
    assert {"data_dir", "start_year", "end_year", "published_vintage", "claims_json"} <= set(params)
    assert list(params)[-1] == "claims_json" and params["claims_json"] == ""
    for c in REGISTRY.values():
        if c.chapter == cu.CHAPTER:
            assert params[c.vintage_param] == c.vintage


# --------------------------------------------------------------------------- claims on the real data

def test_beijing_is_many_times_hebei_in_the_latest_common_year(pkg):
    year, bj, he = cu.revenue_ratio(pkg, "published")
    both = pkg.wide("culture_revenue", "published", regions=["CN-BJ", "CN-HE"]).dropna()
    assert year == both.index.max() and (bj, he) == tuple(both.loc[year])
    result = check(pkg, "culture.beijing_revenue_many_times_hebei")
    assert result.verdict == "reproduced" and f"{bj / he:.1f} 倍" in result.note and "法人单位" in result.note


def test_premises_without_common_years_are_uncheckable_with_a_reason(pkg):
    growth = check(pkg, "culture.hebei_growth_above_national_latest")
    assert growth.verdict == "cannot_check" and "全国" in growth.note
    share = check(pkg, "culture.beijing_majority_of_three")
    assert share.verdict == "cannot_check" and "天津" in share.note
    museums = check(pkg, "culture.museums_denser_in_beijing")
    assert museums.verdict == "cannot_check" and "河北" in museums.note


def test_the_restated_vintage_holds_no_revenue_level(pkg):
    # one vintage per check: the 'restated' vintage has no levels, so the ratio cannot borrow them
    assert check(pkg, "culture.beijing_revenue_many_times_hebei", "restated").verdict == "cannot_check"


# --------------------------------------------------------------------------- claims made checkable by added data

def test_ratio_uses_the_latest_common_year_and_can_differ(data_copy):
    pkg = add_rows(data_copy, "culture_revenue,CN-BJ,2025,1500,100m_yuan,published",
                   "culture_revenue,CN-HE,2025,1000,100m_yuan,published")
    result = check(pkg, "culture.beijing_revenue_many_times_hebei")
    assert result.verdict == "differs" and result.reproduced is False and "2025" in result.note
    drop_rows(data_copy, "culture_revenue,CN-HE,")
    assert check(data.load(data_copy), "culture.beijing_revenue_many_times_hebei").verdict == "cannot_check"


@pytest.mark.parametrize("national, verdict", [("3.0", "reproduced"), ("6.0", "differs"), ("4.0", "differs")])
def test_hebei_growth_is_compared_with_the_same_year(data_copy, national, verdict):
    pkg = add_rows(data_copy, f"culture_revenue_growth,CN,2024,{national},pct,published")
    result = check(pkg, "culture.hebei_growth_above_national_latest")
    assert result.verdict == verdict and "2024" in result.note


def test_beijing_share_of_the_three_needs_tianjin(data_copy):
    pkg = add_rows(data_copy, "culture_revenue,CN-TJ,2024,1000,100m_yuan,published")
    result = check(pkg, "culture.beijing_majority_of_three")
    bj, he = pkg.wide("culture_revenue", "published", regions=["CN-BJ", "CN-HE"]).loc[2024]
    assert result.verdict == "reproduced" and f"{bj / (bj + he + 1000) * 100:.1f}%" in result.note
    pkg = add_rows(data_copy, "culture_revenue,CN-TJ,2019,50000,100m_yuan,published",
                   "culture_revenue,CN-HE,2019,1000,100m_yuan,published")
    assert check(pkg, "culture.beijing_majority_of_three").verdict == "reproduced"  # 2024 is still the latest
    pkg = add_rows(data_copy, "culture_revenue,CN-TJ,2025,50000,100m_yuan,published",
                   "culture_revenue,CN-HE,2025,1000,100m_yuan,published",
                   "culture_revenue,CN-BJ,2025,20000,100m_yuan,published")
    assert check(pkg, "culture.beijing_majority_of_three").verdict == "differs"


def test_museum_density_uses_the_same_year_and_population(data_copy):
    pkg = add_rows(data_copy, "museums_registered,CN-HE,2021,100,count,published")
    pop = pkg.wide("population_yearend", "census7", regions=["CN-BJ", "CN-HE"]).loc[2021]
    bj = pkg.wide("museums_registered", "published", regions=["CN-BJ"]).loc[2021, "CN-BJ"]
    dens = cu.per_100k(pkg, "museums_registered", "published", ["CN-BJ", "CN-HE"]).loc[2021]
    assert dens["CN-BJ"] == pytest.approx(bj / pop["CN-BJ"] * 10) and dens["CN-HE"] == pytest.approx(100 / pop["CN-HE"] * 10)
    assert check(pkg, "culture.museums_denser_in_beijing").verdict == "reproduced"
    drop_rows(data_copy, "museums_registered,CN-HE,2021,")
    pkg = add_rows(data_copy, "museums_registered,CN-HE,2021,5000,count,published")
    assert check(pkg, "culture.museums_denser_in_beijing").verdict == "differs"


def test_museums_of_another_year_are_not_compared(data_copy):
    pkg = add_rows(data_copy, "museums_registered,CN-HE,2020,100,count,published")
    result = check(pkg, "culture.museums_denser_in_beijing")
    assert result.verdict == "cannot_check" and "2021" in result.note and "2020" in result.note


# --------------------------------------------------------------------------- the chapter's tables

def test_recommendation_table_is_computed_and_says_where_no_indicator_exists(pkg):
    table, rows = cu.recommendation_table(pkg, "published", 2019, 2024)
    assert list(table.columns) == ["建议（本书转述）", "指标", "最新值", "趋势", "来源"]
    assert len(table) == sum(len(inds) for _, inds in cu.RECOMMENDATIONS)
    assert (table["最新值"] == cu.NO_INDICATOR).sum() == sum(i is None for _, inds in cu.RECOMMENDATIONS for i, _ in inds)
    revenue = table.loc[table["指标"] == "规模以上文化企业营业收入"].iloc[0]
    assert "23,022.6" in revenue["最新值"] and "6.6%" in revenue["趋势"]  # growth as published, not from levels
    libraries = table.loc[table["指标"] == "公共图书馆机构数"].iloc[0]
    assert "持平" in libraries["趋势"]
    # a narrower window changes the latest value: it is computed, not stored
    early, _ = cu.recommendation_table(pkg, "published", 2019, 2021)
    assert "17,563.8" in early.loc[early["指标"] == "规模以上文化企业营业收入"].iloc[0]["最新值"]
    assert not rows.empty and set(rows["vintage"]) <= {"published", cu.latest_release(pkg)}


def test_index_row_stays_inside_one_release(pkg):
    table, _ = cu.recommendation_table(pkg, "published", 2019, 2024, "idx2022d")
    row = table.loc[table["指标"].str.contains("共享发展指数")].iloc[0]
    level = pkg.wide("jjj_index_shared", "idx2022d", regions=["JJJ"]).iloc[-1, 0]
    change = pkg.wide("jjj_index_shared_change", "idx2022d", regions=["JJJ"]).iloc[-1, 0]
    assert f"{level:.1f}" in row["最新值"] and f"{change:.1f} 点" in row["趋势"]


def test_missing_years_and_coverage(pkg):
    gaps = cu.missing_years(pkg, ["culture_revenue"], "published", 2019, 2024, ["CN-BJ", "CN-TJ"])
    assert gaps.set_index("地区").loc["天津", "缺少的年份"] == "全部年份"
    assert gaps.set_index("地区").loc["北京", "缺少的年份"] == "2020、2022—2023"
    cov = cu.coverage(pkg, "published", 2019, 2024)
    assert all("CN-TJ" not in regs for regs in cov.values())
    bare, total = cu.no_indicator_count()
    assert total == len(cu.RECOMMENDATIONS) and bare == sum(not regs for regs in cov.values())


def test_scopes_never_merge_different_definitions():
    assert cu.scope("culture_revenue", "CN-BJ") != cu.scope("culture_revenue", "CN-HE") == cu.scope("culture_revenue", "CN")
    assert cu.scope("public_libraries", "CN-BJ") != cu.scope("public_libraries", "CN")
    assert "备案" in cu.scope("museums_registered", "CN-BJ")
