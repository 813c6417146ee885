"""Chapter 05_green: the helpers (year axis with gaps, one-source spans, compounding, the recommendation
table) and the chapter's premise claims, on the real data and on copies with rows added, changed or
dropped, so that every claim can come out reproduced, differs and cannot_check.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import add_rows, DATA
from jjj_book import data
from jjj_book.claims import REGISTRY, evaluate_claim, green

IDS = ["green.pm25_hebei_above_beijing", "green.pm25_fell_all_three", "green.hebei_crude_steel_fell",
       "green.energy_intensity_fell_2021", "green.green_index_rose"]


@pytest.fixture(scope="module")
def pkg():
    return data.load(DATA)




def drop_rows(data_dir, *prefixes: str) -> data.DataPackage:
    """Remove the observation rows starting with any of the prefixes (e.g. 'pm25_annual_mean,CN-TJ,')."""
    path = data_dir / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [l for l in lines if not any(l.startswith(p) for p in prefixes)]
    assert len(kept) < len(lines), f"fixture setup: no row starts with {prefixes}"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return data.load(data_dir)


def check(pkg, claim_id, vintage=None):
    return evaluate_claim(REGISTRY[claim_id], pkg, vintage)


# --------------------------------------------------------------------------- helpers

def test_compound_multiplies_the_annual_rates():
    assert green.compound(pd.Series([-10.0, -10.0])) == pytest.approx(-19.0)
    assert green.compound(pd.Series([], dtype=float)) == 0.0


def test_consecutive_run_is_the_latest_run():
    assert green.consecutive_run([2013, 2014, 2015, 2019, 2020, 2021]) == [2019, 2020, 2021]
    assert green.consecutive_run([2020, 2018]) == [2020]


def test_full_years_leaves_missing_years_as_gaps():
    table = pd.DataFrame({"CN-TJ": [48.0, 37.0]}, index=[2020, 2022])
    full = green.full_years(table, 2019, 2023)
    assert list(full.index) == [2019, 2020, 2021, 2022, 2023]
    assert full["CN-TJ"].isna().tolist() == [True, False, True, False, True]


def test_one_source_span_keeps_the_longest_span_of_one_source():
    rows = pd.DataFrame({"year": [2013, 2022, 2024], "value": [108.0, 36.8, 99.0],
                         "source_id": ["he", "he", "other"]})
    kept = green.one_source_span(rows)
    assert kept["year"].tolist() == [2013, 2022] and set(kept["source_id"]) == {"he"}


def test_sector_shares_sum_to_100(pkg):
    shares = green.sector_shares(pkg, "census5")
    total = shares["primary"] + shares["secondary"] + shares["tertiary"]
    assert not total.empty and ((total - 100).abs() < 1e-9).all().all()


def test_recommendation_table_computes_values_and_marks_missing_indicators(pkg):
    table = green.recommendation_table(pkg, "published", "census5", "idx2021d")
    assert list(table.columns) == ["建议（本书转述）", "指标", "最新值", "趋势", "来源（数据版本）"]
    for key in ("platform", "bases", "emerging"):
        row = table.loc[table["建议（本书转述）"] == green.RECOMMENDATIONS[key][0]].iloc[0]
        assert row["指标"] == green.NO_INDICATOR and row["最新值"] == "—" and green.MISSING[key]
    steel = pkg.wide("crude_steel_output", "published", regions=["CN-HE"])["CN-HE"].dropna()
    row = table.loc[table["指标"].str.contains("粗钢")].iloc[0]
    assert row["最新值"].startswith(f"{steel.iloc[-1]:,.0f}") and str(steel.index[-1]) in row["最新值"]
    assert "下降" in row["趋势"]
    gap = table.loc[table["指标"].str.contains("之差")].iloc[0]
    assert gap["最新值"].startswith("6.8") and "2022" in gap["最新值"]
    assert not table.attrs["rows"].empty and table.attrs["vintages"] == ["published", "census5", "idx2021d"]


def test_recommendation_table_without_data(data_copy):
    pkg = drop_rows(data_copy, "crude_steel_output,", "jjj_index_green,", "jjj_index_green_change,")
    table = green.recommendation_table(pkg, "published", "census5", "idx2021d")
    assert table.loc[table["指标"].str.contains("粗钢"), "最新值"].iloc[0] == "—"
    assert table.loc[table["建议（本书转述）"] == green.OVERALL[0], "最新值"].iloc[0] == "—"


# --------------------------------------------------------------------------- claims on the real data

def test_every_green_claim_is_a_premise_in_the_chapters_parameters(pkg):
    mine = [c for c in REGISTRY.values() if c.chapter == "05_green"]
    assert [c.id for c in mine] == IDS
    for claim in mine:
        assert claim.statement.startswith("报告的前提（本书转述）") and claim.reported is True
        assert claim.vintage_param in ("published_vintage", "index_release")


def test_premises_on_the_real_data(pkg):
    results = {i: check(pkg, i) for i in IDS}
    assert all(r.verdict == "reproduced" for r in results.values()), results
    assert "2022" in results["green.pm25_hebei_above_beijing"].note
    assert "天津 2020 年 48 → 2022 年 37" in results["green.pm25_fell_all_three"].note
    assert "-11.3%" in results["green.hebei_crude_steel_fell"].note
    assert "+8.5" in results["green.green_index_rose"].note


# --------------------------------------------------------------------------- claims on changed data

def test_pm25_premises_can_differ(data_copy):
    pkg = add_rows(data_copy, "pm25_annual_mean,CN-BJ,2024,40,ug_m3,published",
                   "pm25_annual_mean,CN-HE,2024,35,ug_m3,published",
                   "pm25_annual_mean,CN-TJ,2023,50,ug_m3,published", source="he-eeb-pm25")
    above = check(pkg, "green.pm25_hebei_above_beijing")
    assert (above.verdict, above.reproduced) == ("differs", False) and "2024" in above.note
    # Tianjin's 2023 row comes from another source than its 2020 and 2022 rows: the span ignores it ...
    fell = check(pkg, "green.pm25_fell_all_three")
    assert fell.verdict == "reproduced" and "天津 2020 年 48 → 2022 年 37" in fell.note
    # ... but the same source, later and higher, makes Tianjin rise.
    pkg = add_rows(data_copy, "pm25_annual_mean,CN-TJ,2024,50,ug_m3,published", source="tj-eeb-pm25")
    fell = check(pkg, "green.pm25_fell_all_three")
    assert (fell.verdict, fell.reproduced) == ("differs", False) and "2024 年 50" in fell.note


def test_pm25_premises_cannot_check_without_the_data(data_copy):
    pkg = drop_rows(data_copy, "pm25_annual_mean,CN-TJ,")
    fell = check(pkg, "green.pm25_fell_all_three")
    assert fell.verdict == "cannot_check" and "天津" in fell.note
    pkg = drop_rows(data_copy, "pm25_annual_mean,CN-BJ,")
    assert check(pkg, "green.pm25_hebei_above_beijing").verdict == "cannot_check"


def test_steel_premise_differs_and_cannot_check(data_copy):
    pkg = drop_rows(data_copy, "crude_steel_output,CN-HE,2023,")
    missing = check(pkg, "green.hebei_crude_steel_fell")
    assert missing.verdict == "cannot_check" and "2023" in missing.note
    pkg = add_rows(data_copy, "crude_steel_output,CN-HE,2023,30000,10k_tonnes,published")
    rose = check(pkg, "green.hebei_crude_steel_fell")
    assert (rose.verdict, rose.reproduced) == ("differs", False)


def test_energy_premise_differs_and_cannot_check(data_copy):
    pkg = drop_rows(data_copy, "energy_intensity_change,CN-TJ,2021,")
    missing = check(pkg, "green.energy_intensity_fell_2021")
    assert missing.verdict == "cannot_check" and "天津" in missing.note
    pkg = add_rows(data_copy, "energy_intensity_change,CN-TJ,2021,0.4,pct,published")
    up = check(pkg, "green.energy_intensity_fell_2021")
    assert (up.verdict, up.reproduced) == ("differs", False) and "+0.40%" in up.note


def test_green_index_change_stays_inside_one_release(data_copy):
    pkg = drop_rows(data_copy, "jjj_index_green_change,JJJ,2021,")
    # no printed change and no 2020 level in the same release: other releases' 2020 values are not used
    assert check(pkg, "green.green_index_rose").verdict == "cannot_check"
    pkg = add_rows(data_copy, "jjj_index_green,JJJ,2020,155.0,index,idx2021d")
    fell = check(pkg, "green.green_index_rose")
    assert (fell.verdict, fell.reproduced) == ("differs", False) and "-2.0" in fell.note
    assert math.isclose(pkg.wide("jjj_index_green", "idx2021d").loc[2021, "JJJ"], 153.0)
