"""The data package: the real one is valid, and each kind of bad input is named precisely."""

from __future__ import annotations

import json

import pytest

from jjj_book import data
from conftest import DATA, check, first_row, rewrite, set_cell


GDP_BJ_2011 = "gdp,CN-BJ,2011,annual,"


# --------------------------------------------------------------------------- the real package

def test_real_package_is_valid():
    assert data.validate(DATA) == []


def test_every_observation_resolves_to_a_cited_publication_and_a_vintage(pkg):
    obs = pkg.observations
    assert len(obs) > 300
    assert set(obs["source_id"]) <= set(pkg.sources["id"])
    assert set(obs["vintage"]) <= set(pkg.vintages["id"])
    assert (pkg.sources["publisher"] != "").all() and (pkg.sources["publication"] != "").all()
    # no publication is listed without being cited
    assert set(pkg.sources["id"]) == set(obs["source_id"])


def test_region_codes_are_iso_3166_2_with_chinese_names(pkg):
    assert {"CN-BJ", "CN-TJ", "CN-HE"} <= set(pkg.regions["code"])
    assert pkg.region_name("CN-HE") == "河北省"


def test_series_never_mixes_vintages(pkg):
    for vintage in pkg.vintages_of("gdp"):
        assert set(pkg.series("gdp", vintage)["vintage"]) == {vintage}


def test_frictionless_validates_the_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_utf8_with_bom_is_accepted(data_copy):
    path = data_copy / "observations.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + path.read_bytes())  # Excel's BOM, even twice
    assert data.validate(data_copy) == []


def test_tidy_csv_has_the_public_columns(pkg):
    header = pkg.tidy_csv().splitlines()[0]
    assert header == "indicator,region,year,period,value,unit,vintage,source_id"


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("bad, expected", [
    ("40,269.6", "expected a number"),
    ("—", "expected a number"),
    ("2021年", "expected a number"),
    ("…", "expected a number"),
])
def test_text_in_a_numeric_cell_is_located(data_copy, bad, expected):
    line_no = set_cell(data_copy / "observations.csv", GDP_BJ_2011, "value", f'"{bad}"')
    found = check(data_copy)
    assert any(f"observations.csv, line {line_no}, column 'value': {expected}" in p and repr(bad) in p
               for p in found), found


@pytest.mark.parametrize("column, bad, expected", [
    ("year", "2011年", "expected an integer"),
    ("year", "2099", "expected a year no later than"),
    ("region", "CN-XX", "expected a value listed in column 'code' of regions.csv; found 'CN-XX'"),
    ("source_id", "no-such-source", "expected a value listed in column 'id' of sources.csv; found 'no-such-source'"),
    ("value", "-1.5", "expected a non-negative level for gdp; found -1.5"),
    ("vintage", "", "expected a value (required); found an empty cell"),
    ("period", "yearly", "expected one of annual, Q1, H1, Q1-Q3; found 'yearly'"),
])
def test_bad_cell_is_located(data_copy, column, bad, expected):
    line_no = set_cell(data_copy / "observations.csv", GDP_BJ_2011, column, bad)
    found = check(data_copy)
    assert any(f"observations.csv, line {line_no}, column '{column}': {expected}" in p for p in found), found


def test_duplicate_row(data_copy):
    path = data_copy / "observations.csv"
    line_no, line = first_row(path, "gdp,CN-BJ,2011,annual,")
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    found = check(data_copy)
    assert any(f"a unique key (first used on line {line_no})" in p and "duplicate gdp/CN-BJ/2011" in p for p in found), found


def test_negative_growth_is_allowed(data_copy):
    set_cell(data_copy / "observations.csv", "gdp_real_growth,CN-BJ,", "value", "-1.5")
    assert check(data_copy) == []


def test_unit_that_does_not_match_the_indicator(data_copy):
    # 万元 where 亿元 is meant: off by a factor of 10,000
    (data_copy / "units.csv").write_text((data_copy / "units.csv").read_text(encoding="utf-8") + "10k_yuan,万元,10 thousand yuan\n",
                                          encoding="utf-8")
    line_no = set_cell(data_copy / "observations.csv", GDP_BJ_2011, "unit", "10k_yuan")
    assert any(f"line {line_no}, column 'unit': expected '100m_yuan', the unit of indicator gdp; found '10k_yuan'" in p
               for p in check(data_copy))


def test_missing_and_extra_columns(data_copy):
    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("source_id", "source")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = check(data_copy)
    assert any("observations.csv, line 1, column 'source_id': expected this column in the header" in p for p in found)
    assert any("observations.csv, line 1, column 'source': expected only the columns" in p for p in found)


def test_row_with_too_few_cells(data_copy):
    path = data_copy / "observations.csv"
    line_no, line = first_row(path, "gdp,CN-BJ,2011,annual,")
    rewrite(path, line, ",".join(line.split(",")[:5]))
    assert any(f"line {line_no}: expected 9 cells; found 5 cells" in p for p in check(data_copy))


def test_empty_file(data_copy):
    (data_copy / "observations.csv").write_text("", encoding="utf-8")
    assert any("observations.csv, line 1: expected a header row" in p for p in check(data_copy))


def test_missing_resource_file(data_copy):
    (data_copy / "sources.csv").unlink()
    assert any("sources.csv: expected the file of resource 'sources'; found no such file" in p for p in check(data_copy))


def test_malformed_descriptor(data_copy):
    (data_copy / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    found = check(data_copy)
    assert len(found) == 1 and "datapackage.json, line 1: expected valid JSON" in found[0]


def test_descriptor_without_resources(data_copy):
    (data_copy / "datapackage.json").write_text(json.dumps({"name": "x"}), encoding="utf-8")
    assert "expected a JSON object with a 'resources' list" in check(data_copy)[0]


def test_gbk_file_is_refused_with_a_hint(data_copy):
    path = data_copy / "observations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    found = check(data_copy)
    assert len(found) == 1 and "expected UTF-8 text" in found[0] and "GBK" in found[0]


def test_load_raises_with_every_problem(data_copy):
    path = data_copy / "observations.csv"
    _, line = first_row(path, "gdp,CN-BJ,2011,annual,")
    rewrite(path, line, line.replace("CN-BJ", "CN-XX", 1).replace(",annual,", ",yearly,", 1))
    with pytest.raises(data.DataError) as err:
        data.load(data_copy)
    assert len(err.value.problems) == 2
    assert "2 problem(s)" in str(err.value)


def test_missing_directory():
    found = check("/nonexistent/data")
    assert found == ["/nonexistent/data: expected a data directory; found no such directory"]


def test_citation_lists_publications_once_and_cuts_long_lists(pkg):
    one = pkg.citation(pkg.series("gdp", "census5"))
    assert one.startswith("国家统计局《") and "等" not in one
    many = pkg.citation(pkg.series("gdp", "communique"), limit=3)
    assert many.count("》") == 2 and "种出版物（逐条见本章“数据”下载和附录“数据说明”）" in many


# --------------------------------------------------------------------------- vintages and citations (second pass)

def test_a_vintage_must_say_whether_it_is_a_series(data_copy):
    path = data_copy / "vintages.csv"
    line_no, _ = first_row(path, "census7,")
    rewrite(path, "第七次全国人口普查后修订的年末常住人口。,population_yearend,yes,",
            "第七次全国人口普查后修订的年末常住人口。,population_yearend,maybe,")
    found = check(data_copy)
    assert any(f"vintages.csv, line {line_no}, column 'series': expected one of yes, no; found 'maybe'" in p
               for p in found), found


def test_a_break_is_a_list_of_years(data_copy):
    path = data_copy / "vintages.csv"
    line_no, line = first_row(path, "census4,")
    assert line.endswith(",yes,2023")
    rewrite(path, line, line[: -len("2023")] + "from 2023")
    found = check(data_copy)
    assert any(f"vintages.csv, line {line_no}, column 'breaks'" in p for p in found), found


def test_a_source_without_its_release_or_date_is_refused(data_copy):
    path = data_copy / "sources.csv"
    line_no = set_cell(path, "hb-stats-75yr,", "table_or_release", "")
    found = check(data_copy)
    assert any(f"sources.csv, line {line_no}, column 'table_or_release': expected a value (required)" in p
               for p in found), found


def test_the_kind_of_address_is_one_of_three(data_copy):
    path = data_copy / "sources.csv"
    line_no = set_cell(path, "hb-stats-75yr,", "address_kind", "mirror")
    found = check(data_copy)
    assert any(f"sources.csv, line {line_no}, column 'address_kind': expected one of official, official_index, none"
               in p for p in found), found
