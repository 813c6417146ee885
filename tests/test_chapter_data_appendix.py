"""What the data appendix computes (jjj_book.chapters.data_appendix): every table and catalogue entry of the
page follows the data package's files — checked against the files read independently here (csv, the
descriptor, PROVENANCE.md) and on data copies with a year dropped, a source or a rejected value added, a
vintage given a break — and the notebook keeps its sentences in Markdown."""

from __future__ import annotations

import csv
import json
import re

import pytest

from conftest import ROOT, add_rows, drop_rows, read_notebook, rewrite
from jjj_book import data
from jjj_book.chapters import data_appendix as da
from jjj_book.claims import Result, evaluate
from jjj_book.text import year_ranges

NOTEBOOK = ROOT / "chapters" / "data_appendix.ipynb"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def read_csv(folder, name: str) -> list[dict]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def rejected_lines(folder) -> list[str]:
    """The body rows of PROVENANCE.md's machine-readable rejected table, read as plain lines."""
    text = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    block = text.split("<!-- rejected:start -->")[1].split("<!-- rejected:end -->")[0]
    return [line for line in block.splitlines() if line.startswith("|")][2:]


# --------------------------------------------------------------------------- the package as a whole

def test_counts_and_resources_are_those_of_the_files(pkg):
    desc = json.loads((pkg.root / "datapackage.json").read_text(encoding="utf-8-sig"))
    observations = read_csv(pkg.root, "observations.csv")
    years = [int(r["year"]) for r in observations]
    assert da.counts(pkg) == {"n_indicators": len(read_csv(pkg.root, "indicators.csv")),
                              "n_obs": len(observations), "n_vintages": len(read_csv(pkg.root, "vintages.csv")),
                              "n_sources": len(read_csv(pkg.root, "sources.csv")),
                              "first_year": min(years), "last_year": max(years)}
    table = da.resources_table(pkg)
    assert list(table["文件"]) == [r["path"] for r in desc["resources"]]
    for res, (_, shown) in zip(desc["resources"], table.iterrows()):
        assert shown["行数"] == len(read_csv(pkg.root, res["path"])), res["path"]
        assert shown["列"].split("、") == [f["name"] for f in res["schema"]["fields"]]
    title, licence = da.title_and_licence(pkg)
    assert title == desc["title"] and all(lic["title"] in licence for lic in desc["licenses"])


def test_an_added_observation_year_moves_the_counts(data_copy):
    before = da.counts(data.load(data_copy))
    after = da.counts(add_rows(data_copy, f"gdp,CN-BJ,{before['last_year'] + 1},1,100m_yuan,census5"))
    assert after["n_obs"] == before["n_obs"] + 1 and after["last_year"] == before["last_year"] + 1


def test_regions_and_units_tables_list_every_row(pkg):
    regions, units = da.regions_table(pkg), da.units_table(pkg)
    assert list(regions["名称"]) == [r["name_zh"] for r in read_csv(pkg.root, "regions.csv")]
    assert not regions["类别"].isin(["province", "country", "region_group"]).any()   # kinds in Chinese
    assert list(units["编号"]) == [u["id"] for u in read_csv(pkg.root, "units.csv")]


# --------------------------------------------------------------------------- vintages

def test_every_vintage_is_labelled_comparable_or_not_with_its_breaks(pkg):
    rows = read_csv(pkg.root, "vintages.csv")
    table = da.vintage_table(pkg)
    assert list(table["版本"]) == [r["name_zh"] for r in rows]
    for r, label in zip(rows, table["可比序列"]):
        assert label.startswith("否") == (r["series"] == "no"), r["id"]
        assert re.findall(r"(\d{4})年起断开", label) == r["breaks"].split(), r["id"]
    entries = da.vintage_entries(pkg)
    assert [e.split("\n")[0] for e in entries] == [f"**{r['name_zh']}**（`{r['id']}`）" for r in rows]
    counts = da.series_counts(pkg)
    assert counts["n_series"] == sum(r["series"] != "no" for r in rows)
    assert counts["non_series_names"] == "、".join(f"“{r['name_zh']}”" for r in rows if r["series"] == "no")


@pytest.mark.parametrize("breaks, years", [("", "2011—2024"), ("2020", "2011—2019｜2020—2024"),
                                          ("2015 2020", "2011—2014｜2015—2019｜2020—2024")])
def test_a_break_written_into_vintages_csv_splits_the_years(data_copy, breaks, years):
    rows = read_csv(data_copy, "vintages.csv")
    census5 = next(r for r in rows if r["id"] == "census5")
    assert census5["series"] == "yes" and not census5["breaks"], "fixture setup: census5 has no break"
    census5["breaks"] = breaks
    with (data_copy / "vintages.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    pkg = data.load(data_copy)
    row = da.vintage_table(pkg).set_index("版本").loc[pkg.vintage_name("census5")]
    assert row["已有年份"] == years
    assert row["可比序列"] == "是" + "".join(f"，{b}年起断开" for b in breaks.split())
    entry = next(e for e in da.vintage_entries(pkg) if "（`census5`）" in e)
    assert f"已有年份**：{years}（" in entry


def test_the_communique_jump_is_the_pair_furthest_from_the_published_growth(pkg):
    obs = read_csv(pkg.root, "observations.csv")

    def pick(indicator: str) -> dict[int, float]:
        return {int(r["year"]): float(r["value"]) for r in obs
                if (r["indicator"], r["region"], r["vintage"], r["period"]) == (indicator, "CN-BJ", "communique", "annual")}

    level, real = pick("gdp"), pick("gdp_real_growth")
    pairs = [(a, a + 1) for a in level if a + 1 in level and a + 1 in real]
    a, b = max(pairs, key=lambda p: level[p[1]] / level[p[0]] - real[p[1]] / 100)
    jump = da.communique_jump(pkg)
    assert (jump["from"], jump["to"]) == (a, b)
    assert jump["jump"].value == pytest.approx((level[b] / level[a] - 1) * 100)
    assert jump["real"].value == real[b]
    assert sorted(jump["jump"].rows["year"]) == [a, b] and set(jump["jump"].rows["vintage"]) == {"communique"}


# --------------------------------------------------------------------------- indicators

def test_indicator_summary_and_entries_cover_every_indicator(pkg):
    indicators, obs = read_csv(pkg.root, "indicators.csv"), read_csv(pkg.root, "observations.csv")
    summary = da.indicator_summary(pkg)
    assert list(summary["指标"]) == [i["name_zh"] for i in indicators]
    assert list(summary["观测数"]) == [sum(r["indicator"] == i["id"] for r in obs) for i in indicators]
    entries = da.indicator_entries(pkg)
    for ind, entry in zip(indicators, entries):
        assert entry.startswith(f"`{ind['id']}` **{ind['name_zh']}**"), ind["id"]
        cited = {r["source_id"] for r in obs if r["indicator"] == ind["id"]}
        assert (f"**出处**（{len(cited)} 种）" in entry) == bool(cited), ind["id"]
        assert ("数据包中还没有观测" in entry) == (not cited), ind["id"]


def test_regions_with_the_same_years_are_grouped_and_a_dropped_year_splits_them(data_copy):
    pkg = data.load(data_copy)
    name = pkg.vintage_name("census5")
    assert f"{name}：北京市、天津市、河北省 2011—2024" in da.coverage(pkg, pkg.series("gdp", "census5"))
    drop_rows(data_copy, "gdp,CN-TJ,2015,", vintage="census5")
    pkg = data.load(data_copy)
    assert f"{name}：北京市、河北省 2011—2024；天津市 2011—2014、2016—2024" in da.coverage(
        pkg, pkg.series("gdp", "census5"))


def test_an_indicator_without_observations_is_listed_as_a_gap(data_copy):
    with (data_copy / "indicators.csv").open("a", encoding="utf-8") as fh:
        fh.write("zz_probe,试验指标,Probe indicator,yuan,true,只为测试而加的指标。\n")
    pkg = data.load(data_copy)
    held = {r["indicator"] for r in read_csv(data_copy, "observations.csv")}
    expected = [i["id"] for i in read_csv(data_copy, "indicators.csv") if i["id"] not in held]
    assert [e["id"] for e in da.empty_indicators(pkg)] == expected and "zz_probe" in expected
    assert "试验指标（`zz_probe`）" in da.empty_indicators_text(pkg)
    assert da.indicator_summary(pkg).set_index("指标").loc["试验指标", "年份"] == "—"
    drop_rows(data_copy, "urban_rural_income_ratio,")   # an indicator that had observations loses them all
    pkg = data.load(data_copy)
    now = [i["id"] for i in read_csv(data_copy, "indicators.csv") if i["id"] in {*expected, "urban_rural_income_ratio"}]
    assert [e["id"] for e in da.empty_indicators(pkg)] == now
    entry = next(e for e in da.indicator_entries(pkg) if e.startswith("`urban_rural_income_ratio`"))
    assert "数据包中还没有观测" in entry and "**出处**" not in entry


# --------------------------------------------------------------------------- sources

def test_one_source_entry_per_row_of_sources_csv_with_its_observations(pkg):
    sources, obs = read_csv(pkg.root, "sources.csv"), read_csv(pkg.root, "observations.csv")
    entries = da.source_entries(pkg)
    assert len(entries) == len(sources)
    for src, entry in zip(sources, entries):
        assert entry.startswith(f"`{src['id']}` {src['publisher']}《{src['publication']}》"), src["id"]
        n = sum(r["source_id"] == src["id"] for r in obs)
        assert f"；{n} 条观测\n" in entry, src["id"]
        assert (f"<{src['url']}>" in entry) == bool(src["url"]), src["id"]
    table = da.publisher_table(pkg)
    assert table["出处数"].sum() == len(sources) and table["观测数"].sum() == len(obs)
    assert list(table["观测数"]) == sorted(table["观测数"], reverse=True)
    kinds = [s["address_kind"] for s in sources]
    assert da.address_counts(pkg) == {"n_official": kinds.count("official"), "n_index": kinds.count("official_index"),
                                      "n_none": kinds.count("none")}


def test_a_source_added_to_sources_csv_gets_an_entry_without_address(data_copy):
    with (data_copy / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write("zz-probe,测试机构,测试出版物,表1,2020,,none,,\n")
    pkg = data.load(data_copy)
    entry = da.source_entries(pkg)[-1]
    assert entry == "`zz-probe` 测试机构《测试出版物》\n: 表1；2020；0 条观测\n: 官方网址：未找到官方网址"
    assert da.publisher_table(pkg).set_index("发布机构").loc["测试机构"].tolist() == [1, 0]


# --------------------------------------------------------------------------- values seen and not stored

def test_one_rejected_row_per_row_of_the_provenance_table(pkg):
    lines = rejected_lines(pkg.root)
    table = da.rejected_table(pkg)
    assert len(table) == len(lines) > 0
    for line, (_, shown) in zip(lines, table.iterrows()):
        _indicator, _region, year, _vintage, value, _why, why_zh = [c.strip() for c in line.strip("|").split("|")]
        assert shown["哪一个数"].endswith(f"：{value}") and shown["没有收录的原因"] == why_zh
        assert (f"{year}年" in shown["哪一个数"]) == (year != "*")
        assert not re.search(r"CN-|census|communique", shown["哪一个数"])   # names, never codes


def test_a_rejected_value_added_to_provenance_md_is_listed(data_copy):
    before = len(da.rejected_table(data.load(data_copy)))
    rewrite(data_copy / "PROVENANCE.md", "\n<!-- rejected:end -->",
            "\n| gdp_per_capita | CN-HE | 2017 | census5 | 1 | a test's rejected value | 测试加入的舍弃值 |\n"
            "<!-- rejected:end -->")
    pkg = data.load(data_copy)
    table = da.rejected_table(pkg)
    assert len(table) == before + 1 == len(rejected_lines(data_copy))
    assert table.iloc[-1].tolist() == ["人均地区生产总值", f"河北省2017年（{pkg.vintage_name('census5')}）：1",
                                       "测试加入的舍弃值"]


# --------------------------------------------------------------------------- gaps

def _result(chapter: str, verdict: str, statement: str, note: str = "") -> Result:
    return Result(id=f"x.{statement}", chapter=chapter, section="", statement=statement, reported=1.0,
                  reproduced=None, difference=None, unit="", verdict=verdict, vintage="census4", note=note)


@pytest.mark.parametrize("verdicts", [[], ["cannot_check"], ["recomputed", "cannot_check", "differs"],
                                      ["matches_publication", "recomputed"], ["cannot_check"] * 3])
def test_the_uncheckable_table_holds_exactly_the_cannot_check_claims(verdicts):
    results = [_result(f"0{k % 8 + 1}_x", v, f"说法{k}|甲\n乙", f"需要表{k}") for k, v in enumerate(verdicts)]
    table = da.uncheckable_table(results)
    wanted = [r for r in results if r.verdict == "cannot_check"]
    assert len(table) == len(da.open_claims(results)) == len(wanted)
    assert list(table["章节"]) == [f"{{doc}}`{r.chapter}`" for r in wanted]
    assert list(table["缺少的数据"]) == [r.note for r in wanted]
    assert all("|" not in s and "\n" not in s for s in table["报告的说法（转述）"])   # a pipe table stays one table


def test_the_uncheckable_claims_of_the_book_are_its_cannot_check_verdicts(pkg):
    results = evaluate(pkg)
    table = da.uncheckable_table(results)
    assert list(table["报告的说法（转述）"]) == [r.statement for r in results if r.verdict == "cannot_check"]
    assert 0 < len(table) < len(results)


def test_inner_gaps_agree_with_the_years_of_every_annual_series(pkg):
    obs = [r for r in read_csv(pkg.root, "observations.csv") if r["period"] == "annual"]
    held: dict[tuple, set] = {}
    for r in obs:
        held.setdefault((r["indicator"], r["vintage"], r["region"]), set()).add(int(r["year"]))
    expected = {key: [y for y in range(min(ys), max(ys) + 1) if y not in ys] for key, ys in held.items()}
    expected = {key: missing for key, missing in expected.items() if missing}
    gaps = da.inner_gaps(pkg)
    assert {(g.indicator, g.vintage, g.region): g.missing for g in gaps.itertuples()} == expected
    assert len(da.gap_table(pkg)) == len(expected)


@pytest.mark.parametrize("dropped, missing", [
    (["2015"], [2015]),                     # one middle year
    (["2015", "2016", "2020"], [2015, 2016, 2020]),
    (["2011"], []),                         # the first year: the series starts later, no gap
    (["2024", "2023"], []),                 # the last years: it ends earlier, no gap
])
def test_the_gap_table_lists_exactly_the_years_dropped_from_the_middle(data_copy, dropped, missing):
    drop_rows(data_copy, *[f"gdp,CN-BJ,{y}," for y in dropped], vintage="census5")
    pkg = data.load(data_copy)
    gaps = da.inner_gaps(pkg)
    mine = gaps[(gaps["indicator"] == "gdp") & (gaps["vintage"] == "census5") & (gaps["region"] == "CN-BJ")]
    assert [list(m) for m in mine["missing"]] == ([missing] if missing else [])
    table = da.gap_table(pkg)
    shown = table[(table["指标"] == "地区生产总值") & (table["版本"] == pkg.vintage_name("census5"))]
    assert list(shown["缺少"]) == ([year_ranges(missing)] if missing else [])
    assert list(shown["地区"]) == (["北京市"] if missing else [])


# --------------------------------------------------------------------------- the notebook

def test_the_notebook_keeps_its_sentences_in_markdown():
    nb = read_notebook(NOTEBOOK)
    code = sum(len(CJK.findall(c.source)) for c in nb.cells if c.cell_type == "code")
    prose = sum(len(CJK.findall(c.source)) for c in nb.cells if c.cell_type == "markdown")
    assert code / (code + prose) <= 0.15, f"{code} of {code + prose} Chinese characters in code cells"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # tests/test_book.py finds the count of rejected values on the built page by this sentence
    assert "共 {glue:text}`n_rejected` 个。下表由这张表生成" in markdown
    for name in re.findall(r"\{glue:(?:text|md)\}`(\w+)", markdown) + re.findall(r"\{glue:(?:md)?\} (\w+)", markdown):
        assert re.search(rf"ch\.glue\(\"{name}\"|for name in|ch\.glue\(name", "\n".join(
            c.source for c in nb.cells if c.cell_type == "code")), name
