"""The claims of chapter 03_innovation (jjj_book.claims.innovation): the premises of the report's first
strategic priority.

Every claim is run on the real data and on a copy with rows added (``add_rows``), so each check is
seen to agree (recomputed or matches_publication), differ or be cannot_check for a reason the test
controls. The chapter's tables are tested in test_chapter_innovation.py.
"""

from __future__ import annotations

import pytest

from jjj_book import data
from jjj_book.claims import PREMISE_PREFIX, REGISTRY
from jjj_book.claims import innovation as inno
from jjj_book.vocab import PROVINCES
from conftest import add_rows, claim_result, drop_rows


# --------------------------------------------------------------------------- the real data

def test_the_chapter_registers_its_premises_as_yes_no_claims():
    ours = [c for c in REGISTRY.values() if c.chapter == inno.CHAPTER]
    assert len(ours) == 7
    for claim in ours:
        assert claim.id.startswith("innovation.")
        assert claim.kind == "premise" and not claim.statement.startswith(PREMISE_PREFIX)
        assert claim.reported is True and claim.unit == "是/否"
        assert claim.section.startswith("innovation-")


def test_hebei_is_far_below_in_the_latest_common_year(pkg):
    result = claim_result(pkg, "innovation.hebei_rd_far_below")
    table = pkg.wide("rd_intensity", "published", regions=PROVINCES).dropna()
    year = int(table.index.max())
    assert result.verdict == "matches_publication" and result.basis == "published" and f"{year}年" in result.note
    assert table.loc[year, "CN-HE"] < table.loc[year, "CN-BJ"] / 2


def test_the_beijing_hebei_ratio_uses_only_years_both_have(pkg):
    ratio = inno.rd_ratio_bj_he(pkg, "published")
    table = pkg.wide("rd_intensity", "published", regions=["CN-BJ", "CN-HE"]).dropna()
    assert list(ratio.index) == list(table.index)
    assert ratio.iloc[-1] == pytest.approx(table["CN-BJ"].iloc[-1] / table["CN-HE"].iloc[-1])
    result = claim_result(pkg, "innovation.rd_gap_not_narrowed")
    assert result.verdict == ("recomputed" if ratio.iloc[-1] >= ratio.iloc[0] else "differs")
    assert "窗口" in result.note  # two years only: the note says it is too short for a trend


def test_flow_claims_on_the_real_data(pkg):
    grew = claim_result(pkg, "innovation.bj_flows_grew")
    assert grew.verdict == "matches_publication" and grew.note.startswith(f"{inno.FLOW_BASE_YEAR}年")
    assert "倍" not in grew.note  # separate yearly releases: no multiple of the base year
    share = claim_result(pkg, "innovation.bj_flow_share_small")
    assert share.verdict == "cannot_check" and "北京技术合同成交总额" in share.note and "统计公报" in share.note


def test_index_claims_stay_inside_one_release(pkg):
    # The release the report could use holds one year and no printed change: no verdict, and the 2020
    # value of the previous release must not be borrowed.
    for sub in inno.INDEX_SUBS:
        result = claim_result(pkg, f"innovation.{sub}_index_rose")
        assert result.verdict == "cannot_check" and "不同批次" in result.note and "2020年" in result.note
        assert "idx" not in result.note  # the release by name, never by id
    later = claim_result(pkg, "innovation.innovation_index_rose", "idx2022d")
    printed = pkg.wide("jjj_index_innovation_change", "idx2022d", regions=["JJJ"])["JJJ"].iloc[-1]
    assert later.verdict == ("matches_publication" if printed > 0 else "differs") and "印出" in later.note
    assert later.basis == "published"


# --------------------------------------------------------------------------- made checkable, or turned, by added rows

def test_far_below_turns_when_hebei_catches_up(data_copy):
    pkg = add_rows(data_copy, "rd_intensity,CN-BJ,2024,4.0,pct,published",
                   "rd_intensity,CN-TJ,2024,3.0,pct,published", "rd_intensity,CN-HE,2024,2.5,pct,published")
    result = claim_result(pkg, "innovation.hebei_rd_far_below")
    assert result.verdict == "differs" and "2024年" in result.note


def test_gap_claim_follows_the_earliest_common_year(data_copy):
    pkg = add_rows(data_copy, "rd_intensity,CN-BJ,2020,5.0,pct,published")  # Hebei has 2020: ratio 5.0 / 1.75
    result = claim_result(pkg, "innovation.rd_gap_not_narrowed")
    assert result.verdict == "recomputed" and result.note.startswith("北京÷河北：2020年2.86倍")
    assert "窗口" not in result.note


def test_gap_claim_needs_two_common_years(data_copy):
    assert drop_rows(data_copy, "rd_intensity,CN-BJ,2022,", vintage="published") == 1
    result = claim_result(data.load(data_copy), "innovation.rd_gap_not_narrowed")
    assert result.verdict == "cannot_check" and "北京" in result.note and "河北" in result.note


def test_region_above_national_compares_the_latest_common_year(data_copy):
    pkg = add_rows(data_copy, "rd_intensity,JJJ,2023,2.0,pct,published")  # the country has no 2023 value
    assert claim_result(pkg, "innovation.jjj_rd_above_national").verdict == "matches_publication"
    pkg = add_rows(data_copy, "rd_intensity,CN,2023,2.6,pct,published")
    result = claim_result(pkg, "innovation.jjj_rd_above_national")
    assert result.verdict == "differs" and result.note.startswith("2023年")


def test_flows_grew_compares_the_latest_year_with_the_base(data_copy):
    pkg = add_rows(data_copy, "tech_contracts_bj_to_tjhe,CN-BJ,2024,50,100m_yuan,published")
    assert claim_result(pkg, "innovation.bj_flows_grew").verdict == "differs"
    drop_rows(data_copy, f"tech_contracts_bj_to_tjhe,CN-BJ,{inno.FLOW_BASE_YEAR},")
    assert claim_result(data.load(data_copy), "innovation.bj_flows_grew").verdict == "cannot_check"


@pytest.mark.parametrize("turnover, verdict", [("10000", "recomputed"), ("5000", "differs")])
def test_flow_share_needs_beijing_turnover_of_the_same_year(data_copy, turnover, verdict):
    pkg = add_rows(data_copy, f"tech_contract_turnover,CN-BJ,2023,{turnover},100m_yuan,published")
    flow = pkg.wide("tech_contracts_bj_to_tjhe", "published", regions=["CN-BJ"]).loc[2023, "CN-BJ"]
    assert inno.bj_flow_share(pkg, "published").loc[2023] == pytest.approx(flow / float(turnover) * 100)
    result = claim_result(pkg, "innovation.bj_flow_share_small")
    assert result.verdict == verdict and result.note.startswith("2023年")


def test_index_rose_uses_the_printed_change_else_two_years_of_one_release(data_copy):
    level = data.load(data_copy).wide("jjj_index_innovation", "idx2021d", regions=["JJJ"]).loc[2021, "JJJ"]
    pkg = add_rows(data_copy, f"jjj_index_innovation,JJJ,2020,{level + 5},index,idx2021d")
    result = claim_result(pkg, "innovation.innovation_index_rose")
    assert result.verdict == "differs" and "同一批次" in result.note and result.basis == "recomputed"
    pkg = add_rows(data_copy, "jjj_index_innovation_change,JJJ,2021,2.5,index_points,idx2021d")
    result = claim_result(pkg, "innovation.innovation_index_rose")  # the printed change wins over the two levels
    assert result.verdict == "matches_publication" and "+2.5" in result.note
    assert claim_result(pkg, "innovation.coordination_index_rose").verdict == "cannot_check"
