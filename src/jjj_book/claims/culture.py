"""Claims and helpers of the report's fourth strategic priority: culture (chapter 06_culture).

The report's priority section on culture (pool the three's cultural resources, strengthen and
integrate public cultural services, reform the institutions that keep them apart) prints no
number. Its only culture figures are in the problems part (2021 revenue of Hebei and Beijing);
chapter 02_problems registers and checks those (section ``problems-culture``), so they are not
registered again here.

What this module registers are the factual premises the recommendations rest on, where data can
test them: Beijing's culture industry is far larger than Hebei's; Hebei's culture revenue grows
faster than the country's; the three's culture revenue is concentrated in Beijing; public cultural
resources (registered museums) are denser in Beijing than in Hebei. Each premise is phrased
"报告的前提（本书转述）：…", reported ``True``, and checked in the latest year for which the data
hold every region it needs, in one vintage and one definition.

Definitions are never mixed silently: Beijing's culture revenue is the *total income of above-scale
culture legal units* (enterprises and non-enterprise units), Hebei's and the country's are the
*operating revenue of above-scale culture enterprises*; museum counts are the cultural-heritage
administration's *registered* museums, not the culture ministry's institution counts; Beijing's
public-library count covers the municipal system only. :data:`SCOPE` gives each in Chinese.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import text
from jjj_book.claims import CannotCheck, Reproduction, register
from jjj_book.data import DataPackage
from jjj_book.series import PROVINCES

CHAPTER = "06_culture"
NAMES = {"CN-BJ": "北京", "CN-TJ": "天津", "CN-HE": "河北", "CN": "全国", "JJJ": "京津冀"}
POPULATION_VINTAGE = "census7"  # year-end resident population for per-capita counts
MANY_TIMES = 2  # "far larger" is tested as: Beijing at least this many times Hebei
CULTURE_INDICATORS = ["culture_revenue", "culture_revenue_growth", "culture_revenue_growth_2yr", "culture_firms"]
FACILITY_INDICATORS = ["public_libraries", "museums_registered"]
SHORT = {"culture_revenue": "文化企业营业收入", "culture_revenue_growth": "营业收入增速",
         "culture_revenue_growth_2yr": "两年平均增速", "culture_firms": "文化企业（单位）数",
         "public_libraries": "公共图书馆", "museums_registered": "备案博物馆"}

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


# --------------------------------------------------------------------------- the report's recommendations

# Paraphrased (never quoted); each with the indicators that would show progress. None = no public indicator.
RECOMMENDATIONS = [
    ("建立三地共享的文化资源库，摸清文化资源家底", [
        (None, "三地统一的文化资源清单"),
        ("museums_registered", "备案博物馆数（家底的一部分）"),
    ]),
    ("加强公共文化服务与治理，增强区域文化认同与自信", [
        ("public_libraries", "公共图书馆机构数"),
        (None, "区域文化认同（专项调查）"),
    ]),
    ("建设三地一体化的公共文化服务体系", [
        (None, "跨省市互通共享的公共文化服务"),
        ("jjj_index_shared", "参考：共享发展指数（公共服务总体，非文化专项）"),
    ]),
    ("改革公共文化服务的体制机制，打破行政界限、整合三地社会资源", [
        (None, "跨地区合作机制、社会力量参与的文化供给"),
    ]),
    ("（问题部分）培育跨越三地的文化产业集群", [
        ("culture_revenue", "规模以上文化企业营业收入"),
        ("culture_firms", "规模以上文化企业（单位）数"),
    ]),
]
NO_INDICATOR = "暂无公开指标"
DIRECT = {"museums_registered", "public_libraries", "culture_revenue", "culture_firms"}  # culture indicators proper


def latest_release(pkg: DataPackage, indicator: str = "jjj_index_shared") -> str | None:
    """The latest index release (vintage id) holding ``indicator``."""
    have = set(pkg.vintages_of(indicator))
    releases = [v for v in pkg.vintages["id"] if v.startswith("idx") and v in have]
    return releases[-1] if releases else None


def _fmt(value: float, unit_zh: str) -> str:
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{shown} {unit_zh}"


def _window(rows: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    return rows.loc[(rows["year"] >= start_year) & (rows["year"] <= end_year)]


def _latest_and_trend(pkg: DataPackage, indicator: str, vintage: str, start_year: int, end_year: int,
                      regions: list[str]) -> tuple[list[str], list[str], pd.DataFrame]:
    """Per region: the latest value in the window and its trend, as short Chinese phrases."""
    unit = pkg.indicator_info(indicator)["unit_zh"]
    rows = _window(pkg.series(indicator, vintage, regions=regions), start_year, end_year)
    latest, trend, used = [], [], []
    for region in regions:
        own = rows.loc[rows["region"] == region].sort_values("year")
        if own.empty:
            continue
        last = own.iloc[-1]
        year = int(last["year"])
        latest.append(f"{NAMES[region]} {_fmt(last['value'], unit)}（{year}）")
        used.append(own.tail(1))
        if indicator == "culture_revenue":  # growth is published on a comparable basis, never from levels
            growth = pkg.series("culture_revenue_growth", vintage, regions=[region])
            growth = growth.loc[growth["year"] == year]
            if not growth.empty:
                trend.append(f"{NAMES[region]} {growth['value'].iloc[0]:+.1f}%")
                used.append(growth)
        elif len(own) >= 2:
            prev = own.iloc[-2]
            delta = last["value"] - prev["value"]
            word = text.trend_word(delta, "增加", "减少", "持平")
            trend.append(f"{NAMES[region]}较 {int(prev['year'])} 年{word}" + (f" {_fmt(abs(delta), unit)}" if delta else ""))
            used.append(own.tail(2))
    if trend and indicator == "culture_revenue":
        trend[-1] += "（可比口径增速）"
    return latest, trend, (pd.concat(used) if used else rows)


def _index_latest(pkg: DataPackage, release: str) -> tuple[list[str], list[str], pd.DataFrame]:
    level = pkg.series("jjj_index_shared", release, regions=["JJJ"])
    if level.empty:
        return [], [], level
    last = level.sort_values("year").iloc[-1]
    year = int(last["year"])
    latest = [f"{last['value']:.1f}（{year}）"]
    change = pkg.series("jjj_index_shared_change", release, regions=["JJJ"])
    change = change.loc[change["year"] == year]
    if change.empty:
        return latest, ["该批次未印出比上年变化（不同批次不可相减）"], level.tail(1)
    delta = change["value"].iloc[0]
    return latest, [f"比上年{text.trend_word(delta, '提高', '降低', '持平')} {abs(delta):.1f} 点（同一批次）"], \
        pd.concat([level.tail(1), change])


def recommendation_table(pkg: DataPackage, vintage: str, start_year: int, end_year: int,
                         index_release: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Recommendation → indicator → latest value → trend → source, computed from the package.

    Returns the table and the observation rows it shows (for the citation under it).
    """
    release = index_release or latest_release(pkg)
    records, used = [], []
    for rec, indicators in RECOMMENDATIONS:
        for k, (indicator, label) in enumerate(indicators):
            row = {"建议（本书转述）": rec if k == 0 else "〃", "指标": label}
            if indicator is None:
                row.update({"最新值": NO_INDICATOR, "趋势": "—", "来源": "—"})
            else:
                if indicator.startswith("jjj_index"):
                    latest, trend, rows = _index_latest(pkg, release) if release else ([], [], pd.DataFrame())
                else:
                    latest, trend, rows = _latest_and_trend(pkg, indicator, vintage, start_year, end_year, PROVINCES)
                if not latest:
                    row.update({"最新值": f"三地均无数据（{start_year}—{end_year}）", "趋势": "—", "来源": "—"})
                else:
                    publishers = pkg.sources_for(rows)["publisher"]
                    row.update({"最新值": "；".join(latest), "趋势": "；".join(trend) or "—（只有一年）",
                                "来源": "；".join(dict.fromkeys(publishers))})
                    used.append(rows)
            records.append(row)
    table = pd.DataFrame(records)
    return table, (pd.concat(used) if used else pd.DataFrame())


def coverage(pkg: DataPackage, vintage: str, start_year: int, end_year: int) -> dict[str, list[str]]:
    """Per recommendation: the provinces for which one of its direct indicators has data in the window."""
    out = {}
    for rec, indicators in RECOMMENDATIONS:
        have = set()
        for indicator, _ in indicators:
            if indicator in DIRECT:
                rows = _window(pkg.series(indicator, vintage, regions=PROVINCES), start_year, end_year)
                have |= set(rows["region"])
        out[rec] = [r for r in PROVINCES if r in have]
    return out


def no_indicator_count() -> tuple[int, int]:
    """(recommendations with no indicator of their own, all recommendations).

    A recommendation counts as covered only if one of its indicators measures it directly
    (the index row is a general reference, not a culture indicator).
    """
    bare = sum(1 for _, inds in RECOMMENDATIONS if not any(i in DIRECT for i, _ in inds))
    return bare, len(RECOMMENDATIONS)


# --------------------------------------------------------------------------- culture industry

def revenue_ratio(pkg: DataPackage, vintage: str) -> tuple[int, float, float]:
    """(latest year with both, Beijing, Hebei) culture revenue in one vintage."""
    table = pkg.wide("culture_revenue", vintage, regions=["CN-BJ", "CN-HE"]).reindex(columns=["CN-BJ", "CN-HE"])
    both = table.dropna()
    if both.empty:
        have = {NAMES[r]: text.year_ranges(table[r].dropna().index.tolist()) or "无" for r in table.columns}
        raise CannotCheck("北京与河北的文化产业收入没有共同年份（" + "；".join(f"{k}：{v}" for k, v in have.items())
                          + f"；{pkg.vintage_name(vintage)}）")
    year = int(both.index.max())
    return year, float(both.loc[year, "CN-BJ"]), float(both.loc[year, "CN-HE"])


@register(id="culture.beijing_revenue_many_times_hebei", chapter=CHAPTER, section="culture-industry",
          statement=f"报告的前提（本书转述）：北京的文化产业规模远大于河北（本书的检验：两地都有数据的最近一年，"
                    f"北京文化产业收入至少是河北的{MANY_TIMES}倍；两地统计口径不同，见正文）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def beijing_revenue_many_times_hebei(pkg, vintage):
    year, bj, he = revenue_ratio(pkg, vintage)
    return Reproduction(bool(bj >= MANY_TIMES * he),
                        f"{year}年北京 {bj:,.1f} 亿元 ÷ 河北 {he:,.1f} 亿元 = {bj / he:.1f} 倍"
                        "（北京为法人单位收入合计，河北为企业营业收入，倍数只表示量级）")


@register(id="culture.hebei_growth_above_national_latest", chapter=CHAPTER, section="culture-industry",
          statement="报告的前提（本书转述）：河北文化企业营业收入增长快于全国（报告以 2021 年为例；"
                    "本书用河北有数据的最近一年、与全国同一年的可比口径增速检验）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def hebei_growth_above_national_latest(pkg, vintage):
    hebei = pkg.wide("culture_revenue_growth", vintage, regions=["CN-HE"])
    if hebei.empty:
        raise CannotCheck(f"数据包中没有河北文化企业营业收入增速（{pkg.vintage_name(vintage)}）")
    year = int(hebei.index.max())
    china = pkg.wide("culture_revenue_growth", vintage, regions=["CN"])
    if china.empty or year not in china.index:
        have = text.year_ranges(china.index.tolist()) if not china.empty else "无"
        raise CannotCheck(f"河北最近的增速是 {year} 年，全国同口径增速只有 {have} 年（{pkg.vintage_name(vintage)}），"
                          f"缺少全国 {year} 年，不同年份的增速不能比较")
    h, c = float(hebei.loc[year, "CN-HE"]), float(china.loc[year, "CN"])
    return Reproduction(bool(h > c), f"{year}年河北 {h:.1f}%，全国 {c:.1f}%（差 {h - c:+.1f} 个百分点）")


@register(id="culture.beijing_majority_of_three", chapter=CHAPTER, section="culture-industry",
          statement="报告的前提（本书转述）：三地的文化产业收入主要集中在北京（本书的检验：三地都有数据的最近一年，"
                    "北京占三地合计一半以上）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def beijing_majority_of_three(pkg, vintage):
    table = pkg.wide("culture_revenue", vintage, regions=PROVINCES).reindex(columns=PROVINCES)
    complete = table.dropna()
    if complete.empty:
        lacking = [NAMES[r] for r in PROVINCES if table[r].dropna().empty]
        have = "；".join(f"{NAMES[r]} {text.year_ranges(table[r].dropna().index.tolist())}" for r in PROVINCES
                        if not table[r].dropna().empty)
        raise CannotCheck((f"数据包中没有{'、'.join(lacking)}任何年份的文化产业收入" if lacking else "三地没有共同年份")
                          + f"（已有：{have or '无'}），三地合计无法计算")
    year = int(complete.index.max())
    share = complete.loc[year, "CN-BJ"] / complete.loc[year].sum() * 100
    return Reproduction(bool(share > 50), f"{year}年北京占三地合计 {share:.1f}%（北京为法人单位收入合计，"
                                          "津冀为企业营业收入，口径不同）")


# --------------------------------------------------------------------------- public cultural facilities

def per_100k(pkg: DataPackage, indicator: str, vintage: str, regions: list[str]) -> pd.DataFrame:
    """Count per 100,000 year-end residents (census-7 population, stored in 10,000s), for the region-years with both."""
    counts = pkg.wide(indicator, vintage, regions=regions)
    pop = pkg.wide("population_yearend", POPULATION_VINTAGE, regions=regions)
    common = counts.index.intersection(pop.index)
    cols = [r for r in regions if r in counts.columns and r in pop.columns]
    return counts.loc[common, cols] / pop.loc[common, cols] * 10


@register(id="culture.museums_denser_in_beijing", chapter=CHAPTER, section="culture-facilities",
          statement="报告的前提（本书转述）：三地公共文化资源分布不均，北京每十万名常住人口拥有的备案博物馆多于河北"
                    "（本书的检验：两地都有数据的最近一年，同一备案口径）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def museums_denser_in_beijing(pkg, vintage):
    regions = ["CN-BJ", "CN-HE"]
    counts = pkg.wide("museums_registered", vintage, regions=regions).reindex(columns=regions)
    dens = per_100k(pkg, "museums_registered", vintage, regions).reindex(columns=regions).dropna()
    if dens.empty:
        have = "；".join(f"{NAMES[r]} {text.year_ranges(counts[r].dropna().index.tolist()) or '无'}" for r in regions)
        raise CannotCheck(f"备案博物馆数（文物部门口径）两地没有共同年份（{have}），"
                          "河北的备案博物馆数尚未收入数据包")
    year = int(dens.index.max())
    bj, he = dens.loc[year, "CN-BJ"], dens.loc[year, "CN-HE"]
    return Reproduction(bool(bj > he), f"{year}年每十万人备案博物馆：北京 {bj:.2f} 家，河北 {he:.2f} 家"
                                       f"（年末常住人口，{pkg.vintage_name(POPULATION_VINTAGE)}）")


# --------------------------------------------------------------------------- tables for the chapter

def observations_table(pkg: DataPackage, indicators: list[str], vintage: str, start_year: int, end_year: int,
                       regions: list[str]) -> pd.DataFrame:
    """Rows of several indicators with their scope in Chinese (one vintage)."""
    rows = pd.concat([pkg.series(i, vintage, regions=regions) for i in indicators])
    rows = _window(rows, start_year, end_year)
    return rows.assign(口径=[scope(i, r) for i, r in zip(rows["indicator"], rows["region"])])


def missing_years(pkg: DataPackage, indicators: list[str], vintage: str, start_year: int, end_year: int,
                  regions: list[str]) -> pd.DataFrame:
    """Indicator × region pairs with years missing in the window (one vintage)."""
    out = []
    for ind in indicators:
        rows = pkg.series(ind, vintage, regions=regions)
        for region in regions:
            have = set(rows.loc[rows["region"] == region, "year"])
            lack = [y for y in range(start_year, end_year + 1) if y not in have]
            if lack:
                out.append({"指标": SHORT.get(ind, pkg.indicator_info(ind)["name_zh"]), "地区": NAMES[region],
                            "缺少的年份": "全部年份" if len(lack) == end_year - start_year + 1 else text.year_ranges(lack)})
    return pd.DataFrame(out, columns=["指标", "地区", "缺少的年份"])


def bars_skipping_gaps(ax, table: pd.DataFrame, names: dict[str, str], fmt: str = "{:,.1f}", width: float = 0.26) -> None:
    """Grouped bars by year (index) and region (columns); a missing value draws no bar and no label."""
    from jjj_book.plots import REGION_COLORS, REGION_ORDER

    codes = [c for c in REGION_ORDER if c in table.columns]
    positions = list(range(len(table.index)))
    for k, code in enumerate(codes):
        offset = (k - (len(codes) - 1) / 2) * width
        col = table[code]
        xs = [p + offset for p, v in zip(positions, col) if pd.notna(v)]
        vals = [v for v in col if pd.notna(v)]
        bars = ax.bar(xs, vals, width=width, color=REGION_COLORS[code], label=names[code])
        ax.bar_label(bars, labels=[fmt.format(v) for v in vals], fontsize=7.5, padding=2)
    ax.set_xticks(positions, [str(i) for i in table.index])
