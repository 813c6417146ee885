"""`jjj-book import`: NBS exports and typed tables in, validated observations out, nothing lost.

The fixtures are written here in the shapes the NBS database exports (header lines, GBK or a
doubled UTF-8 BOM, tab-padded cells, footnotes, the source line, empty cells for years not yet
published, all provinces) and as a hand-typed table and an Excel workbook.
"""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import time

import pytest

from conftest import ROOT, VENV_BIN, check, cli_main
from jjj_book import data, importer

PROVINCES_31 = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
                "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
                "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
                "宁夏回族自治区", "新疆维吾尔自治区"]


def nbs_regions_by_years(indicator: str, years: list[int], values: dict[str, list[str]]) -> str:
    lines = ["数据库：分省年度数据", f"指标：{indicator}", "时间：最近10年",
             "地区," + ",".join(f"{y}年" for y in years)]
    for region in PROVINCES_31:
        lines.append(region + "," + ",".join(values.get(region, ["1.0"] * len(years))))
    lines += ["注：1.本表数据为测试用。", "　　　2.第二条注释。", "数据来源：国家统计局"]
    return "\n".join(lines) + "\n"


def run_import(tmp_path, *files, vintage="census7", source="nbs-db-census7-2025", extra=(), console=False):
    """`jjj-book import …` into ``tmp_path/data``: through ``cli.main`` in this process (the command's whole
    code path, without a Python start-up per test), or with ``console`` the installed console script as a
    user runs it. Either way a CompletedProcess (exit code, stdout, stderr)."""
    argv = ["import", *map(str, files), "--data-dir", str(tmp_path / "data"), "--vintage", vintage,
            "--source-id", source, *extra]
    if console:
        return subprocess.run([str(VENV_BIN / "jjj-book"), *argv], capture_output=True, text=True, cwd=ROOT)
    return cli_main(*argv)


def population_file(tmp_path, encoding="gbk", bom=b""):
    text = nbs_regions_by_years("年末常住人口(万人)", [2026, 2025], {
        "北京市": ["", "2190"], "天津市": ["", "1360"], "河北省": ["", "7300"]})
    path = tmp_path / f"pop_{encoding}.csv"
    path.write_bytes(bom + text.encode(encoding))
    return path


def obs_lines(data_dir):
    return (data_dir / "observations.csv").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("encoding, bom", [("gbk", b""), ("gb18030", b""), ("utf-8", b"\xef\xbb\xbf"),
                                           ("utf-8", b"\xef\xbb\xbf\xef\xbb\xbf")])
def test_an_nbs_export_is_read_in_every_encoding_users_have(data_copy, tmp_path, encoding, bom):
    parsed = importer.read_file(population_file(tmp_path, encoding, bom))
    assert parsed.layout == "regions x years"
    mapped = importer.map_cells(parsed, data.load(data_copy), "census7", "nbs-db-census7-2025")
    got = {(r["region"], r["year"]): r["value"] for r in mapped.rows}
    assert got == {("CN-BJ", "2025"): "2190", ("CN-TJ", "2025"): "1360", ("CN-HE", "2025"): "7300"}
    assert mapped.empty == 3  # 2026 not yet published
    assert len(mapped.skipped_regions) == 28  # the other provinces, reported not lost


def test_import_writes_new_rows_with_vintage_and_source_and_keeps_the_rest(data_copy, tmp_path):
    before = obs_lines(data_copy)
    result = run_import(tmp_path, population_file(tmp_path), console=True)  # one import end to end
    assert result.returncode == 0, result.stderr
    after = obs_lines(data_copy)
    assert after[: len(before)] == before
    added = after[len(before):]
    assert len(added) == 3 and all(",census7,nbs-db-census7-2025," in line for line in added)
    assert "new      population_yearend CN-BJ 2025" in result.stdout
    assert check(data_copy) == []


def test_dry_run_shows_changes_and_writes_nothing(data_copy, tmp_path):
    before = (data_copy / "observations.csv").read_bytes()
    text = nbs_regions_by_years("年末常住人口(万人)", [2021], {"北京市": ["2190"], "天津市": ["1373"], "河北省": ["7448"]})
    path = tmp_path / "pop.csv"
    path.write_text(text, encoding="utf-8")
    result = run_import(tmp_path, path, extra=["--dry-run"])
    assert result.returncode == 0, result.stderr
    old = [line for line in before.decode().splitlines() if line.startswith("population_yearend,CN-BJ,2021,annual,")
           and ",census7," in line][0].split(",")[4]
    assert f"changed  population_yearend CN-BJ 2021 annual: {old} → 2190" in result.stdout
    assert "dry run" in result.stdout
    assert (data_copy / "observations.csv").read_bytes() == before


def test_a_value_in_another_vintage_is_reported(data_copy, tmp_path):
    text = nbs_regions_by_years("地区生产总值(亿元)", [2011], {"北京市": ["16000"], "天津市": ["11000"], "河北省": ["24000"]})
    path = tmp_path / "gdp.csv"
    path.write_text(text, encoding="gbk")
    result = run_import(tmp_path, path, vintage="census4", source="nbs-db-census4-2021", extra=["--dry-run"])
    assert result.returncode == 0, result.stderr
    others = set(data.load(data_copy).observations.query("indicator == 'gdp' and region == 'CN-BJ' and year == 2011")["vintage"])
    assert others - {"census4"}, "fixture: the data have gdp CN-BJ 2011 in another vintage"
    for vintage in others - {"census4"}:
        assert f"in vintage {vintage}" in result.stdout
    assert "gdp CN-BJ 2011: 16000 here" in result.stdout


def test_indicators_by_years_for_one_region(data_copy, tmp_path):
    text = ("数据库：分省年度数据\n地区：河北省\n时间：最近5年\n指标,2021年,2020年\n"
            "地区生产总值(亿元)\t,40391.3\t,36206.9\t,\n年末常住人口(万人)\t,7448\t,\t,\n数据来源：国家统计局\n")
    path = tmp_path / "hebei.csv"
    path.write_text(text, encoding="utf-8-sig")
    parsed = importer.read_file(path)
    assert parsed.layout == "indicators x years"
    rows = importer.map_cells(parsed, data.load(data_copy), "communique", "hb-communique-2019").rows
    assert {(r["indicator"], r["year"], r["value"]) for r in rows} == {
        ("gdp", "2021", "40391.3"), ("gdp", "2020", "36206.9"), ("population_yearend", "2021", "7448")}


def test_regions_by_indicators_for_one_year_with_tab_padding(data_copy, tmp_path):
    text = ("\ufeff\ufeff数据库：分省年度数据 \n时间：2021年 \n地区\t,地区生产总值 (亿元) \t,人均地区生产总值 (元/人) \t,农林牧渔业增加值 (亿元) \t,\n"
            "北京市\t,44350.7\t,202607\t,113.4\t,\n上海市\t,47059.4\t,179907\t,100.2\t,\n注：1. 测试。\n数据来源：国家统计局")
    path = tmp_path / "one_year.csv"
    path.write_text(text, encoding="utf-8")
    parsed = importer.read_file(path)
    assert parsed.layout == "regions x indicators"
    pkg = data.load(data_copy)
    refused = importer.map_cells(parsed, pkg, "census5", "nbs-db-census5-2025")
    assert [p.found for p in refused.problems] == ["'农林牧渔业增加值 (亿元)'"]  # named once, not per row
    assert "an indicator of the package" in refused.problems[0].expected
    kept = importer.map_cells(parsed, pkg, "census5", "nbs-db-census5-2025", skip_unknown=True)
    assert {(r["indicator"], r["value"]) for r in kept.rows} == {("gdp", "44350.7"), ("gdp_per_capita", "202607")}


def test_a_unit_off_by_ten_thousand_is_refused_with_its_name(data_copy, tmp_path):
    text = nbs_regions_by_years("地区生产总值(万元)", [2021], {"北京市": ["402696000"]})
    path = tmp_path / "wan.csv"
    path.write_text(text, encoding="utf-8")
    before = (data_copy / "observations.csv").read_bytes()
    result = run_import(tmp_path, path, vintage="census4", source="nbs-db-census4-2021")
    assert result.returncode == 1
    assert "expected the unit of gdp: 亿元 (100m_yuan)" in result.stderr and "'万元'" in result.stderr
    assert "Traceback" not in result.stderr
    assert (data_copy / "observations.csv").read_bytes() == before


def test_a_typed_yearbook_table(data_copy, tmp_path):
    path = tmp_path / "typed.csv"
    path.write_text("指标,地区,年份,数值,单位\n城镇居民人均可支配收入,天津,2021,51486,元\n"
                    "rural_disposable_income,CN-TJ,2021,27955,yuan\n", encoding="utf-8")
    rows = importer.map_cells(importer.read_file(path), data.load(data_copy), "survey", "xjbt-yearbook-2020").rows
    assert {(r["indicator"], r["region"], r["value"]) for r in rows} == {
        ("urban_disposable_income", "CN-TJ", "51486"), ("rural_disposable_income", "CN-TJ", "27955")}


def test_an_excel_workbook(data_copy, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["数据库：分省年度数据"], ["指标：年末常住人口(万人)"], ["时间：最近5年"], ["地区", "2025年", "2024年"],
                ["北京市", "2190", "2183"], ["河北省", None, "7378"], ["数据来源：国家统计局"]]:
        sheet.append(row)
    path = tmp_path / "pop.xlsx"
    book.save(path)
    rows = importer.map_cells(importer.read_file(path), data.load(data_copy), "census7", "nbs-db-census7-2025").rows
    assert {(r["region"], r["year"], r["value"]) for r in rows} == {
        ("CN-BJ", "2025", "2190"), ("CN-BJ", "2024", "2183"), ("CN-HE", "2024", "7378")}


@pytest.mark.parametrize("content, expected", [
    (b"", "an empty file"),
    ("指标,地区,年份,数值,单位\ngdp,北京,2021,40,269.6,亿元\n".encode(), "6 cells"),  # an unquoted thousands comma splits the row
    ('indicator,region,year,value,unit\ngdp,CN-BJ,2021,"40,269.6",亿元\n'.encode(), "'40,269.6'"),
    ("indicator,region,year,value,unit\ngdp,CN-BJ,2021,—,亿元\n".encode(), "'—'"),
    ("indicator,region,year,value,unit\ngdp,CN-BJ,2021年,1,亿元\n".encode(), "'2021年'"),
    ("indicator,region,year,value,unit\ngdp,火星,2021,1,亿元\n".encode(), "'火星'"),
    ("indicator,region,year,value,unit\n人均收入,CN-BJ,2021,1,元\n".encode(), "'人均收入'"),
    ("地区,2021年\n北京市,1\n".encode(), "a line 指标：…"),
    ("hello,world\n1,2\n".encode(), "an NBS table"),
    ("数据库：分省年度数据\n指标：地区生产总值(亿元)\n地区,2021年\n北京市,1\n".encode("gbk") + "天津市,2\n".encode("utf-8"),
     "neither"),  # mixed encodings
])
def test_broken_import_files_get_a_message_and_nothing_is_written(data_copy, tmp_path, content, expected):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    before = (data_copy / "observations.csv").read_bytes()
    result = run_import(tmp_path, path, vintage="census4", source="nbs-db-census4-2021")
    assert result.returncode == 1, result.stdout
    assert expected in result.stderr and "broken.csv" in result.stderr
    assert "Traceback" not in result.stderr
    assert (data_copy / "observations.csv").read_bytes() == before


def test_unknown_vintage_or_source_is_refused_before_reading(data_copy, tmp_path):
    path = population_file(tmp_path)
    result = run_import(tmp_path, path, vintage="census9")
    assert result.returncode == 2 and "unknown vintage 'census9'" in result.stderr
    result = run_import(tmp_path, path, source="my-notes")
    assert result.returncode == 2 and "unknown source id 'my-notes'" in result.stderr


def test_duplicate_values_across_files_are_refused(data_copy, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(nbs_regions_by_years("年末常住人口(万人)", [2025], {"北京市": ["2190"]}), encoding="utf-8")
    b.write_text(nbs_regions_by_years("年末常住人口(万人)", [2025], {"北京市": ["2191"]}), encoding="utf-8")
    result = run_import(tmp_path, a, b)
    assert result.returncode == 1 and "2190 and 2191" in result.stderr


# --------------------------------------------------------------------------- nothing lost: locks, kills, modes

def _typed(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("indicator,region,year,value,unit\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def _start_import(tmp_path, path, *extra):
    return subprocess.Popen([str(VENV_BIN / "jjj-book"), "import", str(path), "--data-dir", str(tmp_path / "data"),
                             "--vintage", "census7", "--source-id", "nbs-db-census7-2025", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _leftovers(data_dir):
    """Temporary files of an import (the lock file itself stays: deleting a lock file is a race)."""
    return sorted(p.name for p in data_dir.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock"))


@pytest.mark.slow
def test_concurrent_imports_into_one_folder_lose_no_row(data_copy, tmp_path):
    """Four imports at once, each changing a different year: every value is in the file afterwards."""
    years = [2016, 2017, 2018, 2019]
    files = [_typed(tmp_path, f"p{y}.csv", [f"population_yearend,CN-BJ,{y},{2300 + y - 2000}.5,万人"]) for y in years]
    procs = [_start_import(tmp_path, f) for f in files]
    results = [(*p.communicate(timeout=120), p.returncode) for p in procs]
    for out, err, code in results:
        assert code == 0, err
        assert "wrote 1 row(s)" in out and "Traceback" not in err
    obs = data.load(data_copy).observations
    for y in years:
        row = obs[(obs.indicator == "population_yearend") & (obs.region == "CN-BJ") & (obs.year == y)
                  & (obs.vintage == "census7")]
        assert list(row["value"]) == [2300 + y - 2000 + 0.5], y
    assert _leftovers(data_copy) == []


@pytest.mark.slow
def test_a_second_import_waits_for_the_lock_then_refuses_with_a_message(data_copy, tmp_path):
    from filelock import FileLock

    path = _typed(tmp_path, "p.csv", ["population_yearend,CN-BJ,2019,2191,万人"])
    before = (data_copy / "observations.csv").read_bytes()
    with FileLock(data_copy / ".observations.csv.lock"):
        result = subprocess.run([str(VENV_BIN / "jjj-book"), "import", str(path), "--data-dir", str(data_copy),
                                 "--vintage", "census7", "--source-id", "nbs-db-census7-2025", "--lock-timeout", "1"],
                                capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "another import into" in result.stderr and "nothing was written" in result.stderr
    assert (data_copy / "observations.csv").read_bytes() == before


def test_import_keeps_the_files_mode_and_writes_the_file_the_descriptor_names(data_copy, tmp_path):
    from jjj_book import cli

    desc = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in desc["resources"] if r["name"] == "observations")["path"] = "obs.csv"
    (data_copy / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    (data_copy / "observations.csv").rename(data_copy / "obs.csv")
    (data_copy / "obs.csv").chmod(0o644)
    path = _typed(tmp_path, "p.csv", ["population_yearend,CN-BJ,2019,2191,万人"])
    code = cli.main(["import", str(path), "--data-dir", str(data_copy), "--vintage", "census7",
                     "--source-id", "nbs-db-census7-2025"])
    assert code == 0
    assert not (data_copy / "observations.csv").exists()
    assert stat.S_IMODE((data_copy / "obs.csv").stat().st_mode) == 0o644
    assert "population_yearend,CN-BJ,2019,annual,2191," in (data_copy / "obs.csv").read_text(encoding="utf-8")


def test_import_keeps_every_other_line_byte_for_byte(data_copy, tmp_path):
    from jjj_book import cli

    before = (data_copy / "observations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = _typed(tmp_path, "p.csv", ["population_yearend,CN-BJ,2019,2191,万人"])
    assert cli.main(["import", str(path), "--data-dir", str(data_copy), "--vintage", "census7",
                     "--source-id", "nbs-db-census7-2025"]) == 0
    after = (data_copy / "observations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(after) == len(before) and len(changed) == 1
    assert changed[0][0].startswith("population_yearend,CN-BJ,2019,annual,2190,")


def test_import_reads_only_the_packages_files(data_copy, tmp_path, monkeypatch):
    """A big unrelated file in the data folder is neither read nor copied on import."""
    from jjj_book import cli

    big = data_copy / "big-unrelated.bin"
    big.write_bytes(b"\0" * 20_000_000)
    opened = []
    real_open = open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr("io.open", spy)
    path = _typed(tmp_path, "p.csv", ["population_yearend,CN-BJ,2019,2191,万人"])
    assert cli.main(["import", str(path), "--data-dir", str(data_copy), "--vintage", "census7",
                     "--source-id", "nbs-db-census7-2025"]) == 0
    monkeypatch.undo()
    assert opened, "the spy saw no file opened"
    assert not [f for f in opened if "big-unrelated" in f]
    assert sorted(p.name for p in data_copy.iterdir() if "big" in p.name) == ["big-unrelated.bin"]


def _wait_for_the_lock(data_dir, proc, seconds=60):
    """Until the import holds the data folder's lock: it is inside read → validate → replace (its signal
    handling is set up by then), however slow the machine is."""
    lock = data_dir / ".observations.csv.lock"
    deadline = time.time() + seconds
    while not lock.exists():
        assert proc.poll() is None, f"the import ended before taking the lock: {proc.communicate()}"
        assert time.time() < deadline, f"no lock after {seconds} s"
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("sig, delay", [(signal.SIGINT, 0.0), (signal.SIGKILL, 0.0), (signal.SIGKILL, 0.3),
                                        (signal.SIGTERM, 0.1)])
def test_a_killed_import_loses_nothing_and_leaves_nothing(data_copy, tmp_path, sig, delay):
    """Signalled once the import holds the lock, then ``delay`` seconds later (inside or just after the
    replace): the file is the old or the new one, whole."""
    before = (data_copy / "observations.csv").read_bytes()
    path = _typed(tmp_path, "p.csv", [f"population_yearend,CN-BJ,{y},{2200 + y - 2010},万人" for y in range(2011, 2021)])
    assert not (data_copy / ".observations.csv.lock").exists()
    proc = _start_import(tmp_path, path)
    _wait_for_the_lock(data_copy, proc)
    time.sleep(delay)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    code = proc.returncode
    assert "Traceback" not in err
    after = (data_copy / "observations.csv").read_bytes()
    assert check(data_copy) == []  # old or new, never a half-written file
    if after != before:  # the replace happened before the signal: the whole import is in the file
        obs = data.load(data_copy).observations
        rows = obs[(obs.indicator == "population_yearend") & (obs.region == "CN-BJ") & (obs.vintage == "census7")]
        assert {y: 2200 + y - 2010 for y in range(2011, 2021)}.items() <= dict(zip(rows.year, rows.value)).items()
    else:
        assert code != 0 or "nothing to write" in out
    if sig != signal.SIGKILL:
        assert _leftovers(data_copy) == []
    # whatever a SIGKILL left (a temporary file, recognisable by its name) goes with the next import
    again = _start_import(tmp_path, path)
    _out, again_err = again.communicate(timeout=120)
    assert again.returncode == 0, again_err
    assert _leftovers(data_copy) == []
    assert check(data_copy) == []


def test_rows_with_odd_line_breaks_in_notes_are_kept_whole(data_copy, tmp_path):
    """A note holding a form feed, a U+2028 or a quoted line break: the rewrite keeps every other row byte for byte."""
    from jjj_book import cli

    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].rsplit(",", 1)[0] + ',"page\x0cbreak\u2028line\nsecond line"'
    path.write_text("\n".join(lines), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    count = len(data.load(data_copy).observations)
    new = _typed(tmp_path, "p.csv", ["population_yearend,CN-BJ,2019,2191,万人"])
    assert cli.main(["import", str(new), "--data-dir", str(data_copy), "--vintage", "census7",
                     "--source-id", "nbs-db-census7-2025"]) == 0
    after = path.read_text(encoding="utf-8")
    old_row = next(l for l in before.split("\n") if l.startswith("population_yearend,CN-BJ,2019,annual,2190,"))
    new_row = next(l for l in after.split("\n") if l.startswith("population_yearend,CN-BJ,2019,annual,2191,"))
    assert after.replace(new_row + "\n", "") == before.replace(old_row + "\n", "")
    assert len(data.load(data_copy).observations) == count
