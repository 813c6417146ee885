"""Planning an import against the package, validating the result in memory and writing it
atomically under the data folder's lock."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jjj_book import data as data_mod
from jjj_book.importer.reading import OBS_FIELDS

# --------------------------------------------------------------------------- planning and writing

KEY = ["indicator", "region", "year", "period", "vintage"]


@dataclass
class Plan:
    new: list[dict]
    changed: list[tuple[dict, str]]  # (new row, old value)
    unchanged: int
    other_vintage: list[tuple[dict, str, str]]  # (new row, other vintage, its value)
    duplicates: list[data_mod.Problem]


def _where(row: dict) -> str:
    file, line, column = row.get("_origin", ("?", None, None))
    return f"{file}, line {line}" + (f", column '{column}'" if column else "")


def plan(rows: list[dict], pkg: data_mod.DataPackage, files: list[str] | None = None) -> Plan:
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
            first = seen[key]
            if Decimal(first["value"]) != Decimal(row["value"]):
                file, line, column = row.get("_origin", (", ".join(files or []), None, "value"))
                dups.append(data_mod.Problem(file, line, column,
                                             f"one value for {' / '.join(key)} (also given at {_where(first)})",
                                             f"{first['value']} and {row['value']}"))
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


# A value this many times larger or smaller than the nearest year of the same series looks like a unit
# error (元/万元/亿元 differ by 10^4, % and fractions by 100, 千/万 by 10); real series move far less.
MAGNITUDE_FACTOR = 5.0


def magnitude_problems(the_plan: Plan, pkg: data_mod.DataPackage) -> list[data_mod.Problem]:
    """New or changed levels whose size jumps against the same series (other years, other vintages)."""
    obs = pkg.observations
    nonneg = dict(zip(pkg.indicators["id"], pkg.indicators["nonnegative"]))
    series: dict[tuple, list[tuple[int, float, str]]] = {}
    for r in obs[["indicator", "region", "period", "year", "value", "vintage"]].itertuples(index=False):
        series.setdefault((r.indicator, r.region, r.period), []).append((int(r.year), float(r.value), r.vintage))
    problems = []
    for row in [*the_plan.new, *(r for r, _ in the_plan.changed)]:
        if not nonneg.get(row["indicator"]):
            continue  # rates cross zero: their size says nothing about their unit
        value = float(row["value"])
        refs = [(abs(y - int(row["year"])), y, v, vin) for y, v, vin in series.get(
            (row["indicator"], row["region"], row["period"]), []) if v > 0]
        if not refs or value <= 0:
            continue
        gap, year, ref, vin = min(refs)
        limit = MAGNITUDE_FACTOR * (1.2 ** max(0, gap - 5))
        ratio = max(value / ref, ref / value)
        if ratio >= limit:
            file, line, column = row["_origin"]
            problems.append(data_mod.Problem(
                file, line, column,
                f"a value of the size of {row['indicator']} {row['region']} {year} ({ref:g}, vintage {vin}), "
                f"in {row['unit']}; a jump of {ratio:.0f}× looks like a unit error (万元 vs 亿元, % vs fraction). "
                "If it is right, import again with --accept-magnitude-jump", row["value"]))
    return problems


@dataclass
class Prepared:
    """What an import would write: the plan, the new text of the observations file and where it goes."""

    plan: Plan
    text: str
    path: Path
    problems: list[data_mod.Problem]


def _serialise(row: dict, newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerow([row.get(k, "") for k in OBS_FIELDS])
    return out.getvalue()


def observations_path(data_dir: Path) -> Path:
    """The file the descriptor names for the observations resource."""
    desc = data_mod.descriptor(data_dir)
    res = next(r for r in desc["resources"] if r["name"] == "observations")
    return data_mod.resource_path(Path(data_dir).resolve(), res)


def prepare(data_dir: str | Path, rows: list[dict], pkg: data_mod.DataPackage,
            accept_magnitude_jump: bool = False) -> Prepared:
    """Plan an import and validate the whole package as it would be after it, in memory.

    ``--dry-run`` and the real import run exactly this; the real import then only writes ``text``.
    Every row of the original file is kept byte for byte; a changed row replaces its own lines.
    Problems of new or changed rows are reported at the input file's line and column.
    """
    data_dir = Path(data_dir).resolve()
    path = observations_path(data_dir)
    the_plan = plan(rows, pkg)
    problems = list(the_plan.duplicates)
    if path.is_symlink():
        problems.append(data_mod.Problem(data_mod._display(path), None, None,
                                         "a regular file (an import replaces the file; it never writes through "
                                         "a symbolic link or replaces one silently)",
                                         f"a symbolic link to {os.readlink(path)}"))
    if not accept_magnitude_jump:
        problems += magnitude_problems(the_plan, pkg)
    raw, found = data_mod.read_bytes(path, data_mod._display(path), "the observations file")
    if raw is None:
        return Prepared(the_plan, "", path, found)
    original = raw.decode("utf-8")
    bom = original[: len(original) - len(original.lstrip("\ufeff"))]
    body = original[len(bom):]
    newline = "\r\n" if "\r\n" in body.split("\n", 1)[0] + "\n" else "\n"
    out, origin, columns = _rewrite(body, newline, str(path), the_plan)
    text = bom + "".join(out)
    problems += _relocated(data_mod.validate_with(data_dir, {"observations": text}),
                           data_mod._display(path), origin, columns)
    return Prepared(the_plan, text, path, problems)


def _rewrite(body: str, newline: str, name: str, the_plan: Plan) -> tuple[list[str], dict, dict]:
    """The lines of the observations file after the plan, and for each new or changed line (by its
    number) the input's file, line and column it came from and the input's own column names."""
    parsed, _ = data_mod.read_csv_text(body, name)
    lines = list(io.StringIO(body, newline=""))  # split exactly as the csv reader counts lines (not splitlines)
    header = [h.strip() for h in parsed[0][1]]
    starts = [line for line, _ in parsed] + [len(lines) + 1]
    changed = {tuple(r[k] for k in KEY): r for r, _old in the_plan.changed}
    out, origin, columns = [], {}, {}
    for i, (line, cells) in enumerate(parsed):
        chunk = lines[line - 1: starts[i + 1] - 1]
        rec = dict(zip(header, (c.strip() for c in cells)))
        key = None
        if i > 0 and len(cells) == len(header):
            try:
                key = (rec["indicator"], rec["region"], str(int(rec["year"])), rec["period"], rec["vintage"])
            except (KeyError, ValueError):
                key = None
        if key in changed:
            origin[len(out) + 1] = changed[key]["_origin"]
            columns[len(out) + 1] = changed[key].get("_columns", {})
            out.append(_serialise(changed[key], newline))
        else:
            out.extend(chunk)
    if out and not out[-1].endswith(("\n", "\r")):
        out[-1] += newline
    for row in the_plan.new:
        origin[len(out) + 1] = row["_origin"]
        columns[len(out) + 1] = row.get("_columns", {})
        out.append(_serialise(row, newline))
    return out, origin, columns


def _relocated(found: list[data_mod.Problem], shown: str, origin: dict, columns: dict) -> list[data_mod.Problem]:
    """Problems of new or changed rows, moved to the input file's line and column."""
    problems = []
    for p in found:
        if p.file == shown and p.line in origin:
            file, line, column = origin[p.line]
            column = columns[p.line].get(p.column, column)  # the input's own column when it has one
            p = data_mod.Problem(file, line, column, p.expected,
                                 p.found + (f" (for the column '{p.column}' of observations)" if p.column else ""))
        problems.append(p)
    return problems


TMP_SUFFIX = ".jjj-import-tmp"


def _leftovers(path: Path) -> list[Path]:
    prefix = f".{path.name}."  # names compared as text: a name may hold glob characters ([, *)
    return [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(TMP_SUFFIX)]


def write(prepared: Prepared) -> int:
    """Replace the observations file by ``prepared.text`` atomically, keeping its mode (and owner).

    The caller holds the import lock: temporary files of killed imports (recognised by their name)
    are removed first. A symbolic link is never replaced by a file.
    """
    path = prepared.path
    if path.is_symlink():
        raise data_mod.DataError([data_mod.Problem(str(path), None, None,
                                                   "a regular file (an import replaces the file; it does not "
                                                   "write through a symbolic link)",
                                                   f"a symbolic link to {os.readlink(path)}")])
    for stale in _leftovers(path):
        stale.unlink(missing_ok=True)
    info = path.stat()
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(prepared.text)
            fh.flush()
            os.fchmod(fh.fileno(), info.st_mode & 0o7777)
            try:
                os.fchown(fh.fileno(), info.st_uid, info.st_gid)
            except PermissionError:
                pass  # another user's file: the mode is kept, the owner becomes the importer
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(prepared.plan.new) + len(prepared.plan.changed)
