"""Claims of the report's third strategic priority (chapter 05_green): new energy, new growth
drivers and the green transition.

The report's priority section recommends, without giving a single number: a joint green-technology
and industry incubation platform; green industries (new-generation IT, biomedicine, high-end
equipment) grown on the national new areas, free-trade zones and high-tech zones; national support
for strategic emerging industries in Hebei so that new capacity follows the exit of old; and closing
the region's air-pollution gap. What the data can test are the premises these rest on, registered
here as claims whose statement begins "报告的前提（本书转述）": Hebei's air is worse than Beijing's,
air quality has improved, Hebei's heavy industry is shrinking, energy use per unit of GDP is falling,
and the green sub-index of the joint index release rose.

The module also holds the chapter's helpers (PM2.5 on a full year axis, compounding of annual
rates, the recommendation → indicator table) so the tests can exercise them.
"""

from __future__ import annotations

import pandas as pd

from jjj_book.claims import CannotCheck, Reproduction, register
from jjj_book.data import DataPackage

CHAPTER = "05_green"
PROVINCES = ["CN-BJ", "CN-TJ", "CN-HE"]
NAMES = {"CN-BJ": "北京", "CN-TJ": "天津", "CN-HE": "河北", "CN": "全国", "JJJ": "京津冀"}
REPORT_YEAR = 2021        # the latest complete year the report uses
STEEL_YEARS = (2018, 2023)  # the two years of Hebei's crude steel output the premise compares

PM25 = "pm25_annual_mean"
ENERGY = "energy_intensity_change"
STEEL = "crude_steel_output"
GREEN_INDEX = "jjj_index_green"


# --------------------------------------------------------------------------- helpers

def full_years(table: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """A year × region table on every year from ``start`` to ``end``: a missing year is a gap (NaN),
    so a line drawn through it breaks instead of joining two distant observations."""
    return table.reindex(range(start, end + 1))


def pm25_wide(pkg: DataPackage, vintage: str, regions: list[str] = PROVINCES) -> pd.DataFrame:
    return pkg.wide(PM25, vintage, regions=regions)


def latest_common_year(table: pd.DataFrame, a: str, b: str) -> int | None:
    """The latest year in which both columns have a value (None if there is none)."""
    if a not in table or b not in table:
        return None
    both = table[[a, b]].dropna()
    return int(both.index.max()) if not both.empty else None


def one_source_span(rows: pd.DataFrame) -> pd.DataFrame:
    """Of one region's rows, those of the source (publisher series) that covers the longest span.

    First and last values then come from the same kind of publication (e.g. the provincial
    bureau's bulletins), never a bulletin at one end and a regional release at the other.
    """
    if rows.empty:
        return rows
    spans = rows.groupby("source_id")["year"].agg(lambda y: y.max() - y.min())
    best = spans.sort_values(ascending=False, kind="stable").index[0]
    return rows.loc[rows["source_id"] == best].sort_values("year")


def pm25_first_last(pkg: DataPackage, vintage: str, regions: list[str] = PROVINCES) -> pd.DataFrame:
    """Per region: first and last year (one source), their values and the change."""
    rows = pkg.series(PM25, vintage, regions=regions)
    out = {}
    for r in regions:
        own = one_source_span(rows.loc[rows["region"] == r])
        if len(own) < 2:
            continue
        a, b = own.iloc[0], own.iloc[-1]
        out[r] = {"first_year": int(a["year"]), "first": float(a["value"]),
                  "last_year": int(b["year"]), "last": float(b["value"]), "source_id": a["source_id"]}
    frame = pd.DataFrame(out).T
    if not frame.empty:
        frame["change"] = frame["last"].astype(float) - frame["first"].astype(float)
        frame["change_pct"] = frame["change"] / frame["first"].astype(float) * 100
    return frame


def compound(rates_pct: pd.Series) -> float:
    """Cumulative change (%) of a level from consecutive annual rates of change (%)."""
    factor = 1.0
    for rate in rates_pct:
        factor *= 1 + rate / 100
    return (factor - 1) * 100


def consecutive_run(years) -> list[int]:
    """The latest run of consecutive years in a collection of years."""
    years = sorted(set(int(y) for y in years))
    run: list[int] = []
    for y in years:
        run = run + [y] if run and y == run[-1] + 1 else [y]
    return run


def sector_shares(pkg: DataPackage, vintage: str, regions: list[str] = PROVINCES) -> dict[str, pd.DataFrame]:
    """Shares (%) of the three sectors in the sum of their value added, years where all three exist."""
    parts = {s: pkg.wide(f"gdp_{s}", vintage, regions=regions) for s in ("primary", "secondary", "tertiary")}
    total = sum(parts.values())
    return {s: (p / total * 100).dropna(how="all") for s, p in parts.items()}


def short_citation(pkg: DataPackage, rows: pd.DataFrame, limit: int = 1) -> str:
    """Publication titles only (the publishers are in the full source line under the table)."""
    titles = list(dict.fromkeys(f"《{t}》" for t in pkg.sources_for(rows)["publication"]))
    if len(titles) <= limit:
        return "；".join(titles)
    return "；".join(titles[:limit]) + f"等 {len(titles)} 种"


# --------------------------------------------------------------------------- the recommendation table

NO_INDICATOR = "暂无公开指标"

# The report's recommendations, paraphrased by the book: a short label for the table and the full paraphrase.
RECOMMENDATIONS = {
    "platform": ("合建孵化平台", "三地合建一个绿色技术研发与产业孵化的共用平台"),
    "bases": ("园区示范基地", "以国家级新区、自贸试验区、高新区等为载体，把新一代信息技术、生物医药、高端装备等绿色产业"
                          "做成应用示范基地"),
    "emerging": ("扶持河北新兴产业", "国家加大对河北战略性新兴产业的扶持，让新兴产能接上退出的传统产能"),
    "air": ("补大气污染短板", "补上区域大气污染治理的短板"),
}
OVERALL = ("（整体）绿色转型", "持续推进京津冀产业的绿色转型（这一战略重点的总目标）")
# What a public indicator for each recommendation would be (none of them is in the package yet).
MISSING = {
    "platform": "孵化平台的数量、在孵绿色技术企业数、绿色技术合同成交额（逐年、分省）",
    "bases": "各类国家级园区的绿色产业产值或增加值（同一口径）",
    "emerging": "三地战略性新兴产业增加值及其占地区生产总值的比重（逐年、同一口径）",
}


def _level_row(pkg, indicator, region, vintage, label, fmt="{:,.1f}", down="下降", up="上升", one_source=False):
    rows = pkg.series(indicator, vintage, regions=[region]).sort_values("year")
    if one_source:  # compare first and last of one kind of publication only
        rows = one_source_span(rows)
    if rows.empty:
        return [label, "—", "—", "—"]
    unit = pkg.indicator_info(indicator)["unit_zh"]
    a, b = rows.iloc[0], rows.iloc[-1]
    latest = f"{fmt.format(b['value'])} {unit}（{b['year']}）"
    if len(rows) < 2:
        trend = "只有一年"
    else:
        pct = (b["value"] / a["value"] - 1) * 100
        word = down if pct < 0 else up if pct > 0 else "不变"
        trend = f"{a['year']}—{b['year']} 年{word} {abs(pct):.0f}%"
    return [label, latest, trend, f"{short_citation(pkg, rows)}（{pkg.vintage_name(vintage)}）"]


def recommendation_table(pkg: DataPackage, published_vintage: str, sector_vintage: str,
                         index_release: str) -> pd.DataFrame:
    """One row per recommendation × indicator: the latest value and trend computed from the package;
    '暂无公开指标' where the package holds no indicator for the recommendation."""
    rows, used = [], []
    none = [NO_INDICATOR, "—", "—", "—"]
    for key in ("platform", "bases", "emerging"):
        rows.append([RECOMMENDATIONS[key][0], *none])
    rows.append(["", *_level_row(pkg, STEEL, "CN-HE", published_vintage, "河北粗钢产量", "{:,.0f}")])
    shares = sector_shares(pkg, sector_vintage, ["CN-HE"])["secondary"]
    if "CN-HE" in shares and shares["CN-HE"].notna().sum() >= 1:
        s = shares["CN-HE"].dropna()
        delta = s.iloc[-1] - s.iloc[0]
        trend = (f"{s.index[0]}—{s.index[-1]} 年{'下降' if delta < 0 else '上升' if delta > 0 else '不变'} "
                 f"{abs(delta):.1f} 个百分点") if len(s) >= 2 else "只有一年"
        cite = short_citation(pkg, pd.concat([pkg.series(f"gdp_{x}", sector_vintage, regions=["CN-HE"])
                                       for x in ("primary", "secondary", "tertiary")]))
        rows.append(["", "河北第二产业比重", f"{s.iloc[-1]:.1f}%（{s.index[-1]}）", trend,
                     f"{cite}（{pkg.vintage_name(sector_vintage)}；比重由本书计算）"])
    else:
        rows.append(["", "河北第二产业比重", "—", "—", "—"])
    rows.append([RECOMMENDATIONS["air"][0], *_level_row(pkg, PM25, "CN-HE", published_vintage, "河北 PM2.5 年均浓度",
                                                           one_source=True)])
    pm = pm25_wide(pkg, published_vintage, ["CN-BJ", "CN-HE"])
    year = latest_common_year(pm, "CN-BJ", "CN-HE")
    if year is not None:
        gap = (pm["CN-HE"] - pm["CN-BJ"]).dropna()
        unit = pkg.indicator_info(PM25)["unit_zh"]
        d = gap.iloc[-1] - gap.iloc[0]
        trend = (f"{gap.index[0]}—{gap.index[-1]} 年{'缩小' if d < 0 else '扩大' if d > 0 else '不变'} "
                 f"{abs(d):.1f} {unit}") if len(gap) >= 2 else "只有一年"
        rows.append(["", "PM2.5 之差（河北 − 北京）", f"{gap.iloc[-1]:.1f} {unit}（{year}）", trend,
                     f"{short_citation(pkg, pkg.series(PM25, published_vintage, regions=['CN-BJ', 'CN-HE']))}"
                     f"（{pkg.vintage_name(published_vintage)}；差由本书计算）"])
    else:
        rows.append(["", "PM2.5 之差（河北 − 北京）", "—", "—", "—"])
    en = pkg.series(ENERGY, published_vintage, regions=["CN-HE"]).sort_values("year")
    if en.empty:
        rows.append(["", "河北单位 GDP 能耗比上年变化", "—", "—", "—"])
    else:
        last = en.iloc[-1]
        falling = en.loc[en["value"] < 0, "year"].tolist()
        trend = (f"{'、'.join(map(str, falling))} 年均为下降" if len(falling) == len(en)
                 else f"{len(en)} 个年份中 {len(falling)} 个下降")
        rows.append(["", "河北单位 GDP 能耗比上年变化", f"{last['value']:+.1f}%（{last['year']}）", trend,
                     f"{short_citation(pkg, en)}（{pkg.vintage_name(published_vintage)}）"])
    gi = pkg.series(GREEN_INDEX, index_release, regions=["JJJ"]).sort_values("year")
    if gi.empty:
        rows.append([OVERALL[0], "绿色发展指数（京津冀）", "—", "—", "—"])
    else:
        last = gi.iloc[-1]
        ch = pkg.series(f"{GREEN_INDEX}_change", index_release, regions=["JJJ"])
        ch = ch.loc[ch["year"] == last["year"]]
        trend = f"比上年 {ch['value'].iloc[0]:+.1f} 点（同一批发布内）" if not ch.empty else "—"
        rows.append([OVERALL[0], "绿色发展指数（京津冀）", f"{last['value']:.1f}（{last['year']}）",
                     trend, f"{short_citation(pkg, pd.concat([gi, ch]))}（{pkg.vintage_name(index_release)}）"])
    for indicator, vintage, regions in [(STEEL, published_vintage, ["CN-HE"]), (PM25, published_vintage, ["CN-BJ", "CN-HE"]),
                                        (ENERGY, published_vintage, ["CN-HE"]), (GREEN_INDEX, index_release, ["JJJ"]),
                                        (f"{GREEN_INDEX}_change", index_release, ["JJJ"])]:
        used.append(pkg.series(indicator, vintage, regions=regions))
    used += [pkg.series(f"gdp_{x}", sector_vintage, regions=["CN-HE"]) for x in ("primary", "secondary", "tertiary")]
    frame = pd.DataFrame(rows, columns=["建议（本书转述）", "指标", "最新值", "趋势", "来源（数据版本）"])
    frame.attrs["rows"] = pd.concat(used)
    frame.attrs["vintages"] = list(dict.fromkeys([published_vintage, sector_vintage, index_release]))
    return frame


# --------------------------------------------------------------------------- claims

@register(id="green.pm25_hebei_above_beijing", chapter=CHAPTER, section="green-air",
          statement="报告的前提（本书转述）：河北的大气污染治理是区域的短板——在北京与河北都有数据的最近一年，"
                    "河北的 PM2.5 年均浓度高于北京。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def pm25_hebei_above_beijing(pkg, vintage):
    table = pm25_wide(pkg, vintage, ["CN-BJ", "CN-HE"])
    year = latest_common_year(table, "CN-BJ", "CN-HE")
    if year is None:
        raise CannotCheck(f"数据包中没有北京与河北同一年的 PM2.5 年均浓度（{pkg.vintage_name(vintage)}）")
    he, bj = table.loc[year, "CN-HE"], table.loc[year, "CN-BJ"]
    return Reproduction(bool(he > bj), f"{year} 年河北 {he:g}，北京 {bj:g} 微克/立方米")


@register(id="green.pm25_fell_all_three", chapter=CHAPTER, section="green-air",
          statement="报告的前提（本书转述）：大气污染治理已见成效——北京、天津、河北的 PM2.5 年均浓度，"
                    "各自从数据包中最早一年到最近一年（同一类发布）都下降了。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def pm25_fell_all_three(pkg, vintage):
    fl = pm25_first_last(pkg, vintage)
    lacking = [NAMES[r] for r in PROVINCES if r not in fl.index]
    if lacking:
        raise CannotCheck(f"{'、'.join(lacking)}的 PM2.5 年均浓度不足两年（同一来源，{pkg.vintage_name(vintage)}）")
    parts = [f"{NAMES[r]} {fl.loc[r, 'first_year']} 年 {fl.loc[r, 'first']:g} → {fl.loc[r, 'last_year']} 年 "
             f"{fl.loc[r, 'last']:g}" for r in PROVINCES]
    return Reproduction(bool((fl.loc[PROVINCES, "change"] < 0).all()), "；".join(parts) + "（微克/立方米）")


@register(id="green.hebei_crude_steel_fell", chapter=CHAPTER, section="green-steel",
          statement=f"报告的前提（本书转述）：河北的传统重工业产能在退出——河北粗钢产量 {STEEL_YEARS[1]} 年"
                    f"低于 {STEEL_YEARS[0]} 年。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def hebei_crude_steel_fell(pkg, vintage):
    table = pkg.wide(STEEL, vintage, regions=["CN-HE"])
    missing = [y for y in STEEL_YEARS if "CN-HE" not in table or y not in table.index or pd.isna(table.loc[y, "CN-HE"])]
    if missing:
        raise CannotCheck(f"数据包中没有河北 {'、'.join(map(str, missing))} 年粗钢产量（{pkg.vintage_name(vintage)}）")
    a, b = (float(table.loc[y, "CN-HE"]) for y in STEEL_YEARS)
    return Reproduction(bool(b < a), f"{STEEL_YEARS[0]} 年 {a:,.0f} 万吨 → {STEEL_YEARS[1]} 年 {b:,.0f} 万吨"
                                     f"（{(b / a - 1) * 100:+.1f}%）")


@register(id="green.energy_intensity_fell_2021", chapter=CHAPTER, section="green-energy",
          statement=f"报告的前提（本书转述）：三地的能源利用效率在提高——{REPORT_YEAR} 年北京、天津、河北的"
                    "万元地区生产总值能耗都比上年下降（公布的变化率为负）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def energy_intensity_fell_2021(pkg, vintage):
    table = pkg.wide(ENERGY, vintage, regions=PROVINCES)
    lacking = [NAMES[r] for r in PROVINCES
               if r not in table or REPORT_YEAR not in table.index or pd.isna(table.loc[REPORT_YEAR, r])]
    if lacking:
        raise CannotCheck(f"数据包中没有{'、'.join(lacking)} {REPORT_YEAR} 年能耗变化率（{pkg.vintage_name(vintage)}）")
    rates = table.loc[REPORT_YEAR, PROVINCES]
    return Reproduction(bool((rates < 0).all()), "；".join(f"{NAMES[r]} {rates[r]:+.2f}%" for r in PROVINCES))


@register(id="green.green_index_rose", chapter=CHAPTER, section="green-index",
          statement=f"报告的前提（本书转述）：区域的绿色发展在推进——在报告所依据的那一批京津冀区域发展指数发布中，"
                    f"{REPORT_YEAR} 年绿色发展指数比上年提高。",
          reported=True, unit="是/否", vintage="idx2021d", vintage_param="index_release")
def green_index_rose(pkg, release):
    # A change is only meaningful inside one release: each release revises its back years.
    change = pkg.wide(f"{GREEN_INDEX}_change", release, regions=["JJJ"])
    if "JJJ" in change and REPORT_YEAR in change.index:
        value = float(change.loc[REPORT_YEAR, "JJJ"])
        return Reproduction(bool(value > 0), f"发布稿印出比上年 {value:+.1f} 点（{pkg.vintage_name(release)}）")
    level = pkg.wide(GREEN_INDEX, release, regions=["JJJ"])
    years = [REPORT_YEAR - 1, REPORT_YEAR]
    if "JJJ" not in level or any(y not in level.index for y in years):
        raise CannotCheck(f"{pkg.vintage_name(release)}中没有 {REPORT_YEAR} 年绿色发展指数的比上年变化，"
                          f"也没有 {REPORT_YEAR - 1}、{REPORT_YEAR} 两年的指数")
    value = float(level.loc[REPORT_YEAR, "JJJ"] - level.loc[REPORT_YEAR - 1, "JJJ"])
    return Reproduction(bool(value > 0), f"同一批发布内两年之差 {value:+.1f} 点（{pkg.vintage_name(release)}）")
