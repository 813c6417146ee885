"""Chapter 08_since (jjj_book.chapters.since): the report's trend claims re-asked with later years."""

from __future__ import annotations

import re

from conftest import rewrite, set_value
from jjj_book import data, series
from jjj_book.chapters import since

CODES = re.compile(r"CN-[A-Z]{2}|census\d|communique|status\.|problems\.")


def test_growth_leaders_extend_past_the_report(pkg):
    leaders = since.growth_leaders(pkg, "census5")
    assert leaders.index.max() > 2021
    row = leaders.loc[2021]
    assert row["fastest"] == max(("CN-BJ", "CN-TJ", "CN-HE"), key=lambda r: row[r])
    assert bool(row["hebei_fastest"]) == (row["CN-HE"] > max(row["CN-BJ"], row["CN-TJ"]))


def test_a_later_year_where_hebei_is_slower_shows_up(data_copy):
    set_value(data_copy, "gdp_real_growth,CN-HE,2023,annual,", "communique", "0.5")
    leaders = since.growth_leaders(data.load(data_copy), "communique")
    assert not leaders.loc[2023, "hebei_fastest"]
    facts = since.growth_facts(leaders, 2021)
    assert facts["every"] is False and facts["slower"] == "2021、2023"
    assert since.leaders_table(data.load(data_copy), leaders, "communique").data.loc["2023年", "增速最快"] == "北京"


def test_leaders_table_reads_without_codes(pkg):
    shown = since.leaders_table(pkg, since.growth_leaders(pkg, "communique"), "communique")
    frame = shown.data
    assert list(frame.columns) == ["北京", "天津", "河北", "增速最快"] and frame.columns.name == "年份（%）"
    text = " ".join(map(str, [*frame.index, *frame.to_numpy().ravel(), shown.caption]))
    assert not CODES.search(text) and "统计公报初步数" in shown.caption


def test_reevaluate_reports_a_changed_verdict(data_copy, pkg):
    ends = {"census5": since.latest_common_year(pkg, "gdp", "census5")}
    before = since.reevaluate(pkg, ["census5"], ends)
    assert set(before["then"]) == {"recomputed"} and set(before["now"]) == {"recomputed"}
    assert ends["census5"] > 2021 and since.changed(before)["changed"] == 0
    # Hebei's output in the last year made so large that the Beijing–Hebei gap in yuan narrows
    set_value(data_copy, f"gdp,CN-HE,{ends['census5']},annual,", "census5", "900000")
    after = since.reevaluate(data.load(data_copy), ["census5"], ends)
    by_claim = after.set_index("claim")
    assert by_claim.loc["status.pcgdp_gap_bj_he", "now"] == "differs"
    assert by_claim.loc["status.pcgdp_gap_bj_he", "then"] == "recomputed"  # the report's own years are unchanged
    moved = since.changed(after)
    assert moved["changed"] >= 1 and "北京与河北" in moved["which"]
    shown = since.reevaluation_table(data.load(data_copy), after, 2021, "census5").data
    assert shown.loc["北京与河北的人均差距以元计扩大", f"{ends['census5']}年"] == "× 不成立"
    assert shown.loc["北京与河北的人均差距以元计扩大", "2021年"] == "√ 成立"
    assert shown.columns.name == "判断（五经普修订数）"
    assert not CODES.search(" ".join(map(str, [*shown.index, *shown.columns])))


def test_the_later_end_year_stays_inside_the_segment_of_the_start(pkg, data_copy):
    # census4 splices a preliminary 2023 onto the final figures (a break): the comparison ends before it
    assert 2023 in pkg.wide("gdp", "census4").index and 2023 in series.breaks(pkg, "census4")
    assert since.latest_common_year(pkg, "gdp", "census4") == 2022
    assert since.latest_common_year(pkg, "gdp", "census5") == int(pkg.wide("gdp", "census5").dropna().index.max())
    path = data_copy / "vintages.csv"
    text = path.read_text(encoding="utf-8")
    rewrite(path, text[text.index("census4,"):].splitlines()[0],
            text[text.index("census4,"):].splitlines()[0].rsplit(",", 1)[0] + ",")   # no break: 2023 counts
    assert since.latest_common_year(data.load(data_copy), "gdp", "census4") == 2023


def test_no_later_year_is_cannot_check(pkg):
    result = since.reevaluate(pkg, ["census4"], {"census4": None})
    assert set(result["now"]) == {"cannot_check"}


def test_the_communique_is_never_used_across_years(pkg):
    result = since.reevaluate(pkg, ["communique"], {"communique": 2023})
    assert set(result["now"]) == {"cannot_check"}
    assert result["note"].str.contains("不能跨年").all()


def test_ratio_moves_and_dispersion_peak(pkg):
    moves = since.ratio_moves(pkg, "census4", 2014, 2021, 2022)
    assert moves["tj_word"] == ("缩小" if moves["tj_end"] < moves["tj_start"] else "扩大")
    peak = since.dispersion_peak(pkg, "census4", 2014, 2022)
    assert 2014 <= peak["peak"] <= 2022 and peak["peak_cv"] >= peak["end_cv"]
    assert peak["eased"] == ("此后回落" if peak["peak"] < 2022 else "尚未回落")


def test_income_ratio_facts(pkg):
    facts = since.income_ratio_facts(pkg, "survey", 2021)
    assert facts["bj_first"] < facts["bj_last"] and facts["bj_word"] == "下降"
    assert facts["lacking"] == "天津、河北"


def test_key_figures_print_lines_not_a_dict(pkg):
    vintages = ["census4", "census5"]
    ends = {v: since.latest_common_year(pkg, "gdp", v) for v in vintages}
    leaders = {v: since.growth_leaders(pkg, v) for v in ("communique", "census5")}
    text = since.key_figures(leaders, ends, since.reevaluate(pkg, vintages, ends))
    assert "{" not in text and "Hebei fastest (census5): 2019, 2020, 2022" in text
    found = since.key_findings(pkg, leaders, since.reevaluate(pkg, vintages, ends), ends,
                               "communique", "census5", "census4", 2014, 2021)
    assert all(type(v) in (int, float, str) for v in found.values()), found


def test_ratio_chart_has_a_panel_and_a_legend_per_vintage(pkg):
    fig = since.ratio_chart(pkg, ["census4", "census5"], 2012, 2021)
    assert len(fig.axes) == 2 and all(ax.get_legend() is not None for ax in fig.axes)
    assert any("数据来源" in t.get_text() for t in fig.texts)


# --------------------------------------------------------------------------- provenance on the built page (issue 16)
# No number of the page lacks provenance (on the real built book) and its numbers follow a changed value:
# tests/test_chapter_provenance.py, for every chapter.


def test_reevaluation_cells_follow_the_table_rows(pkg):
    vintages = ["census4", "census5"]
    ends = {v: since.latest_common_year(pkg, "gdp", v) for v in vintages}
    later = since.reevaluate(pkg, vintages, ends)
    shown = since.reevaluation_table(pkg, later, 2021, "census4").data
    cells = since.reevaluation_cells(pkg, later, 2021, "census4")
    assert {i for i, _ in cells} == set(range(len(shown)))
    for (i, j), (rows, formula) in cells.items():
        assert formula.startswith(shown.index[i]) and set(rows["vintage"]) <= {"census4", "census7"}
