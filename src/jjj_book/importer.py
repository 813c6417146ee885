"""Read official tables as users have them and turn them into observation rows.

Two kinds of input:

- **NBS database exports** (data.stats.gov.cn, 分省年度数据 / 分省季度数据), CSV in GBK/GB18030 or
  UTF-8 (one or two BOMs), or ``.xls``/``.xlsx``: a few header lines (数据库：…, 指标：…, 地区：…,
  时间：…), then one of three layouts — 地区 rows × ``YYYY年`` columns for one 指标; 指标 rows × years
  for one 地区; 地区 rows × 指标 columns for one 时间 — then footnotes (注：…) and a
  ``数据来源：国家统计局`` line. Cells may be tab-padded; an empty cell is a year not yet published.
- **A plain table typed from a yearbook**: columns indicator, region, year, value, unit (English or
  Chinese headers: 指标, 地区, 年份, 数值, 单位), optionally period and note.

:func:`read_file` returns :class:`Parsed` rows with the file, line and column each came from, so
every problem can be reported where the user can find it. :func:`plan` compares them with a data
package; :func:`apply` writes the new observations atomically after validating the result.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jjj_book import data as data_mod

OBS_FIELDS = ["indicator", "region", "year", "period", "value", "unit", "vintage", "source_id", "note"]

# NBS names that differ from the package's Chinese indicator names.
NBS_ALIASES = {
    "年末常住人口": "population_yearend",
    "常住人口": "population_yearend",
    "人均地区生产总值": "gdp_per_capita",
    "居民人均可支配收入": "disposable_income_all",
    "全体居民人均可支配收入": "disposable_income_all",
    "城镇居民人均可支配收入": "urban_disposable_income",
    "农村居民人均可支配收入": "rural_disposable_income",
    "地区生产总值增长率": "gdp_real_growth",
}
# An index with the previous year = 100 is stored as a growth rate (index − 100).
INDEX_PREV_YEAR = {"地区生产总值指数": "gdp_real_growth"}

REGION_ALIASES = {"全国": "CN", "中国": "CN", "京津冀": "JJJ"}
# Unit spellings of NBS exports that mean a package unit.
UNIT_ALIASES = {"元/人": "yuan", "元／人": "yuan", "人民币元": "yuan"}
PROVINCE_SUFFIXES = ("省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区")
HEADER_KEYS = ("数据库", "指标", "地区", "时间")
YEAR_COLUMN = re.compile(r"^\s*(\d{4})\s*年?\s*$")
QUARTER_COLUMN = re.compile(r"^\s*(\d{4})\s*年\s*(第一|第二|第三|第四|一|二|三|四|1|2|3|4)\s*季度\s*$")
NAME_UNIT = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^()（）]+)[)）]\s*$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class ImportError_(Exception):
    """A problem with an input file (named ``ImportError_`` to leave Python's ImportError alone)."""

    def __init__(self, problems: list[data_mod.Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Cell:
    """One value of an input file, with where it came from."""

    indicator_text: str
    region_text: str
    year: int
    period: str
    value_text: str
    unit_text: str | None
    line: int
    column: str
    note: str = ""


@dataclass
class Parsed:
    file: str
    layout: str
    cells: list[Cell] = field(default_factory=list)
    problems: list[data_mod.Problem] = field(default_factory=list)


# --------------------------------------------------------------------------- reading files

def _decode(raw: bytes, name: str) -> str:
    """UTF-8 (with any number of BOMs) or GB18030 (a superset of GBK)."""
    text = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportError_([data_mod.Problem(name, None, None, "a text file in UTF-8 or GBK/GB18030",
                                                 "bytes that are neither (a mixed-encoding file?)")]) from None
    return text.lstrip("\ufeff")


def _rows_from_file(path: Path) -> list[list[str]]:
    name = str(path)
    if not path.is_file():
        raise ImportError_([data_mod.Problem(name, None, None, "an existing file", "no such file")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        try:
            frame = pd.read_excel(path, header=None, dtype=str, engine="openpyxl" if suffix == ".xlsx" else "xlrd")
        except Exception as exc:  # noqa: BLE001 — any reader failure is a bad file for the user
            raise ImportError_([data_mod.Problem(name, None, None, f"a readable {suffix} workbook",
                                                 f"{type(exc).__name__}: {exc}")]) from None
        return [["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)]
    raw = path.read_bytes()
    if not raw.strip():
        raise ImportError_([data_mod.Problem(name, None, None, "a table with a header and rows", "an empty file")])
    text = _decode(raw, name)
    return [row for row in csv.reader(io.StringIO(text))]


def _clean(cell: str) -> str:
    return cell.replace("\t", "").replace("\u3000", " ").strip()


def read_file(path: str | Path) -> Parsed:
    """Parse one file (NBS export or plain table) into cells; nothing is mapped yet."""
    path = Path(path)
    rows = [[_clean(c) for c in row] for row in _rows_from_file(path)]
    # drop trailing empty cells (the NBS export ends every row with a comma)
    rows = [row[:max((i + 1 for i, c in enumerate(row) if c), default=0)] for row in rows]
    name = str(path)
    headers: dict[str, str] = {}
    start = 0
    for start, row in enumerate(rows):
        first = row[0] if row else ""
        key = re.match(r"^(数据库|指标|地区|时间)[：:](.*)$", first)
        if key and len(row) <= 1:
            headers[key.group(1)] = key.group(2).strip()
            continue
        if not row:
            continue
        break
    else:
        raise ImportError_([data_mod.Problem(name, None, None, "a table after the header lines", "no table")])
    header = rows[start]
    body = []
    for offset, row in enumerate(rows[start + 1:], start=start + 2):
        if not row or not row[0]:
            continue
        if row[0].startswith(("注", "数据来源")) or re.match(r"^\d+\.", row[0]):
            break  # footnotes and the source line end the table
        body.append((offset, row))
    lowered = [h.lower() for h in header]
    if {"indicator", "region", "year", "value"} <= set(lowered) or {"指标", "地区", "年份", "数值"} <= set(header):
        return _plain_table(name, header, body)
    return _nbs_table(name, headers, header, body, start + 1)


def _plain_table(name: str, header: list[str], body) -> Parsed:
    english = {"指标": "indicator", "地区": "region", "年份": "year", "数值": "value", "单位": "unit",
               "时期": "period", "注释": "note", "备注": "note"}
    cols = [english.get(h, h.lower()) for h in header]
    parsed = Parsed(name, "plain")
    for line, row in body:
        if len(row) > len(cols):
            parsed.problems.append(data_mod.Problem(name, line, None, f"{len(cols)} cells ({', '.join(header)}); "
                                                    "a number with a thousands comma must be quoted or written without it",
                                                    f"{len(row)} cells"))
            continue
        rec = dict(zip(cols, row + [""] * (len(cols) - len(row))))
        year_text = rec.get("year", "")
        if not re.fullmatch(r"\d{4}", year_text):
            parsed.problems.append(data_mod.Problem(name, line, "year", "a four-digit year such as 2021", repr(year_text)))
            continue
        parsed.cells.append(Cell(rec.get("indicator", ""), rec.get("region", ""), int(year_text),
                                 rec.get("period") or "annual", rec.get("value", ""), rec.get("unit") or None,
                                 line, "value", rec.get("note", "")))
    return parsed


def _time_label(text: str) -> tuple[int, str] | None:
    m = YEAR_COLUMN.match(text)
    if m:
        return int(m.group(1)), "annual"
    m = QUARTER_COLUMN.match(text)
    if m:
        q = {"第一": 1, "一": 1, "1": 1, "第二": 2, "二": 2, "2": 2, "第三": 3, "三": 3, "3": 3,
             "第四": 4, "四": 4, "4": 4}[m.group(2)]
        return int(m.group(1)), f"Q{q}"
    return None


def _nbs_table(name: str, headers: dict, header: list[str], body, header_line: int) -> Parsed:
    first = header[0] if header else ""
    times = [_time_label(h) for h in header[1:]]
    if first == "地区" and times and all(times):
        layout, indicator = "regions x years", headers.get("指标")
        if not indicator:
            raise ImportError_([data_mod.Problem(name, None, None, "a line 指标：… naming the indicator", "none")])
        parsed = Parsed(name, layout)
        for line, row in body:
            for k, (year, period) in enumerate(times, start=1):
                value = row[k] if k < len(row) else ""
                parsed.cells.append(Cell(indicator, row[0], year, period, value, None, line, header[k]))
        return parsed
    if first == "指标" and times and all(times):
        layout, region = "indicators x years", headers.get("地区")
        if not region:
            raise ImportError_([data_mod.Problem(name, None, None, "a line 地区：… naming the region", "none")])
        parsed = Parsed(name, layout)
        for line, row in body:
            for k, (year, period) in enumerate(times, start=1):
                value = row[k] if k < len(row) else ""
                parsed.cells.append(Cell(row[0], region, year, period, value, None, line, header[k]))
        return parsed
    if first == "地区":
        time = _time_label(headers.get("时间", ""))
        if not time:
            raise ImportError_([data_mod.Problem(name, None, None, "a line 时间：YYYY年 for a one-year table",
                                                 repr(headers.get("时间")))])
        parsed = Parsed(name, "regions x indicators")
        for line, row in body:
            for k, col in enumerate(header[1:], start=1):
                value = row[k] if k < len(row) else ""
                parsed.cells.append(Cell(col, row[0], time[0], time[1], value, None, line, col))
        return parsed
    raise ImportError_([data_mod.Problem(name, header_line, None,
                                         "an NBS table (first column 地区 or 指标, then years or indicators) "
                                         "or a plain table with columns indicator, region, year, value, unit",
                                         repr(",".join(header[:4])))])


# --------------------------------------------------------------------------- mapping to the package

@dataclass
class Mapped:
    rows: list[dict]
    skipped_regions: dict[str, int]
    problems: list[data_mod.Problem]
    empty: int


def _region_lookup(pkg: data_mod.DataPackage) -> dict[str, str]:
    lookup = dict(REGION_ALIASES)
    for code, zh, en in zip(pkg.regions["code"], pkg.regions["name_zh"], pkg.regions["name_en"]):
        lookup[code] = code
        lookup[zh] = code
        lookup[en] = code
        short = zh
        for suffix in PROVINCE_SUFFIXES:
            if zh.endswith(suffix):
                short = zh[: -len(suffix)]
        lookup[short] = code
    return lookup


def _indicator_lookup(pkg: data_mod.DataPackage) -> dict[str, str]:
    lookup = {i: i for i in pkg.indicators["id"]}
    lookup.update({zh: i for i, zh in zip(pkg.indicators["id"], pkg.indicators["name_zh"])})
    lookup.update(NBS_ALIASES)
    return lookup


def _unit_lookup(pkg: data_mod.DataPackage) -> dict[str, str]:
    lookup = {u: u for u in pkg.units["id"]}
    lookup.update({sym: u for u, sym in zip(pkg.units["id"], pkg.units["symbol_zh"])})
    lookup.update(UNIT_ALIASES)
    return lookup


def _is_province_name(text: str) -> bool:
    return text.endswith(PROVINCE_SUFFIXES) or text in ("内蒙古", "广西", "西藏", "宁夏", "新疆")


def map_cells(parsed: Parsed, pkg: data_mod.DataPackage, vintage: str, source_id: str,
              skip_unknown: bool = False) -> Mapped:
    """Map parsed cells to observation rows of ``pkg``; unknown indicators and wrong units are problems.

    A problem with an indicator or a unit is reported once per column (with the first line it
    affects), not once per cell. With ``skip_unknown`` an unknown indicator is skipped and listed.
    """
    regions, indicators, units = _region_lookup(pkg), _indicator_lookup(pkg), _unit_lookup(pkg)
    unit_of = dict(zip(pkg.indicators["id"], pkg.indicators["unit"]))
    rows, problems, skipped, empty = [], list(parsed.problems), {}, 0
    per_column: dict[tuple, data_mod.Problem] = {}

    def once(key, problem):
        if key not in per_column:
            per_column[key] = problem
            problems.append(problem)
    for cell in parsed.cells:
        where = dict(file=parsed.file, line=cell.line, column=cell.column)
        value_text = cell.value_text.replace(" ", "")
        # indicator and unit: "地区生产总值(亿元)" carries its unit in parentheses
        text, unit_text = cell.indicator_text, cell.unit_text
        m = NAME_UNIT.match(text)
        if m:
            text, unit_text = m.group("name").strip(), unit_text or m.group("unit").strip()
        converted_from_index = False
        if text in INDEX_PREV_YEAR and (unit_text or "").replace(" ", "") in ("上年=100", "上年＝100"):
            indicator, unit_text, converted_from_index = INDEX_PREV_YEAR[text], None, True
        else:
            indicator = indicators.get(text)
        region = regions.get(cell.region_text)
        if region is None:
            if _is_province_name(cell.region_text):
                skipped[cell.region_text] = skipped.get(cell.region_text, 0) + 1
                continue
            problems.append(data_mod.Problem(where["file"], cell.line, "地区",
                                             f"a region of the package ({', '.join(pkg.regions['name_zh'])}) "
                                             "or another province (skipped)", repr(cell.region_text)))
            continue
        if indicator is None:
            if skip_unknown:
                skipped[f"indicator {cell.indicator_text}"] = skipped.get(f"indicator {cell.indicator_text}", 0) + 1
                continue
            once(("indicator", cell.indicator_text), data_mod.Problem(
                where["file"], cell.line, cell.column,
                "an indicator of the package (its id or Chinese name, see indicators.csv; "
                "--skip-unknown skips such columns)", repr(cell.indicator_text)))
            continue
        expected = unit_of[indicator]
        if unit_text is not None:
            unit = units.get(unit_text)
            if unit != expected:
                symbol = dict(zip(pkg.units["id"], pkg.units["symbol_zh"]))[expected]
                once(("unit", cell.indicator_text, unit_text), data_mod.Problem(
                    where["file"], cell.line, "unit" if cell.unit_text is not None else cell.column,
                    f"the unit of {indicator}: {symbol} ({expected}); convert the file first, "
                    "nothing is rescaled silently", repr(unit_text)))
                continue
        if value_text == "":
            empty += 1  # a year not yet published
            continue
        if not NUMBER.match(value_text):
            problems.append(data_mod.Problem(where["file"], cell.line, cell.column,
                                             "a number (digits with an optional decimal point, "
                                             "no thousands separators or units)", repr(cell.value_text)))
            continue
        value = float(value_text) - (100.0 if converted_from_index else 0.0)
        shown = f"{value:.10g}" if not converted_from_index else f"{value:.4g}"
        note = cell.note or (f"imported from {Path(parsed.file).name}"
                             + ("; converted from an index with the previous year = 100" if converted_from_index else ""))
        rows.append(dict(indicator=indicator, region=region, year=str(cell.year), period=cell.period,
                         value=value_text if not converted_from_index else shown, unit=expected,
                         vintage=vintage, source_id=source_id, note=note))
    return Mapped(rows, skipped, problems, empty)


# --------------------------------------------------------------------------- planning and writing

KEY = ["indicator", "region", "year", "period", "vintage"]


@dataclass
class Plan:
    new: list[dict]
    changed: list[tuple[dict, str]]  # (new row, old value)
    unchanged: int
    other_vintage: list[tuple[dict, str, str]]  # (new row, other vintage, its value)
    duplicates: list[data_mod.Problem]


def plan(rows: list[dict], pkg: data_mod.DataPackage, files: list[str]) -> Plan:
    obs = pkg.observations.copy()
    obs["year"] = obs["year"].astype(int).astype(str)
    existing = {tuple(str(r[k]) for k in KEY): r for r in obs.to_dict("records")}
    by_cell: dict[tuple, list] = {}
    for r in obs.to_dict("records"):
        by_cell.setdefault((r["indicator"], r["region"], str(r["year"]), r["period"]), []).append(r)
    new, changed, unchanged, other, dups, seen = [], [], 0, [], [], {}
    for row in rows:
        key = tuple(row[k] for k in KEY)
        if key in seen:
            if float(seen[key]["value"]) != float(row["value"]):
                dups.append(data_mod.Problem(", ".join(files), None, "value",
                                             f"one value for {' / '.join(key)}",
                                             f"{seen[key]['value']} and {row['value']}"))
            continue
        seen[key] = row
        old = existing.get(key)
        if old is None:
            new.append(row)
        elif float(old["value"]) != float(row["value"]):
            changed.append((row, f"{float(old['value']):.10g}"))
        else:
            unchanged += 1
        for other_row in by_cell.get(key[:4], []):
            if other_row["vintage"] != row["vintage"] and float(other_row["value"]) != float(row["value"]):
                other.append((row, other_row["vintage"], f"{float(other_row['value']):.10g}"))
    return Plan(new, changed, unchanged, other, dups)


def apply(data_dir: str | Path, the_plan: Plan) -> int:
    """Write new and changed rows into observations.csv, only if the result validates; atomic."""
    data_dir = Path(data_dir)
    path = data_dir / "observations.csv"
    original = path.read_text(encoding="utf-8-sig")
    reader = list(csv.DictReader(io.StringIO(original)))
    changed = {tuple(r[k] for k in KEY): r for r, _old in the_plan.changed}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OBS_FIELDS, lineterminator="\n")
    writer.writeheader()
    for rec in reader:
        key = tuple(rec[k] for k in KEY)
        writer.writerow(changed.get(key, rec))
    for rec in the_plan.new:
        writer.writerow(rec)
    # validate a copy of the package with the new table before touching the user's file
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "data"
        copy.mkdir()
        for item in data_dir.iterdir():
            if item.is_file():
                (copy / item.name).write_bytes(item.read_bytes())
        (copy / "observations.csv").write_text(out.getvalue(), encoding="utf-8")
        problems = data_mod.validate(copy)
        if problems:
            # report against the user's folder (the copy is gone), e.g. a source id not in sources.csv
            raise data_mod.DataError([dataclasses.replace(p, file=p.file.replace(str(copy), str(data_dir)))
                                      for p in problems])
    fd, tmp = tempfile.mkstemp(prefix=".observations.", suffix=".csv", dir=data_dir)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(out.getvalue())
    os.replace(tmp, path)
    return len(the_plan.new) + len(the_plan.changed)
