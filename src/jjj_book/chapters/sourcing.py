"""Where the numbers of chapters 01, 02 and 08 come from (issue 16), in one place per page.

A chapter module returns ``{glue name: Spec}`` for the values its prose glues; one ``remove-input``
cell records them (:func:`record`) right before ``ch.provenance()``. Tables that the modules return as
styled DataFrames are shown with openable cells by :func:`show_table` (cells map (row, column)
positions to observation rows, or to (rows, formula) for a computed cell), their source line under them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jjj_book.claims import REGISTRY
from jjj_book.data import DataPackage
from jjj_book.provenance import esc, row_id, rows_of
from jjj_book.vocab import PROVINCES


@dataclass(frozen=True)
class Spec:
    """Where one glued value comes from: observation ``rows`` (and the ``formula`` in words when it is
    computed from them), a ``claim``'s check, or a chapter ``parameter``."""

    rows: object = None
    formula: str = ""
    claim: str = ""
    parameter: bool = False
    label: str = ""
    reported: str = ""   # a claim id: the value is the report's own figure for it (glued by :func:`record`)


def param(label: str) -> Spec:
    return Spec(parameter=True, label=label)


def obs(pkg: DataPackage, indicator, vintage: str, regions=PROVINCES, years=None, period="annual"):
    """Observation rows (several indicators: pass a list) of some regions and years."""
    indicators = [indicator] if isinstance(indicator, str) else list(indicator)
    frames = [rows_of(pkg, i, vintage, regions, years, period) for i in indicators]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pkg.observations.iloc[0:0]


def per_capita_inputs(pkg: DataPackage, vintage: str, population_vintage: str, years,
                      indicator: str = "gdp") -> pd.DataFrame:
    """The rows a per-person value of ``indicator`` reads: its years, and the year-end population of them and
    the year before (``indicator="disposable_income_all"``: the income rows instead of GDP)."""
    years = [int(y) for y in years]
    return pd.concat([obs(pkg, indicator, vintage, years=years),
                      obs(pkg, "population_yearend", population_vintage,
                          years=sorted({y - 1 for y in years} | set(years)))], ignore_index=True)


def record(ch, specs: dict) -> None:
    """Record each glued value's provenance on the page (``ch.provenance()`` then writes it)."""
    from jjj_book.chapters.provenance_html import traced

    for name, spec in specs.items():
        if spec.reported:
            claim = REGISTRY[spec.reported]
            ch.glue(name, claim.reported)
            ch.prov.add_reported(name, "", label=claim.statement, where="报告的说法（本书转述）")
        elif spec.parameter:
            ch.prov.add_parameter(name, "", label=spec.label)
        elif spec.claim:
            result, rows, _alts = traced(ch, spec.claim, ch.results[spec.claim].vintage, False)
            ch.prov.add(name, "", rows=rows, formula=spec.formula or result.note or "按本章的核对方法由下列数据计算",
                        label=spec.label or result.statement, kind="derived")
        else:
            rows = spec.rows if spec.rows is not None and len(spec.rows) else None
            kind = None if (rows is not None and len(rows) == 1 and not spec.formula) else "derived"
            ch.prov.add(name, "", rows=rows, formula=spec.formula or None, label=spec.label, kind=kind)


def wide_cells(wide: pd.DataFrame, *, transpose: bool = False, col_offset: int = 0) -> dict:
    """(row, column) positions of a shown ``pkg.wide`` table (years × regions; ``transpose``: regions ×
    years) → the row id of the observation each cell shows."""
    a = wide.attrs
    out = {}
    for i, year in enumerate(wide.index):
        for j, region in enumerate(wide.columns):
            if pd.notna(wide.loc[year, region]):
                rid = row_id(a["indicator"], region, year, a.get("period", "annual"), a["vintage"])
                out[(j, i + col_offset) if transpose else (i, j + col_offset)] = rid
    return out


def show_table(ch, styled, cells: dict, name: str, source: str | None = None) -> None:
    """A table (a Styler or DataFrame from a chapter module) whose cells open their sources, with the
    source line (the Styler's caption, or ``source``) under it."""
    from IPython.display import HTML, display

    frame = styled.data if hasattr(styled, "data") else styled
    source = source if source is not None else (getattr(styled, "caption", None) or "")
    shown = frame.copy()
    shown.index.name = shown.index.name or frame.columns.name or ""
    markup = ch.table_html(shown, cells, name=name)
    if source:
        markup += f'<p class="jjj-chart-source jjj-table-source">{esc(source)}</p>'
    display(HTML(markup))
