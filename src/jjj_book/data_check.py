"""Validate the book's data package: the descriptor, each table, foreign keys and domain checks.

The data package's Table Schema drives the generic checks (types, required fields, enums, patterns,
ranges, primary and foreign keys); the domain checks (units match the indicator, levels are
non-negative, years are not in the future) live in :func:`_domain_problems`. :mod:`jjj_book.data`
re-exports the public names.

Every problem names the file, the line (as an editor counts it: the header is line 1), the column,
what was expected and what was found.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

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
        found = self.found if len(self.found) <= 200 else self.found[:200] + f"… ({len(self.found)} characters)"
        return f"{where}: expected {self.expected}; found {found}"


class DataError(Exception):
    """Raised when a data directory does not pass validation."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        if more > 0:
            shown += f"\n  … and {more} more"
        super().__init__(f"{len(self.problems)} problem(s) in the data package:\n{shown}")


# --------------------------------------------------------------------------- reading

_PROFILES = Path(__file__).with_name("profiles")
_validators: dict = {}


def _profile(name: str):
    """A JSON Schema validator for one of the Frictionless profiles kept in ``profiles/`` (v1 specs)."""
    if name not in _validators:
        import jsonschema

        schema = json.loads((_PROFILES / f"{name}.json").read_text(encoding="utf-8"))
        _validators[name] = jsonschema.Draft4Validator(schema)
    return _validators[name]


def _json_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_bytes(path: Path, name: str, what: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a file, or a located problem (missing, a directory, unreadable, a symlink loop)."""
    try:
        return path.read_bytes(), []
    except FileNotFoundError:
        return None, [Problem(name, None, None, what, "no such file")]
    except IsADirectoryError:
        return None, [Problem(name, None, None, what, "a folder")]
    except PermissionError:
        return None, [Problem(name, None, None, what + " that can be read", "permission denied")]
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return None, [Problem(name, None, None, what, "a symbolic link loop")]
        return None, [Problem(name, None, None, what, exc.strerror or type(exc).__name__)]


def resource_path(root: Path, res: dict) -> Path:
    """Where a resource's file is: always inside the data folder (checked by :func:`_read_descriptor`)."""
    return root / res["path"]


def _path_problem(root: Path, res_path: str) -> str | None:
    """Why a resource path is refused, or None: it must name a file inside the data folder."""
    pure = Path(res_path)
    if pure.is_absolute() or ".." in pure.parts or res_path.startswith("~"):
        return "a path inside the data folder"
    try:
        target = (root / pure).resolve(strict=False)
    except (OSError, RuntimeError):
        return "a path that does not loop (symbolic link loop)"
    if root.resolve() not in target.parents:
        return "a path inside the data folder (this one leads out of it through a symbolic link)"
    return None


def _read_descriptor(root: Path) -> tuple[dict | None, list[Problem]]:
    path = root / DESCRIPTOR
    name = _display(path)
    try:
        is_dir = root.is_dir()
    except OSError:
        is_dir = False
    if not is_dir:
        return None, [Problem(_display(root), None, None, "a data directory", "no such directory")]
    raw, problems = read_bytes(path, name, "a Frictionless descriptor file")
    if raw is None:
        return None, problems
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, [Problem(name, None, None, "UTF-8 text", f"undecodable bytes ({exc.reason})")]
    except json.JSONDecodeError as exc:
        return None, [Problem(name, exc.lineno, None, "valid JSON", f"{exc.msg} (at character {exc.colno} of the line)")]
    except RecursionError:
        return None, [Problem(name, None, None, "a JSON descriptor", "nesting too deep to read")]
    if not isinstance(descriptor, dict):
        return None, [Problem(name, None, None, "a JSON object with a 'resources' list", type(descriptor).__name__)]
    if not isinstance(descriptor.get("resources"), list):
        return None, [Problem(name, None, None, "a JSON object with a 'resources' list", "none")]
    # the Data Package profile first, then the Tabular Data Resource profile for each resource
    for error in _profile("data-package").iter_errors(descriptor):
        problems.append(Problem(name, None, _json_path(error.absolute_path),
                                "a descriptor valid under the Data Package profile", error.message[:200]))
    resources = descriptor.get("resources")
    if problems or not isinstance(resources, list):
        return None, problems or [Problem(name, None, "resources", "a list of resources", "none")]
    names: set = set()
    for i, res in enumerate(resources):
        problems += _resource_problems(root, name, f"resources[{i}]", res, names)
    problems += _reference_problems(name, resources)
    return (None if problems else descriptor), problems


def _resource_problems(root: Path, name: str, where: str, res, names: set) -> list[Problem]:
    """What is wrong with one resource of the descriptor (``names``: the resource names seen so far)."""
    problems = []
    errors = list(_profile("tabular-data-resource").iter_errors(res))
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        bad = error.instance if not isinstance(error.instance, (dict, list)) else None
        problems.append(Problem(name, None, where + "." + _json_path(error.absolute_path) if error.absolute_path else where,
                                "a resource valid under the Tabular Data Resource profile (inline schema, "
                                "fields as objects with a known type, primaryKey as a list of field names)",
                                _short(bad) if bad is not None else error.message[:120]))
    if errors:
        return problems
    if not isinstance(res.get("path"), str) or not isinstance(res.get("schema"), dict):
        problems.append(Problem(name, None, where, "a resource with one path (a string) and an inline schema",
                                _short(res.get("path"))))
        return problems
    why = _path_problem(root, res["path"])
    if why:  # never read (nor echo) a file outside the data folder
        problems.append(Problem(name, None, where + ".path", why, _short(res["path"])))
    if res["name"] in names:
        problems.append(Problem(name, None, where + ".name", "a resource name used once", _short(res["name"])))
    names.add(res["name"])
    seen = set()
    problems += _field_problems(name, where, res["schema"].get("fields", []), seen)
    pk = res["schema"].get("primaryKey") or []
    for key in [pk] if isinstance(pk, str) else pk:
        if key not in seen:
            problems.append(Problem(name, None, f"{where}.schema.primaryKey", "names of the resource's fields",
                                    _short(key)))
    for fk in res["schema"].get("foreignKeys", []):
        own = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        if len(own) != 1:
            problems.append(Problem(name, None, f"{where}.schema.foreignKeys", "single-field foreign keys",
                                    _short(fk["fields"])))
        elif own[0] not in seen:
            problems.append(Problem(name, None, f"{where}.schema.foreignKeys", "a field of the resource",
                                    _short(own[0])))
    return problems


def _field_problems(name: str, where: str, fields: list, seen: set) -> list[Problem]:
    """What is wrong with a resource's field list; ``seen`` collects the field names."""
    problems = []
    for k, f in enumerate(fields):
        if f["name"] in seen:
            problems.append(Problem(name, None, f"{where}.schema.fields[{k}].name", "a field name used once",
                                    _short(f["name"])))
        seen.add(f["name"])
        cons = f.get("constraints", {})
        for bound in ("minimum", "maximum"):
            if bound in cons and not (f.get("type") in ("integer", "number")
                                      and isinstance(cons[bound], (int, float))
                                      and not isinstance(cons[bound], bool)):
                problems.append(Problem(name, None, f"{where}.schema.fields[{k}].constraints.{bound}",
                                        "a number, on a field of type integer or number",
                                        f"{_short(cons[bound])} on a field of type {f.get('type', 'string')}"))
        pattern = cons.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as exc:
                problems.append(Problem(name, None, f"{where}.schema.fields[{k}].constraints.pattern",
                                        "a valid regular expression", f"{_short(pattern)} ({exc})"))
    return problems


def _reference_problems(name: str, resources: list) -> list[Problem]:
    """Foreign keys that point at a resource the package does not have."""
    problems = []
    by_name = {r.get("name"): r for r in resources if isinstance(r, dict)}
    for i, res in enumerate(resources):
        for fk in (res.get("schema") or {}).get("foreignKeys", []) if isinstance(res, dict) and isinstance(res.get("schema"), dict) else []:
            target = fk.get("reference", {}).get("resource") if isinstance(fk, dict) else None
            if isinstance(target, str) and target and target not in by_name:
                problems.append(Problem(name, None, f"resources[{i}].schema.foreignKeys",
                                        "a reference to a resource of this package", _short(target)))
    return problems


CSV_FIELD_LIMIT = 131072  # the csv module's default limit; a longer cell is no official figure


def read_csv_text(text: str, name: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Rows of CSV text with the line (as an editor counts it) each row starts on.

    Multi-line quoted cells are counted, so later lines keep their numbers; a NUL byte, an
    unterminated quote or a cell over the csv module's size limit is a located problem.
    """
    nul = text.find("\0")
    if nul >= 0:
        return [], [Problem(name, text.count("\n", 0, nul) + 1, None, "text without control characters",
                            "a NUL byte (a binary or damaged file?)")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            msg = str(exc)
            if "field larger than field limit" in msg:
                found = f"a cell longer than {CSV_FIELD_LIMIT} characters"
            elif "NUL" in msg:
                found = "a NUL byte"
            elif "unexpected end of data" in msg:
                found = "a quote (\") that is never closed: the rest of the file would be one cell"
            else:
                found = msg
            return rows, [Problem(name, line, None, "well-formed CSV", found)]
        if any(len(cell) > CSV_FIELD_LIMIT for cell in row):  # whatever limit another library set
            return rows, [Problem(name, line, None, "well-formed CSV",
                                  f"a cell longer than {CSV_FIELD_LIMIT} characters")]
        rows.append((line, row))
        line = reader.line_num + 1
    return rows, []


def _read_csv(path: Path, text: str | None = None, what: str = "a CSV file"
              ) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """Read a CSV file (or the given text for it), tolerating a (even doubled) UTF-8 BOM."""
    name = _display(path)
    if text is None:
        raw, problems = read_bytes(path, name, what)
        if raw is None:
            return [], [], problems
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return [], [], [Problem(name, None, None, "UTF-8 text (with or without BOM)",
                                    f"bytes that are not UTF-8 at offset {exc.start} (GBK? convert with 'jjj-book import')")]
    text = text.lstrip("\ufeff")
    rows, problems = read_csv_text(text, name)
    if not rows:
        return [], [], problems
    return [h.strip() for h in rows[0][1]], rows[1:], problems


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _convert(value: str, ftype: str):
    """Parse one cell by Table Schema type; raise ValueError with the expectation."""
    if ftype == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):  # ASCII digits only: ２０２１ is refused
            raise ValueError("an integer")
        return int(value)
    if ftype == "number":
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", value):
            raise ValueError("a number (digits with an optional decimal point, no thousands separators or units)")
        number = float(value)
        if number in (float("inf"), float("-inf")):
            raise ValueError("a finite number (this one overflows)")
        return number
    if ftype == "boolean":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError("true or false")
    return value


def _check_table(res: dict, root: Path, text: str | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    path = resource_path(root, res)
    name = _display(path)
    header, rows, problems = _read_csv(path, text, f"the file of resource '{res['name']}'")
    if problems:
        return None, problems
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    if not header:
        return None, [Problem(name, 1, None, "a header row " + ",".join(names), "an empty file")]
    problems = []
    for k, h in enumerate(header):
        if h in header[:k]:
            problems.append(Problem(name, 1, h or "(blank)", "each column once in the header",
                                    f"a second column '{h}' (column {k + 1}); which one holds the data is ambiguous"))
    if problems:
        return None, problems
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
    for lineno, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # blank line: editors leave them; they carry nothing
        if len(row) != len(header):
            more = " (a stray or unquoted comma would shift every value)" if len(row) > len(header) else ""
            problems.append(Problem(name, lineno, None, f"{len(header)} cells", f"{len(row)} cells{more}"))
            continue
        records.append(_record(name, lineno, row, fields, index, problems))
    problems += _key_problems(name, res, records)
    frame = pd.DataFrame.from_records(records, columns=["_line", *names])
    return frame, problems


def _record(name: str, lineno: int, row: list[str], fields: list, index: dict, problems: list) -> dict:
    """One row's values by field, each cell converted and checked against its constraints
    (appending to ``problems``)."""
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
    return record


def _key_problems(name: str, res: dict, records: list[dict]) -> list[Problem]:
    """Rows that repeat the primary key of an earlier row."""
    problems = []
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
    return problems


def _one(fields) -> str | None:
    fields = [fields] if isinstance(fields, str) else list(fields)
    return fields[0] if len(fields) == 1 else None


def _foreign_key_problems(res: dict, frame: pd.DataFrame, tables: dict, root: Path) -> list[Problem]:
    name = _display(resource_path(root, res))
    problems = []
    for fk in res["schema"].get("foreignKeys", []):
        col, tcol = _one(fk["fields"]), _one(fk["reference"]["fields"])
        target = fk["reference"]["resource"] or res["name"]
        if col is None or tcol is None or target not in tables or tables[target] is None:
            continue
        target_file = next((r["path"] for r in tables["_resources"] if r["name"] == target), target)
        if tcol not in tables[target].columns:
            problems.append(Problem(_display(root / DESCRIPTOR), None, f"foreign key {col}",
                                    f"a field of resource '{target}'", repr(tcol)))
            continue
        known = set(tables[target][tcol].dropna())
        for line, value in zip(frame["_line"], frame[col]):
            if value is not None and value not in known:
                problems.append(Problem(name, int(line), col, f"a value listed in column '{tcol}' of {target_file}", repr(value)))
    return problems


def vintage_indicators(vintages: pd.DataFrame) -> dict[str, set[str]]:
    """The indicators each vintage applies to (column ``indicators`` of vintages.csv, space-separated);
    a vintage with an empty cell, or a package without the column, applies to any indicator."""
    if "indicators" not in vintages.columns:
        return {}
    out = {}
    for vid, cell in zip(vintages["id"], vintages["indicators"]):
        ids = set((cell or "").split())
        if ids:
            out[vid] = ids
    return out


def _domain_problems(tables: dict, root: Path, res_by_name: dict) -> list[Problem]:
    """Checks that the Table Schema cannot express."""
    obs = tables.get("observations")
    ind = tables.get("indicators")
    vin = tables.get("vintages")
    if obs is None or ind is None:
        return []
    name = _display(resource_path(root, res_by_name["observations"]))
    unit_of = dict(zip(ind["id"], ind["unit"]))
    nonneg = dict(zip(ind["id"], ind["nonnegative"]))
    fits = vintage_indicators(vin) if vin is not None else {}
    problems = []
    if vin is not None and "indicators" in vin.columns:
        vname = _display(resource_path(root, res_by_name["vintages"]))
        for line, vid, cell in zip(vin["_line"], vin["id"], vin["indicators"]):
            for ident in (cell or "").split():
                if ident not in unit_of:
                    problems.append(Problem(vname, int(line), "indicators",
                                            "indicator ids listed in indicators.csv, separated by spaces",
                                            repr(ident)))
    this_year = _dt.date.today().year
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
        allowed = fits.get(rec["vintage"])
        if allowed and indicator is not None and indicator not in allowed:
            problems.append(Problem(name, line, "vintage",
                                    f"a vintage that applies to {indicator} (vintage {rec['vintage']} applies to "
                                    f"{', '.join(sorted(allowed))}; see vintages.csv)", repr(rec["vintage"])))
    return problems
