"""Numbers and verdict lines as a reader sees them."""

import re

import pytest

from jjj_book import render
from jjj_book.claims import REGISTRY, Result


@pytest.mark.parametrize("tolerance, unit, expected", [
    (0.05, "万亿元", 1), (0.005, "倍", 2), (0.5, "人/千人", 0), (0.0, "家", 0), (0.5, "万人", 0),
])
def test_decimals_follow_the_reports_rounding(tolerance, unit, expected):
    assert render.decimals_for(tolerance, unit) == expected


@pytest.mark.parametrize("value, unit, decimals, expected", [
    (5539.0, "家", None, "5,539家"),          # counts are integers
    (9.0, "人/千人", 0, "9人/千人"),            # no false precision
    (3.8, "%", 1, "3.8%"),                     # no space before a percent sign
    (-0.0001, "点", 1, "0.0点"),               # no negative zero
    (True, "是/否", None, "是"),
    ("widened", "方向", None, "扩大"),
    (None, "元", None, "—"),
    (float("nan"), "元", 0, "—"),
])
def test_format_value(value, unit, decimals, expected):
    assert render.format_value(value, unit, decimals) == expected


def _result(claim_id, verdict, reproduced, kind="report", note="说明"):
    claim = REGISTRY[claim_id]
    diff = None if not isinstance(reproduced, float) else reproduced - claim.reported
    return Result(claim.id, claim.chapter, claim.section, claim.statement, claim.reported, reproduced, diff,
                  claim.unit, verdict, claim.vintage, note, kind, "recomputed")


def visible_text(html: str) -> str:
    """The text a reader sees: tags stripped, attributes (ids, classes) gone."""
    return re.sub(r"<[^>]+>", "", html)


def test_a_verdict_line_shows_no_claim_id_but_anchors_it():
    line = render.verdict_line(_result("status.gdp_2011", "differs", 4.67))
    assert 'id="claim-status-gdp_2011"' in line
    text = visible_text(line)
    assert "status." not in text and "gdp_2011" not in text
    assert "报告：4.4万亿元 → 本书：4.67万亿元" in text
    assert "与报告不符" in text and "+0.27万亿元" in text


def test_cannot_check_claims_of_a_section_become_one_list():
    results = {i: _result(i, "cannot_check", None, note=f"缺{i[-2:]}") for i in
               ("status.urban_rural_gap_bj", "status.urban_rural_gap_tj", "status.urban_rural_gap_he")}
    results["status.gdp_2021"] = _result("status.gdp_2021", "recomputed", 9.64)
    html = render.verdict_list(results, list(results))
    assert html.count('class="jjj-cannot"') == 1
    assert html.count("<details") == 1                      # only the checked claim gets a folded line
    assert visible_text(html).count("无法核对") == 1


def test_premises_carry_their_own_label():
    premise = next(c for c in REGISTRY.values() if c.kind == "premise")
    line = render.verdict_line(_result(premise.id, "recomputed", premise.reported, kind="premise"))
    text = visible_text(line)
    assert "本书归纳的前提" in text and "报告的说法" not in text
    assert "本书检验：成立" in text and "报告：" not in text      # the report printed no value for a premise


def test_counts_name_every_verdict_even_zero():
    results = [_result("status.gdp_2011", "differs", 4.67), _result("status.gdp_2021", "recomputed", 9.64)]
    counts = render.verdict_counts(results)
    assert counts == {"recomputed": 1, "matches_publication": 0, "differs": 1, "cannot_check": 0}
    assert render.verdict_counts(results, kind="premise") == dict.fromkeys(counts, 0)
    assert render.counts_sentence(counts).startswith("复算相符 1 条")
