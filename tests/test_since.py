"""Chapter 08_since: the report's trend claims re-asked with later years."""

from __future__ import annotations

from conftest import DATA, rewrite
from jjj_book import data, since


def test_growth_leaders_extend_past_the_report():
    leaders = since.growth_leaders(data.load(DATA), "census5")
    assert leaders.index.max() > 2021
    row = leaders.loc[2021]
    assert row["fastest"] == max(("CN-BJ", "CN-TJ", "CN-HE"), key=lambda r: row[r])
    assert bool(row["hebei_fastest"]) == (row["CN-HE"] > max(row["CN-BJ"], row["CN-TJ"]))


def test_a_later_year_where_hebei_is_slower_shows_up(data_copy):
    path = data_copy / "observations.csv"
    line = next(l for l in path.read_text(encoding="utf-8").splitlines()
                if l.startswith("gdp_real_growth,CN-HE,2023,annual,") and ",communique," in l)
    cells = line.split(",")
    rewrite(path, line, ",".join(cells[:4] + ["0.5"] + cells[5:]))
    leaders = since.growth_leaders(data.load(data_copy), "communique")
    assert not leaders.loc[2023, "hebei_fastest"]


def test_reevaluate_reports_a_changed_verdict(data_copy):
    pkg = data.load(DATA)
    ends = {"census5": since.latest_common_year(pkg, "gdp", "census5")}
    before = since.reevaluate(pkg, ["census5"], ends)
    assert set(before["then"]) == {"reproduced"} and ends["census5"] > 2021
    # Hebei's output in the last year made so large that the Beijing–Hebei gap in yuan narrows
    path = data_copy / "observations.csv"
    line = next(l for l in path.read_text(encoding="utf-8").splitlines()
                if l.startswith(f"gdp,CN-HE,{ends['census5']},annual,") and ",census5," in l)
    cells = line.split(",")
    rewrite(path, line, ",".join(cells[:4] + ["900000"] + cells[5:]))
    after = since.reevaluate(data.load(data_copy), ["census5"], ends).set_index("claim")
    assert after.loc["status.pcgdp_gap_bj_he", "now"] == "differs"
    assert after.loc["status.pcgdp_gap_bj_he", "then"] == "reproduced"  # the report's own years are unchanged


def test_no_later_year_is_cannot_check():
    pkg = data.load(DATA)
    result = since.reevaluate(pkg, ["census4"], {"census4": None})
    assert set(result["now"]) == {"cannot_check"}
