"""What chapter 05_green computes: PM2.5 levels and gaps, energy-intensity changes, Hebei's steel
and industrial structure, the green sub-index within one release, the recommendation table, the
data gaps, and the values its prose glues in.

Tables come back with Chinese headers and readable cells (for display); tidy frames and plain
Python numbers come back for computing and gluing. The claims themselves are in
:mod:`jjj_book.claims.green`.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import plots
from jjj_book.chapters.common import (  # noqa: F401
    Indicator,
    Recommendation,
    Table,
    gap_table,
    plain,
    source,
    with_source,
)
from jjj_book.chapters.common import recommendation_table as _recommendation_table
from jjj_book.chapters.tracing import show  # noqa: F401  (re-exported for the notebook; cells open their sources)
from jjj_book.claims import CannotCheck
from jjj_book.claims.green import (
    ENERGY,
    GREEN_INDEX,
    PM25,
    STEEL,
    STEEL_YEARS,
    index_change,
    one_source_span,
    pm25_first_last,
    pm25_wide,
)
from jjj_book.data import DataPackage
from jjj_book.render import format_value
from jjj_book.text import trend_word, year_ranges
from jjj_book.vocab import PROVINCES, REGION_SHORT, REPORT_YEAR

__all__ = ["ENERGY", "GREEN_INDEX", "PM25", "STEEL", "STEEL_YEARS", "one_source_span", "pm25_first_last",
           "pm25_wide"]

SECTORS = ("primary", "secondary", "tertiary")
UG = "微克/立方米"


# --------------------------------------------------------------------------- arithmetic

def full_years(table: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """A year × region table on every year from ``start`` to ``end``: a missing year is a gap (NaN),
    so a line drawn through it breaks instead of joining two distant observations."""
    return table.reindex(range(start, end + 1))


def compound(rates_pct) -> float:
    """Cumulative change (%) of a level from consecutive annual rates of change (%)."""
    factor = 1.0
    for rate in rates_pct:
        factor *= 1 + rate / 100
    return (factor - 1) * 100


def consecutive_run(years) -> list[int]:
    """The latest run of consecutive years in a collection of years."""
    run: list[int] = []
    for y in sorted(set(int(y) for y in years)):
        run = run + [y] if run and y == run[-1] + 1 else [y]
    return run


def sector_shares(pkg: DataPackage, vintage: str, regions: list[str] = PROVINCES) -> dict[str, pd.DataFrame]:
    """Shares (%) of the three sectors in the sum of their value added, years where all three exist."""
    parts = {s: pkg.wide(f"gdp_{s}", vintage, regions=regions) for s in SECTORS}
    total = sum(parts.values())
    return {s: (p / total * 100).dropna(how="all") for s, p in parts.items()}


def sector_rows(pkg: DataPackage, vintage: str, regions: list[str] = PROVINCES) -> pd.DataFrame:
    return pd.concat([pkg.series(f"gdp_{s}", vintage, regions=regions) for s in SECTORS])


# --------------------------------------------------------------------------- air

def pm25_gap(pkg: DataPackage, vintage: str) -> pd.DataFrame:
    """Years where Beijing and Hebei both have PM2.5: both values, difference (HE − BJ) and ratio (HE ÷ BJ)."""
    both = pm25_wide(pkg, vintage, ["CN-BJ", "CN-HE"]).dropna()
    return pd.DataFrame({"bj": both["CN-BJ"], "he": both["CN-HE"], "diff": both["CN-HE"] - both["CN-BJ"],
                         "ratio": both["CN-HE"] / both["CN-BJ"]})


def pm25_gap_table(pkg: DataPackage, vintage: str) -> pd.DataFrame:
    gap = pm25_gap(pkg, vintage)
    return with_source(pkg, pd.DataFrame({"年份": [str(y) for y in gap.index],
                         f"北京（{UG}）": [f"{v:g}" for v in gap["bj"]],
                         f"河北（{UG}）": [f"{v:g}" for v in gap["he"]],
                         "差（河北−北京）": [format_value(v, "", 1) for v in gap["diff"]],
                         "比（河北÷北京，倍）": [format_value(v, "", 2) for v in gap["ratio"]]}),
                       pkg.series(PM25, vintage, regions=["CN-BJ", "CN-HE"]), [vintage], "差与比由本书计算")


def pm25_change_table(pkg: DataPackage, vintage: str) -> pd.DataFrame:
    """Per region: first and last year of one source and the change in %."""
    fl = pm25_first_last(pkg, vintage)
    return with_source(pkg, pd.DataFrame({"地区": [REGION_SHORT[r] for r in fl.index],
                         "最早一年": [f"{y}年：{v:g}" for y, v in zip(fl["first_year"], fl["first"])],
                         "最近一年": [f"{y}年：{v:g}" for y, v in zip(fl["last_year"], fl["last"])],
                         "变化": [format_value(v, "%", 1) for v in fl["change_pct"]]}),
                       pkg.series(PM25, vintage, regions=PROVINCES), [vintage], "变化由本书计算")


def pm25_chart(pkg: DataPackage, vintage: str, start: int, end: int):
    """PM2.5 of the three provinces on every year of [start, end] (gaps stay gaps), the regional city
    average as separate diamonds. Each region has its own marker and a small sideways offset, so no
    point hides another (Tianjin's 37 and Hebei's 36.8 in 2022; the diamonds sit where Tianjin, which
    has no value in those years, would be)."""
    table = full_years(pm25_wide(pkg, vintage, PROVINCES + ["JJJ"]), start, end)
    fig, ax = plots.new_figure(width=7.6, height=4.4)
    markers = getattr(plots, "REGION_MARKERS", {"CN-BJ": "o", "CN-TJ": "s", "CN-HE": "^"})
    for k, code in enumerate(PROVINCES):
        values = table[code]
        ax.plot(values.index + (k - 1) * 0.2, values, marker=markers[code], markersize=6, linewidth=1.8,
                color=plots.REGION_COLORS[code], label=REGION_SHORT[code],
                markerfacecolor="white" if code == "CN-TJ" else plots.REGION_COLORS[code], zorder=3 + k)
    jjj = table["JJJ"].dropna()
    ax.plot(jjj.index, jjj, linestyle="none", marker="D", markersize=6, color="#444444",
            label="京津冀城市平均（另一口径）")
    ax.set_xlim(start - 0.6, end + 0.6)
    ax.set_xticks(range(start, end + 1), [str(y) if (y - start) % 2 == 0 else "" for y in range(start, end + 1)])
    ax.set_ylim(bottom=0)
    ax.set_ylabel(UG)
    ax.set_title("PM2.5年均浓度")
    ax.legend(loc="upper right", ncols=2)
    plots.finish(fig, pkg.citation(pkg.series(PM25, vintage)), [pkg.vintage_name(vintage)])
    return fig


# --------------------------------------------------------------------------- energy

def energy_run(pkg: DataPackage, vintage: str) -> list[int]:
    """The latest run of consecutive years in which all three provinces have a published rate."""
    table = pkg.wide(ENERGY, vintage, regions=PROVINCES).reindex(columns=PROVINCES)
    return consecutive_run(table.dropna().index)


def energy_rates(pkg: DataPackage, vintage: str) -> pd.DataFrame:
    """Published annual changes (%) of energy use per unit of GDP, years of the latest common run."""
    table = pkg.wide(ENERGY, vintage, regions=PROVINCES).reindex(columns=PROVINCES)
    return table.loc[energy_run(pkg, vintage)]


def energy_cumulative_table(pkg: DataPackage, vintage: str) -> pd.DataFrame:
    rates = energy_rates(pkg, vintage)
    return with_source(pkg, pd.DataFrame({"地区": [REGION_SHORT[r] for r in PROVINCES],
                         "累计变化（连乘）": [format_value(compound(rates[r]), "%", 1) for r in PROVINCES],
                         "各年变化率直接相加": [format_value(rates[r].sum(), "%", 1) for r in PROVINCES]}),
                       pkg.series(ENERGY, vintage, regions=PROVINCES), [vintage], "累计值由本书计算")


def energy_chart(pkg: DataPackage, vintage: str):
    rates = energy_rates(pkg, vintage)
    fig, ax = plots.new_figure(width=7.6, height=4.0)
    plots.bars_by_region(ax, rates, REGION_SHORT, fmt="{:+.1f}")
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_ylim(top=0.8, bottom=min(float(rates.min().min()) * 1.6, -1) if not rates.empty else -1)
    ax.set_title("单位地区生产总值能耗比上年变化（%）")
    ax.legend(loc="lower right", ncols=3)   # below the shortest bars, clear of the labels
    plots.finish(fig, pkg.citation(pkg.series(ENERGY, vintage, regions=PROVINCES)), [pkg.vintage_name(vintage)])
    return fig


# --------------------------------------------------------------------------- steel and structure

def steel_table(pkg: DataPackage, vintage: str) -> pd.DataFrame:
    """Crude steel output (万吨, whole numbers) of the years the package holds; '—' where a region has none."""
    table = pkg.wide(STEEL, vintage, regions=PROVINCES).reindex(columns=PROVINCES).dropna(how="all")
    out = pd.DataFrame({"年份": [str(y) for y in table.index]})
    for code in [c for c in PROVINCES if table[c].notna().any()]:
        out[f"{REGION_SHORT[code]}（万吨）"] = [format_value(v, "", 0) for v in table[code]]
    return with_source(pkg, out, pkg.series(STEEL, vintage, regions=PROVINCES), [vintage])


def sector_chart(pkg: DataPackage, vintage: str, start: int, end: int):
    share = sector_shares(pkg, vintage)["secondary"].reindex(columns=PROVINCES)
    held = [y for y in share.dropna(how="all").index if start <= y <= end]
    table = full_years(share, held[0], held[-1]) if held else share.iloc[0:0]
    fig, ax = plots.new_figure(width=7.6, height=3.8)
    plots.line_by_region(ax, table, REGION_SHORT)
    ax.set_ylim(0, 60)
    ax.set_title("第二产业增加值占三次产业增加值的比重（%）")
    ax.legend(loc="lower left", ncols=3)
    plots.finish(fig, pkg.citation(sector_rows(pkg, vintage)), [pkg.vintage_name(vintage), "比重由本书计算"])
    return fig


def sector_change_table(pkg: DataPackage, vintage: str) -> pd.DataFrame:
    sec = sector_shares(pkg, vintage)["secondary"].reindex(columns=PROVINCES).dropna(how="all")
    a, b = int(sec.index[0]), int(sec.index[-1])
    return with_source(pkg, pd.DataFrame({"地区": [REGION_SHORT[r] for r in PROVINCES],
                         f"{a}年": [format_value(sec.loc[a, r], "%", 1) for r in PROVINCES],
                         f"{b}年": [format_value(sec.loc[b, r], "%", 1) for r in PROVINCES],
                         "变化（百分点）": [f"{sec.loc[b, r] - sec.loc[a, r]:+.1f}" for r in PROVINCES]}),
                       sector_rows(pkg, vintage), [vintage], "比重由本书计算")


# --------------------------------------------------------------------------- the green index

def index_releases_table(pkg: DataPackage) -> pd.DataFrame:
    """Each release's latest year: level and printed change. Every row is its own series."""
    rows = []
    for release in [v for v in pkg.vintages["id"] if v.startswith("idx")]:
        level = pkg.wide(GREEN_INDEX, release, regions=["JJJ"]).reindex(columns=["JJJ"]).dropna()
        if level.empty:
            continue
        year = int(level.index.max())
        change = pkg.wide(f"{GREEN_INDEX}_change", release, regions=["JJJ"]).reindex(columns=["JJJ"])
        printed = change.loc[year, "JJJ"] if year in change.index else None
        rows.append({"发布批次（基期）": pkg.vintage_name(release), "数据年份": str(year),
                     "绿色发展指数": format_value(level.loc[year, "JJJ"], "", 1),
                     "比上年（点，发布稿印出）": "—" if printed is None or pd.isna(printed) else f"{printed:+.1f}"})
    return with_source(pkg, pd.DataFrame(rows), index_rows(pkg), [], "每行为一个发布批次，行与行之间不能相减")


def index_rows(pkg: DataPackage, releases: list[str] | None = None) -> pd.DataFrame:
    releases = releases or [v for v in pkg.vintages["id"] if v.startswith("idx")]
    return pd.concat([pkg.series(i, v) for i in (GREEN_INDEX, f"{GREEN_INDEX}_change") for v in releases])


# --------------------------------------------------------------------------- recommendations

RECOMMENDATIONS = [
    Recommendation("合建孵化平台", "三地合建一个绿色技术研发与产业孵化的共用平台",
                   missing="孵化平台的数量、在孵绿色技术企业数、绿色技术合同成交额（逐年、分省）"),
    Recommendation("园区示范基地", "以国家级新区、自贸试验区、高新区等为载体，把新一代信息技术、生物医药、"
                   "高端装备等绿色产业做成应用示范基地",
                   missing="各类国家级园区的绿色产业产值或增加值（同一口径）"),
    Recommendation("扶持河北新兴产业", "国家加大对河北战略性新兴产业的扶持，让新兴产能接上退出的传统产能",
                   [Indicator(STEEL, "CN-HE", "published_vintage", "河北粗钢产量")],
                   missing="三地战略性新兴产业增加值及其占地区生产总值的比重（逐年、同一口径）"),
    Recommendation("补大气污染短板", "补上区域大气污染治理的短板",
                   [Indicator(PM25, "CN-HE", "published_vintage", "河北PM2.5年均浓度")]),
    Recommendation("绿色转型（总目标）", "持续推进京津冀产业的绿色转型（这一战略重点的总目标）"),
]


def _cite(pkg: DataPackage, rows: pd.DataFrame, vintage: str, note: str = "") -> str:
    titles = "；".join(dict.fromkeys(f"《{t}》" for t in pkg.sources_for(rows)["publication"]))
    return f"{titles}（{pkg.vintage_name(vintage)}{'；' + note if note else ''}）"


def _derived_rows(pkg: DataPackage, published: str, sector: str, release: str) -> dict[str, list[dict]]:
    """The rows the chapter computes itself: a share, a difference, a run of rates, a within-release change."""
    extra: dict[str, list[dict]] = {}
    sec = sector_shares(pkg, sector, ["CN-HE"])["secondary"].reindex(columns=["CN-HE"])["CN-HE"].dropna()
    if len(sec):
        a, b = int(sec.index[0]), int(sec.index[-1])
        extra["扶持河北新兴产业"] = [{"指标": "河北第二产业比重", "最新值": f"{format_value(sec.iloc[-1], '%', 1)}（{b}年）",
                               "趋势": f"{a}—{b}年{trend_word(sec.iloc[-1] - sec.iloc[0], '上升', '下降', '持平')}"
                                     f"{abs(sec.iloc[-1] - sec.iloc[0]):.1f}个百分点",
                               "来源": _cite(pkg, sector_rows(pkg, sector, ["CN-HE"]), sector, "比重由本书计算")}]
    gap = pm25_gap(pkg, published)["diff"]
    if len(gap):
        a, b = int(gap.index[0]), int(gap.index[-1])
        extra["补大气污染短板"] = [{"指标": "PM2.5之差（河北−北京）", "最新值": f"{format_value(gap.iloc[-1], UG, 1)}（{b}年）",
                              "趋势": f"{a}—{b}年{trend_word(gap.iloc[-1] - gap.iloc[0], '扩大', '缩小', '不变')}",
                              "来源": _cite(pkg, pkg.series(PM25, published, regions=["CN-BJ", "CN-HE"]), published,
                                          "差由本书计算")}]
    overall = []
    rates = pkg.series(ENERGY, published, regions=["CN-HE"]).sort_values("year")
    if len(rates):
        last = rates.iloc[-1]
        falling = int((rates["value"] < 0).sum())
        overall.append({"指标": "河北单位地区生产总值能耗比上年变化", "最新值": f"{last['value']:+.1f}%（{int(last['year'])}年）",
                        "趋势": f"{len(rates)}个有数年份中{falling}个下降", "来源": _cite(pkg, rates, published)})
    try:
        delta, basis = index_change(pkg, GREEN_INDEX, release, REPORT_YEAR)
        level = pkg.wide(GREEN_INDEX, release, regions=["JJJ"]).loc[REPORT_YEAR, "JJJ"]
        overall.append({"指标": "京津冀绿色发展指数", "最新值": f"{format_value(level, '', 1)}（{REPORT_YEAR}年）",
                        "趋势": f"比上年{delta:+.1f}点（同一批发布）", "来源": _cite(pkg, index_rows(pkg, [release]), release)})
    except (CannotCheck, KeyError):
        overall.append({"指标": "京津冀绿色发展指数", "最新值": "—", "趋势": "—", "来源": f"{pkg.vintage_name(release)}中暂无"})
    extra["绿色转型（总目标）"] = overall
    return extra


def recommendation_table(pkg: DataPackage, published: str, sector: str, release: str, start: int, end: int
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """建议 | 指标 | 最新值 | 趋势 | 来源, and the observation rows it shows (for the source line)."""
    vintages = {"published_vintage": published, "sector_vintage": sector, "index_release": release}
    table, rows = _recommendation_table(pkg, RECOMMENDATIONS, vintages, start, end,
                                        _derived_rows(pkg, published, sector, release))
    used = pd.concat([rows, sector_rows(pkg, sector, ["CN-HE"]), pkg.series(ENERGY, published, regions=["CN-HE"]),
                      pkg.series(PM25, published, regions=["CN-BJ"]), index_rows(pkg, [release])])
    with_source(pkg, table, used, [published, sector, release], "逐行见“来源”列")
    return table, used


def without_indicator() -> int:
    """Recommendations (the overall aim aside) that no public indicator in the package measures."""
    return sum(1 for rec in RECOMMENDATIONS if rec.missing)


# --------------------------------------------------------------------------- gaps

def gap_needs(published: str, sector: str) -> list[tuple[str, str]]:
    return [(PM25, published), (ENERGY, published), (STEEL, published), ("gdp_secondary", sector)]


def gaps(pkg: DataPackage, published: str, sector: str, start: int, end: int) -> pd.DataFrame:
    """Which years each series the chapter uses lacks in [start, end] (for display)."""
    return gap_table(pkg, gap_needs(published, sector), PROVINCES, start, end)


# --------------------------------------------------------------------------- values glued into the prose

def air_values(pkg: DataPackage, vintage: str) -> dict:
    fl = pm25_first_last(pkg, vintage)
    out = {}
    for code, key in (("CN-BJ", "bj"), ("CN-TJ", "tj"), ("CN-HE", "he")):
        held = pm25_wide(pkg, vintage, [code])[code].dropna().index.tolist()
        out[f"green_pm_held_{key}"] = year_ranges(held) or "无"
        if code in fl.index:
            row = fl.loc[code]
            out.update({f"green_pm_{key}_y0": int(row["first_year"]), f"green_pm_{key}_v0": float(row["first"]),
                        f"green_pm_{key}_y1": int(row["last_year"]), f"green_pm_{key}_v1": float(row["last"]),
                        f"green_pm_{key}_pct": float(row["change_pct"])})
    gap = pm25_gap(pkg, vintage)
    if len(gap) >= 2:
        a, b = gap.index[0], gap.index[-1]
        d, q = gap.loc[b, "diff"] - gap.loc[a, "diff"], gap.loc[b, "ratio"] - gap.loc[a, "ratio"]
        out.update({"green_gap_y0": int(a), "green_gap_y1": int(b), "green_gap_years": year_ranges(gap.index),
                    "green_gap0": float(gap.loc[a, "diff"]), "green_gap1": float(gap.loc[b, "diff"]),
                    "green_gap_abs": float(abs(d)), "green_gap_word": trend_word(d, "扩大", "缩小", "不变"),
                    "green_gap_word_en": trend_word(d, "widened", "narrowed", "did not change"),
                    "green_ratio0": float(gap.loc[a, "ratio"]), "green_ratio1": float(gap.loc[b, "ratio"]),
                    "green_ratio_word": trend_word(q, "上升", "下降", "持平"),
                    "green_ratio_word_en": trend_word(q, "rose", "fell", "held"),
                    "green_he_vs_bj": "仍高于" if gap.loc[b, "diff"] > 0 else "已不高于",
                    "green_he_vs_bj_en": "still above" if gap.loc[b, "diff"] > 0 else "no longer above"})
    return out


def energy_values(pkg: DataPackage, vintage: str) -> dict:
    rates = energy_rates(pkg, vintage)
    if rates.empty:
        return {}
    every = bool((rates < 0).all().all())
    national = pkg.wide(ENERGY, vintage, regions=["CN"]).reindex(columns=["CN"])["CN"].dropna()
    out = {"green_run0": int(rates.index[0]), "green_run1": int(rates.index[-1]), "green_run_n": len(rates),
           "green_energy_every": "每年都在下降" if every else "并非每年都下降",
           "green_energy_every_en": "fell every year" if every else "did not fall every year",
           "green_energy_national_years": year_ranges(national.index) or "无"}
    for code, key in (("CN-BJ", "bj"), ("CN-TJ", "tj"), ("CN-HE", "he")):
        out[f"green_cum_{key}"] = float(compound(rates[code]))
    return out


def steel_values(pkg: DataPackage, published: str, sector: str) -> dict:
    steel = pkg.wide(STEEL, published, regions=PROVINCES).reindex(columns=PROVINCES)
    y0, y1 = STEEL_YEARS
    out = {"green_steel_held": "；".join(f"{REGION_SHORT[r]}{year_ranges(steel[r].dropna().index)}年"
                                        for r in PROVINCES if steel[r].notna().any()) or "无",
           "green_steel_y0": y0, "green_steel_y1": y1}
    if all(y in steel.index and pd.notna(steel.loc[y, "CN-HE"]) for y in STEEL_YEARS):
        a, b = float(steel.loc[y0, "CN-HE"]), float(steel.loc[y1, "CN-HE"])
        out.update({"green_steel_v0": a, "green_steel_v1": b, "green_steel_cut": a - b,
                    "green_steel_pct": (b / a - 1) * 100,
                    "green_steel_word": "钢铁产能在退出" if b < a else "粗钢产量并未下降",
                    "green_steel_word_en": "Steel output is falling" if b < a else "Steel output did not fall"})
    sec = sector_shares(pkg, sector, ["CN-HE"])["secondary"].reindex(columns=["CN-HE"])["CN-HE"].dropna()
    if len(sec) >= 2:
        out.update({"green_sec_y0": int(sec.index[0]), "green_sec_y1": int(sec.index[-1]),
                    "green_sec0": float(sec.iloc[0]), "green_sec1": float(sec.iloc[-1]),
                    "green_sec_years": year_ranges(sec.index)})
    return out


def index_values(pkg: DataPackage, release: str) -> dict:
    try:
        delta, _ = index_change(pkg, GREEN_INDEX, release, REPORT_YEAR)
    except CannotCheck:
        return {"green_index_release": pkg.vintage_name(release)}
    return {"green_index_release": pkg.vintage_name(release), "green_index_change": float(delta)}


# How each glued number is computed, in words (rows found by jjj_book.chapters.tracing); a number that is
# one observation needs none.
FORMULAS = {
    "green_n_rec": "本章转述的报告建议条数", "green_n_none": "其中没有任何公开指标的建议条数",
    "green_n_claims": "本章登记并检验的说法和前提条数", "green_counts": "本章各条按核对结论分别计数",
    **{f"green_pm_{r}_pct": "(最近一年PM2.5浓度 ÷ 最早一年 − 1) × 100（同一地区，各年公报印出）"
       for r in ("bj", "tj", "he")},
    **{f"green_pm_held_{r}": "数据包中该地PM2.5浓度有数的年份" for r in ("bj", "tj", "he")},
    "green_pm_tj_y0": "天津PM2.5浓度有数的最早一年", "green_pm_tj_y1": "天津PM2.5浓度有数的最近一年",
    "green_pm_tj_v0": "天津最早一年的PM2.5浓度", "green_pm_tj_v1": "天津最近一年的PM2.5浓度",
    "green_gap_y0": "北京与河北都有PM2.5浓度的最早一年", "green_gap_y1": "北京与河北都有PM2.5浓度的最近一年",
    "green_gap_years": "北京与河北都有PM2.5浓度的年份",
    "green_gap0": "最早一年河北PM2.5浓度 − 北京", "green_gap1": "最近一年河北PM2.5浓度 − 北京",
    "green_gap_abs": "两地之差缩小（或扩大）的微克数：最早一年之差 − 最近一年之差",
    "green_ratio0": "最早一年河北PM2.5浓度 ÷ 北京", "green_ratio1": "最近一年河北PM2.5浓度 ÷ 北京",
    "green_run0": "三地单位GDP能耗降低率连续有数的最早一年", "green_run1": "三地单位GDP能耗降低率连续有数的最近一年",
    "green_run_n": "三地单位GDP能耗降低率连续有数的年数",
    "green_energy_national_years": "全国单位GDP能耗降低率有数的年份",
    **{f"green_cum_{r}": "各年降低率连乘：(1 − 第一年%)×(1 − 第二年%)×… − 1（同一地区）" for r in ("bj", "tj", "he")},
    "green_steel_held": "数据包中粗钢产量有数的地区和年份",
    "green_steel_y0": "本章比较粗钢产量的起点年份（本章设定）", "green_steel_y1": "本章比较粗钢产量的终点年份（本章设定）",
    "green_steel_v0": "起点年份河北粗钢产量", "green_steel_v1": "终点年份河北粗钢产量",
    "green_steel_cut": "起点年份产量 − 终点年份产量", "green_steel_pct": "(终点年份 ÷ 起点年份 − 1) × 100",
    "green_sec_y0": "三次产业增加值都有数的最早一年", "green_sec_y1": "三次产业增加值都有数的最近一年",
    "green_sec0": "最早一年河北第二产业增加值 ÷ 三次产业之和 × 100", "green_sec1": "最近一年河北第二产业增加值 ÷ 三次产业之和 × 100",
    "green_sec_years": "三次产业增加值都有数的年份",
    "green_index_release": "本章所用的区域发展指数发布批次（参数）",
}

def summary_values(results: dict) -> dict:
    from jjj_book.render import counts_sentence, verdict_counts

    return {"green_n_rec": len(RECOMMENDATIONS) - 1, "green_n_none": without_indicator(),
            "green_n_claims": len(results), "green_counts": counts_sentence(verdict_counts(results.values()))}


def values(pkg: DataPackage, published: str, sector: str, release: str, results: dict) -> dict:
    """Every value the chapter's prose glues in, by glue name (plain Python numbers and short words)."""
    out = {**air_values(pkg, published), **energy_values(pkg, published), **steel_values(pkg, published, sector),
           **index_values(pkg, release), **summary_values(results)}
    return {k: plain(v) for k, v in out.items()}
