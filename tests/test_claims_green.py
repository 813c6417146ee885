"""The premise claims of chapter 05_green (jjj_book.claims.green), on the real data and on copies with
rows added or dropped, so that every claim can come out agreeing, differs and cannot_check.
"""

from __future__ import annotations

import math

import pytest

from conftest import add_rows, claim_result, drop_rows
from jjj_book import data
from jjj_book.claims import REGISTRY
from jjj_book.claims import green

IDS = ["green.pm25_hebei_above_beijing", "green.pm25_fell_all_three", "green.hebei_crude_steel_fell",
       "green.energy_intensity_fell_2021", "green.green_index_rose"]


def test_every_green_claim_is_a_premise_in_the_chapters_parameters():
    mine = [c for c in REGISTRY.values() if c.chapter == "05_green"]
    assert [c.id for c in mine] == IDS
    for claim in mine:
        assert claim.kind == "premise" and not claim.statement.startswith("报告的前提")
        assert claim.reported is True and claim.vintage_param in ("published_vintage", "index_release")


def test_premises_on_the_real_data(pkg):
    results = {i: claim_result(pkg, i) for i in IDS}
    # comparisons the book makes are recomputed; figures the bulletins print are looked up
    assert [results[i].verdict for i in IDS] == ["recomputed"] * 3 + ["matches_publication"] * 2, results
    assert "2022年" in results["green.pm25_hebei_above_beijing"].note
    assert "天津2020年48→2022年37" in results["green.pm25_fell_all_three"].note
    assert "-11.3%" in results["green.hebei_crude_steel_fell"].note
    assert "+8.5" in results["green.green_index_rose"].note


def test_pm25_premises_can_differ(data_copy):
    pkg = add_rows(data_copy, "pm25_annual_mean,CN-BJ,2024,40,ug_m3,published",
                   "pm25_annual_mean,CN-HE,2024,35,ug_m3,published",
                   "pm25_annual_mean,CN-TJ,2023,50,ug_m3,published", source="he-eeb-pm25")
    above = claim_result(pkg, "green.pm25_hebei_above_beijing")
    assert (above.verdict, above.reproduced) == ("differs", False) and "2024" in above.note
    # Tianjin's 2023 row comes from another source than its 2020 and 2022 rows: the span ignores it ...
    fell = claim_result(pkg, "green.pm25_fell_all_three")
    assert fell.verdict == "recomputed" and "天津2020年48→2022年37" in fell.note
    # ... but the same source, later and higher, makes Tianjin rise.
    pkg = add_rows(data_copy, "pm25_annual_mean,CN-TJ,2024,50,ug_m3,published", source="tj-eeb-pm25")
    fell = claim_result(pkg, "green.pm25_fell_all_three")
    assert (fell.verdict, fell.reproduced) == ("differs", False) and "2024年50" in fell.note


def test_pm25_premises_cannot_check_without_the_data_and_say_what_would_close_the_gap(data_copy):
    drop_rows(data_copy, "pm25_annual_mean,CN-TJ,")
    pkg = data.load(data_copy)
    fell = claim_result(pkg, "green.pm25_fell_all_three")
    assert fell.verdict == "cannot_check" and "需要天津" in fell.note and "公报" in fell.note
    drop_rows(data_copy, "pm25_annual_mean,CN-BJ,")
    pkg = data.load(data_copy)
    above = claim_result(pkg, "green.pm25_hebei_above_beijing")
    assert above.verdict == "cannot_check" and above.note.startswith("需要")


# claim, the row dropped, what its note then asks for; the row added back, the verdict, value and basis
# that follow, and what the note then says.
MISSING_THEN_TURNED = {
    "steel": ("green.hebei_crude_steel_fell", "crude_steel_output,CN-HE,2023,", "2023年的粗钢产量",
              "crude_steel_output,CN-HE,2023,30000,10k_tonnes,published", ("differs", False, "recomputed"),
              "2023年30,000万吨"),
    # the energy premise is looked up as the bulletin printed it
    "energy": ("green.energy_intensity_fell_2021", "energy_intensity_change,CN-TJ,2021,", "需要天津",
               "energy_intensity_change,CN-TJ,2021,0.4,pct,published", ("differs", False, "published"),
               "天津+0.4%"),
    # no printed change and no 2020 level in the same release: other releases' 2020 values are not used;
    # once the release holds both levels the book subtracts them: recomputed, not looked up (153.0 − 155.0)
    "green_index": ("green.green_index_rose", "jjj_index_green_change,JJJ,2021,", "2020、2021两年指数",
                    "jjj_index_green,JJJ,2020,155.0,index,idx2021d", ("differs", False, "recomputed"), "-2.0"),
}


@pytest.mark.parametrize("case", MISSING_THEN_TURNED)
def test_a_premise_cannot_check_without_its_row_and_differs_with_another(data_copy, case):
    claim_id, dropped, wanted, added, outcome, said = MISSING_THEN_TURNED[case]
    drop_rows(data_copy, dropped)
    missing = claim_result(data.load(data_copy), claim_id)
    assert missing.verdict == "cannot_check" and wanted in missing.note
    turned = claim_result(add_rows(data_copy, added), claim_id)
    assert (turned.verdict, turned.reproduced, turned.basis) == outcome and said in turned.note


def test_index_change_prefers_the_printed_change(pkg):
    assert green.index_change(pkg, green.GREEN_INDEX, "idx2021d", 2021) == (8.5, "published")
    # the 2021 level the green_index case above subtracts from (153.0 − 155.0 = −2.0)
    assert math.isclose(pkg.wide("jjj_index_green", "idx2021d").loc[2021, "JJJ"], 153.0)
