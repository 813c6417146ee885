"""Reading official tables as users have them (NBS exports in CSV/XLS/XLSX, plain typed tables)
into :class:`Parsed` cells that remember their file, line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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
YEAR_COLUMN = re.compile(r"^\s*([0-9]{4})\s*年?\s*$")
QUARTER_COLUMN = re.compile(r"^\s*([0-9]{4})\s*年\s*(第一|第二|第三|第四|一|二|三|四|1|2|3|4)\s*季度\s*$")
NAME_UNIT = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^()（）]+)[)）]\s*$")
NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")  # ASCII digits only


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
    columns: dict = field(default_factory=dict)  # observation column → the input's column it came from


@dataclass
class Parsed:
    file: str
    layout: str
    cells: list[Cell] = field(default_factory=list)
    problems: list[data_mod.Problem] = field(default_factory=list)


# --------------------------------------------------------------------------- reading files

def _problem(name, line, column, expected, found) -> data_mod.Problem:
    return data_mod.Problem(name, line, column, expected, found)


def _decode(raw: bytes, name: str) -> str:
    """UTF-8 (with any number of BOMs) or GB18030 (a superset of GBK)."""
    text = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportError_([_problem(name, None, None, "a text file in UTF-8 or GBK/GB18030",
                                         "bytes that are neither (a mixed-encoding file?)")]) from None
    return text.lstrip("\ufeff")


def display_name(path) -> str:
    """A file name as it can be printed, even when it is not valid UTF-8."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def _cell_text(value, number_format: str | None, name: str, line: int, column: str) -> str:
    """One spreadsheet value as the text it shows; a percent-formatted number is refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            raise ImportError_([_problem(name, line, column, "a cell formatted as a number (Excel stores "
                                         "3.8 % as 0.038; which one is meant is ambiguous)",
                                         f"a percent-formatted cell holding {value!r}")])
        if isinstance(value, float):
            value = float(f"{value:.15g}")  # what Excel shows: it keeps 15 significant digits
            if value.is_integer() and abs(value) < 1e15:
                return str(int(value))
        return repr(value)
    return str(value)


def _short_text(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _xlsx_rows(path: Path, name: str) -> list[tuple[int, list[str]]]:
    """The used cells of the first sheet, read in read-only mode (a far-away cell costs nothing)."""
    import openpyxl
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils import get_column_letter, range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        with sheet._get_source() as src:
            parser = WorkSheetParser(src, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                     date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            for index, cells in parser.parse():
                present = [c for c in cells if c["value"] is not None and str(c["value"]).strip() != ""]
                if not present:
                    continue
                width = max(c["column"] for c in present)
                if width > 1000:
                    far = max(present, key=lambda c: c["column"])
                    raise ImportError_([_problem(name, index, get_column_letter(far["column"]),
                                                 "a table within the first 1000 columns",
                                                 f"a cell far to the right ({get_column_letter(far['column'])}{index})")])
                row = [""] * width
                for c in present:
                    fmt = ReadOnlyCell(sheet, **c).number_format
                    row[c["column"] - 1] = _cell_text(c["value"], fmt, name, index, get_column_letter(c["column"]))
                rows.append((index, row))
            merged = [m.ref for m in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
        # a formula whose result the file does not hold (written by a program, never opened in Excel)
        # reads as an empty cell: refused rather than taken for "not yet published"
        with sheet._get_source() as src:
            formulas = WorkSheetParser(src, sheet._shared_strings, data_only=False, epoch=book.epoch,
                                       date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            shown = {(line, k + 1) for line, row in rows for k, v in enumerate(row) if v != ""}
            for index, cells in formulas.parse():
                for c in cells:
                    if c["data_type"] == "f" and (index, c["column"]) not in shown:
                        raise ImportError_([_problem(name, index, get_column_letter(c["column"]),
                                                     "a cell holding a value (this formula's result is not "
                                                     "saved in the file: open and save it in Excel, or paste "
                                                     "values)", _short_text(str(c["value"])))])
    finally:
        book.close()
    if merged:
        first = merged[0]
        min_col, min_row, _, _ = range_boundaries(first)
        raise ImportError_([_problem(name, min_row, get_column_letter(min_col),
                                     "one value per cell (unmerge the cells and fill each one)",
                                     f"merged cells {', '.join(merged[:5])}")])
    return rows


def _xls_rows(path: Path, name: str) -> list[tuple[int, list[str]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except NotImplementedError:  # formatting_info is not available for every file
        book = xlrd.open_workbook(str(path), on_demand=True)
    sheet = book.sheet_by_index(0)
    merged = list(getattr(sheet, "merged_cells", []) or [])
    if merged:
        rlo, _rhi, clo, _chi = merged[0]
        raise ImportError_([_problem(name, rlo + 1, xlrd.formula.colname(clo),
                                     "one value per cell (unmerge the cells and fill each one)", "merged cells")])
    rows = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            fmt = None
            if book.formatting_info and cell.ctype == xlrd.XL_CELL_NUMBER:
                xf = book.xf_list[cell.xf_index]
                fmt = book.format_map[xf.format_key].format_str
            value = cell.value if cell.ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else None
            row.append(_cell_text(value, fmt, name, r + 1, xlrd.formula.colname(c)))
        if any(v.strip() for v in row):
            rows.append((r + 1, row))
    return rows


def _rows_from_file(path: Path) -> list[tuple[int, list[str]]]:
    """The rows of an input file with the line (CSV) or row number (Excel) each starts on."""
    name = display_name(path)
    raw, problems = (None, []) if path.suffix.lower() in (".xlsx", ".xls") else data_mod.read_bytes(
        path, name, "an input file (CSV, .xlsx or .xls)")
    if problems:
        raise ImportError_(problems)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        try:
            return _xlsx_rows(path, name) if suffix == ".xlsx" else _xls_rows(path, name)
        except ImportError_:
            raise
        except FileNotFoundError:
            raise ImportError_([_problem(name, None, None, "an existing file", "no such file")]) from None
        except PermissionError:
            raise ImportError_([_problem(name, None, None, "a file that can be read", "permission denied")]) from None
        except Exception as exc:  # noqa: BLE001 — any reader failure is a bad file for the user
            raise ImportError_([_problem(name, None, None, f"a readable {suffix} workbook",
                                         f"{type(exc).__name__}: {str(exc)[:120]}")]) from None
    if not raw.strip():
        raise ImportError_([_problem(name, None, None, "a table with a header and rows", "an empty file")])
    text = _decode(raw, name)
    rows, problems = data_mod.read_csv_text(text, name)
    if problems:
        raise ImportError_(problems)
    return rows


def _clean(cell: str) -> str:
    return cell.replace("\t", "").replace("\u3000", " ").strip()


def _is_footnote(row: list[str]) -> bool:
    """A footnote or source line: one text cell starting with 注, 数据来源 or "1." followed by text."""
    first = row[0] if row else ""
    if any(row[1:]):
        return False
    return first.startswith(("注", "数据来源", "资料来源")) or bool(re.match(r"^[0-9]+[.、．]\s*[^0-9\s]", first))


def read_file(path: str | Path) -> Parsed:
    """Parse one file (NBS export or plain table) into cells; nothing is mapped yet."""
    path = Path(path)
    name = display_name(path)
    rows = []
    for line, row in _rows_from_file(path):
        row = [_clean(c) for c in row]
        # drop trailing empty cells (the NBS export ends every row with a comma)
        rows.append((line, row[:max((i + 1 for i, c in enumerate(row) if c), default=0)]))
    headers: dict[str, str] = {}
    start = None
    for k, (line, row) in enumerate(rows):
        if not row:
            continue
        key = re.match(r"^(数据库|指标|地区|时间)[：:](.*)$", row[0], re.S)
        if key and len(row) <= 1:
            headers[key.group(1)] = re.sub(r"\s+", "", key.group(2))
            continue
        start = k
        break
    if start is None:
        raise ImportError_([_problem(name, None, None, "a table after the header lines", "no table")])
    header_line, header = rows[start]
    problems = []
    for k, h in enumerate(header):
        if h and h in header[:k]:
            problems.append(_problem(name, header_line, h, "each column once in the header",
                                     f"a second column '{h}' (column {k + 1}); which one holds the data is ambiguous"))
    body, footnote_line = [], None
    for line, row in rows[start + 1:]:
        if not row:
            continue
        if any("\n" in c or "\r" in c for c in row):
            problems.append(_problem(name, line, None, "one line per row",
                                     "a cell that spans lines (a quote that is not closed where it should be?)"))
            continue
        if footnote_line is None and _is_footnote(row):
            footnote_line = line
            continue
        if footnote_line is not None:
            if _is_footnote(row) or len(row) == 1:
                continue
            problems.append(_problem(name, line, None, "no table rows after the footnotes (line "
                                     f"{footnote_line})", f"a row of {len(row)} cells"))
            continue
        body.append((line, row))
    if problems:
        raise ImportError_(problems)
    lowered = [h.lower() for h in header]
    if {"indicator", "region", "year", "value"} <= set(lowered) or {"指标", "地区", "年份", "数值"} <= set(header):
        return _plain_table(name, header, body, header_line)
    return _nbs_table(name, headers, header, body, header_line)


def _plain_table(name: str, header: list[str], body, header_line: int) -> Parsed:
    english = {"指标": "indicator", "地区": "region", "年份": "year", "数值": "value", "单位": "unit",
               "时期": "period", "注释": "note", "备注": "note"}
    cols = [english.get(h, h.lower()) for h in header]
    known = {"indicator", "region", "year", "value", "unit", "period", "note"}
    unknown = [h for h, c in zip(header, cols) if c not in known]
    parsed = Parsed(name, "plain")
    if unknown:
        parsed.problems.append(_problem(name, header_line, unknown[0],
                                        "only the columns indicator, region, year, value, unit, period, note "
                                        "(or 指标, 地区, 年份, 数值, 单位, 时期, 备注)", repr(unknown[0])))
        return parsed
    if len(set(cols)) != len(cols):
        dup = next(c for c in cols if cols.count(c) > 1)
        parsed.problems.append(_problem(name, header_line, dup, "each column once (English or Chinese name)",
                                        f"two columns meaning {dup}"))
        return parsed
    for line, row in body:
        if len(row) > len(cols):
            parsed.problems.append(_problem(name, line, None, f"{len(cols)} cells ({', '.join(header)}); "
                                            "a number with a thousands comma must be quoted or written without it",
                                            f"{len(row)} cells"))
            continue
        rec = dict(zip(cols, row + [""] * (len(cols) - len(row))))
        missing = [c for c in ("indicator", "region", "year") if not rec.get(c)]
        if missing:
            col = header[cols.index(missing[0])]
            parsed.problems.append(_problem(name, line, col, f"a value in column {col} (no cell of a row is "
                                            "filled in from the row above)", "an empty cell"))
            continue
        year_text = rec["year"]
        if not re.fullmatch(r"[0-9]{4}", year_text):
            parsed.problems.append(_problem(name, line, header[cols.index("year")],
                                            "a four-digit year such as 2021", repr(year_text)))
            continue
        parsed.cells.append(Cell(rec["indicator"], rec["region"], int(year_text),
                                 rec.get("period") or "annual", rec.get("value", ""), rec.get("unit") or None,
                                 line, header[cols.index("value")], rec.get("note", ""),
                                 {c: h for c, h in zip(cols, header)}))
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


QUARTERLY_REFUSED = ("an annual table: quarterly exports (分省季度数据) are not imported, because their columns "
                     "are quarters or cumulative periods whose meaning the export does not state; type the "
                     "figures as a plain table with a period column (Q1, H1, Q1-Q3)")


def _nbs_table(name: str, headers: dict, header: list[str], body, header_line: int) -> Parsed:
    first = header[0] if header else ""
    times = [_time_label(h) for h in header[1:]]
    if any(t and t[1] != "annual" for t in times) or "季度" in headers.get("数据库", "") + headers.get("时间", ""):
        raise ImportError_([_problem(name, header_line, next((h for h, t in zip(header[1:], times)
                                                               if t and t[1] != "annual"), None),
                                     QUARTERLY_REFUSED, "quarterly columns")])
    parsed = Parsed(name, "")

    def rows_of(label: str):
        for line, row in body:
            if len(row) > len(header):
                parsed.problems.append(_problem(name, line, None,
                                                f"{len(header)} cells like the header (line {header_line})",
                                                f"{len(row)} cells (a stray comma would shift every value)"))
                continue
            if not row[0]:
                parsed.problems.append(_problem(name, line, first, f"a {label} name in the first cell "
                                                "(a merged cell in Excel? each row must name its own)",
                                                "an empty cell"))
                continue
            yield line, row

    if first == "地区" and times and all(times):
        indicator = headers.get("指标")
        if not indicator:
            raise ImportError_([_problem(name, None, None, "a line 指标：… naming the indicator", "none")])
        parsed.layout = "regions x years"
        for line, row in rows_of("region"):
            for k, (year, period) in enumerate(times, start=1):
                value = row[k] if k < len(row) else ""
                parsed.cells.append(Cell(indicator, row[0], year, period, value, None, line, header[k]))
        return parsed
    if first == "指标" and times and all(times):
        region = headers.get("地区")
        if not region:
            raise ImportError_([_problem(name, None, None, "a line 地区：… naming the region", "none")])
        parsed.layout = "indicators x years"
        for line, row in rows_of("indicator"):
            for k, (year, period) in enumerate(times, start=1):
                value = row[k] if k < len(row) else ""
                parsed.cells.append(Cell(row[0], region, year, period, value, None, line, header[k]))
        return parsed
    if first == "地区":
        time = _time_label(headers.get("时间", ""))
        if not time:
            raise ImportError_([_problem(name, None, None, "a line 时间：YYYY年 for a one-year table",
                                         repr(headers.get("时间")))])
        parsed.layout = "regions x indicators"
        for line, row in rows_of("region"):
            for k, col in enumerate(header[1:], start=1):
                value = row[k] if k < len(row) else ""
                parsed.cells.append(Cell(col, row[0], time[0], time[1], value, None, line, col))
        return parsed
    raise ImportError_([_problem(name, header_line, None,
                                 "an NBS table (first column 地区 or 指标, then years or indicators) "
                                 "or a plain table with columns indicator, region, year, value, unit",
                                 repr(",".join(header[:4])))])
