"""The premises of chapter 06_culture (jjj_book.claims.culture). Every claim is run on the real data and on
a copy of the data package with rows added or removed, so each can come out agreeing, differs and
cannot_check: a check that could only ever give one verdict would be a stub.
"""

from __future__ import annotations

import pytest

from conftest import DATA, add_rows as _add_rows, claim_result, drop_rows
from jjj_book import data
from jjj_book.claims import REGISTRY
from jjj_book.claims import culture as cu
from jjj_book.cli import notebook_parameters

SOURCE = "hb-stats-culture-2024"  # any existing source id will do for test rows
CLAIMS = ["culture.beijing_revenue_many_times_hebei", "culture.hebei_growth_above_national_latest",
          "culture.beijing_majority_of_three", "culture.museums_denser_in_beijing"]


def add_rows(data_dir, *rows: str):
    return _add_rows(data_dir, *rows, source=SOURCE)


def test_the_chapter_registers_premises_not_the_reports_numbers():
    mine = [c for c in REGISTRY.values() if c.chapter == cu.CHAPTER]
    assert [c.id for c in mine] == CLAIMS
    for c in mine:
        assert c.kind == "premise" and c.reported is True and c.unit == "是/否"
    # the report's own culture figures stay in chapter 02, registered once
    assert not any(c.chapter == cu.CHAPTER and c.section == "problems-culture" for c in REGISTRY.values())


def test_parameters_are_literals_and_name_the_claims_vintage():
    params = notebook_parameters(DATA.parent / "chapters" / "06_culture.ipynb")
    assert {"data_dir", "start_year", "end_year", "published_vintage", "index_release"} == set(params)
    assert params["data_dir"] == ""   # the data package shipped with jjj_book
    for c in REGISTRY.values():
        if c.chapter == cu.CHAPTER:
            assert params[c.vintage_param] == c.vintage


def test_beijing_is_many_times_hebei_in_the_latest_common_year(pkg):
    year, bj, he = cu.revenue_ratio(pkg, "published")
    both = pkg.wide("culture_revenue", "published", regions=["CN-BJ", "CN-HE"]).dropna()
    assert year == both.index.max() and (bj, he) == tuple(both.loc[year])
    result = claim_result(pkg, "culture.beijing_revenue_many_times_hebei")
    assert result.verdict == "recomputed" and f"{bj / he:.1f}倍" in result.note and "法人单位" in result.note


def test_premises_without_common_years_say_which_publication_would_close_the_gap(pkg):
    growth = claim_result(pkg, "culture.hebei_growth_above_national_latest")
    assert growth.verdict == "cannot_check" and "需要国家统计局发布的2024年全国" in growth.note
    share = claim_result(pkg, "culture.beijing_majority_of_three")
    assert share.verdict == "cannot_check" and "需要天津市统计局" in share.note
    museums = claim_result(pkg, "culture.museums_denser_in_beijing")
    assert museums.verdict == "cannot_check" and "需要河北省文物局" in museums.note
    for r in (growth, share, museums):
        assert "CN-" not in r.note and "published" not in r.note


def test_the_restated_vintage_holds_no_revenue_level(pkg):
    # one vintage per check: the 'restated' vintage has no levels, so the ratio cannot borrow them
    assert claim_result(pkg, "culture.beijing_revenue_many_times_hebei", "restated").verdict == "cannot_check"


def test_ratio_uses_the_latest_common_year_and_can_differ(data_copy):
    pkg = add_rows(data_copy, "culture_revenue,CN-BJ,2025,1500,100m_yuan,published",
                   "culture_revenue,CN-HE,2025,1000,100m_yuan,published")
    result = claim_result(pkg, "culture.beijing_revenue_many_times_hebei")
    assert result.verdict == "differs" and result.reproduced is False and "2025" in result.note
    drop_rows(data_copy, "culture_revenue,CN-HE,")
    assert claim_result(data.load(data_copy), "culture.beijing_revenue_many_times_hebei").verdict == "cannot_check"


@pytest.mark.parametrize("national, verdict", [("3.0", "recomputed"), ("6.0", "differs"), ("4.0", "differs")])
def test_hebei_growth_is_compared_with_the_same_year(data_copy, national, verdict):
    pkg = add_rows(data_copy, f"culture_revenue_growth,CN,2024,{national},pct,published")
    result = claim_result(pkg, "culture.hebei_growth_above_national_latest")
    assert result.verdict == verdict and "2024" in result.note


def test_beijing_share_of_the_three_needs_tianjin(data_copy):
    pkg = add_rows(data_copy, "culture_revenue,CN-TJ,2024,1000,100m_yuan,published")
    result = claim_result(pkg, "culture.beijing_majority_of_three")
    bj, he = pkg.wide("culture_revenue", "published", regions=["CN-BJ", "CN-HE"]).loc[2024]
    assert result.verdict == "recomputed" and f"{bj / (bj + he + 1000) * 100:.1f}%" in result.note
    pkg = add_rows(data_copy, "culture_revenue,CN-TJ,2019,50000,100m_yuan,published",
                   "culture_revenue,CN-HE,2019,1000,100m_yuan,published")
    assert claim_result(pkg, "culture.beijing_majority_of_three").verdict == "recomputed"  # 2024 is still the latest
    pkg = add_rows(data_copy, "culture_revenue,CN-TJ,2025,50000,100m_yuan,published",
                   "culture_revenue,CN-HE,2025,1000,100m_yuan,published",
                   "culture_revenue,CN-BJ,2025,20000,100m_yuan,published")
    assert claim_result(pkg, "culture.beijing_majority_of_three").verdict == "differs"


def test_museum_density_uses_the_same_year_and_population(data_copy):
    pkg = add_rows(data_copy, "museums_registered,CN-HE,2021,100,count,published")
    pop = pkg.wide("population_yearend", "census7", regions=["CN-BJ", "CN-HE"]).loc[2021]
    bj = pkg.wide("museums_registered", "published", regions=["CN-BJ"]).loc[2021, "CN-BJ"]
    dens = cu.per_100k(pkg, "museums_registered", "published", ["CN-BJ", "CN-HE"]).loc[2021]
    assert dens["CN-BJ"] == pytest.approx(bj / pop["CN-BJ"] * 10) and dens["CN-HE"] == pytest.approx(100 / pop["CN-HE"] * 10)
    assert claim_result(pkg, "culture.museums_denser_in_beijing").verdict == "recomputed"
    drop_rows(data_copy, "museums_registered,CN-HE,2021,")
    pkg = add_rows(data_copy, "museums_registered,CN-HE,2021,5000,count,published")
    assert claim_result(pkg, "culture.museums_denser_in_beijing").verdict == "differs"


def test_museums_of_another_year_are_not_compared(data_copy):
    pkg = add_rows(data_copy, "museums_registered,CN-HE,2020,100,count,published")
    result = claim_result(pkg, "culture.museums_denser_in_beijing")
    assert result.verdict == "cannot_check" and "2021" in result.note and "2020" in result.note
