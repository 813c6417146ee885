"""What chapter 02_problems (突出问题) computes for its pages.

The chapter's claims are in :mod:`jjj_book.claims.problems`; this module holds what the
pages show around them: the dispersion of GDP per capita and of income across the three,
the same measures under two GDP revisions, the published urban–rural ratios, the index
releases (each release its own series), the regional health figure a release printed,
Hebei's capacity cuts and industrial structure, the culture figures, and the data gaps.
Functions return numbers, short words for the prose (扩大/缩小, 相符/不符) or DataFrames
with Chinese headers and formatted cells; they never build sentences.
"""

from __future__ import annotations

import math

import pandas as pd

from jjj_book import indexes, metrics, plots, series
from jjj_book.chapters import tracing
from jjj_book.chapters.status import income_pair_rows
from jjj_book.chapters.common import gap_table
from jjj_book.claims import REGISTRY
from jjj_book.data import DataPackage
from jjj_book.render import format_value
from jjj_book.text import markdown_table, source_line, trend_word
from jjj_book.vocab import INCOME_SURVEY_FIRST_YEAR, MEASURES, PROVINCES, REGION_SHORT

INDEX_PARTS = ["total", "innovation", "coordination", "green", "open", "shared"]
SECTORS = {"gdp_primary": "第一产业", "gdp_secondary": "第二产业", "gdp_tertiary": "第三产业"}
SECTOR_COLORS = ["#E69F00", "#999999", "#56B4E9"]   # sectors, not regions: no region colour reused
CULTURE_COLUMNS = {"culture_firms": ("企业数", "家"), "culture_revenue": ("营业收入", "亿元"),
                   "culture_revenue_growth": ("增速", "%"), "culture_revenue_growth_2yr": ("两年平均增速", "%")}
DECIMALS = {"cv": 3, "max_min": 2, "theil": 3}


def measure_text(value: float, measure: str) -> str:
    """A dispersion measure as the page prints it (3 decimals; 2 for the max/min ratio)."""
    return "—" if value is None or math.isnan(value) else f"{value:.{DECIMALS[measure]}f}"


def show_table(pkg: DataPackage, frame: pd.DataFrame, rows: pd.DataFrame | None = None,
               vintage_names: list[str] | None = None) -> None:
    """Display a formatted table, with the source line of ``rows`` under it when given."""
    from jjj_book.text import show

    note = "" if rows is None else f"\n\n<small>{source_line(pkg.citation(rows), vintage_names or [])}</small>"
    show(markdown_table(frame, index=False) + note)


# --------------------------------------------------------------------------- between the three

def dispersion_moves(table: pd.DataFrame, start: int, end: int) -> dict[str, tuple[float, float]]:
    """measure → (value in ``start``, value in ``end``); NaN where a year is missing."""
    def at(year, col):
        return float(table.loc[year, col]) if year in table.index else math.nan
    return {m: (at(start, m), at(end, m)) for m in MEASURES}


GAP_WORDS = {  # what the dispersion did → (Chinese, whether "not narrowed" holds, the same in English)
    "widened": ("没有缩小", "成立", "holds"),
    "narrowed": ("缩小了", "不成立", "does not hold"),
    "mixed": ("在不同量度下方向不一", "只部分成立", "holds only in part"),
    "unknown": ("无法判断", "无法检验", "cannot be tested"),
}


def gap_verdict(moves: dict[str, tuple[float, float]]) -> tuple[str, str, str]:
    """(what the gap did, whether the report's "not narrowed" holds, the same in English)."""
    widened = [last >= first for first, last in moves.values() if not (math.isnan(first) or math.isnan(last))]
    key = ("unknown" if not widened else "widened" if all(widened) else "narrowed" if not any(widened)
           else "mixed")
    return GAP_WORDS[key]


def population_shares(pkg: DataPackage, population_vintage: str, year: int) -> dict[str, float]:
    """Each province's share (%) of the three's average population in ``year``."""
    pop = series.average_population(pkg, population_vintage)
    if year not in pop.index:
        return {r: math.nan for r in PROVINCES}
    shares = metrics.shares(pop.loc[[year]]).loc[year]
    return {r: float(shares[r]) for r in PROVINCES}


def dispersion_figure(pkg: DataPackage, table: pd.DataFrame, sources: pd.DataFrame, vintage_names: list[str],
                      first: int, last: int, mark_year: int | None = None):
    """Three panels, one per measure, every year from ``first`` to ``last`` (a missing year is a gap),
    each axis from zero."""
    fig, axes = plots.new_figure(ncols=3, width=9.6, height=3.4)
    window = table.reindex(range(first, last + 1))
    for ax, (col, label) in zip(axes, MEASURES.items()):
        plots.line_over_years(ax, window[col])
        if mark_year is not None:
            ax.axvline(mark_year, color="#999999", linestyle="--", linewidth=1)
        ax.set_ylim(bottom=0)   # from zero: a full axis does not exaggerate the change
        ax.set_title(label)
    plots.finish(fig, pkg.citation(sources), vintage_names)
    return fig


def revision_changes(pkg: DataPackage, gdp_vintages: list[str], population_vintage: str,
                     start: int, end: int) -> pd.DataFrame:
    """Tidy: vintage, measure, first, last, change — each row computed inside one GDP vintage."""
    rows = []
    for vintage in gdp_vintages:
        table = series.per_capita_gdp_dispersion(pkg, vintage, population_vintage)
        if start not in table.index or end not in table.index:
            continue
        for measure in MEASURES:
            first, last = float(table.loc[start, measure]), float(table.loc[end, measure])
            rows.append({"vintage": vintage, "measure": measure, "first": first, "last": last,
                         "change": last - first})
    return pd.DataFrame(rows, columns=["vintage", "measure", "first", "last", "change"])


def revision_table(pkg: DataPackage, changes: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """For display: 数据版本 | 量度 | start年 | end年 | 变化."""
    def fmt(value, measure, sign=""):
        return f"{value:{sign}.{DECIMALS[measure]}f}"
    return pd.DataFrame({
        "数据版本": [pkg.vintage_name(v) for v in changes["vintage"]],
        "量度": [MEASURES[m] for m in changes["measure"]],
        f"{start}年": [fmt(v, m) for v, m in zip(changes["first"], changes["measure"])],
        f"{end}年": [fmt(v, m) for v, m in zip(changes["last"], changes["measure"])],
        "变化": [fmt(v, m, "+") for v, m in zip(changes["change"], changes["measure"])],
    })


def revision_agreement(changes: pd.DataFrame) -> tuple[str, str]:
    """('一致', '扩大') when every vintage and measure moves the same way, else ('不一致', '方向不一')."""
    words = {trend_word(c) for c in changes["change"]}
    if len(words) == 1:
        return "一致", words.pop()
    return "不一致", "方向不一"


# --------------------------------------------------------------------------- income

def income_dispersion(pkg: DataPackage, income_vintage: str, population_vintage: str) -> pd.DataFrame:
    """Dispersion of disposable income per person across the three (years where all three report)."""
    income = pkg.wide("disposable_income_all", income_vintage, regions=PROVINCES)
    return metrics.dispersion(income, series.average_population(pkg, population_vintage))


def income_window(table: pd.DataFrame, end: int) -> tuple[int | None, int | None]:
    """First year with all three incomes, and the last one up to ``end``."""
    years = [int(y) for y in table.index if y <= end]
    return (min(years), max(years)) if len(years) >= 2 else (None, None)


def income_word(table: pd.DataFrame, first: int, last: int) -> tuple[str, str]:
    """Whether the income dispersion (CV) narrowed: ('在收窄', 'narrowed') or ('没有收窄', 'did not narrow')."""
    if table.loc[last, "cv"] < table.loc[first, "cv"]:
        return "在收窄", "narrowed"
    return "没有收窄", "did not narrow"


def trend_words(table: pd.DataFrame, first: int, last: int, up: str = "扩大", down: str = "缩小") -> dict[str, str]:
    """measure → 扩大/缩小 between two years of a dispersion table."""
    return {m: trend_word(table.loc[last, m] - table.loc[first, m], up, down) for m in MEASURES}


# --------------------------------------------------------------------------- inside each

def published_ratios(pkg: DataPackage, income_vintage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The urban–rural income ratios officially printed: raw year × region table, and the rows."""
    rows = pkg.series("urban_rural_income_ratio", income_vintage, regions=PROVINCES)
    return pkg.wide("urban_rural_income_ratio", income_vintage, regions=PROVINCES), rows


def ratio_table(ratios: pd.DataFrame) -> pd.DataFrame:
    """For display: 年份 | 北京 | 天津 | 河北 (倍, 2 decimals; a missing year is '—')."""
    out = pd.DataFrame({"年份": [str(y) for y in ratios.index]})
    for code in [c for c in PROVINCES if c in ratios.columns]:
        out[REGION_SHORT[code]] = [format_value(v, "", 2) for v in ratios[code]]
    return out


def ratio_fell(ratios: pd.DataFrame, first: int, last: int) -> str:
    """Names of the provinces whose printed ratio is lower in ``last`` than in ``first`` ('北京、天津、河北')."""
    fell = [REGION_SHORT[c] for c in PROVINCES if c in ratios.columns and first in ratios.index
            and last in ratios.index and ratios.loc[last, c] < ratios.loc[first, c]]
    return "、".join(fell) or "没有一地"


def urban_rural_table(pkg: DataPackage, income_vintage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region-years with both urban and rural income: 地区 | 年份 | 城镇 | 农村 | 差 | 比, and the rows."""
    table = series.urban_rural(pkg, income_vintage)
    rows = pd.concat([pkg.series(i, income_vintage, regions=PROVINCES)
                      for i in ("urban_disposable_income", "rural_disposable_income")])
    shown = pd.DataFrame({
        "地区": table["region"].map(REGION_SHORT), "年份": table["year"].astype(str),
        "城镇（元）": [format_value(v, "", 0) for v in table["urban"]],
        "农村（元）": [format_value(v, "", 0) for v in table["rural"]],
        "差（元）": [format_value(v, "", 0) for v in table["gap"]],
        "比（倍）": [format_value(v, "", 2) for v in table["ratio"]],
    })
    return shown, rows


# --------------------------------------------------------------------------- the index releases

def _as_printed(value: float) -> str:
    """An index level with the decimals its release printed (at most two): 216.21, 132.8."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def index_releases(pkg: DataPackage) -> list[str]:
    return [v for v in pkg.vintages["id"] if v.startswith("idx")]


def index_release_table(pkg: DataPackage) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per release: its name, its latest data year and the six index values of that year."""
    labels = {s: pkg.indicator_info(f"jjj_index_{s}")["name_zh"].split("·")[-1] for s in INDEX_PARTS}
    records, used = [], []
    for release in index_releases(pkg):
        frames = {s: pkg.wide(f"jjj_index_{s}", release, regions=["JJJ"]) for s in INDEX_PARTS}
        years = [int(f.index.max()) for f in frames.values() if not f.empty]
        if not years:
            continue
        latest = max(years)
        record = {"发布批次（基期）": pkg.vintage_name(release), "数据年份": str(latest)}
        record.update({labels[s]: _as_printed(f.loc[latest, "JJJ"] if latest in f.index else math.nan)
                       for s, f in frames.items()})
        records.append(record)
        used += [pkg.series(f"jjj_index_{s}", release) for s in INDEX_PARTS]
    return pd.DataFrame(records), pd.concat(used)


def latest_in_release(pkg: DataPackage, indicator: str, release: str) -> tuple[int | None, float]:
    """(latest year, value) of a regional index in one release; (None, NaN) if the release has none."""
    values = pkg.wide(indicator, release, regions=["JJJ"])
    if values.empty:
        return None, math.nan
    year = int(values.index.max())
    return year, float(values.loc[year, "JJJ"])


def implied_previous_year(pkg: DataPackage, indicator: str, release: str, year: int) -> dict | None:
    """Inside one release that prints a level and its change on the previous year: the level the
    release implies for ``year - 1`` (level − change). None when the release prints no change."""
    try:
        found = indexes.change_within_release(pkg, indicator, release, year)
    except indexes.NotInRelease:
        return None
    if found.basis != "published":
        return None
    return {"level": found.level, "change": found.delta, "implied": found.level - found.delta,
            "release": pkg.vintage_name(release)}


def health_release_check(pkg: DataPackage, release: str, year: int) -> dict | None:
    """The regional per-1,000 health figure a release printed for ``year``, against the previous-year
    value the report's two figures (level, growth) imply; None when the release does not print it."""
    printed = pkg.wide("health_tech_personnel_per_1000", release, regions=["JJJ"])
    if year not in printed.index:
        return None
    level = REGISTRY["problems.health_per_1000_2021"].reported
    growth = REGISTRY["problems.health_per_1000_growth_2021"].reported
    implied = level / (1 + growth / 100)
    value = float(printed.loc[year, "JJJ"])
    return {"printed": value, "implied": implied, "agrees": "相符" if abs(implied - value) < 0.15 else "不符",
            "release": pkg.vintage_name(release),
            "years": {int(y): float(v) for y, v in printed["JJJ"].items()}}


# --------------------------------------------------------------------------- industry

def capacity_cut_table(pkg: DataPackage, vintage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hebei's officially published capacity cuts: 指标（单位） | one column per year (whole numbers)."""
    ids = [i for i in pkg.indicators["id"] if i.startswith("capacity_cut_")]
    rows = pd.concat([pkg.series(i, vintage, regions=["CN-HE"]) for i in ids])
    if rows.empty:
        return pd.DataFrame(columns=["指标（单位）"]), rows
    wide = rows.pivot_table(index="indicator", columns="year", values="value", aggfunc="first")
    out = pd.DataFrame({"指标（单位）": [f"{pkg.indicator_info(i)['name_zh']}（{pkg.indicator_info(i)['unit_zh']}）"
                                      for i in wide.index]})
    for year in wide.columns:
        out[f"{year}年"] = [format_value(v, "", 0) for v in wide[year]]
    return out, rows


def output_table(pkg: DataPackage, indicator: str, vintage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An output series of the three (e.g. crude steel): 年份 | 北京 | 天津 | 河北, whole units."""
    rows = pkg.series(indicator, vintage, regions=PROVINCES)
    wide = pkg.wide(indicator, vintage, regions=PROVINCES)
    out = pd.DataFrame({"年份": [str(y) for y in wide.index]})
    for code in [c for c in PROVINCES if c in wide.columns]:
        out[REGION_SHORT[code]] = [format_value(v, "", 0) for v in wide[code]]
    return out, rows


def sector_shares(pkg: DataPackage, vintages: list[str]) -> tuple[str | None, dict[str, pd.DataFrame], pd.DataFrame]:
    """Shares (%) of the three sectors in each province's value added, in the first of ``vintages``
    that has all three sectors for all three provinces in some year: (vintage, region → year × sector, rows)."""
    for vintage in vintages:
        parts = {label: pkg.wide(ind, vintage, regions=PROVINCES) for ind, label in SECTORS.items()}
        if any(p.empty or set(PROVINCES) - set(p.columns) for p in parts.values()):
            continue
        years = sorted(set.intersection(*[set(p.dropna().index) for p in parts.values()]))
        if not years:
            continue
        shares = {r: metrics.shares(pd.DataFrame({lab: p.loc[years, r] for lab, p in parts.items()}))
                  for r in PROVINCES}
        rows = pd.concat([pkg.series(i, vintage, regions=PROVINCES) for i in SECTORS])
        return vintage, shares, rows
    return None, {}, pd.DataFrame()


def sector_table(shares: dict[str, pd.DataFrame], first: int, last: int) -> pd.DataFrame:
    """For display: 地区 | 第二产业 first年 | … last年 | 第三产业 first年 | … last年 (%, 1 decimal)."""
    out = pd.DataFrame({"地区": [REGION_SHORT[r] for r in shares]})
    for sector in ("第二产业", "第三产业"):
        for year in (first, last):
            out[f"{sector}{year}年"] = [format_value(s.loc[year, sector], "%", 1) for s in shares.values()]
    return out


def sector_figure(pkg: DataPackage, shares: dict[str, pd.DataFrame], rows: pd.DataFrame, vintage_names: list[str]):
    """Stacked bars of the three sectors' shares, one panel per province, one colour per sector."""
    fig, axes = plots.new_figure(ncols=3, width=9.6, height=3.8)
    for ax, (region, table) in zip(axes, shares.items()):
        bottom = pd.Series(0.0, index=table.index)
        for label, color in zip(table.columns, SECTOR_COLORS):
            ax.bar(table.index, table[label], bottom=bottom, color=color, label=label, width=0.7)
            bottom += table[label]
        ax.set_title(f"{REGION_SHORT[region]}（%）")
        ax.set_ylim(0, 100)
        ax.set_xticks(list(table.index), [str(y) for y in table.index])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=3)
    plots.finish(fig, pkg.citation(rows), vintage_names)
    return fig


# --------------------------------------------------------------------------- culture

def culture_table(pkg: DataPackage, vintage: str, since: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Above-scale culture firms of Beijing, Hebei and China since ``since``: 地区 | 年份 | 企业数 | 收入 | 增速."""
    regions = ["CN-BJ", "CN-HE", "CN"]
    rows = pd.concat([pkg.series(i, vintage, regions=regions) for i in CULTURE_COLUMNS])
    rows = rows[rows["year"] >= since]
    wide = rows.pivot_table(index=["region", "year"], columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(sorted(wide.index, key=lambda k: (regions.index(k[0]), k[1])))
    out = pd.DataFrame({"地区": [REGION_SHORT[r] for r, _ in wide.index], "年份": [str(y) for _, y in wide.index]})
    for ind, (label, unit) in CULTURE_COLUMNS.items():
        if ind in wide.columns:
            decimals = 0 if unit == "家" else 1
            out[f"{label}（{unit}）"] = [format_value(v, "", decimals) for v in wide[ind]]
    return out, rows


def culture_growth_both(pkg: DataPackage, region: str = "CN-BJ", year: int = 2019) -> pd.DataFrame:
    """Every printed growth rate of one region-year, one row per vintage (to show a conflict)."""
    rows = pkg.observations_for(["culture_revenue_growth"])
    hit = rows[(rows["region"] == region) & (rows["year"] == year)]
    return hit[["vintage", "value", "source_id", "note"]].reset_index(drop=True)


def culture_versions_table(pkg: DataPackage, both: pd.DataFrame, year: int = 2019) -> pd.DataFrame:
    """For display: 版本 | {year}年增速（%） | 出处."""
    return pd.DataFrame({
        "版本": [pkg.vintage_name(v) for v in both["vintage"]],
        f"{year}年增速（%）": [format_value(v, "", 1) for v in both["value"]],
        "出处": [pkg.citation(both.loc[[i]]) for i in both.index],
    })


# --------------------------------------------------------------------------- counts and gaps

def section_counts(results: dict, section: str, verdict: str, region_key: str = "") -> int:
    """How many claims of a section (optionally with ``region_key`` in their id) have ``verdict``."""
    return sum(1 for r in results.values()
               if r.section == section and r.verdict == verdict and region_key in r.id)


def section_size(results: dict, section: str, region_key: str = "") -> int:
    return sum(1 for r in results.values() if r.section == section and region_key in r.id)


def gaps(pkg: DataPackage, params: dict, end: int) -> pd.DataFrame:
    """The data this chapter needs and lacks, as :func:`jjj_book.chapters.common.gap_table` shows it."""
    income, published = params["income_vintage"], params["published_vintage"]
    parts = [
        gap_table(pkg, [("disposable_income_all", income), ("urban_disposable_income", income),
                        ("rural_disposable_income", income)], PROVINCES, INCOME_SURVEY_FIRST_YEAR, end),
        gap_table(pkg, [("jjj_index_shared", params["index_release"])], ["JJJ"], end - 1, end),
        gap_table(pkg, [("health_tech_personnel", published), ("pension_employees", published),
                        ("pension_residents", published)], PROVINCES, end - 1, end),
        gap_table(pkg, [(i, published) for i in ("culture_firms", "culture_revenue", "culture_revenue_growth")],
                  ["CN-HE"], end, end),
        gap_table(pkg, [("gdp_tertiary", params["compare_vintage"])], PROVINCES, params["strategy_year"], end),
    ]
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- where each number comes from

GAP_VARIANTS = ("census4", "census5")   # the GDP series the dispersion chart can be switched between
MEASURE_HOW = {"cv": "三地人均值的标准差 ÷ 平均值", "max_min": "三地人均值中最高的 ÷ 最低的",
               "theil": "按年平均常住人口加权的泰尔指数"}
per_capita_inputs = tracing.per_capita_inputs


def dispersion_variants(pkg: DataPackage, vintages, population_vintage: str, first: int, last: int, mark_year: int):
    """The per-capita GDP dispersion figure in each GDP vintage, and the rows each one draws."""
    figures, rows = {}, {}
    for v in vintages:
        rows[v] = pd.concat([pkg.series("gdp", v), pkg.series("population_yearend", population_vintage)])
        names = [f"GDP {pkg.vintage_name(v)}", f"人口 {pkg.vintage_name(population_vintage)}"]
        figures[v] = dispersion_figure(pkg, series.per_capita_gdp_dispersion(pkg, v, population_vintage), rows[v],
                                       names, first, last, mark_year=mark_year)
    return figures, rows


def sourced_table(ch, frame: pd.DataFrame, cells: dict, name: str, rows: pd.DataFrame | None = None,
                  vintage_names: list[str] | None = None) -> None:
    """:func:`show_table` whose cells open their sources (``cells`` by position in ``frame``; its first
    column, the row label, becomes the index)."""
    moved = {(i, j - 1): spec for (i, j), spec in cells.items() if j >= 1}
    note = "" if rows is None else source_line(ch.pkg.citation(rows), vintage_names or [])
    tracing.show_table(ch, frame.set_index(frame.columns[0]), moved, name, source=note)


def revision_cells(pkg: DataPackage, changes: pd.DataFrame, population_vintage: str, start: int, end: int) -> dict:
    cells = {}
    for i, (v, m) in enumerate(zip(changes["vintage"], changes["measure"])):
        how = f"{MEASURE_HOW[m]}（人均地区生产总值 = 地区生产总值 ÷ 年平均常住人口）"
        cells[(i, 2)] = (per_capita_inputs(pkg, v, population_vintage, [start]), how)
        cells[(i, 3)] = (per_capita_inputs(pkg, v, population_vintage, [end]), how)
        cells[(i, 4)] = (per_capita_inputs(pkg, v, population_vintage, [start, end]), f"{end}年的值 − {start}年的值；{how}")
    return cells


def ratio_cells(ratios: pd.DataFrame) -> dict:
    return tracing.wide_cells(ratios[[c for c in PROVINCES if c in ratios.columns]], col_offset=1)


def urban_rural_cells(pkg: DataPackage, vintage: str) -> dict:
    table = series.urban_rural(pkg, vintage)
    cells = {}
    for i, (r, y) in enumerate(zip(table["region"], table["year"])):
        urban, rural, both = income_pair_rows(pkg, vintage, r, y)
        cells.update({(i, 1): (both, "两项收入都有的年份"), (i, 2): urban, (i, 3): rural,
                      (i, 4): (both, "城镇 − 农村"), (i, 5): (both, "城镇 ÷ 农村")})
    return cells


def index_release_cells(pkg: DataPackage) -> dict:
    cells, i = {}, 0
    for release in index_releases(pkg):
        frames = {s: pkg.wide(f"jjj_index_{s}", release, regions=["JJJ"]) for s in INDEX_PARTS}
        years = [int(f.index.max()) for f in frames.values() if not f.empty]
        if not years:
            continue
        latest = [tracing.obs(pkg, f"jjj_index_{s}", release, ["JJJ"], [max(years)]) for s in INDEX_PARTS]
        cells.update({(i, 2 + k): rows for k, rows in enumerate(latest) if len(rows)})
        cells[(i, 1)] = (pd.concat(latest, ignore_index=True), "这一批发布的最新数据年份")
        i += 1
    return cells


def capacity_cut_cells(rows: pd.DataFrame) -> dict:
    if rows.empty:
        return {}
    wide = rows.pivot_table(index="indicator", columns="year", values="value", aggfunc="first")
    return {(i, 1 + j): rows.loc[(rows["indicator"] == ind) & (rows["year"] == year)]
            for i, ind in enumerate(wide.index) for j, year in enumerate(wide.columns) if pd.notna(wide.loc[ind, year])}


def output_cells(pkg: DataPackage, indicator: str, vintage: str) -> dict:
    return ratio_cells(pkg.wide(indicator, vintage, regions=PROVINCES))


def sector_cells(pkg: DataPackage, vintage: str, shares: dict, first: int, last: int) -> dict:
    cells = {}
    for i, region in enumerate(shares):
        for k, (sector, year) in enumerate((s, y) for s in ("第二产业", "第三产业") for y in (first, last)):
            rows = tracing.obs(pkg, list(SECTORS), vintage, [region], [year])
            cells[(i, 1 + k)] = (rows, f"{sector}增加值 ÷ 三次产业增加值之和 × 100")
    return cells


def culture_cells(rows: pd.DataFrame, frame: pd.DataFrame) -> dict:
    by = {(REGION_SHORT[r], str(y), i): g for (r, y, i), g in rows.groupby(["region", "year", "indicator"])}
    cols = {f"{label}（{unit}）": ind for ind, (label, unit) in CULTURE_COLUMNS.items()}
    cells = {(i, j): by[(region, year, cols[c])] for i, (region, year) in enumerate(zip(frame["地区"], frame["年份"]))
             for j, c in enumerate(frame.columns) if c in cols and (region, year, cols[c]) in by}
    for i in range(len(frame)):
        found = [rows for (k, _j), rows in cells.items() if k == i]
        if found:
            cells[(i, 1)] = (pd.concat(found, ignore_index=True), "这一行数据的年份")
    return cells


def culture_version_cells(pkg: DataPackage, both: pd.DataFrame, region: str = "CN-BJ", year: int = 2019) -> dict:
    return {(i, 1): tracing.obs(pkg, "culture_revenue_growth", v, [region], [year]) for i, v in enumerate(both["vintage"])}
