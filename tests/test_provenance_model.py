"""The provenance model (jjj_book.provenance), a claim under every vintage (jjj_book.chapters.vintages),
the chapter calls that give numbers their provenance (ch.glue, ch.table, ch.verdicts, ch.chart_variants,
ch.provenance), and the page checker (tests/provenance_pages.py). The Sphinx extension's output on the
real built book: tests/test_chapter_provenance.py.

(tests/test_provenance.py is about data/PROVENANCE.md.)"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from conftest import ROOT, set_cell
from jjj_book import data
from jjj_book.claims import REGISTRY, evaluate_claim
from jjj_book.chapters.vintages import evaluate_traced, other_vintages, traced_alternatives
from jjj_book.provenance import REPORT_SOURCE, Provenance, Sourced, html_id, row_id, rows_of, wide_cells
from jjj_book.render import claim_key, verdict_list

from provenance_pages import numbers_without_provenance

# The one value test_the_inputs_follow_a_changed_value changes (Beijing's 2011 GDP, 4th-census revision).
CHANGED_ROW = "gdp,CN-BJ,2011,annual,"
CHANGED_VALUE = "17000.1"

PROVINCES = ["CN-BJ", "CN-TJ", "CN-HE"]
CODES = re.compile(r"CN-[A-Z]{2}|\bJJJ\b|census\d|communique|nbs-|100m_yuan")


@pytest.fixture(scope="module")
def pkg():
    return data.load(ROOT / "data")


def visible_strings(record: dict) -> list[str]:
    """Every value of a provenance record a reader can see (keys and the row/source/uses references are not)."""
    out = []
    for number in record["numbers"].values():
        out += [number["label"], number["value"], number["formula"]]
    for row in record["rows"].values():
        out += [str(v) for k, v in row.items() if k != "source"]
    for source in record["sources"].values():
        out += [v for k, v in source.items() if k != "url"]
    return out


# --------------------------------------------------------------------------- the model

def test_an_observation_is_its_row_and_its_source_in_chinese(pkg):
    prov = Provenance(pkg)
    rows = rows_of(pkg, "gdp", "census4", ["CN-BJ"], [2011])
    prov.add("bj", "17,188.8", rows=rows)
    number = prov.numbers["bj"]
    assert number["kind"] == "observation" and number["rows"] == [row_id("gdp", "CN-BJ", 2011, "annual", "census4")]
    row = prov.rows[number["rows"][0]]
    expected = float(rows["value"].iloc[0])
    assert row["indicator"] == "地区生产总值" and row["region"] == "北京" and row["year"] == 2011
    assert float(row["value"].removesuffix(row["unit"]).strip().replace(",", "")) == expected and row["unit"] == "亿元"
    assert row["vintage"] == pkg.vintage_name("census4")
    source = prov.sources[row["source"]]
    listed = pkg.sources.set_index("id").loc[row["source"]]
    assert source["publication"] == listed["publication"] and source["publisher"] == listed["publisher"]
    assert source["table"] == listed["table_or_release"] and source["date"] == str(listed["date"])
    assert not [s for s in visible_strings(prov.to_dict()) if CODES.search(s)]
    assert json.loads(prov.to_json()) == prov.to_dict() and prov.missing() == []


def test_a_derived_number_needs_a_formula_and_an_observation_one_row(pkg):
    prov = Provenance(pkg)
    rows = rows_of(pkg, "gdp", "census4", PROVINCES, [2011])
    assert len(rows) == 3
    with pytest.raises(ValueError, match="formula"):
        prov.add("total", "4.67", rows=rows)
    with pytest.raises(ValueError, match="exactly one row"):
        prov.add("total", "4.67", rows=rows, kind="observation")
    with pytest.raises(ValueError, match="no rows"):
        prov.add("nothing", "1")
    prov.add("count", "3", formula="无法核对的判断条数")      # a count of verdicts: a formula, no rows
    prov.add("total", "4.67", rows=rows, formula="三地之和")
    prov.add("share", "36.8", rows=rows.iloc[:1], formula="北京 ÷ 合计", uses=["total"])
    assert prov.numbers["total"]["kind"] == "derived" and len(prov.numbers["total"]["rows"]) == 3
    assert prov.missing() == []
    prov.numbers["share"]["uses"].append("not-there")
    assert prov.missing() == ["share"]


def test_rows_can_be_given_by_id_and_unknown_ones_are_refused(pkg):
    prov = Provenance(pkg)
    rid = row_id("gdp", "CN-HE", 2012, "annual", "census4")
    assert prov.add_rows([rid]) == [rid] and prov.rows[rid]["region"] == "河北"
    with pytest.raises(KeyError, match="no observation"):
        prov.add_rows([row_id("gdp", "CN-HE", 1900, "annual", "census4")])
    with pytest.raises(KeyError, match="sources.csv"):
        prov.add_source("no-such-source")


def test_a_reported_figure_comes_from_the_report_and_the_script_cannot_be_closed_early(pkg):
    prov = Provenance(pkg)
    prov.add_reported("r", "4.4 万亿元", label="</script><b>x</b>")
    assert prov.numbers["r"]["report"]["publication"] == REPORT_SOURCE["publication"]
    block = prov.script()
    assert block.count("</script>") == 1 and block.endswith("</script>")
    inner = re.fullmatch(r'<script type="application/json" class="jjj-provenance">(.*)</script>', block).group(1)
    assert json.loads(inner)["numbers"]["r"]["label"] == "</script><b>x</b>"


def test_wide_cells_name_each_cells_observation(pkg):
    wide = pkg.wide("gdp", "census4", regions=PROVINCES)
    cells = wide_cells(wide)
    assert cells[(2011, "CN-TJ")] == row_id("gdp", "CN-TJ", 2011, "annual", "census4")
    assert len(cells) == int(wide.notna().sum().sum())
    with pytest.raises(ValueError, match="attrs"):
        wide_cells(pd.DataFrame({"a": [1]}))


def test_html_ids_are_safe():
    assert html_id("gdp_2011") == "n-gdp_2011"
    assert html_id("t:1:2 x") == "n-t-1-2-x"


# --------------------------------------------------------------------------- a claim's inputs, under every vintage

def test_a_claims_inputs_are_the_rows_it_depends_on(pkg):
    result, rows = evaluate_traced(pkg, "status.gdp_2011")
    assert sorted(zip(rows["region"], rows["year"])) == sorted((r, 2011) for r in PROVINCES)
    assert set(rows["vintage"]) == {result.vintage}
    expected = rows["value"].sum() / 10000
    assert result.reproduced == pytest.approx(expected, abs=1e-6)


def test_the_inputs_follow_a_changed_value(data_copy):
    set_cell(data_copy / "observations.csv", CHANGED_ROW, "value", CHANGED_VALUE)
    pkg = data.load(data_copy)
    result, rows = evaluate_traced(pkg, "status.gdp_2011")
    assert float(rows.loc[rows["region"] == "CN-BJ", "value"].iloc[0]) == float(CHANGED_VALUE)
    assert result.reproduced == pytest.approx(rows["value"].sum() / 10000, abs=1e-6)


def test_a_claim_under_every_other_vintage(pkg):
    own = evaluate_claim(REGISTRY["status.gdp_2011"], pkg)
    alts = dict(other_vintages(pkg, own))
    assert own.vintage not in alts and alts, "no other vintage answers the 2011 GDP claim"
    held = {v for v in pkg.vintages_of("gdp") if len(pkg.series("gdp", v, regions=PROVINCES)
                                                      .query("year == 2011")) == 3}
    assert set(alts) == held - {own.vintage}
    for vintage, alt in alts.items():
        total = pkg.series("gdp", vintage, regions=PROVINCES).query("year == 2011")["value"].sum() / 10000
        assert alt.reproduced == pytest.approx(total, abs=1e-6) and alt.vintage == vintage
    traced = traced_alternatives(pkg, own)
    assert [v for v, _a, _r in traced] == list(alts)
    assert all(set(r["vintage"]) == {v} and len(r) == 3 for v, _a, r in traced)


# --------------------------------------------------------------------------- what the page gets

def test_verdict_lines_open_both_values_and_fold_the_other_vintages(pkg):
    result, rows = evaluate_traced(pkg, "status.gdp_2011")
    from jjj_book.provenance import add_claim

    prov = Provenance(pkg)
    add_claim(prov, result, rows)
    alts = traced_alternatives(pkg, result)
    for _v, alt, alt_rows in alts:
        add_claim(prov, alt, alt_rows)
    markup = verdict_list({result.id: result}, [result.id], pkg.vintage_name, provenance=prov,
                          alternatives={result.id: [(v, a) for v, a, _r in alts]}, anchor_prefix="x-")
    keys = set(re.findall(r'data-jjj-prov="([^"]+)"', markup))
    assert {claim_key(result.id, result.vintage, "reported"), claim_key(result.id, result.vintage, "book")} <= keys
    assert len(keys) == 2 + len(alts) and keys <= set(prov.numbers)
    assert 'id="x-claim-status-gdp_2011"' in markup and markup.count('class="jjj-alts"') == 1
    for vintage, _a, _r in alts:
        assert pkg.vintage_name(vintage) in markup
    assert 'class="jjj-provenance"' in markup
    assert not CODES.search(re.sub(r'(data-[\w-]+|id|class|name|value)="[^"]*"|<script.*?</script>', "", markup))
    plain = verdict_list({result.id: result}, [result.id], pkg.vintage_name)
    assert "data-jjj-prov" not in plain and "jjj-provenance" not in plain and "jjj-alts" not in plain


def test_glue_records_provenance_and_the_page_gets_it(ch, monkeypatch):
    shown = []
    monkeypatch.setattr("jjj_book.chapters._show_html", shown.append)
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    rows = rows_of(ch.pkg, "gdp", "census4", PROVINCES, [2011])
    assert ch.glue("t", rows["value"].sum(), rows=rows, formula="三地之和") == rows["value"].sum()
    ch.glue("plain", 3)
    assert "t" in ch.prov.numbers and "plain" not in ch.prov.numbers
    one = rows_of(ch.pkg, "gdp", "census4", ["CN-BJ"], [2011])
    assert ch.glue("s", Sourced(17.5, rows=one, label="北京")) == 17.5
    assert ch.prov.numbers["s"]["kind"] == "observation" and ch.prov.numbers["s"]["label"] == "北京"
    ch.glue("inc", 5.04, claim="status.gdp_increase_2011_2021")
    inc = ch.prov.numbers["inc"]
    assert inc["kind"] == "derived" and inc["formula"] == ch.results["status.gdp_increase_2011_2021"].note
    assert sorted(int(r.split("|")[2]) for r in inc["rows"]) == [2011] * 3 + [2021] * 3
    ch.glue("y", 2011, parameter=True, label="起点年份")
    assert ch.prov.numbers["y"]["kind"] == "parameter" and ch.prov.numbers["y"]["rows"] == []
    with pytest.raises(ValueError, match="no rows"):
        ch.glue("bad", 1, rows=one.iloc[0:0])
    ch.provenance()
    assert len(shown) == 1 and '"t":' in shown[0] and shown[0].startswith('<script type="application/json"')


def test_a_table_whose_cells_open_their_observations(ch):
    wide = ch.pkg.wide("gdp", "census4", regions=PROVINCES).loc[2011:2012]
    shown = wide.rename(columns=ch.names)
    markup = ch.table_html(shown, wide, name="gdp", caption="地区生产总值")
    assert markup.count('data-jjj-prov="gdp:') == 6 and 'id="n-gdp-1-2"' in markup
    block = json.loads(re.search(r'class="jjj-provenance">(.*?)</script>', markup).group(1))
    assert block["numbers"]["gdp:1:2"]["rows"] == [row_id("gdp", "CN-HE", 2012, "annual", "census4")]
    assert "<th>河北</th>" in markup and "CN-HE" not in re.sub(r"<script.*?</script>", "", markup)
    with pytest.raises(ValueError, match="must match"):
        ch.table_html(shown.iloc[:1], wide)


def test_chart_variants_show_one_vintage_and_its_verdict(ch):
    import matplotlib

    matplotlib.use("Agg")
    from jjj_book import plots

    figs = {}
    for v in ("census4", "census5"):
        fig, ax = plots.new_figure()
        (ax[0] if hasattr(ax, "__len__") else ax).plot([1, 2], [1, 2 if v == "census4" else 3])
        figs[v] = fig
    markup = ch.chart_variants_html(figs, default="census4", claims=["status.gdp_2011"],
                                    rows={v: ch.pkg.series("gdp", v) for v in figs}, name="gdp")
    assert markup.count('type="radio"') == 2 and markup.count(" hidden>") == 1
    panels = re.findall(r'<div class="jjj-variant" data-vintage="(\w+)"( hidden)?>', markup)
    assert panels == [("census4", ""), ("census5", " hidden")]
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', markup)
    assert len(images) == 2 and images[0] != images[1]
    assert ch.vintage_name("census5") in markup and len(set(re.findall(r' id="([^"]+)"', markup))) == \
        len(re.findall(r' id="([^"]+)"', markup)), "duplicate ids"
    with pytest.raises(KeyError):
        ch.chart_variants_html(figs, default="original")


# --------------------------------------------------------------------------- the extension and the page checker

def test_the_extension_is_registered():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "jjj_book.build.provenance" in config["sphinx"]["config"]["extensions"]


def test_the_checker_finds_a_number_without_provenance():
    page = ('<p><span class="pasted-text jjj-glued" id="n-a">4.65</span> <span class="pasted-text">扩大</span>'
            '<span class="pasted-text jjj-glued" id="n-b">7</span></p>'
            '<script type="application/json" class="jjj-provenance">'
            '{"numbers": {"a": {"rows": [], "uses": []}}, "rows": {}, "sources": {}}</script>')
    assert numbers_without_provenance(page) == ["glued 'n-b': 7"]
