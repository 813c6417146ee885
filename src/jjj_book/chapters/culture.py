"""What chapter 06_culture computes: the recommendation table, culture-industry scale and growth,
public cultural facilities with their scopes, the data gaps, the charts (bars on a full year
axis, a missing year shown as missing) and the values its prose glues in.

The premises themselves are in :mod:`jjj_book.claims.culture`. Definitions are never mixed
silently: :data:`SCOPE` says in Chinese what each stored figure counts.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import plots
from jjj_book.chapters.common import Recommendation, gap_table, plain, with_source  # noqa: F401
from jjj_book.chapters.common import recommendation_table as _recommendation_table
from jjj_book.chapters.tracing import show  # noqa: F401  (re-exported for the notebook; cells open their sources)
from jjj_book.claims import REGISTRY, CannotCheck, evaluate_claim
from jjj_book.claims.culture import CHAPTER, POPULATION_VINTAGE, per_100k, revenue_ratio  # noqa: F401
from jjj_book.data import DataPackage
from jjj_book.render import format_value
from jjj_book.text import trend_word, year_ranges
from jjj_book.vocab import AGREES, PROVINCES, REGION_SHORT

WITH_CN = PROVINCES + ["CN"]
CULTURE_INDICATORS = ["culture_revenue", "culture_revenue_growth", "culture_revenue_growth_2yr", "culture_firms"]
FACILITY_INDICATORS = ["public_libraries", "museums_registered"]
DIRECT = {"museums_registered", "public_libraries", "culture_revenue", "culture_firms"}  # culture indicators proper
INDEX = "jjj_index_shared"
SMALL = getattr(plots, "MIN_FONT_PT", 9)   # the smallest text the book's charts use
DECIMALS = {"亿元": 1, "%": 1}  # the precision a unit is printed with (counts: whole numbers, by format_value)

# What each stored figure counts (Chinese), by (indicator, region); None = any region.
SCOPE = {
    ("culture_revenue", "CN-BJ"): "规模以上文化产业法人单位收入合计（含事业单位等非企业法人；北京市口径）",
    ("culture_revenue", None): "规模以上文化及相关产业企业营业收入",
    ("culture_revenue_growth", "CN-BJ"): "规模以上文化产业法人单位收入合计的增速（可比口径）",
    ("culture_revenue_growth", None): "规模以上文化及相关产业企业营业收入增速（可比口径）",
    ("culture_firms", "CN-BJ"): "规模以上文化产业法人单位数",
    ("culture_firms", None): "规模以上文化及相关产业企业数",
    ("public_libraries", "CN-BJ"): "北京市属公共图书馆系统（不含国家图书馆）",
    ("public_libraries", None): "文化和旅游部统计的公共图书馆机构数",
    ("museums_registered", None): "在文物部门备案的博物馆（不同于文化和旅游部的博物馆机构数）",
}


def scope(indicator: str, region: str) -> str:
    return SCOPE.get((indicator, region)) or SCOPE.get((indicator, None)) or "见指标定义"


def window(rows: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    return rows.loc[(rows["year"] >= start) & (rows["year"] <= end)]


def latest_release(pkg: DataPackage, indicator: str = INDEX) -> str | None:
    """The latest index release (vintage id) holding ``indicator``."""
    have = set(pkg.vintages_of(indicator))
    releases = [v for v in pkg.vintages["id"] if v.startswith("idx") and v in have]
    return releases[-1] if releases else None


# --------------------------------------------------------------------------- the recommendation table

# Paraphrased (never quoted). Rows the chapter computes are added by key in _rows().
RECOMMENDATIONS = [
    Recommendation("共享文化资源库", "建立三地共享的文化资源库，摸清文化资源家底",
                   missing="三地统一的文化资源清单（文物、非物质文化遗产、文化设施）"),
    Recommendation("公共文化服务与文化认同", "加强公共文化服务与治理，增强区域文化认同与自信",
                   missing="区域文化认同的专项调查"),
    Recommendation("一体化公共文化服务", "建设三地一体化的公共文化服务体系",
                   missing="跨省市互通共享的公共文化服务项目及覆盖人数"),
    Recommendation("体制机制改革", "改革公共文化服务的体制机制，打破行政界限、整合三地社会资源",
                   missing="跨地区合作机制、社会力量参与的文化供给"),
    Recommendation("文化产业集群（问题部分）", "培育跨越三地的文化产业集群"),
]
ROWS = {"共享文化资源库": [("museums_registered", "备案博物馆数（家底的一部分）")],
        "公共文化服务与文化认同": [("public_libraries", "公共图书馆机构数")],
        "一体化公共文化服务": [(INDEX, "参考：共享发展指数（公共服务总体，非文化专项）")],
        "文化产业集群（问题部分）": [("culture_revenue", "规模以上文化企业营业收入"),
                              ("culture_firms", "规模以上文化企业（单位）数")]}


def _trend(pkg: DataPackage, indicator: str, own: pd.DataFrame, vintage: str, unit: str) -> tuple[str, pd.DataFrame]:
    """One region's trend phrase: the published comparable growth for revenue (never from levels),
    else the change on the previous year the package holds."""
    region, last = own["region"].iloc[-1], own.iloc[-1]
    if indicator == "culture_revenue":
        growth = pkg.series("culture_revenue_growth", vintage, regions=[region])
        growth = growth.loc[growth["year"] == last["year"]]
        if growth.empty:
            return "", growth
        return f"{REGION_SHORT[region]}{growth['value'].iloc[0]:+.1f}%（可比口径增速）", growth
    if len(own) < 2:
        return "", own.tail(1)
    prev = own.iloc[-2]
    delta = last["value"] - prev["value"]
    word = trend_word(delta, "增加", "减少", "持平")
    return (f"{REGION_SHORT[region]}较{int(prev['year'])}年{word}"
            + (format_value(abs(delta), unit, DECIMALS.get(unit)) if delta else "")), own.tail(2)


def regions_row(pkg: DataPackage, indicator: str, label: str, vintage: str, start: int, end: int
                ) -> tuple[dict, pd.DataFrame]:
    """One table row for an indicator over the three provinces: each one's latest value and trend."""
    unit = pkg.indicator_info(indicator)["unit_zh"]
    rows = window(pkg.series(indicator, vintage, regions=PROVINCES), start, end)
    latest, trend, used = [], [], []
    for region in PROVINCES:
        own = rows.loc[rows["region"] == region].sort_values("year")
        if own.empty:
            continue
        last = own.iloc[-1]
        latest.append(f"{REGION_SHORT[region]}{format_value(last['value'], unit, DECIMALS.get(unit))}"
                      f"（{int(last['year'])}年）")
        phrase, shown = _trend(pkg, indicator, own, vintage, unit)
        trend += [phrase] if phrase else []
        used += [own.tail(1), shown]
    if not latest:
        return {"指标": label, "最新值": f"三地均无数据（{start}—{end}年）", "趋势": "—", "来源": "—"}, rows
    shown = pd.concat(used)
    publishers = "；".join(dict.fromkeys(pkg.sources_for(shown)["publisher"]))
    return {"指标": label, "最新值": "；".join(latest), "趋势": "；".join(trend) or "—（只有一年）",
            "来源": publishers}, shown


def index_row(pkg: DataPackage, release: str | None, label: str) -> tuple[dict, pd.DataFrame]:
    """The shared-development index of one release: its latest level and the change that release printed."""
    level = pkg.series(INDEX, release, regions=["JJJ"]) if release else pd.DataFrame()
    if level.empty:
        return {"指标": label, "最新值": "—", "趋势": "—", "来源": "数据包中暂无"}, level
    last = level.sort_values("year").iloc[-1]
    year = int(last["year"])
    change = pkg.series(f"{INDEX}_change", release, regions=["JJJ"])
    change = change.loc[change["year"] == year]
    trend = ("该批次未印出比上年变化（不同批次不可相减）" if change.empty else
             f"比上年{trend_word(change['value'].iloc[0], '提高', '降低', '持平')}{abs(change['value'].iloc[0]):.1f}点（同一批次）")
    shown = pd.concat([level.tail(1), change])
    return {"指标": label, "最新值": f"{last['value']:.1f}（{year}年）", "趋势": trend,
            "来源": f"{'；'.join(dict.fromkeys(pkg.sources_for(shown)['publisher']))}（{pkg.vintage_name(release)}）"}, shown


def recommendation_table(pkg: DataPackage, vintage: str, start: int, end: int, release: str = ""
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """建议 | 指标 | 最新值 | 趋势 | 来源, computed from the package, and the observation rows it shows."""
    release = release or latest_release(pkg)
    extra, used = {}, []
    for key, specs in ROWS.items():
        for indicator, label in specs:
            row, rows = (index_row(pkg, release, label) if indicator == INDEX
                         else regions_row(pkg, indicator, label, vintage, start, end))
            extra.setdefault(key, []).append(row)
            used.append(rows)
    table, _ = _recommendation_table(pkg, RECOMMENDATIONS, {}, start, end, extra)
    used = pd.concat([u for u in used if not u.empty])
    with_source(pkg, table, used, [vintage] + ([release] if release else []), "逐行见“来源”列")
    return table, used


def coverage(pkg: DataPackage, vintage: str, start: int, end: int) -> dict[str, list[str]]:
    """Per recommendation: the provinces for which one of its direct indicators has data in the window."""
    out = {}
    for rec in RECOMMENDATIONS:
        have: set[str] = set()
        for indicator, _ in ROWS.get(rec.key, []):
            if indicator in DIRECT:
                have |= set(window(pkg.series(indicator, vintage, regions=PROVINCES), start, end)["region"])
        out[rec.key] = [r for r in PROVINCES if r in have]
    return out


def no_indicator_count() -> tuple[int, int]:
    """(recommendations with no indicator of their own, all recommendations). The index row is a
    general reference, not a culture indicator, so it does not count."""
    bare = sum(1 for rec in RECOMMENDATIONS if not any(i in DIRECT for i, _ in ROWS.get(rec.key, [])))
    return bare, len(RECOMMENDATIONS)


# --------------------------------------------------------------------------- tables

def industry_table(pkg: DataPackage, vintage: str, start: int, end: int, regions: list[str] = ("CN-BJ", "CN-HE")
                   ) -> pd.DataFrame:
    """Units, revenue, growth and revenue per unit, per region and year (one vintage, within one region-year)."""
    inds = ["culture_firms", "culture_revenue", "culture_revenue_growth"]
    rows = window(pd.concat([pkg.series(i, vintage, regions=list(regions)) for i in inds]), start, end)
    wide = rows.pivot_table(index=["region", "year"], columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(columns=inds)
    per_unit = wide["culture_revenue"] / wide["culture_firms"]
    frame = pd.DataFrame({
        "地区": [REGION_SHORT[r] for r, _ in wide.index], "年份": [str(y) for _, y in wide.index],
        "单位数（家）": [format_value(v, "", 0) for v in wide["culture_firms"]],
        "收入（亿元）": [format_value(v, "", 1) for v in wide["culture_revenue"]],
        "增速": ["—" if pd.isna(v) else f"{v:+.1f}%" for v in wide["culture_revenue_growth"]],
        "平均每家收入（亿元）": [format_value(v, "", 2) for v in per_unit],
        "口径": [scope("culture_revenue", r) for r, _ in wide.index]})
    return with_source(pkg, frame, rows, [vintage], "平均每家收入由本书计算")


def facilities_table(pkg: DataPackage, vintage: str, start: int, end: int) -> pd.DataFrame:
    """Every stored facility count with its scope and publisher; no sum or comparison across scopes."""
    rows = window(pd.concat([pkg.series(i, vintage, regions=WITH_CN) for i in FACILITY_INDICATORS]), start, end)
    rows = rows.sort_values(["indicator", "region", "year"])
    publisher = pkg.sources.set_index("id")["publisher"]
    frame = pd.DataFrame({
        "指标": [pkg.indicator_info(i)["name_zh"] for i in rows["indicator"]],
        "地区": [REGION_SHORT[r] for r in rows["region"]], "年份": [str(y) for y in rows["year"]],
        "数值（家）": [format_value(v, "", 0) for v in rows["value"]],
        "口径": [scope(i, r) for i, r in zip(rows["indicator"], rows["region"])],
        "发布机构": [publisher[s] for s in rows["source_id"]]})
    return with_source(pkg, frame, rows, [vintage])


def gaps(pkg: DataPackage, vintage: str, start: int, end: int) -> pd.DataFrame:
    """Which years the culture and facility series lack in [start, end] (for display)."""
    needs = ["culture_revenue", "culture_revenue_growth", "culture_firms"] + FACILITY_INDICATORS
    return gap_table(pkg, [(i, vintage) for i in needs], WITH_CN, start, end)


# --------------------------------------------------------------------------- charts

def bars_with_gaps(ax, table: pd.DataFrame, start: int, end: int, fmt: str = "{:,.1f}", width: float = 0.26) -> None:
    """Grouped bars by year (every year of [start, end] on the axis) and region (columns). A missing value
    draws a small × on the axis in the region's colour; a year no region has is labelled 无数据."""
    years = list(range(start, end + 1))
    table = table.reindex(years)
    codes = [c for c in plots.REGION_ORDER if c in table.columns]
    for k, code in enumerate(codes):
        offset = (k - (len(codes) - 1) / 2) * width
        col = table[code]
        held = [(y + offset, v) for y, v in zip(years, col) if pd.notna(v)]
        bars = ax.bar([x for x, _ in held], [v for _, v in held], width=width, color=plots.REGION_COLORS[code],
                      label=REGION_SHORT[code])
        ax.bar_label(bars, labels=[fmt.format(v) for _, v in held], fontsize=SMALL, padding=2)
        lacking = [y + offset for y, v in zip(years, col) if pd.isna(v)]
        ax.plot(lacking, [0] * len(lacking), linestyle="none", marker="x", markersize=6, color=plots.REGION_COLORS[code],
                clip_on=False, zorder=4)
    for y in years:
        if table.loc[y].isna().all():
            ax.annotate("无数据", xy=(y, 0), xytext=(0, 10), textcoords="offset points", ha="center", va="bottom",
                        fontsize=SMALL, color="#666666", rotation=90)
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(start - 0.6, end + 0.6)


def revenue_chart(pkg: DataPackage, vintage: str, start: int, end: int):
    rev = pkg.wide("culture_revenue", vintage, regions=["CN-BJ", "CN-HE", "CN"]).reindex(columns=["CN-BJ", "CN-HE", "CN"])
    fig, axes = plots.new_figure(ncols=2, width=9.6, height=4.0)
    bars_with_gaps(axes[0], rev[["CN-BJ", "CN-HE"]], start, end, fmt="{:,.0f}", width=0.36)
    bars_with_gaps(axes[1], rev[["CN"]], start, end, fmt="{:,.0f}", width=0.5)
    axes[0].set_title("北京与河北（亿元）")
    axes[1].set_title("全国（亿元）")
    for ax in axes:
        plots.thousands(ax)
        ax.margins(y=0.15)
        ax.set_ylim(bottom=0)
    axes[0].legend(loc="upper left")
    plots.finish(fig, pkg.citation(pkg.series("culture_revenue", vintage, regions=["CN-BJ", "CN-HE", "CN"])),
                 [pkg.vintage_name(vintage), "北京为法人单位收入合计，河北、全国为企业营业收入；×表示该年无数据"])
    return fig


def growth_chart(pkg: DataPackage, vintage: str, start: int, end: int):
    growth = pkg.wide("culture_revenue_growth", vintage, regions=WITH_CN).reindex(columns=WITH_CN)
    growth = growth.loc[:, growth.notna().any()]
    fig, ax = plots.new_figure(width=8.4, height=4.0)
    bars_with_gaps(ax, growth, start, end, fmt="{:.1f}", width=0.26)
    ax.set_title("规模以上文化企业营业收入比上年增长（%，可比口径）")
    top = float(growth.max().max()) if growth.notna().any().any() else 1.0
    ax.set_ylim(min(0.0, float(growth.min().min()) * 1.2) if growth.notna().any().any() else 0, top * 1.5)
    ax.legend(loc="upper left", ncols=len(growth.columns))   # in the headroom above the bars
    plots.finish(fig, pkg.citation(pkg.series("culture_revenue_growth", vintage, regions=WITH_CN)),
                 [pkg.vintage_name(vintage), "北京为法人单位收入合计的增速；×表示该年无数据"])
    return fig


# --------------------------------------------------------------------------- values glued into the prose

def industry_values(pkg: DataPackage, vintage: str, start: int, end: int) -> dict:
    out = {}
    try:
        year, bj, he = revenue_ratio(pkg, vintage)
        out.update({"culture_ratio_year": year, "culture_bj_rev": bj, "culture_he_rev": he, "culture_ratio": bj / he,
                    "culture_bj_rev_bn": bj / 10, "culture_he_rev_bn": he / 10})
    except CannotCheck:
        pass
    growth = pkg.wide("culture_revenue_growth", vintage, regions=WITH_CN)
    years = set()
    for code, key in (("CN-BJ", "bj"), ("CN-HE", "he"), ("CN", "cn")):
        held = growth[code].dropna() if code in growth else pd.Series(dtype=float)
        if len(held):
            out.update({f"culture_g_{key}_year": int(held.index.max()), f"culture_g_{key}": float(held.iloc[-1])})
            years.add(int(held.index.max()))
    same = len(years) == 1
    out["culture_g_same"] = "年份相同，可以直接比较" if same else "年份不同，不能据此判断河北是否快于全国"
    out["culture_g_same_en"] = "same year, comparable" if same else "the years differ, so Hebei cannot be ranked against the country"
    window_years = growth.loc[start:end].dropna(how="all").index
    out["culture_g_none_years"] = year_ranges([y for y in range(start, end + 1) if y not in window_years]) or "无"
    restated = pkg.observations_for(["culture_revenue_growth"]).query("region == 'CN-BJ'")
    multi = restated.groupby("year")["vintage"].nunique()
    out["culture_bj_restated_years"] = year_ranges([int(y) for y, n in multi.items() if n > 1]) or "无"
    return out


def trap_values(pkg: DataPackage, vintage: str) -> dict:
    """Hebei's latest units and revenue next to the report's 2021 figures (registered in chapter 02)."""
    firms21 = REGISTRY["problems.hebei_culture_firms_2021"].reported
    rev21 = REGISTRY["problems.hebei_culture_revenue_2021"].reported
    out = {"culture_he_firms_2021": firms21, "culture_he_rev_2021": rev21}
    frame = pd.concat([pkg.series(i, vintage, regions=["CN-HE"])
                       for i in ("culture_firms", "culture_revenue", "culture_revenue_growth")])
    wide = frame.pivot_table(index="year", columns="indicator", values="value", aggfunc="first").dropna()
    if len(wide):
        year = int(wide.index.max())
        firms, rev = wide.loc[year, "culture_firms"], wide.loc[year, "culture_revenue"]
        lower = firms < firms21 and rev < rev21
        out.update({"culture_he_year": year, "culture_he_firms": firms, "culture_he_rev_latest": rev,
                    "culture_he_growth": wide.loc[year, "culture_revenue_growth"],
                    "culture_he_lower": "两项都低于" if lower else "并不都低于"})
    return out


def coverage_values(pkg: DataPackage, vintage: str, start: int, end: int) -> dict:
    cov = coverage(pkg, vintage, start, end)
    bare, total = no_indicator_count()
    tj_none = pkg.series("culture_revenue", vintage, regions=["CN-TJ"]).empty and all(
        "CN-TJ" not in regions for regions in cov.values())
    return {"culture_n_rec": total, "culture_n_bare": bare,
            "culture_n_full": sum(1 for regions in cov.values() if len(regions) == len(PROVINCES)),
            "culture_tj_note": "；数据包中天津没有任何文化数字" if tj_none else "",
            "culture_tj_note_en": "; the package holds no culture figure for Tianjin" if tj_none else ""}


def facility_values(pkg: DataPackage, vintage: str) -> dict:
    dens = per_100k(pkg, "museums_registered", vintage, ["CN-BJ"]).dropna(how="all")
    held = set(pkg.series("museums_registered", vintage, regions=PROVINCES)["region"])
    out = {"culture_museum_lacking": "、".join(REGION_SHORT[r] for r in PROVINCES if r not in held) or "无",
           "culture_population": pkg.vintage_name(POPULATION_VINTAGE)}
    if "CN-BJ" in dens and dens["CN-BJ"].notna().any():
        s = dens["CN-BJ"].dropna()
        out.update({"culture_museum_bj_year": int(s.index.max()), "culture_museum_bj": float(s.iloc[-1])})
    return out


def index_values(pkg: DataPackage, release: str | None) -> dict:
    row, shown = index_row(pkg, release, "")
    change = shown.loc[shown["indicator"] == f"{INDEX}_change", "value"] if len(shown) else shown
    trend = (f"比上年{trend_word(change.iloc[0], '提高', '降低', '持平')}{abs(change.iloc[0]):.1f}点" if len(change)
             else "这一批没有印出比上年的变化")
    return {"culture_index_release": pkg.vintage_name(release) if release else "无",
            "culture_index_latest": row["最新值"], "culture_index_trend": trend}


def chapter02_values(pkg: DataPackage) -> dict:
    """How the report's own culture figures fared in chapter 02 (default vintages)."""
    results = [evaluate_claim(c, pkg) for c in REGISTRY.values() if c.section == "problems-culture"]
    return {"culture_ch02_n": len(results), "culture_ch02_ok": sum(r.verdict in AGREES for r in results),
            "culture_ch02_open": sum(r.verdict == "cannot_check" for r in results)}


def summary_values(results: dict) -> dict:
    from jjj_book.render import counts_sentence, verdict_counts

    return {"culture_n_claims": len(results), "culture_counts": counts_sentence(verdict_counts(results.values()))}


# How each glued number is computed, in words (rows found by jjj_book.chapters.tracing); figures the
# report printed (registered in chapter 02) are shown with the report as their source.
REPORTED = {"culture_he_firms_2021": ("报告：2021年河北规模以上文化企业数", "第二章登记的报告数字（本书转述）"),
            "culture_he_rev_2021": ("报告：2021年河北规模以上文化企业营业收入", "第二章登记的报告数字（本书转述）")}
FORMULAS = {
    "culture_n_claims": "本章登记并检验的说法和前提条数", "culture_counts": "本章各条按核对结论分别计数",
    "culture_n_rec": "本章转述的报告建议条数", "culture_n_bare": "其中没有任何公开指标的建议条数",
    "culture_n_full": "三地都有指标数据的建议条数",
    "culture_ratio_year": "北京与河北都有文化产业营业收入的最近一年",
    "culture_ratio": "该年北京文化产业营业收入 ÷ 河北文化产业营业收入",
    "culture_bj_rev_bn": "该年北京的营业收入，亿元折合十亿元", "culture_he_rev_bn": "该年河北的营业收入，亿元折合十亿元",
    "culture_museum_bj": "北京备案博物馆数 ÷ 常住人口 × 10万（同一年）",
    "culture_museum_bj_year": "北京备案博物馆数与常住人口都有数的最近一年",
    "culture_index_release": "本章所用的区域发展指数发布批次（参数）",
    "culture_ch02_n": "第二章登记的报告中关于文化的数字条数",
    "culture_ch02_ok": "其中与官方数据相符（复算相符或与官方公布一致）的条数",
    "culture_ch02_open": "其中无法核对的条数",
}

def values(pkg: DataPackage, vintage: str, start: int, end: int, release: str | None, results: dict) -> dict:
    """Every value the chapter's prose glues in, by glue name (plain Python numbers and short phrases)."""
    from jjj_book.render import counts_sentence, verdict_counts

    out = {**industry_values(pkg, vintage, start, end), **trap_values(pkg, vintage),
           **coverage_values(pkg, vintage, start, end), **facility_values(pkg, vintage),
           **index_values(pkg, release), **chapter02_values(pkg),
           "culture_n_claims": len(results), "culture_counts": counts_sentence(verdict_counts(results.values()))}
    return {k: plain(v) for k, v in out.items()}
