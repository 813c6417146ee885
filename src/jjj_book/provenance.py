"""Where every number on a page comes from: the model behind the provenance panels.

A number a chapter shows is one of

- an **observation** — one row of ``observations.csv`` (indicator, region, year, period, value,
  unit, vintage) and the publication its ``source_id`` resolves to in ``sources.csv``
  (publisher, publication, table or release, date, official address and its kind);
- a **derived** number — the formula in words and the observations it was computed from, each
  of them an observation as above;
- a **reported** number — a figure printed in the report itself (its source is the report).

:class:`Provenance` collects the numbers of one page under the keys the page uses (a glue
name, a table cell, a claim) and serialises them to JSON for ``_static/jjj-provenance.js``::

    {"numbers": {key: {"label", "value", "kind", "formula", "rows": [row id …], "report"}},
     "rows": {row id: {"indicator", "region", "year", "period", "value", "unit", "vintage", "source"}},
     "sources": {source id: {"publisher", "publication", "table", "date", "url", "address_kind"}}}

Everything a reader sees is Chinese (indicator, region and vintage names, units); codes and ids
(region codes, vintage ids, source ids, row ids) live only in keys and data attributes.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from jjj_book.data import DataPackage
from jjj_book.vocab import REGION_SHORT

KINDS = ("observation", "derived", "reported", "parameter")
PERIOD_ZH = {"annual": "全年", "Q1-Q3": "1—3季度累计"}
ADDRESS_KIND_ZH = {"official": "官方网站上的出版物本身", "official_index": "发布机构的官方数据库或目录",
                   "none": "没有已知的官方网址"}
# The report is the source of every reported figure (it is a book, not a row of sources.csv).
REPORT_SOURCE = {"publisher": "河北省社会科学院京津冀协同发展研究中心（编）", "publication": "京津冀协同发展报告（2023）",
                 "table": "", "date": "2023", "url": "", "address_kind": "经济科学出版社出版，无官方网址"}
REPORT_KEY = "report-2023"
_KEY_BAD = re.compile(r"[^A-Za-z0-9_\-]")


def row_id(indicator: str, region: str, year, period: str, vintage: str) -> str:
    """The key of one observation (the table's primary key), for JSON and data attributes only."""
    return f"{indicator}|{region}|{int(year)}|{period}|{vintage}"


def html_id(key: str) -> str:
    """An HTML id for a number's anchor: ``n-`` and the key with anything unsafe replaced."""
    return "n-" + _KEY_BAD.sub("-", str(key))


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def value_text(value, unit_zh: str) -> str:
    """An observation's value as the publication prints it: no float noise, thousands separated."""
    from jjj_book.render import format_value

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        places = len(repr(float(value)).split(".")[1].rstrip("0")) if not float(value).is_integer() else 0
        return format_value(float(value), unit_zh, min(places, 4))
    return format_value(value, unit_zh)


@dataclass(frozen=True)
class Sourced:
    """A value with where it comes from, as a chapter module returns it: ``ch.glue(name, Sourced(...))``
    glues ``value`` and records ``rows``/``formula`` (so a notebook loop over a dict of values needs no change)."""

    value: object
    rows: object = None
    formula: str = ""
    label: str = ""
    uses: tuple = ()


@dataclass
class Provenance:
    """The provenance of the numbers of one page (or of one HTML fragment), JSON-serialisable."""

    pkg: DataPackage
    numbers: dict[str, dict] = field(default_factory=dict)
    rows: dict[str, dict] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)

    # ------------------------------------------------------------------ observations and sources
    def add_rows(self, rows) -> list[str]:
        """Record observation rows (a DataFrame from ``pkg.series``/``pkg.observations``, dicts, or row ids)
        with their sources; return their row ids in order."""
        ids = []
        for rec in _records(rows):
            if isinstance(rec, str):
                rec = self._lookup(rec)
            rid = row_id(rec["indicator"], rec["region"], rec["year"], rec.get("period", "annual"), rec["vintage"])
            if rid not in self.rows:
                self.rows[rid] = self._row(rec)
            ids.append(rid)
        return list(dict.fromkeys(ids))

    def _lookup(self, rid: str) -> dict:
        indicator, region, year, period, vintage = rid.split("|")
        obs = self.pkg.series(indicator, vintage, period, [region])
        hit = obs.loc[obs["year"] == int(year)]
        if hit.empty:
            raise KeyError(f"no observation {rid} in {self.pkg.root}")
        return hit.iloc[0].to_dict()

    def _row(self, rec: dict) -> dict:
        info = self.pkg.indicator_info(rec["indicator"])
        source = _text(rec.get("source_id"))
        if source:
            self.add_source(source)
        return {"indicator": info["name_zh"], "region": self._region(rec["region"]), "year": int(rec["year"]),
                "period": PERIOD_ZH.get(rec.get("period", "annual"), _text(rec.get("period"))),
                "value": value_text(rec["value"], info["unit_zh"]), "unit": info["unit_zh"],
                "vintage": self.pkg.vintage_name(rec["vintage"]), "source": source,
                "note": _cjk_part(_text(rec.get("note")))}

    def _region(self, code: str) -> str:
        if code in REGION_SHORT:
            return REGION_SHORT[code]
        try:
            return self.pkg.region_name(code)
        except KeyError:
            return "（未知地区）"

    def add_source(self, source_id: str) -> str:
        if source_id not in self.sources:
            table = self.pkg.sources
            hit = table.loc[table["id"] == source_id]
            if hit.empty:
                raise KeyError(f"source id {source_id!r} is not in sources.csv")
            s = hit.iloc[0]
            self.sources[source_id] = {
                "publisher": _text(s["publisher"]), "publication": _text(s["publication"]),
                "table": _text(s["table_or_release"]), "date": _text(s["date"]), "url": _text(s["url"]),
                "address_kind": ADDRESS_KIND_ZH.get(_text(s["address_kind"]), _text(s["address_kind"]))}
        return source_id

    # ------------------------------------------------------------------ numbers
    def add(self, key: str, value: str, *, rows=None, formula: str | None = None, label: str = "",
            kind: str | None = None, uses: Iterable[str] = ()) -> dict:
        """Record the number shown under ``key`` (its text as displayed).

        ``rows``: the observations it is, or is computed from. ``formula``: how, in words (a derived
        number). ``uses``: keys of other numbers of the page it is computed from. With one row and no
        formula the number *is* that observation.
        """
        ids = self.add_rows(rows) if rows is not None else []
        uses = [str(u) for u in uses]
        if kind not in ("reported", "parameter") and not ids and not uses and not formula:
            raise ValueError(f"number {key!r} has no rows to come from (give rows=, uses= or at least formula=)")
        if kind is None:
            kind = "observation" if (len(ids) == 1 and not formula and not uses) else "derived"
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if kind == "derived" and not formula:
            raise ValueError(f"number {key!r} is computed from {len(ids)} rows: say how (formula=…)")
        if kind == "observation" and len(ids) != 1:
            raise ValueError(f"number {key!r} is an observation: give exactly one row, not {len(ids)}")
        record = {"label": label, "value": value, "kind": kind, "formula": formula or "", "rows": ids,
                  "uses": uses}
        self.numbers[str(key)] = record
        return record

    def add_reported(self, key: str, value: str, *, label: str = "", where: str = "") -> dict:
        """A figure printed in the report: its source is the report (``where``: the section, paraphrased)."""
        record = self.add(key, value, kind="reported", label=label)
        record["report"] = dict(REPORT_SOURCE, table=where)
        return record

    def add_parameter(self, key: str, value: str, *, label: str = "") -> dict:
        """A chapter parameter (a year, a choice of vintage): set by the reader's run, not read from data."""
        record = self.add(key, value, kind="parameter", label=label)
        record["formula"] = "本章的参数，可用 jjj-book run 的 -p 选项修改"
        return record

    def merge(self, other: "Provenance") -> "Provenance":
        self.numbers.update(other.numbers)
        self.rows.update(other.rows)
        self.sources.update(other.sources)
        return self

    def missing(self) -> list[str]:
        """Keys whose rows, uses or sources are not in this record (must be empty)."""
        bad = [k for k, n in self.numbers.items()
               if any(r not in self.rows for r in n["rows"]) or any(u not in self.numbers for u in n["uses"])]
        bad += [r for r, row in self.rows.items() if row["source"] and row["source"] not in self.sources]
        return bad

    def to_dict(self) -> dict:
        return {"numbers": self.numbers, "rows": self.rows, "sources": self.sources}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def script(self) -> str:
        """The record as an inert ``<script type="application/json">`` block the page script reads."""
        text = self.to_json().replace("</", "<\\/")   # never closes the script element early
        return f'<script type="application/json" class="jjj-provenance">{text}</script>'


def _records(rows) -> list:
    if rows is None:
        return []
    if isinstance(rows, pd.DataFrame):
        return rows.to_dict("records")
    if isinstance(rows, (dict, pd.Series)):
        return [dict(rows)]
    if isinstance(rows, str):
        return [rows]
    return [r if isinstance(r, str) else dict(r) for r in rows]


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cjk_part(note: str) -> str:
    """The Chinese part of a row's note (the notes are bilingual: English first), or ''."""
    m = _CJK.search(note)
    return note[m.start():].strip() if m else ""


def rows_of(pkg: DataPackage, indicator: str, vintage: str, regions=None, years=None,
            period: str = "annual") -> pd.DataFrame:
    """The observation rows of one indicator in one vintage, optionally some regions and years."""
    rows = pkg.series(indicator, vintage, period, list(regions) if regions is not None else None)
    if years is not None:
        rows = rows.loc[rows["year"].isin([int(y) for y in years])]
    return rows.reset_index(drop=True)


def wide_cells(wide: pd.DataFrame) -> dict[tuple, str]:
    """For a year × region table from ``pkg.wide`` (its attrs name indicator, period and vintage): each
    non-empty cell (year, region) → the row id of the observation it shows."""
    a = wide.attrs
    if not {"indicator", "vintage"} <= set(a):
        raise ValueError("this table has no indicator/vintage in its attrs (make it with pkg.wide)")
    return {(year, region): row_id(a["indicator"], region, year, a.get("period", "annual"), a["vintage"])
            for year in wide.index for region in wide.columns if pd.notna(wide.loc[year, region])}


def add_claim(prov: Provenance, result, rows: pd.DataFrame) -> None:
    """Record a verdict's two values: the report's (source: the report) and the book's (the rows its
    check read; the check's note, e.g. “三地之和”, is the formula in words)."""
    from jjj_book.render import claim_key, claim_values

    if result.verdict == "cannot_check":
        return
    reported, ours = claim_values(result)
    prov.add_reported(claim_key(result.id, result.vintage, "reported"), reported, label=result.statement,
                      where="报告的说法（本书转述）")
    if rows is None or rows.empty:
        return
    key = claim_key(result.id, result.vintage, "book")
    label = f"本书的核对值（{prov.pkg.vintage_name(result.vintage)}）"
    if result.basis == "published" and len(rows) == 1:
        prov.add(key, ours, rows=rows, label=label)
    else:
        formula = result.note or "按本章的核对方法由下列数据计算"
        prov.add(key, ours, rows=rows, formula=formula, label=label, kind="derived")


# ------------------------------------------------------------------ the rows a claim's check reads

class _Recording(DataPackage):
    """A data package that notes every observation row its ``series`` hands out."""

    def __init__(self, pkg: DataPackage):
        object.__setattr__(self, "root", pkg.root)
        object.__setattr__(self, "tables", pkg.tables)
        object.__setattr__(self, "read", [])

    def series(self, indicator, vintage, period="annual", regions=None):
        rows = DataPackage.series(self, indicator, vintage, period, regions)
        self.read.append(rows)
        return rows


def rows_read(pkg: DataPackage, check) -> tuple[object, pd.DataFrame]:
    """Run ``check(recording_pkg)``; return its result (or the exception it raised) and every
    observation row it read through ``series``/``wide`` (each once)."""
    rec = _Recording(pkg)
    try:
        out = check(rec)
    except Exception as exc:   # the caller decides: a CannotCheck is a result here
        out = exc
    frames = [f for f in rec.read if not f.empty]
    if not frames:
        return out, pkg.observations_for(())
    read = pd.concat(frames).drop_duplicates(["indicator", "region", "year", "period", "vintage"])
    return out, read.reset_index(drop=True)


def _signature(out) -> tuple:
    if isinstance(out, Exception):
        return ("raised", type(out).__name__)
    return (getattr(out, "reproduced", out), getattr(out, "verdict", None))


def _row_keys(frame: pd.DataFrame) -> pd.Series:
    return (frame["indicator"].astype(str) + "|" + frame["region"].astype(str) + "|" + frame["year"].astype(str)
            + "|" + frame["period"].astype(str) + "|" + frame["vintage"].astype(str))


TRACE_ENV = "JJJ_BOOK_TRACE"


def tracing_enabled() -> bool:
    """Whether the rows a value depends on are found by re-running its computation without them (the
    default, and what the book build does). ``JJJ_BOOK_TRACE=0`` skips those re-runs: every value then
    names all the rows its computation read, a superset. The test suite sets it for the kernels of
    nbval, which pins the chapters' key figures and has no use for the provenance panels."""
    return os.environ.get(TRACE_ENV, "").strip() not in ("0", "no", "off", "false")


def inputs_of(pkg: DataPackage, check, read: pd.DataFrame, out=None, like: pd.DataFrame | None = None) -> pd.DataFrame:
    """Of the rows ``check`` read, those its result depends on: a row is an input when the result
    without it differs (another value, another verdict, or no value). Years are tried first, then the
    rows of each year that matters. The re-runs see only the indicators read (faster); when that alone
    changes the result, every row read is kept. ``like``: the inputs of the same check in another vintage;
    when the rows read at the same places (indicator, region, year, period) suffice, they are the answer
    (one re-run instead of one per year and row)."""
    if len(read) <= 1 or not tracing_enabled():
        return read
    obs = pkg.observations_for(read["indicator"])
    keys = _row_keys(obs)
    others = {name: pkg.tables[name] for name in pkg.tables if name != "observations"}

    def run(drop_keys) -> tuple:
        tables = dict(others, observations=obs.loc[~keys.isin(drop_keys)] if drop_keys else obs)
        try:
            return _signature(check(DataPackage(pkg.root, tables)))
        except Exception as exc:   # a check that fails without the rows depends on them
            return _signature(exc)

    base = run(())
    if base != _signature(out if out is not None else check(pkg)):
        return read
    read_keys = _row_keys(read)
    if like is not None and not like.empty:
        places = set(zip(like["indicator"], like["region"], like["year"], like["period"]))
        same = [i for i, r in read.iterrows() if (r["indicator"], r["region"], r["year"], r["period"]) in places]
        if same and run(set(read_keys.drop(same))) == base:
            return read.loc[same].reset_index(drop=True)
    keep = []
    for _year, group in read.groupby("year", sort=True):
        if run(set(read_keys[group.index])) == base:
            continue
        keep.extend(i for i in group.index if len(group) == 1 or run({read_keys[i]}) != base)
    return read.loc[keep].reset_index(drop=True) if keep else read


def esc(text) -> str:
    return html.escape(str(text), quote=True)
