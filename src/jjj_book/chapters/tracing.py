"""Where every number a chapter shows comes from: the one way to make a sourced value and to show a table
whose cells open their sources (issue 13; the model is :mod:`jjj_book.provenance`).

A value or a table cell gets its observation rows (and the formula in words when it is computed) in one
of two ways, both ending in the same :class:`jjj_book.provenance.Sourced` values and the same
:class:`SourcedTable`:

- **traced** (chapters 03–07): :func:`trace` runs a chapter function once while noting every observation
  row it reads, then again with the rows of one year, of one indicator in that year, of one row changed
  or missing: a value (or a table cell) depends on the rows whose change changes it. :func:`facts` turns
  a ``*_facts`` function's dict into ``Sourced`` values (formulas from the module's ``FORMULAS``);
  :func:`traced` puts each number cell's rows into a table's ``attrs``, shown by :func:`table` / :func:`show`.
- **declared** (chapters 01, 02, 08): the chapter names the rows itself. :func:`declared` (rows read with
  :func:`obs`), :func:`param`, :func:`of_claim` and :func:`reported` make the ``Sourced`` value of each
  glue name (:mod:`jjj_book.chapters.numbers`), :func:`record` puts them on the page; :func:`show_table`
  shows a table with the cells the chapter gives (``{(row, column): rows or (rows, formula)}``,
  :func:`wide_cells` for a ``pkg.wide`` table).

Values go onto the page with ``ch.glue`` (:func:`glue`, or :func:`record` for values the notebook glued
before); ``ch.provenance()`` writes them. ``ch.table`` shows a table through :class:`SourcedTable` too.
"""

from __future__ import annotations

import html
import math
import re
import sys
import time
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jjj_book.chapters.common import Table
from jjj_book.chapters.common import show as plain_show
from jjj_book.chapters.common import table as plain_table
from jjj_book.chapters.vintages import evaluate_traced, traced_alternatives
from jjj_book.claims import REGISTRY
from jjj_book.data import DataPackage
from jjj_book.provenance import (
    Provenance,
    Sourced,
    _Recording,
    esc,
    html_id,
    row_id,
    rows_of,
    tracing_enabled,
)
from jjj_book.provenance import wide_cells as wide_cells_by_label
from jjj_book.render import format_value, num_span
from jjj_book.text import source_line
from jjj_book.vocab import PROVINCES

DIGIT = re.compile(r"\d")
ROW_FORMULA = "由下列数据按本章的方法计算（方法见本节代码）"
NO_ROW_FORMULA = "本章的设定或计数，不取自观测数据"
CLAIM_FORMULA = "按本章的核对方法由下列数据计算"
REPORTED_WHERE = "报告的说法（本书转述）"
_PACKAGES: dict[str, DataPackage] = {}   # data root → package, for rendering a traced table's cells
_IDS = ["indicator", "region", "year", "period", "vintage"]
SPENT = [0.0]   # seconds spent tracing in this process (the build-time cost of issue 16's provenance)


# --------------------------------------------------------------------------- traced: the rows a value depends on

def _text(value) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return str(value)


def _flatten(out) -> dict:
    if isinstance(out, tuple):
        out = out[0]
    if isinstance(out, Table):
        out = out.frame
    if isinstance(out, dict):
        return {k: _text(v.value if isinstance(v, Sourced) else v) for k, v in out.items()}
    if isinstance(out, pd.DataFrame):
        flat, seen = {}, {}
        for i in range(len(out)):
            label = _text(out.iat[i, 0]) if out.shape[1] else str(i)
            seen[label] = seen.get(label, -1) + 1
            for j, column in enumerate(out.columns):
                flat[(label, seen[label], str(column))] = _text(out.iat[i, j])
        return flat
    return {None: _text(out)}


def _keys(frame: pd.DataFrame) -> pd.Series:
    return frame[_IDS].astype(str).agg("|".join, axis=1)


def trace(pkg: DataPackage, fn, *args, **kwargs) -> tuple[object, dict, dict]:
    """``fn(pkg, *args, **kwargs)``, and for each value (dict key, or table cell key) the row ids of the
    observations it depends on; also the records of those rows (row id → dict)."""
    started = time.perf_counter()
    try:
        return _trace(pkg, fn, args, kwargs)
    finally:
        SPENT[0] += time.perf_counter() - started


def _trace(pkg: DataPackage, fn, args, kwargs) -> tuple[object, dict, dict]:
    rec = _Recording(pkg)
    out = fn(rec, *args, **kwargs)
    base = _flatten(out)
    frames = [f for f in rec.read if not f.empty]
    deps: dict = {k: [] for k in base}
    if not frames:
        return out, deps, {}
    read = pd.concat(frames).drop_duplicates(_IDS).reset_index(drop=True)
    if not tracing_enabled():   # every value names every row read (JJJ_BOOK_TRACE=0)
        read_keys = list(_keys(read))
        return out, {k: read_keys for k in base}, dict(zip(read_keys, read.to_dict("records")))
    obs = pkg.observations_for(read["indicator"])
    obs_keys, read_keys = _keys(obs), _keys(read)
    others = {name: pkg.tables[name] for name in pkg.tables if name != "observations"}

    def differs(observations: pd.DataFrame) -> set:
        try:
            now = _flatten(fn(DataPackage(pkg.root, dict(others, observations=observations)), *args, **kwargs))
        except Exception:   # noqa: BLE001  (a value that cannot be computed without these rows depends on them)
            return set(base)
        return {k for k, v in base.items() if now.get(k) != v}

    def changed(rows: set, drop: bool = True) -> set:
        """What changes when these rows' values change (each by another factor), and (``drop``) when they are
        missing: a value read only for its year is found by the second, one whose rounding hides a drop by the first."""
        mask = obs_keys.isin(rows)
        scaled = obs.copy()
        scaled.loc[mask, "value"] = scaled.loc[mask, "value"].to_numpy(dtype=float) * (1.37 + 0.113 * np.arange(int(mask.sum())))
        return differs(scaled) | (differs(obs.loc[~mask]) if drop else set())

    def assign(index, keys) -> None:
        for k in keys:
            deps[k].extend(read_keys[i] for i in index)

    for _year, group in read.groupby("year", sort=True):
        hit = changed(set(read_keys[group.index]))
        if not hit or len(group) == 1:
            assign(group.index, hit)
            continue
        found: set = set()
        parts = list(group.groupby("indicator"))
        for _ind, sub in parts:
            # inside a year only values are varied: a value that depends on rows only for their presence
            # (a latest common year) gets every row of that year below
            sub_hit = hit if len(parts) == 1 else changed(set(read_keys[sub.index]), drop=False) & hit
            if len(sub) == 1:
                assign(sub.index, sub_hit)
                found |= sub_hit
                continue
            for i in sub.index:
                one = changed({read_keys[i]}, drop=False) & sub_hit if sub_hit else set()
                assign([i], one)
                found |= one
        assign(group.index, hit - found)   # depends on the year's rows only together
    records = {read_keys[i]: read.loc[i].to_dict() for i in read.index}
    return out, {k: list(dict.fromkeys(v)) for k, v in deps.items()}, records


def _formula(formulas: dict, name, rows: list) -> str:
    if name in formulas:
        return formulas[name]
    return ROW_FORMULA if rows else NO_ROW_FORMULA


def facts(pkg: DataPackage, fn, *args, formulas: dict | None = None, **kwargs) -> dict:
    """``fn``'s dict of glued values, every value showing a digit made a :class:`Sourced` (words stay as
    they are). One row and no formula: the value is that observation."""
    out, deps, records = trace(pkg, fn, *args, **kwargs)
    formulas = formulas if formulas is not None else getattr(sys.modules[fn.__module__], "FORMULAS", {})
    result = {}
    for name, value in out.items():
        if isinstance(value, Sourced) or not DIGIT.search(_text(value)):
            result[name] = value
            continue
        rows = [records[r] for r in deps[name]]
        formula = "" if len(rows) == 1 and name not in formulas else _formula(formulas, name, rows)
        result[name] = Sourced(value, rows=rows or None, formula=formula)
    return result


def facts_of(pkg: DataPackage, parts, formulas: dict | None = None) -> dict:
    """:func:`facts` of several functions, each traced on its own (faster than tracing their union):
    ``parts`` is a list of ``(function, *arguments after pkg)``."""
    out = {}
    for fn, *args in parts:
        out.update(facts(pkg, fn, *args, formulas=formulas))
    return out


def claim_traced(ch, claim_id: str, vintage: str, alternatives: bool):
    """(result, its input rows, [(vintage, result, rows)] of the other vintages) of a claim's check, once
    per chapter (verdicts, their table cells and :func:`of_claim` values share it)."""
    key = (claim_id, vintage, alternatives)
    if key not in ch._traced:
        result, rows = evaluate_traced(ch.pkg, claim_id, vintage)
        found = (traced_alternatives(ch.pkg, result, like=rows)
                 if alternatives and result.verdict != "cannot_check" else [])
        ch._traced[key] = (result, rows, found)
    return ch._traced[key]


# --------------------------------------------------------------------------- declared: the rows a chapter names

@dataclass(frozen=True)
class Declared(Sourced):
    """A :class:`Sourced` whose rows the chapter names (not traced), for a value its notebook glues itself.
    ``kind``: ``"parameter"`` (a chapter parameter) or ``"reported"`` (the report's own figure for
    ``claim``); else ``claim`` means the rows and method of that claim's check."""

    kind: str = ""
    claim: str = ""


def declared(rows=None, formula: str = "", label: str = "") -> Declared:
    """The value is, or is computed from, these observation ``rows`` (``formula``: how, in words)."""
    return Declared(None, rows=rows, formula=formula, label=label)


def param(label: str) -> Declared:
    """The value is a chapter parameter (a year, a choice of vintage)."""
    return Declared(None, label=label, kind="parameter")


def of_claim(claim_id: str, formula: str = "", label: str = "") -> Declared:
    """The value is that claim's check: its rows and method (its note unless ``formula``)."""
    return Declared(None, formula=formula, label=label, claim=claim_id)


def reported(claim_id: str) -> Declared:
    """The report's own figure for that claim (glued by :func:`record`; its source is the report)."""
    return Declared(REGISTRY[claim_id].reported, label=REGISTRY[claim_id].statement, kind="reported",
                    claim=claim_id)


def obs(pkg: DataPackage, indicator, vintage: str, regions=PROVINCES, years=None, period="annual"):
    """Observation rows (several indicators: pass a list) of some regions and years."""
    indicators = [indicator] if isinstance(indicator, str) else list(indicator)
    frames = [rows_of(pkg, i, vintage, regions, years, period) for i in indicators]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pkg.observations_for(())


def per_capita_inputs(pkg: DataPackage, vintage: str, population_vintage: str, years,
                      indicator: str = "gdp") -> pd.DataFrame:
    """The rows a per-person value of ``indicator`` reads: its years, and the year-end population of them and
    the year before (``indicator="disposable_income_all"``: the income rows instead of GDP)."""
    years = [int(y) for y in years]
    return pd.concat([obs(pkg, indicator, vintage, years=years),
                      obs(pkg, "population_yearend", population_vintage,
                          years=sorted({y - 1 for y in years} | set(years)))], ignore_index=True)


def record(ch, values: dict) -> None:
    """Record the provenance of values the notebook has glued (``ch.provenance()`` then writes it): name →
    :class:`Sourced` (:func:`declared`, :func:`param`, :func:`of_claim`, or :func:`facts`); a
    :func:`reported` figure is glued here, with the report as its source."""
    for name, value in values.items():
        kind, claim = getattr(value, "kind", ""), getattr(value, "claim", "")
        if kind == "reported":
            glue(ch, {name: value.value}, {name: (value.label, REPORTED_WHERE)})
            continue
        if kind == "parameter":
            ch.prov.add_parameter(name, "", label=value.label)
            continue
        rows, formula, label = value.rows, value.formula, value.label
        if claim:
            result, rows, _alts = claim_traced(ch, claim, ch.results[claim].vintage, False)
            formula, label = formula or result.note or CLAIM_FORMULA, label or result.statement
        rows = rows if rows is not None and len(rows) else None
        one = rows is not None and len(rows) == 1 and not formula
        ch.prov.add(name, "", rows=rows, formula=formula or None, label=label, kind=None if one else "derived")


def glue(ch, values: dict, reported: dict | None = None) -> None:
    """``ch.glue`` every value; ``reported``: names of figures printed in the report → where (paraphrased),
    recorded with the report as their source."""
    for name, value in values.items():
        if reported and name in reported:
            value = value.value if isinstance(value, Sourced) else value
            ch.glue(name, value)
            ch.prov.add_reported(name, "", label=reported[name][0], where=reported[name][1])
        else:
            ch.glue(name, value)


def counted(values: dict, formulas: dict) -> dict:
    """Values not read from the data (counts of the chapter's own recommendations or claims): each one
    showing a digit gets its formula in words (``formulas[name]``)."""
    return {k: Sourced(v, formula=formulas[k]) if DIGIT.search(_text(v)) else v for k, v in values.items()}


# --------------------------------------------------------------------------- tables whose cells open their sources

def traced(pkg: DataPackage, fn, *args, formulas: dict | None = None, **kwargs):
    """``fn``'s table (or ``(table, …)``) with each number cell's rows in ``attrs["jjj_cells"]``:
    {(row position, column position): (row records, formula)}. ``formulas``: column name → formula."""
    out, deps, records = trace(pkg, fn, *args, **kwargs)
    frame = out[0] if isinstance(out, tuple) else out
    _PACKAGES[str(pkg.root)] = pkg
    formulas = formulas or {}
    flat_keys = list(_flatten(frame))
    cells = {}
    ncol = frame.shape[1]
    for n, key in enumerate(flat_keys):
        i, j = divmod(n, ncol)
        text = _text(frame.iat[i, j])
        if not DIGIT.search(text) or not deps.get(key):
            continue
        rows = [records[r] for r in deps[key]]
        column = str(frame.columns[j])
        formula = "" if len(rows) == 1 and column not in formulas else _formula(formulas, column, rows)
        cells[(i, j)] = (rows, formula)
    frame.attrs["jjj_cells"] = cells
    frame.attrs["jjj_root"] = str(pkg.root)
    return out


def wide_cells(wide: pd.DataFrame, *, transpose: bool = False, col_offset: int = 0) -> dict:
    """Declared cells of a shown ``pkg.wide`` table (years × regions; ``transpose``: regions × years): each
    (row, column) position → the row id of the observation it shows."""
    out = {}
    index, columns = list(wide.index), list(wide.columns)
    for (year, region), rid in wide_cells_by_label(wide).items():
        i, j = index.index(year), columns.index(region)
        out[(j, i + col_offset) if transpose else (i, j + col_offset)] = rid
    return out


def cell_map(frame: pd.DataFrame, cells) -> dict:
    """``cells`` as {(row, column): rows or (rows, formula)}; a ``pkg.wide`` table of the shown one's shape
    gives each cell its observation."""
    if cells is None:
        return {}
    if isinstance(cells, pd.DataFrame):
        if cells.shape != frame.shape:
            raise ValueError(f"the shown table is {frame.shape}, its source table {cells.shape}: they must match")
        return wide_cells(cells)
    return dict(cells)


def _table_name(frame: pd.DataFrame) -> str:
    """A table's anchor prefix from its columns (the same in every build)."""
    return "t-" + str(zlib.crc32("\x1f".join(map(str, frame.columns)).encode("utf-8")) % 10**6)


class SourcedTable(Table):
    """The table whose number cells open their sources (a :class:`common.Table`: source line under it).

    ``cells`` (:func:`cell_map`): found by :func:`traced` (in ``frame.attrs``, the default) or given by the
    chapter. ``labelled``: the index is shown as the first column (row headings, ``caption`` above it, the
    source line as under a chart: ``ch.table`` and :func:`show_table`); otherwise the columns only, as
    :class:`common.Table` shows them (a table without cells is then shown as that)."""

    def __init__(self, frame: pd.DataFrame, note: str = "", cards: bool = False, name: str = "table", *,
                 cells=None, pkg: DataPackage | None = None, labelled: bool = False, caption: str = ""):
        super().__init__(frame, note, cards)
        self.name, self.labelled, self.caption = name, labelled, caption
        self.cells = cell_map(frame, frame.attrs.get("jjj_cells") if cells is None else cells)
        self.pkg = pkg if pkg is not None else _PACKAGES.get(frame.attrs.get("jjj_root", ""))

    def _cell(self, prov: Provenance, i: int, j: int) -> str:
        value = self.frame.iat[i, j]
        if self.labelled:
            text = value if isinstance(value, str) else format_value(value)
            label = f"{self.caption or '表'}：{self.frame.index[i]}，{self.frame.columns[j]}"
        else:
            text = "—" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
            label = f"{_text(self.frame.iat[i, 0])}，{self.frame.columns[j]}"
        spec = self.cells.get((i, j))
        if spec is None:
            return f"<td>{esc(text)}</td>"
        key = f"{self.name}:{i}:{j}"
        rows, formula = spec if isinstance(spec, tuple) else (spec, None)
        prov.add(key, text, rows=rows, formula=formula or None, label=label, kind="derived" if formula else None)
        return f'<td id="{html_id(key)}">{num_span(text, key, prov)}</td>'

    def _repr_html_(self) -> str:
        if not self.labelled and (not self.cells or self.pkg is None):
            return super()._repr_html_()
        prov = Provenance(self.pkg)
        frame = self.frame
        head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
        rows = ["".join(self._cell(prov, i, j) for j in range(frame.shape[1])) for i in range(len(frame))]
        script = prov.script() if prov.numbers else ""
        if self.labelled:
            body = "".join(f"<tr><th>{esc(label)}</th>{tds}</tr>" for label, tds in zip(frame.index, rows))
            cap = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
            note = f'<p class="jjj-chart-source jjj-table-source">{esc(self.note)}</p>' if self.note else ""
            return (f'<div class="jjj-prov-table"><table class="dataframe jjj-table">{cap}<thead><tr><th>'
                    f"{esc(frame.index.name or '')}</th>{head}</tr></thead><tbody>{body}</tbody></table>"
                    f"{script}</div>{note}")
        classes = "dataframe jjj-table jjj-cards" if self.cards else "dataframe jjj-table"
        body = "".join(f"<tr>{tds}</tr>" for tds in rows)
        note = f'<p class="jjj-source"><small>{html.escape(self.note)}</small></p>' if self.note else ""
        return (f'<table border="0" class="{classes}"><thead><tr style="text-align: left;">{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>{note}{script}")


def table(frame: pd.DataFrame, citation: str = "", vintage_names=(), cards: bool = False, name: str = "") -> Table:
    """:func:`jjj_book.chapters.common.table`, with number cells that open their sources when ``frame``
    was made by :func:`traced` (``name``: the table's anchor prefix; default from its columns)."""
    if not frame.attrs.get("jjj_cells"):
        return plain_table(frame, citation, vintage_names, cards)
    note = source_line(citation, list(vintage_names)) if citation else ""
    return SourcedTable(frame, note, cards, name or _table_name(frame))


def show(frame: pd.DataFrame, name: str = "") -> Table:
    """:func:`jjj_book.chapters.common.show` (source line from ``attrs["source"]``, cards when wide), with
    number cells that open their sources when ``frame`` was made by :func:`traced`."""
    if not frame.attrs.get("jjj_cells"):
        return plain_show(frame)
    return SourcedTable(frame, frame.attrs.get("source", ""), len(frame.columns) >= 5, name or _table_name(frame))


def show_table(ch, styled, cells, name: str, source: str | None = None) -> None:
    """Display a table (a Styler or DataFrame from a chapter module; its index as row headings) whose
    ``cells`` (:func:`cell_map`) open their sources, with the source line (the Styler's caption, or
    ``source``) under it."""
    from IPython.display import HTML, display

    frame = styled.data if hasattr(styled, "data") else styled
    source = source if source is not None else (getattr(styled, "caption", None) or "")
    shown = frame.copy()
    shown.index.name = shown.index.name or frame.columns.name or ""
    display(HTML(SourcedTable(shown, source, name=name, cells=cells, pkg=ch.pkg, labelled=True)._repr_html_()))


__all__ = ["Declared", "SourcedTable", "cell_map", "claim_traced", "counted", "declared", "facts", "facts_of",
           "glue", "obs", "of_claim", "param", "per_capita_inputs", "record", "reported", "row_id", "show",
           "show_table", "table", "trace", "traced", "wide_cells"]
