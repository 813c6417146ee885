"""Where a chapter's computed numbers come from, found by tracing (issue 16).

A chapter module computes its glued values (``*_facts`` → dict) and its tables (→ DataFrame) from the
data package. :func:`trace` runs such a function once while noting every observation row it reads,
then again without the rows of one year, of one indicator in that year, of one row: a value (or a
table cell) depends on the rows whose removal changes it. That gives every number its observations
without each function having to hand them back itself.

- :func:`facts` — a ``*_facts`` function's dict with every value that shows a digit made a
  :class:`jjj_book.provenance.Sourced` (rows it depends on, the formula in words from the module's
  ``FORMULAS`` or a default), so the notebook's ``for name, value in …: ch.glue(name, value)`` loop
  records it.
- :func:`traced` — a table function's DataFrame with, in its ``attrs``, each number cell's rows;
  :func:`table` (the chapter modules' ``table``) shows it with cells that open their sources.
"""

from __future__ import annotations

import html
import math
import re
import sys
import time

import numpy as np
import pandas as pd

from jjj_book.chapters.common import Table
from jjj_book.chapters.common import show as plain_show
from jjj_book.chapters.common import table as plain_table
from jjj_book.data import DataPackage
from jjj_book.provenance import Provenance, Sourced, _Recording, html_id, row_id
from jjj_book.render import num_span
from jjj_book.text import source_line

DIGIT = re.compile(r"\d")
ROW_FORMULA = "由下列数据按本章的方法计算（方法见本节代码）"
NO_ROW_FORMULA = "本章的设定或计数，不取自观测数据"
_PACKAGES: dict[str, DataPackage] = {}   # data root → package, for rendering a traced table's cells
_IDS = ["indicator", "region", "year", "period", "vintage"]
SPENT = [0.0]   # seconds spent tracing in this process (the build-time cost of issue 16's provenance)


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
    obs = pkg.tables["observations"]
    obs = obs.loc[obs["indicator"].isin(set(read["indicator"]))]
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


class SourcedTable(Table):
    """A display table (no row numbers, source line under it) whose number cells open their rows."""

    def __init__(self, frame: pd.DataFrame, note: str = "", cards: bool = False, name: str = "table"):
        super().__init__(frame, note, cards)
        self.name = name

    def _repr_html_(self) -> str:
        frame = self.frame
        cells = frame.attrs.get("jjj_cells") or {}
        pkg = _PACKAGES.get(frame.attrs.get("jjj_root", ""))
        if not cells or pkg is None:
            return super()._repr_html_()
        prov = Provenance(pkg)
        classes = "dataframe jjj-table jjj-cards" if self.cards else "dataframe jjj-table"
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
        body = []
        for i in range(len(frame)):
            tds = []
            for j in range(frame.shape[1]):
                value = frame.iat[i, j]
                text = "—" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
                spec = cells.get((i, j))
                if spec is None:
                    tds.append(f"<td>{html.escape(text)}</td>")
                    continue
                key = f"{self.name}:{i}:{j}"
                rows, formula = spec
                label = f"{_text(frame.iat[i, 0])}，{frame.columns[j]}"
                prov.add(key, text, rows=rows, formula=formula or None, label=label,
                         kind="derived" if formula else None)
                tds.append(f'<td id="{html_id(key)}">{num_span(text, key, prov)}</td>')
            body.append(f"<tr>{''.join(tds)}</tr>")
        note = f'<p class="jjj-source"><small>{html.escape(self.note)}</small></p>' if self.note else ""
        return (f'<table border="0" class="{classes}"><thead><tr style="text-align: left;">{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>{note}{prov.script()}")


def table(frame: pd.DataFrame, citation: str = "", vintage_names=(), cards: bool = False, name: str = "") -> Table:
    """:func:`jjj_book.chapters.common.table`, with number cells that open their sources when ``frame``
    was made by :func:`traced` (``name``: the table's anchor prefix; default from its columns)."""
    if not frame.attrs.get("jjj_cells"):
        return plain_table(frame, citation, vintage_names, cards)
    note = source_line(citation, list(vintage_names)) if citation else ""
    name = name or "t-" + str(abs(hash(tuple(map(str, frame.columns)))) % 10**6)
    return SourcedTable(frame, note, cards, name)


def show(frame: pd.DataFrame, name: str = "") -> Table:
    """:func:`jjj_book.chapters.common.show` (source line from ``attrs["source"]``, cards when wide), with
    number cells that open their sources when ``frame`` was made by :func:`traced`."""
    if not frame.attrs.get("jjj_cells"):
        return plain_show(frame)
    name = name or "t-" + str(abs(hash(tuple(map(str, frame.columns)))) % 10**6)
    return SourcedTable(frame, frame.attrs.get("source", ""), len(frame.columns) >= 5, name)


def counted(values: dict, formulas: dict) -> dict:
    """Values not read from the data (counts of the chapter's own recommendations or claims): each one
    showing a digit gets its formula in words (``formulas[name]``)."""
    return {k: Sourced(v, formula=formulas[k]) if DIGIT.search(_text(v)) else v for k, v in values.items()}


__all__ = ["SourcedTable", "counted", "facts", "facts_of", "glue", "row_id", "show", "table", "trace", "traced"]
