"""What chapter 01_status (发展现状) computes for its pages.

Four sections, each a few functions: the GDP total and its vintages, the growth
ranking, the per-capita gap (in yuan and as a ratio) and the urban–rural incomes.
Functions return numbers, short words (trend words, verdict labels) and DataFrames
with Chinese headers and formatted cells; the sentences are in the notebook's Markdown.
Charts are drawn with :mod:`jjj_book.plots` and returned closed, ready to glue.
"""

from __future__ import annotations

import math
import zlib

import pandas as pd

from jjj_book import metrics, plots, series, text
from jjj_book.chapters import tracing
from jjj_book.chapters.tracing import show_table  # noqa: F401 (the notebook shows its tables with it)
from jjj_book.chapters.common import gap_table
from jjj_book.claims import REGISTRY, evaluate_claim
from jjj_book.claims.status import TRILLION_PER_100M
from jjj_book.data import DataPackage
from jjj_book.render import format_value
from jjj_book.text import trend_word, year_ranges
from jjj_book.vocab import (AGREES, INCOME_SURVEY_FIRST_YEAR, PROVINCES, REGION_SHORT, REPORT_YEAR, START_YEAR,
                            VERDICT_ICON)

OTHERS = ("CN-BJ", "CN-TJ")   # compared with Hebei
TREND_EN = {"扩大": "widened", "缩小": "narrowed", "基本不变": "stayed about the same"}


CAPTION_STYLE = [{"selector": "caption",
                  "props": "caption-side: bottom; text-align: left; font-size: 0.8em; color: #555"}]


def table(frame: pd.DataFrame, corner: str, pkg: DataPackage | None = None, rows: pd.DataFrame | None = None):
    """A display table: the index as the first column headed ``corner`` (no row numbers), and
    under it the source and vintage line of the observation ``rows`` it shows. ``.data`` is the frame."""
    out = frame.copy()
    out.index.name = None
    out.columns.name = corner
    # the same table gets the same HTML id in every build (pandas picks a random one)
    uid = f"{zlib.crc32(repr((corner, list(out.columns), list(out.index))).encode('utf-8')):08x}"
    styler = out.style.set_table_attributes('class="dataframe"').set_uuid(uid)
    if pkg is not None and rows is not None and len(rows):
        styler = styler.set_caption(source_line(pkg, rows)).set_table_styles(CAPTION_STYLE)
    return styler


def source_line(pkg: DataPackage, rows: pd.DataFrame) -> str:
    """'数据来源：…。数据版本：…。' for the observation rows a table shows."""
    vintages = [pkg.vintage_name(v) for v in dict.fromkeys(rows["vintage"])]
    return text.source_line(pkg.citation(rows), vintages)


def _fmt(value, decimals: int, unit: str = "") -> str:
    return format_value(None if pd.isna(value) else float(value), unit, decimals)


# --------------------------------------------------------------------------- 一、经济总量

def gdp_totals(pkg: DataPackage) -> dict[str, pd.Series]:
    """The three provinces' GDP together (万亿元), per year, for every GDP vintage held."""
    return {v: series.regional_total(pkg, "gdp", v) * TRILLION_PER_100M for v in pkg.vintages_of("gdp")}


def revision_size(pkg: DataPackage, before: str = "original", after: str = "census4") -> dict:
    """How far the census revision moved GDP: the region moved most (on average), its direction and range (%)."""
    first = pkg.wide("gdp", before, regions=PROVINCES)
    revised = pkg.wide("gdp", after, regions=PROVINCES)
    common = first.index.intersection(revised.index)
    change = (revised.loc[common] / first.loc[common] - 1) * 100
    region = change.mean().abs().idxmax()
    mean = float(change[region].mean())
    return {"region": REGION_SHORT[region], "first": int(common.min()), "last": int(common.max()),
            "word": "下调" if mean < 0 else "上调", "mean": abs(mean),
            "low": float(change[region].abs().min()), "high": float(change[region].abs().max())}


GDP_CLAIMS = {"status.gdp_2011": f"{START_YEAR}年", "status.gdp_2021": f"{REPORT_YEAR}年",
              "status.gdp_increase_2011_2021": "增加"}


def claims_by_vintage(pkg: DataPackage, claims: dict[str, str] = GDP_CLAIMS) -> pd.DataFrame:
    """The same claims checked in every GDP vintage: the book's value and √/× per cell.

    Shows the chapter's lesson: a claim can agree in one vintage and differ in another.
    ``claims`` maps a claim id to its column label; the header adds the report's figure.
    A vintage lacking a year (or, for an increase, not a series) shows "—".
    """
    rows = {}
    for vintage in pkg.vintages_of("gdp"):
        cells = {}
        for cid, label in claims.items():
            result = evaluate_claim(REGISTRY[cid], pkg, vintage)
            cells[f"{label}（报告 {REGISTRY[cid].reported}）"] = (
                "—" if result.verdict == "cannot_check"
                else f"{format_value(result.reproduced, '', 2)} {VERDICT_ICON[result.verdict]}")
        rows[pkg.vintage_name(vintage)] = cells
    return table(pd.DataFrame(rows).T, "数据版本（万亿元）", pkg, pkg.observations_for(["gdp"]))


def closest_start(pkg: DataPackage, year: int, claim_id: str = "status.gdp_2011") -> dict:
    """Of all vintages holding ``year``, the total closest to the report's figure, and whether it agrees."""
    reported = REGISTRY[claim_id].reported
    totals = {v: t.loc[year] for v, t in gdp_totals(pkg).items() if year in t.index}
    best = min(totals, key=lambda v: abs(totals[v] - reported))
    verdict = evaluate_claim(REGISTRY[claim_id], pkg, best).verdict
    return {"vintage": pkg.vintage_name(best), "vintage_id": best, "value": float(totals[best]),
            "low": float(min(totals.values())), "high": float(max(totals.values())),
            "within": "在报告的四舍五入范围之内" if verdict in AGREES else "仍超出报告的四舍五入范围",
            "verdict": verdict}


def shares(pkg: DataPackage, vintage: str, start: int) -> pd.DataFrame:
    """Each province's share of the three's GDP (%), from ``start``."""
    return metrics.shares(pkg.wide("gdp", vintage, regions=PROVINCES).loc[start:])


def gdp_chart(pkg: DataPackage, vintage: str, start: int):
    """Top: GDP of each province (亿元); below: its share of the three (%). Legends on both;
    a break inside the vintage (a preliminary year spliced on) is drawn apart and marked."""
    full = pkg.wide("gdp", vintage, regions=PROVINCES)
    levels = full.loc[start:]
    levels.attrs.update(full.attrs)
    share = metrics.shares(levels)
    share.attrs.update(full.attrs)
    fig, (ax1, ax2) = plots.new_figure(ncols=2)
    plots.line_by_region(ax1, series.split_at_breaks(levels), REGION_SHORT)
    ax1.set_title("地区生产总值（亿元）")
    ax1.set_ylim(bottom=0)
    plots.thousands(ax1)
    plots.line_by_region(ax2, series.split_at_breaks(share), REGION_SHORT)
    ax2.set_ylim(0, 100)
    ax2.set_title("占三地合计的比重（%）")
    ax1.legend(loc="upper left")
    ax2.legend(loc="upper left", ncols=3)
    mark_breaks((ax1, ax2), full.attrs.get("breaks", ()), levels.index)
    plots.finish(fig, pkg.citation(pkg.series("gdp", vintage)), [pkg.vintage_name(vintage)])
    return _closed(fig)


def mark_breaks(axes, breaks, years) -> None:
    for year in breaks:
        if len(years) and years.min() < year <= years.max():
            for ax in axes:
                plots.mark_break(ax, year, "初步数")


def _closed(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)   # glued into the page by name; the cell itself shows nothing twice
    return fig


# --------------------------------------------------------------------------- 二、增速

def growth_bars(pkg: DataPackage, vintage: str, first: int = 2019, last: int = 2022) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Real growth (%) as printed for each year, the latest year by its first three quarters.

    Returns (table with rows 2019年 … 2022年前三季度 and one column per province, the rows used)."""
    rows = pd.concat([pkg.series("gdp_real_growth", vintage, regions=PROVINCES),
                      pkg.series("gdp_real_growth", vintage, "Q1-Q3", PROVINCES)])
    rows = rows[(rows["year"] >= first) & (rows["year"] <= last)]
    rows = rows[(rows["period"] == "annual") & (rows["year"] < last) | (rows["period"] == "Q1-Q3") & (rows["year"] == last)]
    labels = [f"{y}年" if p == "annual" else f"{y}年前三季度" for y, p in zip(rows["year"], rows["period"])]
    bars = rows.assign(label=labels).pivot(index="label", columns="region", values="value")
    return bars, rows


def growth_chart(pkg: DataPackage, bars: pd.DataFrame, rows: pd.DataFrame, vintage: str):
    fig, ax = plots.new_figure()
    plots.bars_by_region(ax, bars, REGION_SHORT)
    ax.set_title("地区生产总值实际增速（%）")
    ax.set_ylim(0, bars.max().max() * 1.25)
    ax.legend(loc="upper left", ncols=3)
    plots.finish(fig, pkg.citation(rows), [pkg.vintage_name(vintage)])
    return _closed(fig)


def leaders(bars: pd.DataFrame) -> list[str]:
    """The period labels in which Hebei grew fastest of the three."""
    return [label for label, row in bars.iterrows() if row["CN-HE"] > max(row["CN-BJ"], row["CN-TJ"])]


def revised_growth(pkg: DataPackage, vintage: str, first: int, last: int, bars: pd.DataFrame) -> dict:
    """Growth in a revised vintage, the fastest per year, and the years whose leader changed vs ``bars``."""
    revised = pkg.wide("gdp_real_growth", vintage, regions=PROVINCES).loc[first:last]
    shown = revised.apply(lambda col: col.map(lambda v: _fmt(v, 1)))
    shown = shown.rename(columns=REGION_SHORT)
    shown["增速最快"] = [REGION_SHORT[row.idxmax()] for _, row in revised.iterrows()]
    shown.index = [f"{y}年" for y in revised.index]
    first_leader = bars.idxmax(axis=1)
    changed = [int(y) for y in revised.index
               if f"{y}年" in first_leader.index and first_leader[f"{y}年"] != revised.loc[y].idxmax()]
    used = pkg.series("gdp_real_growth", vintage, regions=PROVINCES)
    return {"table": table(shown, "年份（%）", pkg, used), "changed": changed,
            "changed_words": "改变了" + year_ranges(changed) + "年增速最快的地区" if changed else "没有改变哪一地最快"}


# --------------------------------------------------------------------------- 三、人均

def method_check(pkg: DataPackage, vintage: str, population_vintage: str) -> dict:
    """The book's per-capita GDP against the official one, in % (book ÷ official − 1).

    ``worst`` is the largest difference in years with no documented inconsistency; ``odd_years``
    are the years whose official value the data record explains (``series.per_capita_note``),
    with the largest difference there and the recorded explanation.
    """
    official = pkg.wide("gdp_per_capita", vintage, regions=PROVINCES)
    computed = series.gdp_per_capita(pkg, vintage, population_vintage=population_vintage)
    both = official.index.intersection(computed.dropna().index)
    diff = (computed.loc[both] / official.loc[both] - 1) * 100
    notes = {int(y): series.per_capita_note(pkg, vintage, int(y)) for y in both}
    odd = [y for y, n in notes.items() if n]
    plain = diff.drop(index=odd)
    shown = diff.apply(lambda col: col.map(lambda v: f"{v:+.2f}%".replace("-0.00", "0.00").replace("+0.00", "0.00")))
    shown.index = [f"{y}年" for y in both]
    shown = shown.rename(columns=REGION_SHORT)
    used = pd.concat([pkg.series("gdp_per_capita", vintage, regions=PROVINCES),
                      pkg.series("gdp", vintage, regions=PROVINCES),
                      pkg.series("population_yearend", population_vintage, regions=PROVINCES)])
    return {"table": table(shown, "年份", pkg, used), "first": int(both.min()), "last": int(both.max()),
            "bound": max(0.01, math.ceil(float(plain.abs().max().max()) * 100) / 100) if len(plain) else float("nan"),
            "odd_years": year_ranges(odd), "odd_worst": float(diff.loc[odd].abs().max().max()) if odd else 0.0,
            "odd_note": notes[odd[0]] if odd else ""}


def per_capita_gaps(pkg: DataPackage, vintage: str, population_vintage: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Beijing/Tianjin minus Hebei (元) and divided by Hebei (倍), per year."""
    pc = series.gdp_per_capita(pkg, vintage, population_vintage=population_vintage)
    yuan = pd.DataFrame({o: metrics.absolute_gap(pc[o], pc["CN-HE"]) for o in OTHERS})
    ratio = pd.DataFrame({o: metrics.relative_gap(pc[o], pc["CN-HE"]) for o in OTHERS})
    yuan.attrs.update(pc.attrs)
    ratio.attrs.update(pc.attrs)
    return yuan, ratio


def gap_story(yuan: pd.DataFrame, ratio: pd.DataFrame, other: str, start: int, end: int) -> dict:
    """The two measures of one gap at both ends and their trend words (扩大/缩小)."""
    dy = metrics.change(yuan[other], start, end)
    dr = metrics.change(ratio[other], start, end)
    return {"yuan_start": float(yuan.loc[start, other]), "yuan_end": float(yuan.loc[end, other]),
            "ratio_start": float(ratio.loc[start, other]), "ratio_end": float(ratio.loc[end, other]),
            "yuan_change": float(dy), "yuan_word": trend_word(dy), "ratio_word": trend_word(dr),
            "ratio_word_en": TREND_EN[trend_word(dr)],
            "agree": "相同" if (dy > 0) == (dr > 0) else "相反"}


def gap_chart(pkg: DataPackage, yuan: pd.DataFrame, ratio: pd.DataFrame, start: int, vintage: str,
              population_vintage: str):
    """Top: Beijing/Tianjin minus Hebei (元); below: divided by Hebei (倍). Lines that compare two
    regions take the derived colours, not a region's."""
    breaks = yuan.attrs.get("breaks", ())
    window = yuan.loc[start:].dropna(how="all")
    fig, (ax1, ax2) = plots.new_figure(ncols=2)
    for ax, frame, sign in ((ax1, window, "−"), (ax2, ratio.loc[window.index], "÷")):
        drawn = plots.complete_years(series.split_at_breaks(frame, breaks))
        for k, other in enumerate(OTHERS):
            ax.plot(drawn.index, drawn[other], marker=plots.REGION_MARKERS[other], color=plots.derived_color(k),
                    label=f"{REGION_SHORT[other]} {sign} 河北")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left")
    ax1.set_title("人均地区生产总值之差（元）")
    plots.thousands(ax1)
    ax2.set_title("人均地区生产总值之比（倍）")
    mark_breaks((ax1, ax2), breaks, window.index)
    rows = pd.concat([pkg.series("gdp", vintage), pkg.series("population_yearend", population_vintage)])
    plots.finish(fig, pkg.citation(rows),
                 [f"地区生产总值 {pkg.vintage_name(vintage)}", f"人口 {pkg.vintage_name(population_vintage)}"])
    return _closed(fig)


# --------------------------------------------------------------------------- 四、城乡

def income_rows(pkg: DataPackage, vintage: str) -> pd.DataFrame:
    return pd.concat([pkg.series(i, vintage, regions=PROVINCES) for i in
                      ("urban_disposable_income", "rural_disposable_income", "urban_rural_income_ratio")])


def income_pairs(pkg: DataPackage, vintage: str) -> dict:
    """Every region-year with both incomes: the gap (元), the ratio the book computes and the one
    published for that year, if any. Also which regions have at least two such years."""
    pairs = series.urban_rural(pkg, vintage)
    published = pkg.wide("urban_rural_income_ratio", vintage, regions=PROVINCES)
    out = pd.DataFrame({
        "城镇（元）": [_fmt(v, 0) for v in pairs["urban"]],
        "农村（元）": [_fmt(v, 0) for v in pairs["rural"]],
        "之差（元）": [_fmt(v, 0) for v in pairs["gap"]],
        "比值（本书）": [_fmt(v, 2) for v in pairs["ratio"]],
        "比值（公布）": [_fmt(published.get(r, pd.Series(dtype=float)).get(y), 2)
                     for r, y in zip(pairs["region"], pairs["year"])],
    }, index=[f"{REGION_SHORT[r]}{y}年" for r, y in zip(pairs["region"], pairs["year"])])
    counts = pairs["region"].value_counts()
    return {"table": table(out, "地区、年份", pkg, income_rows(pkg, vintage)), "count": int(len(pairs)),
            "regions": "、".join(REGION_SHORT[r] for r in PROVINCES if counts.get(r, 0) >= 1),
            "bj_years": year_ranges(pairs.loc[pairs["region"] == "CN-BJ", "year"].tolist())}


def published_ratios(pkg: DataPackage, vintage: str) -> dict:
    """The urban–rural income ratios as published (城镇 ÷ 农村), and their direction per province."""
    published = pkg.wide("urban_rural_income_ratio", vintage, regions=PROVINCES)
    shown = published.apply(lambda col: col.map(lambda v: _fmt(v, 2)))
    shown.index = [f"{y}年" for y in published.index]
    shown = shown.T.rename(index=REGION_SHORT)
    moves = {}
    for r in published.columns:
        s = published[r].dropna()
        if len(s) >= 2:
            moves[r] = trend_word(s.iloc[-1] - s.iloc[0], up="上升", down="下降", flat="不变")
    words = set(moves.values())
    rows = pkg.series("urban_rural_income_ratio", vintage, regions=PROVINCES)
    return {"table": table(shown, "地区（倍）", pkg, rows),
            "first": int(published.index.min()), "last": int(published.index.max()),
            "all_fell": "都下降了" if words == {"下降"} else "方向不一",
            "ratio_trend": "在缩小" if words == {"下降"} else "在扩大" if words == {"上升"} else "各地方向不一",
            "all_fell_en": "all fell" if words == {"下降"} else "moved in different directions"}


# --------------------------------------------------------------------------- gaps, key figures

def data_gaps(pkg: DataPackage, gdp_vintage: str, release_vintage: str, population_vintage: str,
              income_vintage: str, start: int, end: int, growth_from: int = 2019) -> pd.DataFrame:
    """What the chapter's series lack: revised GDP and population from ``start``, incomes from the
    survey's first year, and the preliminary figures only for the years the report takes from them."""
    first = {"urban_disposable_income": INCOME_SURVEY_FIRST_YEAR, "rural_disposable_income": INCOME_SURVEY_FIRST_YEAR}
    parts = [
        gap_table(pkg, [("gdp", gdp_vintage), ("population_yearend", population_vintage),
                        ("urban_disposable_income", income_vintage), ("rural_disposable_income", income_vintage)],
                  PROVINCES, start, end, first_year=first),
        gap_table(pkg, [("gdp", release_vintage)], PROVINCES, end, end),
        gap_table(pkg, [("gdp_real_growth", release_vintage)], PROVINCES, growth_from, end),
    ]
    gaps = pd.concat(parts, ignore_index=True).set_index("指标")
    return table(gaps, "指标")


def key_findings(pkg: DataPackage, results: dict, gdp_vintage: str, release_vintage: str,
                 population_vintage: str, income_vintage: str, start: int, end: int, strategy: int) -> dict:
    """The values the key-findings box glues, by glue name."""
    totals = gdp_totals(pkg)[gdp_vintage]
    yuan, ratio = per_capita_gaps(pkg, gdp_vintage, population_vintage)
    bj, tj = (gap_story(yuan, ratio, o, strategy, end) for o in OTHERS)
    closest = closest_start(pkg, start)
    fast = [results[c] for c in results if c.startswith("status.hebei_fastest")]
    urban_rural = [results[c] for c in results if c.startswith("status.urban_rural")]
    agree21 = results["status.gdp_2021"].verdict in AGREES
    return {
        "kf_gdp_start": float(totals.get(start)), "kf_gdp_end": float(totals.get(end)),
        "kf_gdp_vintage": pkg.vintage_name(gdp_vintage), "kf_release_vintage": pkg.vintage_name(release_vintage),
        "kf_2021_agree": "相符" if agree21 else "不符", "kf_2021_agree_en": "matches" if agree21 else "does not match",
        "kf_start_closest": closest["vintage"], "kf_start_closest_value": closest["value"],
        "kf_start_within": closest["within"], "kf_start_within_en": "within" if closest["verdict"] in AGREES else "outside",
        "kf_fast_agree": "一致" if all(r.verdict in AGREES for r in fast) else "不完全一致",
        "kf_fast_agree_en": "as the report says" if all(r.verdict in AGREES for r in fast) else "not quite as the report says",
        "kf_bj_yuan": bj["yuan_change"], "kf_tj_yuan": tj["yuan_change"],
        "kf_tj_ratio_word": tj["ratio_word"], "kf_tj_ratio_word_en": tj["ratio_word_en"],
        "kf_ur_missing": sum(r.verdict == "cannot_check" for r in urban_rural),
        "kf_ur_fell": published_ratios(pkg, income_vintage)["all_fell"],
        "kf_ur_fell_en": published_ratios(pkg, income_vintage)["all_fell_en"],
    }


def key_figures(pkg: DataPackage, gdp_vintage: str, release_vintage: str, population_vintage: str,
                start: int, end: int, strategy: int) -> pd.Series:
    """The figures nbval pins (labels for the test, not for readers)."""
    totals = gdp_totals(pkg)
    yuan, ratio = per_capita_gaps(pkg, gdp_vintage, population_vintage)
    return pd.Series({
        f"三地GDP合计 {start}（万亿元，{gdp_vintage}）": totals[gdp_vintage].get(start),
        f"三地GDP合计 {end}（万亿元，{gdp_vintage}）": totals[gdp_vintage].get(end),
        f"三地GDP合计 {end}（万亿元，{release_vintage}）": totals[release_vintage].get(end),
        f"人均GDP 北京−河北 {strategy}（元）": yuan["CN-BJ"][strategy],
        f"人均GDP 北京−河北 {end}（元）": yuan["CN-BJ"][end],
        f"人均GDP 天津÷河北 {strategy}（倍）": ratio["CN-TJ"][strategy],
        f"人均GDP 天津÷河北 {end}（倍）": ratio["CN-TJ"][end],
    })


# --------------------------------------------------------------------------- where each number comes from

GDP_VARIANTS = ("census4", "census5", "original")   # the GDP series a reader can switch the charts between
GAP_VARIANTS = ("census4", "census5")


def variants(pkg: DataPackage, wanted, default: str) -> list[str]:
    """The vintages of ``wanted`` the package holds, the chapter's own first."""
    held = set(pkg.vintages_of("gdp"))
    return list(dict.fromkeys([default, *(v for v in wanted if v in held)]))


def per_capita_rows(pkg: DataPackage, vintage: str, population_vintage: str, regions, years) -> pd.DataFrame:
    """The rows a computed per-capita GDP reads: GDP of the years, year-end population of them and the year before."""
    years = [int(y) for y in years]
    return pd.concat([tracing.obs(pkg, "gdp", vintage, regions, years),
                      tracing.obs(pkg, "population_yearend", population_vintage, regions,
                                   sorted({y - 1 for y in years} | set(years)))], ignore_index=True)


PER_CAPITA = "人均地区生产总值 = 地区生产总值 ÷ 上年末与本年末常住人口的平均数"


def claims_by_vintage_cells(ch, claims: dict[str, str] = GDP_CLAIMS) -> dict:
    """The cells of :func:`claims_by_vintage`: each opens the rows its claim's check read in that vintage."""
    cells = {}
    for i, vintage in enumerate(ch.pkg.vintages_of("gdp")):
        for j, cid in enumerate(claims):
            result, rows, _ = tracing.claim_traced(ch, cid, vintage, False)
            if result.verdict != "cannot_check" and len(rows):
                cells[(i, j)] = (rows, result.note or "三地地区生产总值之和")
    return cells


def method_check_cells(pkg: DataPackage, vintage: str, population_vintage: str) -> dict:
    official = pkg.wide("gdp_per_capita", vintage, regions=PROVINCES)
    computed = series.gdp_per_capita(pkg, vintage, population_vintage=population_vintage)
    both = official.index.intersection(computed.dropna().index)
    return {(i, j): (pd.concat([tracing.obs(pkg, "gdp_per_capita", vintage, [r], [y]),
                                per_capita_rows(pkg, vintage, population_vintage, [r], [y])], ignore_index=True),
                     f"本书计算的人均值 ÷ 官方公布的人均值 − 1（{PER_CAPITA}）")
            for i, y in enumerate(both) for j, r in enumerate(PROVINCES)}


def income_pair_rows(pkg: DataPackage, vintage: str, region: str, year) -> tuple:
    """The observation rows of one region-year's urban income, rural income, and both."""
    urban = tracing.obs(pkg, "urban_disposable_income", vintage, [region], [year])
    rural = tracing.obs(pkg, "rural_disposable_income", vintage, [region], [year])
    return urban, rural, pd.concat([urban, rural], ignore_index=True)


def income_pairs_cells(pkg: DataPackage, vintage: str) -> dict:
    pairs = series.urban_rural(pkg, vintage)
    cells = {}
    for i, (r, y) in enumerate(zip(pairs["region"], pairs["year"])):
        urban, rural, both = income_pair_rows(pkg, vintage, r, y)
        cells.update({(i, 0): urban, (i, 1): rural, (i, 2): (both, "城镇 − 农村"), (i, 3): (both, "城镇 ÷ 农村")})
        ratio = tracing.obs(pkg, "urban_rural_income_ratio", vintage, [r], [y])
        if len(ratio):
            cells[(i, 4)] = ratio
    return cells


def revised_growth_cells(pkg: DataPackage, vintage: str, first: int, last: int) -> dict:
    return tracing.wide_cells(pkg.wide("gdp_real_growth", vintage, regions=PROVINCES).loc[first:last])


def published_ratio_cells(pkg: DataPackage, vintage: str) -> dict:
    return tracing.wide_cells(pkg.wide("urban_rural_income_ratio", vintage, regions=PROVINCES), transpose=True)


def gap_variants(pkg: DataPackage, vintages, population_vintage: str, first: int):
    """The per-capita gap chart in each GDP vintage, and the rows each one is computed from."""
    figures = {v: gap_chart(pkg, *per_capita_gaps(pkg, v, population_vintage), first, v, population_vintage)
               for v in vintages}
    rows = {v: pd.concat([pkg.series("gdp", v), pkg.series("population_yearend", population_vintage)])
            for v in vintages}   # what gap_chart cites under itself
    return figures, rows
