"""What chapter 03_innovation computes: R&D intensity and its recomputation, the flow of technology
from Beijing to Tianjin and Hebei, the innovation and coordination sub-indices within one release,
the recommendation table, the data gaps, and the values its prose glues in.

Tables come back with Chinese headers and readable cells (for display); ``*_facts`` functions return
plain values, already formatted for a sentence (``format_value``), keyed by the glue names the
notebook uses. Figures of the ``published`` vintage are separate yearly releases: the chapter shows
them side by side and compares them, but computes no growth rate or multiple across years.
The claims themselves are in :mod:`jjj_book.claims.innovation`.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import metrics, plots, series
from jjj_book.chapters.common import (
    Indicator,
    Recommendation,
    Table,
    gap_table,
    latest_common_year,
    verdict_words,
)
from jjj_book.chapters.common import recommendation_table as _recommendation_table
from jjj_book.chapters.tracing import table  # noqa: F401  (number cells open their sources)
from jjj_book.claims import CannotCheck
from jjj_book.claims.innovation import (
    FLOW_BASE_YEAR,
    INDEX_SUBS,
    JJJ_RD_BREAK,
    bj_flows,
    index_rose,
    rd_ratio_bj_he,
)
from jjj_book.data import DataPackage
from jjj_book.render import format_value
from jjj_book.text import trend_word, year_ranges
from jjj_book.vocab import PROVINCES, REGION_SHORT

__all__ = ["Table", "table", "verdict_words", "FLOW_BASE_YEAR", "INDEX_SUBS", "JJJ_RD_BREAK", "RECOMMENDATIONS", "rd_ratio_bj_he"]

DASH = "—"
RD_REGIONS = PROVINCES + ["CN", "JJJ"]

# Each recommendation (paraphrased) with the indicators that speak to it and what no indicator measures.
RECOMMENDATIONS = [
    Recommendation("人才", "三地人才政策和工作体系互相衔接、人才市场互通，提高对高端人才的吸引力", [],
                   "人才政策的衔接程度没有统计；三地R&D人员、人才跨省流动的数据尚未收入数据包"),
    Recommendation("平台", "集中三地优势科技资源，共建国家实验室、技术创新中心等重大科技创新基地",
                   [Indicator("rd_intensity", "CN-HE", "published_vintage", "R&D投入强度·河北"),
                    Indicator("rd_intensity", "CN-BJ", "published_vintage", "R&D投入强度·北京"),
                    Indicator("rd_intensity", "JJJ", "published_vintage", "R&D投入强度·京津冀"),
                    Indicator("jjj_index_innovation", "JJJ", "index_release", "创新发展指数")],
                   "国家级创新平台的数量和布局没有逐年的官方统计"),
    Recommendation("利益", "尽快建立区域利益协调机制，让三地成为实质上的利益共同体", [],
                   "跨地区税收分享、生态补偿等的金额没有公开的逐年统计"),
    Recommendation("要素", "推动生产要素在区域内有序流动",
                   [Indicator("tech_contracts_bj_to_tjhe", "CN-BJ", "published_vintage", "北京流向津冀技术合同"),
                    Indicator("tech_contract_turnover", "JJJ", "published_vintage", "技术合同成交额·京津冀")],
                   "资本和人才的跨省流动没有公开的逐年统计"),
    Recommendation("产业链", "全面梳理并重新定位全产业链协同发展的政策，使政策更有针对性、更能落地", [],
                   "政策是否“有针对性、落地”没有可统计的指标"),
    Recommendation("规则", "打破行政壁垒，在都市圈内实行统一的经济运行规则，靠市场机制整合资源",
                   [Indicator("jjj_index_coordination", "JJJ", "index_release", "协调发展指数")],
                   "市场准入、监管规则的统一程度没有公开指标"),
]


# How each glued number is computed, in words (its rows are found by jjj_book.chapters.tracing).
FORMULAS = {
    "n_claims": "本章登记并检验的前提条数", "verdict_counts": "本章各条前提按核对结论分别计数",
    "n_rec": "本章转述的报告建议条数", "n_rec_none": "其中没有任何公开指标可以跟踪的建议条数",
    "rd_year": "北京、天津、河北都有R&D投入强度的最近一年", "rd_bj": "该年北京的R&D投入强度（公报印出）",
    "rd_tj": "该年天津的R&D投入强度（公报印出）", "rd_he": "该年河北的R&D投入强度（公报印出）",
    "rd_he_of_bj": "河北强度 ÷ 北京强度 × 100（同一年）", "rd_he_of_tj": "河北强度 ÷ 天津强度 × 100（同一年）",
    "jjj_year": "京津冀整体与全国都有强度的最近一年", "rd_jjj": "该年京津冀整体的强度（指数发布稿印出）",
    "rd_cn": "该年全国的强度（公报印出）", "rd_jjj_above": "京津冀整体强度 − 全国强度（同一年，百分点）",
    "ratio_n": "北京与河北都有强度的年份数", "ratio_years": "北京与河北都有强度的年份",
    "rd_bj_missing": "起止年份内北京没有强度的年份", "rd_he_missing": "起止年份内河北没有强度的年份",
    "ratio_first_year": "北京与河北都有强度的最早一年", "ratio_last_year": "北京与河北都有强度的最近一年",
    "ratio_first": "最早一年北京强度 ÷ 河北强度", "ratio_last": "最近一年北京强度 ÷ 河北强度",
    "ratio_first_en": "最早一年北京强度 ÷ 河北强度", "ratio_last_en": "最近一年北京强度 ÷ 河北强度",
    "break_before_year": "口径断点之前京津冀整体强度的最近一年", "break_before": "断点之前最近一年的京津冀整体强度",
    "break_after_year": "口径断点之后京津冀整体强度的最早一年", "break_after": "断点之后最早一年的京津冀整体强度",
    "recompute_max_diff": "各地各年“经费 ÷ GDP × 100”与公报印出强度之差的绝对值的最大值（GDP为公报发布时的版本）",
    "shift_size": "改用对照版本GDP后重算强度的变化，各地各年平均后取绝对值（百分点）",
    "pp_year": "北京与河北都有人均R&D经费的最近一年",
    "pp_bj": "北京R&D经费 ÷ 年平均常住人口（年初年末平均）", "pp_he": "河北R&D经费 ÷ 年平均常住人口（年初年末平均）",
    "pp_multiple": "北京人均R&D经费 ÷ 河北人均R&D经费（同一年）",
    "flow_first_year": "起止年份内有发布数的最早一年", "flow_last_year": "起止年份内有发布数的最近一年",
    "flow_first": "最早一年北京流向津冀的技术合同成交额（发布数）", "flow_last": "最近一年北京流向津冀的技术合同成交额（发布数）",
    "flow_first_en": "最早一年的发布数，亿元折合十亿元", "flow_last_en": "最近一年的发布数，亿元折合十亿元",
    "flow_gap_years": "最早与最近一年之间没有发布数的年份",
    "flow_rel_first_year": "流向津冀成交额与津冀GDP都有数的最早一年",
    "flow_rel_last_year": "流向津冀成交额与津冀GDP都有数的最近一年",
    "flow_rel_first": "流向津冀的成交额 ÷（天津GDP + 河北GDP）× 100，同一年",
    "flow_rel_last": "流向津冀的成交额 ÷（天津GDP + 河北GDP）× 100，同一年",
}

def pct(value) -> str:
    return format_value(value, "%", 2)


def window(table, start: int, end: int):
    return table.loc[(table.index >= start) & (table.index <= end)]


# --------------------------------------------------------------------------- recommendations

def recommendations(pkg: DataPackage, vintages: dict[str, str], start: int, end: int
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """建议 | 指标 | 最新值 | 趋势 | 来源 and the rows shown. The regional R&D intensity is compared only
    after its break; a sub-index shows the change its release printed (one release, one year)."""
    table, used = _recommendation_table(pkg, RECOMMENDATIONS, vintages, start, end)
    jjj_rd = window(pkg.wide("rd_intensity", vintages["published_vintage"], regions=["JJJ"]), start, end)
    after = jjj_rd[jjj_rd.index >= JJJ_RD_BREAK].dropna()
    if len(after) >= 2:
        a, b = int(after.index.min()), int(after.index.max())
        word = trend_word(float(after.iloc[-1, 0] - after.iloc[0, 0]), "上升", "下降", "持平")
        table.loc[table["指标"] == "R&D投入强度·京津冀", "趋势"] = f"{a}—{b}年{word}（口径断点之后）"
    for sub in INDEX_SUBS:
        change = pkg.wide(f"jjj_index_{sub}_change", vintages["index_release"], regions=["JJJ"])
        label = INDEX_SUBS[sub]
        if not change.empty:
            table.loc[table["指标"] == label, "趋势"] = f"比上年{float(change.iloc[-1, 0]):+.1f}点（发布稿）"
    return table, used


def mechanisms_table() -> pd.DataFrame:
    """建议 | 缺少的数据: what no public indicator measures, for every recommendation."""
    return pd.DataFrame([(r.key, r.missing) for r in RECOMMENDATIONS if r.missing], columns=["建议", "缺少的数据"])


def recommendation_counts() -> dict[str, int]:
    return {"n_rec": len(RECOMMENDATIONS), "n_rec_none": sum(1 for r in RECOMMENDATIONS if not r.indicators)}


# --------------------------------------------------------------------------- R&D intensity

def rd_table(pkg: DataPackage, vintage: str, start: int, end: int) -> pd.DataFrame:
    """R&D intensity (%) of the three, the region and the country on every year of the window (NaN = gap)."""
    table = pkg.wide("rd_intensity", vintage, regions=RD_REGIONS).reindex(columns=RD_REGIONS)
    return table.reindex(range(start, end + 1))


def rd_facts(pkg: DataPackage, vintage: str, start: int, end: int) -> dict:
    """The R&D values the prose glues in (formatted), '—' where the data are missing."""
    rd = rd_table(pkg, vintage, start, end)
    facts = dict.fromkeys(["rd_year", "rd_bj", "rd_tj", "rd_he", "rd_he_of_bj", "rd_he_of_tj", "jjj_year", "rd_jjj",
                           "rd_cn", "rd_jjj_above"], DASH)
    year = latest_common_year(rd, PROVINCES)
    if year is not None:
        bj, tj, he = (float(rd.loc[year, r]) for r in PROVINCES)
        facts.update(rd_year=year, rd_bj=pct(bj), rd_tj=pct(tj), rd_he=pct(he),
                     rd_he_of_bj=format_value(he / bj * 100, "%", 0), rd_he_of_tj=format_value(he / tj * 100, "%", 0))
    year = latest_common_year(rd, ["JJJ", "CN"])
    if year is not None:
        jjj, cn = float(rd.loc[year, "JJJ"]), float(rd.loc[year, "CN"])
        facts.update(jjj_year=year, rd_jjj=pct(jjj), rd_cn=pct(cn), rd_jjj_above=format_value(jjj - cn, "", 2))
    facts.update(ratio_facts(pkg, vintage, start, end))
    return facts


def ratio_facts(pkg: DataPackage, vintage: str, start: int, end: int) -> dict:
    """Beijing ÷ Hebei intensity in the first and last common year, the trend word, the years missing."""
    ratio = window(rd_ratio_bj_he(pkg, vintage), start, end)
    have = {r: set(pkg.wide("rd_intensity", vintage, regions=[r]).dropna().index) for r in ("CN-BJ", "CN-HE")}
    missing = {r: [y for y in range(start, end + 1) if y not in have[r]] for r in have}
    facts = {"ratio_n": len(ratio), "ratio_years": year_ranges(list(ratio.index)) or DASH,
             "rd_bj_missing": year_ranges(missing["CN-BJ"]) or "无", "rd_he_missing": year_ranges(missing["CN-HE"]) or "无",
             "ratio_first_year": DASH, "ratio_first": DASH, "ratio_last_year": DASH, "ratio_last": DASH,
             "ratio_first_en": DASH, "ratio_last_en": DASH,
             "ratio_word": "无法判断", "ratio_word_en": "cannot be told"}
    if len(ratio) >= 2:
        a, b = int(ratio.index.min()), int(ratio.index.max())
        delta = float(ratio.loc[b] - ratio.loc[a])
        facts.update(ratio_first_year=a, ratio_first=format_value(ratio.loc[a], "倍", 2), ratio_last_year=b,
                     ratio_last=format_value(ratio.loc[b], "倍", 2), ratio_word=trend_word(delta),
                     ratio_first_en=format_value(ratio.loc[a], "", 2), ratio_last_en=format_value(ratio.loc[b], "", 2),
                     ratio_word_en=trend_word(delta, "widened", "narrowed", "stayed level"))
    return facts


def rd_break_facts(pkg: DataPackage, vintage: str) -> dict:
    """The regional intensity on both sides of its break (two releases' values, not subtracted)."""
    jjj = pkg.wide("rd_intensity", vintage, regions=["JJJ"])
    values = jjj["JJJ"].dropna() if "JJJ" in jjj else pd.Series(dtype=float)
    before, after = values[values.index < JJJ_RD_BREAK], values[values.index >= JJJ_RD_BREAK]
    if before.empty or after.empty:
        return {"break_before_year": DASH, "break_before": DASH, "break_after_year": DASH, "break_after": DASH}
    return {"break_before_year": int(before.index.max()), "break_before": pct(before.iloc[-1]),
            "break_after_year": int(after.index.min()), "break_after": pct(after.iloc[0])}


def rd_chart(pkg: DataPackage, vintage: str, start: int, end: int, names: dict[str, str] = REGION_SHORT):
    """Top: the three and the country; bottom: the region as a whole (split at its break) and the country."""
    full = rd_table(pkg, vintage, start, end)
    fig, axes = plots.new_figure(ncols=2)
    plots.line_by_region(axes[0], full[PROVINCES + ["CN"]].dropna(axis=1, how="all"), names)
    axes[0].set_title("三地与全国（%）")
    ax = axes[1]
    jjj = series.split_at_breaks(full["JJJ"], [JJJ_RD_BREAK])   # a NaN just before the break: two parts
    plots.line_over_years(ax, jjj, color=plots.REGION_COLORS["JJJ"], marker=plots.REGION_MARKERS["JJJ"],
                          label=names["JJJ"])
    plots.mark_break(ax, JJJ_RD_BREAK, "口径断点")
    plots.line_by_region(ax, full[["CN"]], names)
    ax.set_title("京津冀整体与全国（%）")
    for a in axes:
        a.legend(loc="best")
        a.set_xlim(start - 0.5, end + 0.5)
        a.set_ylim(bottom=0)   # intensities from zero: no exaggerated gap
    plots.finish(fig, pkg.citation(pkg.series("rd_intensity", vintage, regions=RD_REGIONS)), [pkg.vintage_name(vintage)])
    return fig


# --------------------------------------------------------------------------- intensity recomputed

def rd_recomputed(pkg: DataPackage, rd_vintage: str, gdp_vintage: str,
                  population_vintage: str = "census7") -> pd.DataFrame:
    """Per region-year: R&D expenditure, GDP, intensity recomputed (%), as printed, and per person (yuan).

    Only provinces (the package has no national GDP). Each year is computed on its own; each input
    is in one vintage (R&D as printed, GDP of ``gdp_vintage``, population of ``population_vintage``).
    """
    rd = pkg.wide("rd_expenditure", rd_vintage, regions=PROVINCES)
    gdp = pkg.wide("gdp", gdp_vintage, regions=PROVINCES)
    printed = pkg.wide("rd_intensity", rd_vintage, regions=PROVINCES)
    pop = series.average_population(pkg, population_vintage)

    def at(table, year, region):
        return float(table.loc[year, region]) if region in table.columns and year in table.index else float("nan")

    rows = [{"region": r, "year": int(year), "rd": float(spend), "gdp": at(gdp, year, r),
             "recomputed": float(spend / at(gdp, year, r) * 100), "printed": at(printed, year, r),
             "per_person": float(metrics.per_capita_yuan(spend, at(pop, year, r)))}
            for r in rd.columns for year, spend in rd[r].dropna().items()]
    return pd.DataFrame(rows, columns=["region", "year", "rd", "gdp", "recomputed", "printed", "per_person"])


def recompute_table(pkg: DataPackage, rd_vintage: str, gdp_vintage: str, compare_gdp_vintage: str,
                    population_vintage: str, start: int, end: int) -> pd.DataFrame:
    """For display: R&D, printed intensity, intensity on two GDP vintages, R&D per person."""
    cur = rd_recomputed(pkg, rd_vintage, gdp_vintage, population_vintage)
    alt = rd_recomputed(pkg, rd_vintage, compare_gdp_vintage, population_vintage)
    tab = cur.assign(alt=alt["recomputed"].values)
    tab = tab[(tab["year"] >= start) & (tab["year"] <= end)]
    return pd.DataFrame({
        "地区": [REGION_SHORT[r] for r in tab["region"]], "年份": tab["year"].astype(int).tolist(),
        "经费（亿元）": [format_value(x, "", 1) for x in tab["rd"]],
        "公报（%）": [format_value(x, "", 2) for x in tab["printed"]],
        f"{pkg.vintage_name(gdp_vintage)}（%）": [format_value(x, "", 2) for x in tab["recomputed"]],
        f"{pkg.vintage_name(compare_gdp_vintage)}（%）": [format_value(x, "", 2) for x in tab["alt"]],
        "人均（元）": [format_value(x, "", 0) for x in tab["per_person"]],
    })


def recompute_facts(pkg: DataPackage, rd_vintage: str, gdp_vintage: str, compare_gdp_vintage: str,
                    population_vintage: str, start: int, end: int) -> dict:
    """How far the recomputed intensity is from the printed one, how the newer GDP moves it, per person."""
    cur = rd_recomputed(pkg, rd_vintage, gdp_vintage, population_vintage)
    alt = rd_recomputed(pkg, rd_vintage, compare_gdp_vintage, population_vintage)
    keep = (cur["year"] >= start) & (cur["year"] <= end)
    cur, alt = cur[keep], alt[keep.values]
    both = cur.dropna(subset=["printed"])
    close = float((both["recomputed"] - both["printed"]).abs().max()) if not both.empty else float("nan")
    shift = float((alt["recomputed"].values - cur["recomputed"].values).mean()) if not cur.empty else float("nan")
    facts = {"recompute_max_diff": format_value(close, "", 2),
             "recompute_agrees": "一致" if close < 0.05 else "不完全一致",
             "shift_word": trend_word(shift, "升高", "降低", "不变"), "shift_size": format_value(abs(shift), "", 2),
             "pp_year": DASH, "pp_bj": DASH, "pp_he": DASH, "pp_multiple": DASH}
    per = cur.pivot_table(index="year", columns="region", values="per_person")
    year = latest_common_year(per, ["CN-BJ", "CN-HE"])
    if year is not None:
        bj, he = float(per.loc[year, "CN-BJ"]), float(per.loc[year, "CN-HE"])
        facts.update(pp_year=year, pp_bj=format_value(bj, "元", 0), pp_he=format_value(he, "元", 0),
                     pp_multiple=format_value(bj / he, "倍", 1))
    return facts


def recompute_rows(pkg: DataPackage, rd_vintage: str, gdp_vintages: list[str], population_vintage: str) -> pd.DataFrame:
    """The observation rows behind the recomputation table (for its source line)."""
    return pd.concat([pkg.series(i, rd_vintage, regions=PROVINCES) for i in ("rd_expenditure", "rd_intensity")]
                     + [pkg.series("gdp", v, regions=PROVINCES) for v in gdp_vintages]
                     + [pkg.series("population_yearend", population_vintage, regions=PROVINCES)])


# --------------------------------------------------------------------------- technology flows

def flows(pkg: DataPackage, vintage: str, start: int, end: int) -> pd.Series:
    """Beijing → Tianjin and Hebei technology contracts (亿元), the years printed inside the window."""
    return window(bj_flows(pkg, vintage), start, end)


def flow_facts(pkg: DataPackage, vintage: str, gdp_vintage: str, start: int, end: int) -> dict:
    """First and last printed year, the years missing between them, and the flow as a share of the
    two receivers' GDP in the same year (each year on its own; GDP of ``gdp_vintage``)."""
    values = flows(pkg, vintage, start, end)
    facts = dict.fromkeys(["flow_first_year", "flow_first", "flow_last_year", "flow_last", "flow_gap_years",
                           "flow_first_en", "flow_last_en",
                           "flow_rel_first_year", "flow_rel_first", "flow_rel_last_year", "flow_rel_last"], DASH)
    if len(values) < 2:
        return facts
    a, b = int(values.index.min()), int(values.index.max())
    facts.update(flow_first_year=a, flow_first=format_value(values.loc[a], "亿元", 1), flow_last_year=b,
                 flow_last=format_value(values.loc[b], "亿元", 1), flow_first_en=format_value(values.loc[a] / 10, "", 2),
                 flow_last_en=format_value(values.loc[b] / 10, "", 2),
                 flow_gap_years=year_ranges([y for y in range(a, b + 1) if y not in values.index]) or "无")
    gdp = series.regional_total(pkg, "gdp", gdp_vintage, regions=["CN-TJ", "CN-HE"])
    rel = (values / gdp.reindex(values.index) * 100).dropna()
    if len(rel) >= 2:
        ra, rb = int(rel.index.min()), int(rel.index.max())
        facts.update(flow_rel_first_year=ra, flow_rel_first=format_value(rel.loc[ra], "%", 2),
                     flow_rel_last_year=rb, flow_rel_last=format_value(rel.loc[rb], "%", 2))
    return facts


def flow_chart(pkg: DataPackage, vintage: str, start: int, end: int):
    """Bars of the printed flows on every year of the window: a year without a release is an empty slot."""
    values = flows(pkg, vintage, start, end).reindex(range(start, end + 1))
    fig, ax = plots.new_figure(ncols=1)
    bars = ax.bar(values.index, values.fillna(0), width=0.7, color=plots.REGION_COLORS["CN-BJ"])
    ax.bar_label(bars, labels=["缺" if pd.isna(v) else format_value(v, "", 1) for v in values], padding=2,
                 color="#444444")
    ax.set_xticks(list(values.index), [str(y) for y in values.index])
    ax.set_title("北京流向津冀的技术合同成交额（亿元）")
    ax.margins(y=0.15)
    plots.finish(fig, pkg.citation(pkg.series("tech_contracts_bj_to_tjhe", vintage)), [pkg.vintage_name(vintage)])
    return fig


def turnover_table(pkg: DataPackage, vintage: str, start: int, end: int) -> pd.DataFrame:
    """For display: total technology-contract turnover of Beijing and of the region, the years printed."""
    table = window(pkg.wide("tech_contract_turnover", vintage, regions=["CN-BJ", "JJJ"]), start, end)
    table = table.reindex(columns=["CN-BJ", "JJJ"]).dropna(how="all")
    return pd.DataFrame({"年份": [int(y) for y in table.index],
                         **{f"{REGION_SHORT[r]}（亿元）": [format_value(v, "", 1) for v in table[r]]
                            for r in table.columns}})


# --------------------------------------------------------------------------- the index releases

def releases(pkg: DataPackage) -> list[str]:
    return [v for v in pkg.vintages["id"] if v.startswith("idx")]


def index_table(pkg: DataPackage, used: str) -> pd.DataFrame:
    """For display: one row per release, its latest year and both sub-indices, each with the change
    on the previous year that release printed in brackets."""
    rows = []
    for v in releases(pkg):
        row = {"发布批次": pkg.vintage_name(v) + ("（本章所用）" if v == used else "")}
        for sub, label in INDEX_SUBS.items():
            level = pkg.wide(f"jjj_index_{sub}", v, regions=["JJJ"])
            change = pkg.wide(f"jjj_index_{sub}_change", v, regions=["JJJ"])
            if level.empty:
                continue
            year = int(level.index.max())
            printed = f"（{float(change.loc[year, 'JJJ']):+.1f}）" if year in change.index else ""
            row.update({"年份": year, label: format_value(float(level.loc[year, "JJJ"]), "", 1) + printed})
        if len(row) > 1:
            rows.append(row)
    return pd.DataFrame(rows).reindex(columns=["发布批次", "年份", *INDEX_SUBS.values()])


def index_rows(pkg: DataPackage) -> pd.DataFrame:
    return pd.concat([pkg.series(f"jjj_index_{s}{c}", v) for s in INDEX_SUBS for c in ("", "_change")
                      for v in releases(pkg)])


def later_releases_table(pkg: DataPackage, used: str) -> pd.DataFrame:
    """For display: in each release after ``used``, whether each sub-index rose, judged inside that release."""
    names = releases(pkg)
    later = names[names.index(used) + 1:] if used in names else []
    rows = []
    for v in later:
        for sub, label in INDEX_SUBS.items():
            try:
                found = index_rose(pkg, v, sub)
            except CannotCheck:
                rows.append({"发布批次": pkg.vintage_name(v), "分指数": label, "比上年": "无法判断", "依据": DASH})
                continue
            rows.append({"发布批次": pkg.vintage_name(v), "分指数": label, "比上年": "提高" if found.value else "没有提高",
                         "依据": found.note})
    return pd.DataFrame(rows, columns=["发布批次", "分指数", "比上年", "依据"])


# --------------------------------------------------------------------------- gaps and key figures

def gaps(pkg: DataPackage, published: str, release: str, start: int, end: int) -> pd.DataFrame:
    """指标 | 数据版本 | 缺少的年份 for every series the chapter uses (the index: its release's
    previous year, which a change within the release would need)."""
    parts = [gap_table(pkg, [("rd_intensity", published), ("rd_expenditure", published)], PROVINCES, start, end),
             gap_table(pkg, [("rd_intensity", published)], ["JJJ", "CN"], start, end),
             gap_table(pkg, [("tech_contracts_bj_to_tjhe", published), ("tech_contract_turnover", published)],
                       ["CN-BJ"], start, end)]
    for sub in INDEX_SUBS:
        level = pkg.wide(f"jjj_index_{sub}", release, regions=["JJJ"])
        change = pkg.wide(f"jjj_index_{sub}_change", release, regions=["JJJ"])
        if not level.empty and change.empty:
            year = int(level.index.max())
            parts.append(gap_table(pkg, [(f"jjj_index_{sub}", release)], ["JJJ"], year - 1, year))
    return pd.concat(parts, ignore_index=True)


def key_figures(pkg: DataPackage, published: str, release: str, start: int, end: int) -> pd.Series:
    """The chapter's key figures as raw numbers (pinned by nbval)."""
    rd = rd_table(pkg, published, start, end)
    name = pkg.region_name
    key = {}
    year = latest_common_year(rd, PROVINCES)
    if year is not None:
        key.update({f"R&D投入强度 {name(r)} {year}（%）": rd.loc[year, r] for r in PROVINCES})
    key.update({f"北京/河北强度之比 {y}": v for y, v in window(rd_ratio_bj_he(pkg, published), start, end).items()})
    year = latest_common_year(rd, ["JJJ", "CN"])
    if year is not None:
        key[f"R&D投入强度 京津冀 {year}（%）"] = rd.loc[year, "JJJ"]
        key[f"R&D投入强度 全国 {year}（%）"] = rd.loc[year, "CN"]
    key.update({f"北京流向津冀技术合同 {y}（亿元）": v for y, v in flows(pkg, published, start, end).items()})
    for sub, label in INDEX_SUBS.items():
        level = pkg.wide(f"jjj_index_{sub}", release, regions=["JJJ"])
        if not level.empty:
            key[f"{label} {int(level.index.max())}（{release}）"] = level["JJJ"].iloc[-1]
    return pd.Series(key, dtype=float).round(4)
