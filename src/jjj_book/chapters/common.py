"""What several chapters compute the same way: data gaps, the latest common year, and the
table that maps the report's recommendations to the indicators that speak to them.

One convention for all: functions take the package and explicit vintages, return
DataFrames (tidy for computing, with Chinese headers where the result is for display),
and never format sentences.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from jjj_book.data import DataPackage
from jjj_book.render import format_value
from jjj_book.text import source_line, year_ranges
from jjj_book.vocab import NO_INDICATOR, REGION_SHORT, VERDICT_LABEL, VERDICT_LABEL_EN

GAP_COLUMNS = ["指标", "数据版本", "缺少的年份"]
RECOMMENDATION_COLUMNS = ["建议", "指标", "最新值", "趋势", "来源"]
SAME_AS_ABOVE = "〃"


# --------------------------------------------------------------------------- display tables

class Table:
    """A display table without row numbers, with the source and vintage line under it (full width).
    ``cards``: a wide table of words, shown as one card per row on a phone (``_static/jjj.css``)."""

    def __init__(self, frame: pd.DataFrame, note: str = "", cards: bool = False):
        self.frame, self.note, self.cards = frame, note, cards

    def _repr_html_(self) -> str:
        classes = "jjj-table jjj-cards" if self.cards else "jjj-table"
        body = self.frame.to_html(index=False, border=0, classes=classes, na_rep="—", justify="left")
        return body + (f'<p class="jjj-source"><small>{html.escape(self.note)}</small></p>' if self.note else "")


def table(frame: pd.DataFrame, citation: str = "", vintage_names=(), cards: bool = False) -> Table:
    """Show ``frame`` as a table; with a citation, the source and vintage line goes under it."""
    return Table(frame, source_line(citation, list(vintage_names)) if citation else "", cards)


def verdict_words(results: dict, ids, english: bool = False) -> str:
    """The verdict label(s) of some claims, for a sentence: '无法核对', or '复算相符、无法核对'."""
    labels = VERDICT_LABEL_EN if english else VERDICT_LABEL
    found = dict.fromkeys(results[i].verdict for i in ids)
    return ("; " if english else "、").join(labels[v] for v in found)


def plain(value):
    """A numpy scalar as a plain Python number (glue parses the text it prints)."""
    return value.item() if hasattr(value, "item") else value


def with_source(pkg: DataPackage, frame: pd.DataFrame, rows: pd.DataFrame, vintages: list[str],
                note: str = "") -> pd.DataFrame:
    """The frame with its source line in ``attrs['source']`` (shown under it by :func:`show`)."""
    frame.attrs["source"] = source(pkg, rows, vintages, note)
    return frame


def show(frame: pd.DataFrame) -> Table:
    """A table for the page (:class:`common.Table`): no row numbers, the source line
    (``attrs['source']``) under it; a wide table (five columns or more) reads as one card per row on a phone."""
    return Table(frame, frame.attrs.get("source", ""), cards=len(frame.columns) >= 5)


def source(pkg: DataPackage, rows: pd.DataFrame, vintages: list[str], note: str = "") -> str:
    """'数据来源：…。数据版本：…。' for the rows a table shows."""
    names = [pkg.vintage_name(v) for v in dict.fromkeys(vintages)] + ([note] if note else [])
    return source_line(pkg.citation(rows), names)


# --------------------------------------------------------------------------- gaps

def missing_years(pkg: DataPackage, indicators: list[str], vintage: str, regions: list[str],
                  start: int, end: int, period: str = "annual") -> pd.DataFrame:
    """Tidy: one row per indicator × region with years in [start, end] that have no value in ``vintage``.

    Columns: indicator, region, vintage, years (a list of ints). Pairs with no gap are left out;
    an indicator the package does not know counts as missing in every year.
    """
    known = set(pkg.indicators["id"])
    out = []
    for indicator in indicators:
        rows = pkg.series(indicator, vintage, period, regions) if indicator in known else pd.DataFrame(
            columns=["region", "year"])
        for region in regions:
            have = set(int(y) for y in rows.loc[rows["region"] == region, "year"])
            lacking = [y for y in range(start, end + 1) if y not in have]
            if lacking:
                out.append({"indicator": indicator, "region": region, "vintage": vintage, "years": lacking})
    return pd.DataFrame(out, columns=["indicator", "region", "vintage", "years"])


def gap_table(pkg: DataPackage, needs: list[tuple[str, str]], regions: list[str], start: int, end: int,
              first_year: dict[str, int] | None = None) -> pd.DataFrame:
    """For display: 指标 | 数据版本 | 缺少的年份, one row per (indicator, vintage) the chapter needs.

    The missing years of every region go into one cell ("北京 2014—2016；天津 全部"), so the table
    stays short on a phone. ``first_year`` lets a series start later than ``start`` (incomes from 2013).
    """
    rows = []
    for indicator, vintage in needs:
        begin = (first_year or {}).get(indicator, start)
        gaps = missing_years(pkg, [indicator], vintage, regions, begin, end)
        if gaps.empty:
            continue
        parts = []
        for _, gap in gaps.iterrows():
            every = len(gap["years"]) == end - begin + 1
            parts.append(f"{REGION_SHORT.get(gap['region'], gap['region'])}："
                         f"{'全部年份' if every else year_ranges(gap['years'])}")
        rows.append({"指标": indicator_label(pkg, indicator), "数据版本": pkg.vintage_name(vintage),
                     "缺少的年份": f"{'；'.join(parts)}（{begin}—{end}年中）"})
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def indicator_label(pkg: DataPackage, indicator: str) -> str:
    """The indicator's Chinese name (its id only if the package does not know it)."""
    if indicator in set(pkg.indicators["id"]):
        return pkg.indicator_info(indicator)["name_zh"]
    return indicator


# --------------------------------------------------------------------------- years

def latest_common_year(table: pd.DataFrame, columns: list[str]) -> int | None:
    """The latest year (index) in which every one of ``columns`` has a value; None if none does."""
    if any(c not in table.columns for c in columns):
        return None
    both = table[list(columns)].dropna()
    return int(both.index.max()) if not both.empty else None


# --------------------------------------------------------------------------- recommendations

@dataclass(frozen=True)
class Indicator:
    """One indicator that speaks to a recommendation: which series, and which vintage parameter picks it."""

    indicator: str
    region: str
    vintage_param: str
    label: str = ""


@dataclass(frozen=True)
class Recommendation:
    """A recommendation of the report (paraphrased), the indicators that speak to it, and what is missing."""

    key: str                      # short name shown in the table: 人才, 平台 …
    text: str                     # the paraphrase (for the prose and the glossary)
    indicators: list[Indicator] = field(default_factory=list)
    missing: str = ""             # what no public indicator measures


def _trend_cell(values: pd.Series, unit: str, comparable: bool = True) -> str:
    """The direction between the first and the last year shown; for a vintage that is not a comparable
    series (each year's own release) the two printed values side by side, with no difference taken."""
    if len(values) < 2:
        return "—（只有一年）"
    a, b = int(values.index.min()), int(values.index.max())
    if not comparable:
        return (f"{a}年{format_value(float(values.loc[a]), unit)} → {b}年{format_value(float(values.loc[b]), unit)}"
                "（各年发布数，不作差）")
    delta = values.loc[b] - values.loc[a]
    word = "上升" if delta > 0 else "下降" if delta < 0 else "持平"
    return f"{a}—{b}年{word}"


def indicator_row(pkg: DataPackage, spec: Indicator, vintage: str, start: int, end: int
                  ) -> tuple[dict, pd.DataFrame]:
    """The latest value, trend and source of one indicator in one vintage within [start, end]."""
    info = pkg.indicator_info(spec.indicator)
    label = spec.label or f"{info['name_zh']}·{REGION_SHORT.get(spec.region, spec.region)}"
    rows = pkg.series(spec.indicator, vintage, "annual", [spec.region])
    rows = rows[(rows["year"] >= start) & (rows["year"] <= end)]
    if rows.empty:
        return ({"指标": label, "最新值": "—", "趋势": "—",
                 "来源": f"数据包中暂无（{pkg.vintage_name(vintage)}）"}, rows)
    values = rows.set_index("year")["value"].sort_index()
    year = int(values.index.max())
    unit = info["unit_zh"]
    latest = f"{format_value(float(values.loc[year]), '' if unit == '指数' else unit)}（{year}年）"
    cited = pkg.sources_for(rows[rows["year"] == year])
    source = "；".join(f"《{p}》" for p in dict.fromkeys(cited["publication"]))
    comparable = pkg.vintage_facts(vintage)["series"]
    return ({"指标": label, "最新值": latest,
             "趋势": _trend_cell(values, "" if unit == "指数" else unit, comparable),
             "来源": f"{source}（{pkg.vintage_name(vintage)}）"}, rows)


def recommendation_table(pkg: DataPackage, recommendations: list[Recommendation], vintages: dict[str, str],
                         start: int, end: int, extra_rows: dict[str, list[dict]] | None = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """建议 | 指标 | 最新值 | 趋势 | 来源, one row per recommendation × indicator, and the rows shown.

    ``vintages`` maps each indicator's ``vintage_param`` to the vintage the chapter runs with.
    ``extra_rows`` adds rows a chapter derives itself (e.g. a share it computes), keyed by
    recommendation key, each a dict with the columns 指标, 最新值, 趋势, 来源.
    Every recommendation with something no public indicator measures ends with a
    '暂无公开指标' row naming it. Returns (table, observation rows used, for the citation).
    """
    records, used = [], []
    for rec in recommendations:
        cells = []
        for spec in rec.indicators:
            row, rows = indicator_row(pkg, spec, vintages[spec.vintage_param], start, end)
            cells.append(row)
            if not rows.empty:
                used.append(rows)
        cells += (extra_rows or {}).get(rec.key, [])
        if rec.missing or not cells:
            cells.append({"指标": NO_INDICATOR, "最新值": "—", "趋势": "—", "来源": rec.missing or "—"})
        for k, cell in enumerate(cells):
            records.append({"建议": rec.key if k == 0 else SAME_AS_ABOVE, **cell})
    table = pd.DataFrame(records, columns=RECOMMENDATION_COLUMNS)
    return table, (pd.concat(used) if used else pkg.observations_for(()))
