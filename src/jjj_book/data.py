"""Load and validate the book's data package.

The data package (``data/datapackage.json`` plus its CSV resources) is the
single source of truth: its Table Schema drives the generic checks (types,
required fields, enums, patterns, ranges, primary and foreign keys); the
domain checks (units match the indicator, levels are non-negative, years are
not in the future) live in :func:`_domain_problems`.

Every problem names the file, the line (as an editor counts it: the header is
line 1), the column, what was expected and what was found.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jjj_book import reads as _reads

DESCRIPTOR = "datapackage.json"
OBSERVATION_COLUMNS = [
    "indicator", "region", "year", "period", "value", "unit", "vintage", "source_id",
]
_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located precisely."""

    file: str
    line: int | None
    column: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: expected {self.expected}; found {self.found}"


class DataError(Exception):
    """Raised when a data directory does not pass validation."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        if more > 0:
            shown += f"\n  … and {more} more"
        super().__init__(f"{len(self.problems)} problem(s) in the data package:\n{shown}")


@dataclass(frozen=True)
class DataPackage:
    """A validated data directory, as tidy pandas frames."""

    root: Path
    tables: Mapping[str, pd.DataFrame] = field(repr=False)

    @property
    def observations(self) -> pd.DataFrame:
        return self.tables["observations"]

    @property
    def regions(self) -> pd.DataFrame:
        return self.tables["regions"]

    @property
    def indicators(self) -> pd.DataFrame:
        return self.tables["indicators"]

    @property
    def sources(self) -> pd.DataFrame:
        return self.tables["sources"]

    @property
    def vintages(self) -> pd.DataFrame:
        return self.tables["vintages"]

    @property
    def units(self) -> pd.DataFrame:
        return self.tables["units"]

    def region_name(self, code: str) -> str:
        """Chinese name of a region code, from the one lookup (regions.csv)."""
        names = dict(zip(self.regions["code"], self.regions["name_zh"]))
        return names[code]

    def indicator_info(self, indicator: str) -> dict:
        row = self.indicators.loc[self.indicators["id"] == indicator]
        if row.empty:
            raise KeyError(f"unknown indicator {indicator!r}")
        info = row.iloc[0].to_dict()
        units = dict(zip(self.units["id"], self.units["symbol_zh"]))
        info["unit_zh"] = units[info["unit"]]
        return info

    def series(self, indicator: str, vintage: str, period: str = "annual",
               regions: list[str] | None = None) -> pd.DataFrame:
        """Tidy rows of one indicator in one vintage (never a mix of vintages)."""
        obs = self._observations_of(indicator)
        mask = (obs["indicator"] == indicator) & (obs["vintage"] == vintage) & (obs["period"] == period)
        if regions is not None:
            mask &= obs["region"].isin(regions)
        return obs.loc[mask].sort_values(["region", "year"]).reset_index(drop=True)

    def wide(self, indicator: str, vintage: str, period: str = "annual",
             regions: list[str] | None = None) -> pd.DataFrame:
        """One indicator in one vintage as a year × region table."""
        rows = self.series(indicator, vintage, period, regions)
        table = rows.pivot(index="year", columns="region", values="value")
        if regions is not None:
            table = table.reindex(columns=[r for r in regions if r in table.columns])
        table.columns.name = None
        return table

    def vintages_of(self, indicator: str, period: str = "annual") -> list[str]:
        obs = self._observations_of(indicator)
        rows = obs.loc[(obs["indicator"] == indicator) & (obs["period"] == period)]
        order = list(self.vintages["id"])
        return sorted(rows["vintage"].unique(), key=order.index)

    def sources_for(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The sources cited by some observation rows."""
        ids = sorted(set(rows["source_id"]))
        return self.sources.loc[self.sources["id"].isin(ids)].reset_index(drop=True)

    def vintage_name(self, vintage: str) -> str:
        """Chinese name of a vintage id, e.g. census4 → 第四次全国经济普查后修订."""
        names = dict(zip(self.vintages["id"], self.vintages["name_zh"]))
        return names.get(vintage, vintage)

    def citation(self, rows: pd.DataFrame, limit: int = 4) -> str:
        """Short citation of the publications behind some observation rows.

        Beyond ``limit`` publications the list is cut, with a count and a pointer
        to sources.csv, where every one of them is listed.
        """
        cited = list(dict.fromkeys(f"{r.publisher}《{r.publication}》" for r in self.sources_for(rows).itertuples()))
        if len(cited) <= limit:
            return "；".join(cited)
        return "；".join(cited[:limit - 1]) + f"等 {len(cited)} 种出版物（逐条见 data/sources.csv）"

    def _observations_of(self, indicator: str) -> pd.DataFrame:
        """All observations, for a caller that keeps only ``indicator``'s rows (noted as such, see
        :mod:`jjj_book.reads`; reading ``observations`` any other way notes the whole table)."""
        if isinstance(self.tables, _Tables):
            return self.tables.rows_of(indicator)
        return self.tables["observations"]

    def tidy_csv(self) -> str:
        """Every observation as CSV with the public column order."""
        buf = io.StringIO()
        self.observations[OBSERVATION_COLUMNS].to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()


class _Tables(Mapping):
    """A package's frames by resource name; reading one notes the whole table (:mod:`jjj_book.reads`)."""

    def __init__(self, root: Path, frames: dict[str, pd.DataFrame]):
        self._root, self._frames = root, dict(frames)

    def __getitem__(self, name: str) -> pd.DataFrame:
        _reads.note("table", self._root, name)
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def rows_of(self, indicator: str) -> pd.DataFrame:
        _reads.note("observations", self._root, indicator)
        return self._frames["observations"]


# --------------------------------------------------------------------------- reading

def _read_descriptor(root: Path) -> tuple[dict | None, list[Problem]]:
    path = root / DESCRIPTOR
    name = _display(path)
    if not root.is_dir():
        return None, [Problem(_display(root), None, None, "a data directory", "no such directory")]
    if not path.is_file():
        return None, [Problem(name, None, None, "a Frictionless descriptor file", "no such file")]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, [Problem(name, None, None, "UTF-8 text", f"undecodable bytes ({exc.reason})")]
    except json.JSONDecodeError as exc:
        return None, [Problem(name, exc.lineno, None, "valid JSON", exc.msg)]
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        return None, [Problem(name, None, None, "a JSON object with a 'resources' list", "none")]
    problems = []
    for i, res in enumerate(resources):
        if not (isinstance(res, dict) and isinstance(res.get("name"), str)
                and isinstance(res.get("path"), str)
                and isinstance(res.get("schema"), dict)
                and isinstance(res["schema"].get("fields"), list)):
            problems.append(Problem(name, None, f"resources[{i}]",
                                    "an object with name, path and schema.fields", repr(res)[:80]))
    return (None if problems else descriptor), problems


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Read a CSV file as text, tolerating a (even doubled) UTF-8 BOM."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # UnicodeDecodeError is handled by the caller
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return [], []
    return [h.strip() for h in rows[0]], rows[1:]


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _convert(value: str, ftype: str):
    """Parse one cell by Table Schema type; raise ValueError with the expectation."""
    if ftype == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ValueError("an integer")
        return int(value)
    if ftype == "number":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", value):
            raise ValueError("a number (digits with an optional decimal point, no thousands separators or units)")
        return float(value)
    if ftype == "boolean":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError("true or false")
    return value


def _check_table(res: dict, root: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    path = root / res["path"]
    name = _display(path)
    if not path.is_file():
        return None, [Problem(name, None, None, f"the file of resource '{res['name']}'", "no such file")]
    try:
        header, rows = _read_csv(path)
    except UnicodeDecodeError as exc:
        return None, [Problem(name, None, None, "UTF-8 text (with or without BOM)",
                              f"bytes that are not UTF-8 at offset {exc.start} (GBK? convert with 'jjj-book import')")]
    except csv.Error as exc:
        return None, [Problem(name, None, None, "well-formed CSV", str(exc))]
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    if not header:
        return None, [Problem(name, 1, None, "a header row " + ",".join(names), "an empty file")]
    problems = []
    missing = [n for n in names if n not in header]
    extra = [h for h in header if h not in names]
    for n in missing:
        problems.append(Problem(name, 1, n, "this column in the header", "it missing"))
    for h in extra:
        problems.append(Problem(name, 1, h or "(blank)", "only the columns " + ",".join(names), "an extra column"))
    if missing:
        return None, problems
    index = {h: i for i, h in enumerate(header)}
    records = []
    for lineno, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank line: editors leave them; they carry nothing
        if len(row) != len(header):
            problems.append(Problem(name, lineno, None, f"{len(header)} cells", f"{len(row)} cells"))
            continue
        record = {"_line": lineno}
        for f in fields:
            cell = row[index[f["name"]]].strip()
            cons = f.get("constraints", {})
            if cell == "":
                if cons.get("required"):
                    problems.append(Problem(name, lineno, f["name"], "a value (required)", "an empty cell"))
                record[f["name"]] = None
                continue
            try:
                value = _convert(cell, f.get("type", "string"))
            except ValueError as exc:
                problems.append(Problem(name, lineno, f["name"], str(exc), repr(cell)))
                record[f["name"]] = None
                continue
            if "enum" in cons and value not in cons["enum"]:
                problems.append(Problem(name, lineno, f["name"], "one of " + ", ".join(map(str, cons["enum"])), repr(cell)))
            if "pattern" in cons and not re.fullmatch(cons["pattern"], cell):
                problems.append(Problem(name, lineno, f["name"], f"text matching {cons['pattern']}", repr(cell)))
            if "minimum" in cons and value < cons["minimum"]:
                problems.append(Problem(name, lineno, f["name"], f"at least {cons['minimum']}", repr(cell)))
            if "maximum" in cons and value > cons["maximum"]:
                problems.append(Problem(name, lineno, f["name"], f"at most {cons['maximum']}", repr(cell)))
            record[f["name"]] = value
        records.append(record)
    # primary key uniqueness
    pk = res["schema"].get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    if pk:
        seen: dict[tuple, int] = {}
        for rec in records:
            key = tuple(rec.get(k) for k in pk)
            if None in key:
                continue
            if key in seen:
                problems.append(Problem(name, rec["_line"], ",".join(pk),
                                        f"a unique key (first used on line {seen[key]})",
                                        "a duplicate " + "/".join(map(str, key))))
            else:
                seen[key] = rec["_line"]
    frame = pd.DataFrame.from_records(records, columns=["_line", *names])
    return frame, problems


def _foreign_key_problems(res: dict, frame: pd.DataFrame, tables: dict, root: Path) -> list[Problem]:
    name = _display(root / res["path"])
    problems = []
    for fk in res["schema"].get("foreignKeys", []):
        (col,) = fk["fields"]
        target = fk["reference"]["resource"]
        (tcol,) = fk["reference"]["fields"]
        if target not in tables or tables[target] is None:
            continue
        known = set(tables[target][tcol].dropna())
        target_file = next((r["path"] for r in tables["_resources"] if r["name"] == target), target)
        for line, value in zip(frame["_line"], frame[col]):
            if value is not None and value not in known:
                problems.append(Problem(name, int(line), col, f"a value listed in column '{tcol}' of {target_file}", repr(value)))
    return problems


def _domain_problems(tables: dict, root: Path, res_by_name: dict) -> list[Problem]:
    """Checks that the Table Schema cannot express."""
    obs = tables.get("observations")
    ind = tables.get("indicators")
    if obs is None or ind is None:
        return []
    name = _display(root / res_by_name["observations"]["path"])
    unit_of = dict(zip(ind["id"], ind["unit"]))
    nonneg = dict(zip(ind["id"], ind["nonnegative"]))
    this_year = _dt.date.today().year
    problems = []
    for rec in obs.to_dict("records"):
        line = rec["_line"]
        indicator, unit, value, year = rec["indicator"], rec["unit"], rec["value"], rec["year"]
        if indicator in unit_of and unit is not None and unit != unit_of[indicator]:
            problems.append(Problem(name, line, "unit",
                                    f"'{unit_of[indicator]}', the unit of indicator {indicator}", repr(unit)))
        if nonneg.get(indicator) and value is not None and value < 0:
            problems.append(Problem(name, line, "value", f"a non-negative level for {indicator}", repr(value)))
        if year is not None and year > this_year:
            problems.append(Problem(name, line, "year", f"a year no later than {this_year}", repr(year)))
    return problems


def _load(root: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    _reads.note("package", root)  # the result depends on the descriptor and on every file it lists
    descriptor, problems = _read_descriptor(root)
    if descriptor is None:
        return {}, problems
    resources = descriptor["resources"]
    res_by_name = {r["name"]: r for r in resources}
    required = {"units", "regions", "indicators", "vintages", "sources", "observations"}
    for missing in sorted(required - set(res_by_name)):
        problems.append(Problem(_display(root / DESCRIPTOR), None, "resources",
                                f"a resource named '{missing}'", "none"))
    tables: dict = {"_resources": resources}
    for res in resources:
        frame, found = _check_table(res, root)
        tables[res["name"]] = frame
        problems += found
    for res in resources:
        if tables.get(res["name"]) is not None:
            problems += _foreign_key_problems(res, tables[res["name"]], tables, root)
    problems += _domain_problems(tables, root, res_by_name)
    tables.pop("_resources")
    return tables, problems


def validate(data_dir: str | Path) -> list[Problem]:
    """Every problem in a data directory (an empty list when it is valid)."""
    _, problems = _load(Path(data_dir).resolve())
    return problems


def load(data_dir: str | Path) -> DataPackage:
    """Load a data directory; raise :class:`DataError` listing every problem."""
    root = Path(data_dir).resolve()
    tables, problems = _load(root)
    if problems:
        raise DataError(problems)
    clean = {}
    for key, frame in tables.items():
        frame = frame.drop(columns="_line")
        # empty optional text cells become "" so string columns stay strings
        clean[key] = frame.astype({c: "object" for c in frame.columns if frame[c].dtype == object}).fillna("")
    obs = clean["observations"]
    obs["year"] = obs["year"].astype(int)
    obs["value"] = obs["value"].astype(float)
    return DataPackage(root=root, tables=_Tables(root, clean))
