"""Claims of the report's first strategic priority (chapter 03_innovation).

The report's section on innovating the drivers, mechanisms and model of
coordinated development is made of recommendations (talent, joint innovation
platforms, a regional interest-coordination mechanism, factor mobility,
industrial-chain policy, unified economic rules in the metropolitan area) and
prints no number. What the data can test are the factual premises these
recommendations rest on; each is registered as a claim whose statement begins
"报告的前提（本书转述）：" and whose reported value is True (the premise as the
book reads it). A premise that needs a threshold ("far below", "a small share")
names the threshold in its statement.

Besides the claims this module holds the chapter's helpers: the map from
recommendations to indicators (:data:`RECOMMENDATIONS`, :func:`recommendation_table`),
R&D intensity recomputed from expenditure and GDP (:func:`rd_recomputed`) and the
list of missing years (:func:`missing_years`).
"""

from __future__ import annotations

import pandas as pd

from jjj_book import metrics, series
from jjj_book.text import year_ranges
from jjj_book.claims import CannotCheck, Reproduction, register
from jjj_book.data import DataPackage

CHAPTER = "03_innovation"
PREMISE = "报告的前提（本书转述）："
NAMES = {"CN-BJ": "北京", "CN-TJ": "天津", "CN-HE": "河北", "CN": "全国", "JJJ": "京津冀"}
PROVINCES = series.PROVINCES

# Beijing's science commission measures the flow of technology to Tianjin and Hebei from 2013,
# the year before the coordinated-development strategy was launched.
FLOW_BASE_YEAR = 2013
# The regional R&D intensity printed in the index releases: the release covering 2019 gives a value
# for 2019 on a different footing from the 2018 one of the release before (see the data note).
JJJ_RD_BREAK = 2019
# Thresholds that turn the premises' words into tests (stated in each statement).
FAR_BELOW_SHARE = 0.5   # "far below": Hebei under half of Beijing's intensity (and below Tianjin's)
SMALL_SHARE_PCT = 10.0  # "a small share": under one tenth of Beijing's technology-contract turnover

INDEX_SUBS = {"innovation": "创新发展指数", "coordination": "协调发展指数"}
NO_INDICATOR = "暂无公开指标"
SHORT_NAMES = {"rd_intensity": "R&D投入强度", "rd_expenditure": "R&D经费", "tech_contracts_bj_to_tjhe": "北京流向津冀技术合同",
               "tech_contract_turnover": "技术合同成交额", "jjj_index_innovation": "创新发展指数",
               "jjj_index_coordination": "协调发展指数"}


# --------------------------------------------------------------------------- small readers

def _wide(pkg: DataPackage, indicator: str, vintage: str, regions: list[str]) -> pd.DataFrame:
    return pkg.wide(indicator, vintage, "annual", regions)


def _years_text(table: pd.DataFrame, regions: list[str]) -> str:
    """'北京 2019、2022—2023；河北 2020—2023' — which years each region has."""
    parts = []
    for r in regions:
        years = [int(y) for y in table.index if r in table.columns and pd.notna(table.loc[y, r])]
        parts.append(f"{NAMES[r]} {series_years(years)}")
    return "；".join(parts)


def series_years(years: list[int]) -> str:
    return year_ranges(years) if years else "无"


def _common(table: pd.DataFrame, regions: list[str]) -> pd.DataFrame:
    """Rows where every region has a value."""
    if any(r not in table.columns for r in regions):
        return pd.DataFrame(columns=regions, dtype=float)
    return table[regions].dropna()


# --------------------------------------------------------------------------- R&D

@register(id="innovation.hebei_rd_far_below", chapter=CHAPTER, section="innovation-rd",
          statement=PREMISE + "河北的研发投入强度远低于京津——最近一个三地都有数据的年份，河北的R&D经费投入强度"
                    "低于天津，且不到北京的一半。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def hebei_rd_far_below(pkg, vintage):
    table = _wide(pkg, "rd_intensity", vintage, PROVINCES)
    common = _common(table, PROVINCES)
    if common.empty:
        raise CannotCheck(f"没有三地R&D投入强度同年齐全的年份（{pkg.vintage_name(vintage)}：{_years_text(table, PROVINCES)}）")
    year = int(common.index.max())
    bj, tj, he = (float(common.loc[year, r]) for r in PROVINCES)
    far = he < tj and he < bj * FAR_BELOW_SHARE
    return Reproduction(bool(far), f"{year}年：北京 {bj:.2f}%，天津 {tj:.2f}%，河北 {he:.2f}%；"
                                   f"河北相当于北京的 {he / bj * 100:.0f}%、天津的 {he / tj * 100:.0f}%")


def rd_ratio_bj_he(pkg: DataPackage, vintage: str) -> pd.Series:
    """Beijing's R&D intensity ÷ Hebei's, for the years both have (one vintage)."""
    table = _common(_wide(pkg, "rd_intensity", vintage, ["CN-BJ", "CN-HE"]), ["CN-BJ", "CN-HE"])
    return metrics.relative_gap(table["CN-BJ"], table["CN-HE"])


@register(id="innovation.rd_gap_not_narrowed", chapter=CHAPTER, section="innovation-rd",
          statement=PREMISE + "京冀之间的创新投入差距没有缩小——北京与河北R&D经费投入强度之比，"
                    "最近一年不低于两地最早同有数据的一年。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def rd_gap_not_narrowed(pkg, vintage):
    ratio = rd_ratio_bj_he(pkg, vintage)
    if len(ratio) < 2:
        table = _wide(pkg, "rd_intensity", vintage, ["CN-BJ", "CN-HE"])
        raise CannotCheck(f"北京和河北R&D投入强度同年齐全的年份不足两个（{pkg.vintage_name(vintage)}："
                          f"{_years_text(table, ['CN-BJ', 'CN-HE'])}）")
    a, b = int(ratio.index.min()), int(ratio.index.max())
    note = f"北京 ÷ 河北：{a}年 {ratio.loc[a]:.2f} 倍 → {b}年 {ratio.loc[b]:.2f} 倍"
    if b - a < 3:
        note += f"（只有 {b - a + 1} 年的窗口，不足以说明长期趋势）"
    return Reproduction(bool(ratio.loc[b] >= ratio.loc[a]), note)


@register(id="innovation.jjj_rd_above_national", chapter=CHAPTER, section="innovation-rd",
          statement=PREMISE + "京津冀集中了优势科技资源——最近一个有数据的年份，京津冀整体的R&D经费投入强度高于全国。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def jjj_rd_above_national(pkg, vintage):
    table = _wide(pkg, "rd_intensity", vintage, ["JJJ", "CN"])
    common = _common(table, ["JJJ", "CN"])
    if common.empty:
        raise CannotCheck(f"京津冀与全国R&D投入强度没有同一年份（{pkg.vintage_name(vintage)}：{_years_text(table, ['JJJ', 'CN'])}）")
    year = int(common.index.max())
    jjj, cn = float(common.loc[year, "JJJ"]), float(common.loc[year, "CN"])
    return Reproduction(bool(jjj > cn), f"{year}年：京津冀 {jjj:.2f}%，全国 {cn:.2f}%，高 {jjj - cn:.2f} 个百分点")


def rd_recomputed(pkg: DataPackage, rd_vintage: str, gdp_vintage: str,
                  population_vintage: str = "census7") -> pd.DataFrame:
    """Per region-year: R&D expenditure, GDP, intensity recomputed (%), as printed, and per person (yuan).

    Only provinces (the package has no national GDP). Each input is in one vintage.
    """
    rd = _wide(pkg, "rd_expenditure", rd_vintage, PROVINCES)
    gdp = _wide(pkg, "gdp", gdp_vintage, PROVINCES)
    printed = _wide(pkg, "rd_intensity", rd_vintage, PROVINCES)
    pop = series.average_population(pkg, population_vintage)
    rows = []
    for r in rd.columns:
        for year, spend in rd[r].dropna().items():
            gdp_v = gdp.loc[year, r] if r in gdp.columns and year in gdp.index else float("nan")
            pr = printed.loc[year, r] if r in printed.columns and year in printed.index else float("nan")
            pp = pop.loc[year, r] if r in pop.columns and year in pop.index else float("nan")
            rows.append({"region": r, "year": int(year), "rd": float(spend), "gdp": float(gdp_v),
                         "recomputed": float(spend / gdp_v * 100), "printed": float(pr),
                         "per_person": float(metrics.per_capita_yuan(spend, pp))})
    return pd.DataFrame(rows, columns=["region", "year", "rd", "gdp", "recomputed", "printed", "per_person"])


# --------------------------------------------------------------------------- technology flows

@register(id="innovation.bj_flows_grew", chapter=CHAPTER, section="innovation-flows",
          statement=PREMISE + f"协同发展以来北京的技术成果更多地流向津冀——北京流向津冀的技术合同成交额，"
                    f"最近一年高于{FLOW_BASE_YEAR}年。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def bj_flows_grew(pkg, vintage):
    flows = _wide(pkg, "tech_contracts_bj_to_tjhe", vintage, ["CN-BJ"])
    have = flows["CN-BJ"].dropna() if "CN-BJ" in flows.columns else pd.Series(dtype=float)
    later = have[have.index > FLOW_BASE_YEAR]
    if FLOW_BASE_YEAR not in have.index or later.empty:
        raise CannotCheck(f"需要{FLOW_BASE_YEAR}年和此后至少一年的北京流向津冀技术合同成交额"
                          f"（{pkg.vintage_name(vintage)}：已有 {series_years([int(y) for y in have.index])}）")
    base, year = float(have.loc[FLOW_BASE_YEAR]), int(later.index.max())
    last = float(later.loc[year])
    return Reproduction(bool(last > base), f"{FLOW_BASE_YEAR}年 {base:,.1f} 亿元 → {year}年 {last:,.1f} 亿元，"
                                           f"为基年的 {last / base:.1f} 倍")


def bj_flow_share(pkg: DataPackage, vintage: str) -> pd.Series:
    """Technology contracts flowing from Beijing to Tianjin and Hebei as % of Beijing's turnover."""
    flows = _wide(pkg, "tech_contracts_bj_to_tjhe", vintage, ["CN-BJ"])
    total = _wide(pkg, "tech_contract_turnover", vintage, ["CN-BJ"])
    if "CN-BJ" not in flows.columns or "CN-BJ" not in total.columns:
        return pd.Series(dtype=float)
    both = pd.concat([flows["CN-BJ"].rename("flow"), total["CN-BJ"].rename("total")], axis=1).dropna()
    return both["flow"] / both["total"] * 100


@register(id="innovation.bj_flow_share_small", chapter=CHAPTER, section="innovation-flows",
          statement=PREMISE + f"北京的技术成果主要流向京津冀以外，要素在区域内的流动仍然有限——北京流向津冀的技术合同"
                    f"成交额不到北京技术合同成交总额的{SMALL_SHARE_PCT:.0f}%（最近一个两者都有数据的年份）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def bj_flow_share_small(pkg, vintage):
    share = bj_flow_share(pkg, vintage)
    if share.empty:
        flows = _wide(pkg, "tech_contracts_bj_to_tjhe", vintage, ["CN-BJ"])
        total = _wide(pkg, "tech_contract_turnover", vintage, ["CN-BJ"])
        fy = [int(y) for y in flows.dropna().index] if not flows.empty else []
        ty = [int(y) for y in total.dropna().index] if not total.empty else []
        raise CannotCheck(f"北京流向津冀的成交额只有 {series_years(fy)} 年，北京技术合同成交总额只有 {series_years(ty)} 年，"
                          f"没有同一年份（{pkg.vintage_name(vintage)}）")
    year = int(share.index.max())
    return Reproduction(bool(share.loc[year] < SMALL_SHARE_PCT), f"{year}年占 {share.loc[year]:.1f}%")


# --------------------------------------------------------------------------- the index releases

def index_rose(pkg: DataPackage, release: str, sub: str) -> Reproduction:
    """Did a sub-index rise in the latest year of one release? Printed change first, else the
    difference of two years of that same release; never a difference across releases."""
    level = _wide(pkg, f"jjj_index_{sub}", release, ["JJJ"])
    name = INDEX_SUBS[sub]
    if level.empty:
        raise CannotCheck(f"数据包中没有{pkg.vintage_name(release)}的{name}")
    year = int(level.index.max())
    change = _wide(pkg, f"jjj_index_{sub}_change", release, ["JJJ"])
    if year in change.index and pd.notna(change.loc[year, "JJJ"]):
        delta = float(change.loc[year, "JJJ"])
        return Reproduction(bool(delta > 0), f"{year}年 {level.loc[year, 'JJJ']:.1f}，发布稿印出比上年提高 {delta:+.1f} 点")
    if year - 1 in level.index and pd.notna(level.loc[year - 1, "JJJ"]):
        delta = float(level.loc[year, "JJJ"] - level.loc[year - 1, "JJJ"])
        return Reproduction(bool(delta > 0), f"同一批次内 {year - 1}年 {level.loc[year - 1, 'JJJ']:.1f} → "
                                             f"{year}年 {level.loc[year, 'JJJ']:.1f}（{delta:+.1f} 点）")
    raise CannotCheck(f"{pkg.vintage_name(release)}在数据包中只有{year}年的{name}，既没有印出的比上年变化，"
                      f"也没有同一批次的{year - 1}年值（不同批次的数值不能相减）")


for _sub, _name in INDEX_SUBS.items():
    _why = ("创新能力在持续增强" if _sub == "innovation" else "区域协调在改善")
    register(id=f"innovation.{_sub}_index_rose", chapter=CHAPTER, section="innovation-index",
             statement=PREMISE + f"{_why}——京津冀区域发展指数的{_name}，在报告可用的那一批发布中，最新一年比上年提高。",
             reported=True, unit="是/否", vintage="idx2021d", vintage_param="index_release",
             )(lambda pkg, release, s=_sub: index_rose(pkg, release, s))


# --------------------------------------------------------------------------- recommendations → indicators

# Each recommendation (paraphrased) with the indicators that speak to it: (indicator, region, vintage
# parameter) — "published" or "index" — or none, with what would be needed.
RECOMMENDATIONS = [
    ("人才：三地人才政策和工作体系互相衔接、人才市场互通，提高对高端人才的吸引力",
     [], "人才政策的衔接程度没有统计；三地R&D人员、人才跨省流动的数据尚未收入数据包"),
    ("平台：集中三地优势科技资源，共建国家实验室、技术创新中心等重大科技创新基地",
     [("rd_intensity", "CN-HE", "published"), ("rd_intensity", "CN-BJ", "published"),
      ("rd_intensity", "JJJ", "published"), ("jjj_index_innovation", "JJJ", "index")],
     "国家级创新平台的数量和布局没有逐年的官方统计"),
    ("利益：尽快建立区域利益协调机制，让三地成为实质上的利益共同体",
     [], "跨地区税收分享、生态补偿等的金额没有公开的逐年统计"),
    ("要素：推动生产要素在区域内有序流动",
     [("tech_contracts_bj_to_tjhe", "CN-BJ", "published"), ("tech_contract_turnover", "JJJ", "published")],
     "资本和人才的跨省流动没有公开的逐年统计"),
    ("产业链：全面梳理并重新定位全产业链协同发展的政策，使政策更有针对性、更能落地",
     [], "政策是否“有针对性、落地”没有可统计的指标"),
    ("规则：打破行政壁垒，在都市圈内实行统一的经济运行规则，靠市场机制整合资源",
     [("jjj_index_coordination", "JJJ", "index")], "市场准入、监管规则的统一程度没有公开指标"),
]


def _trend(values: pd.Series) -> str:
    if len(values) < 2:
        return "—（只有一年）"
    a, b = int(values.index.min()), int(values.index.max())
    word = "上升" if values.loc[b] > values.loc[a] else "下降" if values.loc[b] < values.loc[a] else "持平"
    return f"{word} {a}→{b}"


def indicator_status(pkg: DataPackage, indicator: str, region: str, vintage: str,
                     start_year: int, end_year: int) -> dict:
    """Latest value, trend and source of one indicator-region in one vintage within [start, end]."""
    info = pkg.indicator_info(indicator)
    rows = pkg.series(indicator, vintage, "annual", [region])
    rows = rows[(rows["year"] >= start_year) & (rows["year"] <= end_year)]
    label = (SHORT_NAMES.get(indicator, info["name_zh"]) if indicator == "tech_contracts_bj_to_tjhe"
             else f"{SHORT_NAMES.get(indicator, info['name_zh'])}·{NAMES[region]}")
    if rows.empty:
        return {"indicator": label, "latest": "—", "trend": "—", "source": f"数据包中暂无（{pkg.vintage_name(vintage)}）"}
    values = rows.set_index("year")["value"]
    year = int(values.index.max())
    unit = info["unit_zh"]
    shown = f"{values.loc[year]:,.2f}" if unit in ("%", "指数") else f"{values.loc[year]:,.1f}"
    latest = f"{shown}{'' if unit == '指数' else (unit if unit == '%' else ' ' + unit)}（{year}）"
    trend = _trend(values)
    if indicator.startswith("jjj_index_"):
        change = pkg.series(f"{indicator}_change", vintage, "annual", [region])
        hit = change[change["year"] == year]
        trend = (f"比上年 {float(hit['value'].iloc[0]):+.1f} 点（发布稿）" if not hit.empty
                 else "—（该批次只有一年）")
    elif indicator == "rd_intensity" and region == "JJJ":
        after = values[values.index >= JJJ_RD_BREAK]
        trend = _trend(after) + "（口径断点之后）" if len(after) >= 2 else trend
    cited = pkg.sources_for(rows[rows["year"] == year])
    source = "；".join(f"《{p}》" for p in dict.fromkeys(cited["publication"]))
    return {"indicator": label, "latest": latest, "trend": trend, "source": f"{source}，{pkg.vintage_name(vintage)}"}


def recommendation_table(pkg: DataPackage, start_year: int, end_year: int, published_vintage: str,
                         index_release: str) -> pd.DataFrame:
    """One row per recommendation × indicator: 建议 | 指标 | 最新值 | 趋势 | 来源.

    The recommendation is named by its short key (人才, 平台, …; the paraphrase is in RECOMMENDATIONS);
    every recommendation ends with a '暂无公开指标' row for what no public indicator measures.
    """
    rows = []
    for text, indicators, _missing in RECOMMENDATIONS:
        key = text.split("：")[0]
        for k, (indicator, region, kind) in enumerate(indicators):
            vintage = published_vintage if kind == "published" else index_release
            st = indicator_status(pkg, indicator, region, vintage, start_year, end_year)
            rows.append({"建议": key if k == 0 else "〃", "指标": st["indicator"], "最新值": st["latest"],
                         "趋势": st["trend"], "来源": st["source"]})
        rows.append({"建议": key if not indicators else "〃", "指标": NO_INDICATOR,
                     "最新值": "—", "趋势": "—", "来源": "—"})
    return pd.DataFrame(rows)


def missing_years(pkg: DataPackage, indicator: str, regions: list[str], vintage: str,
                  start_year: int, end_year: int) -> dict[str, list[int]]:
    """Years in [start, end] for which each region has no value of the indicator in the vintage."""
    table = _wide(pkg, indicator, vintage, regions)
    out = {}
    for r in regions:
        have = set(int(y) for y in table.index if r in table.columns and pd.notna(table.loc[y, r]))
        out[r] = [y for y in range(start_year, end_year + 1) if y not in have]
    return out
