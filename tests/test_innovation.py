"""Chapter 03_innovation: the premises of the report's first strategic priority, and the chapter's helpers.

Every claim is run on the real data and on a copy with rows added (``add_rows``), so each check is
seen to come out reproduced and differs (or cannot_check) for a reason the test controls.
"""

from __future__ import annotations

import pytest

from conftest import DATA
from jjj_book import data
from jjj_book.claims import REGISTRY, evaluate_claim
from jjj_book.claims import innovation as inno
from conftest import add_rows


@pytest.fixture(scope="module")
def pkg():
    return data.load(DATA)


def check(package, claim_id, vintage=None):
    return evaluate_claim(REGISTRY[claim_id], package, vintage)


# --------------------------------------------------------------------------- the real data

def test_the_chapter_registers_its_premises_as_yes_no_claims():
    ours = [c for c in REGISTRY.values() if c.chapter == inno.CHAPTER]
    assert len(ours) == 7
    for claim in ours:
        assert claim.id.startswith("innovation.")
        assert claim.statement.startswith(inno.PREMISE)
        assert claim.reported is True and claim.unit == "是/否"
        assert claim.section.startswith("innovation-")


def test_hebei_is_far_below_in_the_latest_common_year(pkg):
    result = check(pkg, "innovation.hebei_rd_far_below")
    table = pkg.wide("rd_intensity", "published", regions=inno.PROVINCES).dropna()
    year = int(table.index.max())
    assert result.verdict == "reproduced" and f"{year}年" in result.note
    assert table.loc[year, "CN-HE"] < table.loc[year, "CN-BJ"] / 2


def test_the_beijing_hebei_ratio_uses_only_years_both_have(pkg):
    ratio = inno.rd_ratio_bj_he(pkg, "published")
    table = pkg.wide("rd_intensity", "published", regions=["CN-BJ", "CN-HE"]).dropna()
    assert list(ratio.index) == list(table.index)
    assert ratio.iloc[-1] == pytest.approx(table["CN-BJ"].iloc[-1] / table["CN-HE"].iloc[-1])
    result = check(pkg, "innovation.rd_gap_not_narrowed")
    assert result.verdict == ("reproduced" if ratio.iloc[-1] >= ratio.iloc[0] else "differs")
    assert "窗口" in result.note  # two years only: the note says it is too short for a trend


def test_flow_claims_on_the_real_data(pkg):
    grew = check(pkg, "innovation.bj_flows_grew")
    assert grew.verdict == "reproduced" and grew.note.startswith(f"{inno.FLOW_BASE_YEAR}年")
    share = check(pkg, "innovation.bj_flow_share_small")
    assert share.verdict == "cannot_check" and "没有同一年份" in share.note


def test_index_claims_stay_inside_one_release(pkg):
    # The release the report could use holds one year and no printed change: no verdict, and the 2020
    # value of the previous release must not be borrowed.
    for sub in inno.INDEX_SUBS:
        result = check(pkg, f"innovation.{sub}_index_rose")
        assert result.verdict == "cannot_check" and "不同批次" in result.note
    later = check(pkg, "innovation.innovation_index_rose", "idx2022d")
    printed = pkg.wide("jjj_index_innovation_change", "idx2022d", regions=["JJJ"])["JJJ"].iloc[-1]
    assert later.verdict == ("reproduced" if printed > 0 else "differs") and "印出" in later.note


# --------------------------------------------------------------------------- made checkable, or turned, by added rows

def test_far_below_turns_when_hebei_catches_up(data_copy):
    pkg = add_rows(data_copy, "rd_intensity,CN-BJ,2024,4.0,pct,published",
                   "rd_intensity,CN-TJ,2024,3.0,pct,published", "rd_intensity,CN-HE,2024,2.5,pct,published")
    result = check(pkg, "innovation.hebei_rd_far_below")
    assert result.verdict == "differs" and "2024年" in result.note


def test_gap_claim_follows_the_earliest_common_year(data_copy):
    pkg = add_rows(data_copy, "rd_intensity,CN-BJ,2020,5.0,pct,published")  # Hebei has 2020: ratio 5.0 / 1.75
    result = check(pkg, "innovation.rd_gap_not_narrowed")
    assert result.verdict == "reproduced" and result.note.startswith("北京 ÷ 河北：2020年 2.86 倍")
    assert "窗口" not in result.note


def test_gap_claim_needs_two_common_years(data_copy):
    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [l for l in lines if not (l.startswith("rd_intensity,CN-BJ,2022,") and ",published," in l)]
    assert len(kept) == len(lines) - 1
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = check(data.load(data_copy), "innovation.rd_gap_not_narrowed")
    assert result.verdict == "cannot_check" and "北京" in result.note and "河北" in result.note


def test_region_above_national_compares_the_latest_common_year(data_copy):
    pkg = add_rows(data_copy, "rd_intensity,JJJ,2023,2.0,pct,published")  # the country has no 2023 value
    assert check(pkg, "innovation.jjj_rd_above_national").verdict == "reproduced"
    pkg = add_rows(data_copy, "rd_intensity,CN,2023,2.6,pct,published")
    result = check(pkg, "innovation.jjj_rd_above_national")
    assert result.verdict == "differs" and result.note.startswith("2023年")


def test_flows_grew_compares_the_latest_year_with_the_base(data_copy):
    pkg = add_rows(data_copy, "tech_contracts_bj_to_tjhe,CN-BJ,2024,50,100m_yuan,published")
    assert check(pkg, "innovation.bj_flows_grew").verdict == "differs"
    path = data_copy / "observations.csv"
    kept = [l for l in path.read_text(encoding="utf-8").splitlines()
            if not l.startswith(f"tech_contracts_bj_to_tjhe,CN-BJ,{inno.FLOW_BASE_YEAR},")]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert check(data.load(data_copy), "innovation.bj_flows_grew").verdict == "cannot_check"


@pytest.mark.parametrize("turnover, verdict", [("10000", "reproduced"), ("5000", "differs")])
def test_flow_share_needs_beijing_turnover_of_the_same_year(data_copy, turnover, verdict):
    pkg = add_rows(data_copy, f"tech_contract_turnover,CN-BJ,2023,{turnover},100m_yuan,published")
    flow = pkg.wide("tech_contracts_bj_to_tjhe", "published", regions=["CN-BJ"]).loc[2023, "CN-BJ"]
    assert inno.bj_flow_share(pkg, "published").loc[2023] == pytest.approx(flow / float(turnover) * 100)
    result = check(pkg, "innovation.bj_flow_share_small")
    assert result.verdict == verdict and result.note.startswith("2023年")


def test_index_rose_uses_the_printed_change_else_two_years_of_one_release(data_copy):
    level = data.load(data_copy).wide("jjj_index_innovation", "idx2021d", regions=["JJJ"]).loc[2021, "JJJ"]
    pkg = add_rows(data_copy, f"jjj_index_innovation,JJJ,2020,{level + 5},index,idx2021d")
    result = check(pkg, "innovation.innovation_index_rose")
    assert result.verdict == "differs" and "同一批次" in result.note
    pkg = add_rows(data_copy, "jjj_index_innovation_change,JJJ,2021,2.5,index_points,idx2021d")
    result = check(pkg, "innovation.innovation_index_rose")  # the printed change wins over the two levels
    assert result.verdict == "reproduced" and "+2.5" in result.note
    assert check(pkg, "innovation.coordination_index_rose").verdict == "cannot_check"


# --------------------------------------------------------------------------- helpers

def test_rd_recomputed_divides_expenditure_by_gdp_of_one_vintage(pkg):
    table = inno.rd_recomputed(pkg, "published", "census4")
    row = table[(table["region"] == "CN-BJ") & (table["year"] == 2023)].iloc[0]
    gdp = pkg.wide("gdp", "census4", regions=["CN-BJ"]).loc[2023, "CN-BJ"]
    rd = pkg.wide("rd_expenditure", "published", regions=["CN-BJ"]).loc[2023, "CN-BJ"]
    assert row["recomputed"] == pytest.approx(rd / gdp * 100)
    other = inno.rd_recomputed(pkg, "published", "census5")
    assert other.loc[other["year"] == 2023, "recomputed"].iloc[0] != pytest.approx(row["recomputed"])
    assert set(table["region"]) <= set(inno.PROVINCES)  # no national GDP: the country is left out


def test_recommendation_table_names_every_gap_and_computes_latest_values(pkg):
    table = inno.recommendation_table(pkg, 2013, 2023, "published", "idx2021d")
    assert len(table) == sum(len(inds) + 1 for _, inds, _ in inno.RECOMMENDATIONS)
    assert (table["指标"] == inno.NO_INDICATOR).sum() == len(inno.RECOMMENDATIONS)
    assert [k for k in table["建议"] if k != "〃"] == [t.split("：")[0] for t, _, _ in inno.RECOMMENDATIONS]
    he = table[table["指标"] == "R&D投入强度·河北"].iloc[0]
    latest = pkg.wide("rd_intensity", "published", regions=["CN-HE"])["CN-HE"].dropna()
    assert he["最新值"] == f"{latest.iloc[-1]:,.2f}%（{int(latest.index[-1])}）"
    jjj = table[table["指标"] == "R&D投入强度·京津冀"].iloc[0]
    assert jjj["趋势"].startswith(f"上升 {inno.JJJ_RD_BREAK}→") and "断点" in jjj["趋势"]
    # A narrower window moves the latest value; no value at all shows as a gap.
    early = inno.recommendation_table(pkg, 2013, 2021, "published", "idx2021d")
    assert early[early["指标"] == "R&D投入强度·河北"].iloc[0]["最新值"].endswith("（2021）")
    none = inno.recommendation_table(pkg, 2010, 2011, "published", "idx2021d")
    assert (none["最新值"] == "—").all()


def test_missing_years(pkg):
    gaps = inno.missing_years(pkg, "tech_contracts_bj_to_tjhe", ["CN-BJ"], "published", 2013, 2023)
    have = set(pkg.wide("tech_contracts_bj_to_tjhe", "published", regions=["CN-BJ"]).index)
    assert gaps["CN-BJ"] == [y for y in range(2013, 2024) if y not in have]
