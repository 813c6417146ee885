"""Claims of the report's third strategic priority (chapter 05_green): new energy, new growth
drivers and the green transition.

The report's priority section recommends, without giving a single number: a joint green-technology
and industry incubation platform; green industries grown on the national new areas, free-trade zones
and high-tech zones; national support for strategic emerging industries in Hebei so that new capacity
follows the exit of old; and closing the region's air-pollution gap. What the data can test are the
premises these rest on, registered here with the premise prefix (so their kind is "premise"): Hebei's
air is worse than Beijing's, air quality has improved, Hebei's crude steel output is shrinking, energy
use per unit of GDP is falling, and the green sub-index of the joint index release rose.

Only the claims and what their checks need live here; the chapter's tables and charts are in
:mod:`jjj_book.chapters.green`.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import series
from jjj_book.claims.registry import PREMISE_PREFIX, CannotCheck, Reproduction, register
from jjj_book.data import DataPackage
from jjj_book.vocab import PROVINCES, REGION_SHORT, REPORT_YEAR

CHAPTER = "05_green"
STEEL_YEARS = (2018, 2023)  # the two years of Hebei's crude steel output the premise compares

PM25 = "pm25_annual_mean"
ENERGY = "energy_intensity_change"
STEEL = "crude_steel_output"
GREEN_INDEX = "jjj_index_green"


# --------------------------------------------------------------------------- what the checks read

def pm25_wide(pkg: DataPackage, vintage: str, regions: list[str] = PROVINCES) -> pd.DataFrame:
    """PM2.5 annual means, year × region, one vintage; every asked region is a column (NaN if absent)."""
    return pkg.wide(PM25, vintage, regions=regions).reindex(columns=regions)


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
    """Per region (index): first and last year of one source, their values, the change and the change in %."""
    rows = pkg.series(PM25, vintage, regions=regions)
    out = {}
    for r in regions:
        own = one_source_span(rows.loc[rows["region"] == r])
        if len(own) < 2:
            continue
        a, b = own.iloc[0], own.iloc[-1]
        out[r] = {"first_year": int(a["year"]), "first": float(a["value"]),
                  "last_year": int(b["year"]), "last": float(b["value"]), "source_id": a["source_id"]}
    frame = pd.DataFrame(out, index=["first_year", "first", "last_year", "last", "source_id"]).T
    for col in ("first", "last"):
        frame[col] = frame[col].astype(float)
    for col in ("first_year", "last_year"):
        frame[col] = frame[col].astype(int)
    frame["change"] = frame["last"] - frame["first"]
    frame["change_pct"] = frame["change"] / frame["first"] * 100
    return frame


# --------------------------------------------------------------------------- claims

@register(id="green.pm25_hebei_above_beijing", chapter=CHAPTER, section="green-air",
          statement=PREMISE_PREFIX + "河北的大气污染治理是区域的短板——在北京与河北都有数据的最近一年，"
                    "河北的PM2.5年均浓度高于北京。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def pm25_hebei_above_beijing(pkg, vintage):
    both = pm25_wide(pkg, vintage, ["CN-BJ", "CN-HE"]).dropna()
    if both.empty:
        raise CannotCheck("需要北京、河北生态环境状况公报中同一年的PM2.5年均浓度")
    year = int(both.index.max())
    he, bj = both.loc[year, "CN-HE"], both.loc[year, "CN-BJ"]
    return Reproduction(bool(he > bj), f"{year}年河北{he:g}、北京{bj:g}微克/立方米")


@register(id="green.pm25_fell_all_three", chapter=CHAPTER, section="green-air",
          statement=PREMISE_PREFIX + "大气污染治理已见成效——北京、天津、河北的PM2.5年均浓度，"
                    "各自从数据包中最早一年到最近一年（同一类发布）都下降了。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def pm25_fell_all_three(pkg, vintage):
    fl = pm25_first_last(pkg, vintage)
    lacking = [REGION_SHORT[r] for r in PROVINCES if r not in fl.index]
    if lacking:
        raise CannotCheck(f"需要{'、'.join(lacking)}生态环境状况公报中至少两个年份的PM2.5年均浓度")
    parts = [f"{REGION_SHORT[r]}{fl.loc[r, 'first_year']}年{fl.loc[r, 'first']:g}→{fl.loc[r, 'last_year']}年"
             f"{fl.loc[r, 'last']:g}" for r in PROVINCES]
    return Reproduction(bool((fl.loc[PROVINCES, "change"] < 0).all()), "；".join(parts) + "（微克/立方米）")


@register(id="green.hebei_crude_steel_fell", chapter=CHAPTER, section="green-steel",
          statement=PREMISE_PREFIX + f"河北的传统重工业产能在退出——河北粗钢产量{STEEL_YEARS[1]}年"
                    f"低于{STEEL_YEARS[0]}年。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def hebei_crude_steel_fell(pkg, vintage):
    table = pkg.wide(STEEL, vintage, regions=["CN-HE"]).reindex(columns=["CN-HE"])
    missing = [y for y in STEEL_YEARS if y not in table.index or pd.isna(table.loc[y, "CN-HE"])]
    if missing:
        raise CannotCheck(f"需要《河北统计年鉴》或河北国民经济和社会发展统计公报中"
                          f"{'、'.join(map(str, missing))}年的粗钢产量")
    a, b = (float(table.loc[y, "CN-HE"]) for y in STEEL_YEARS)
    return Reproduction(bool(b < a), f"{STEEL_YEARS[0]}年{a:,.0f}万吨→{STEEL_YEARS[1]}年{b:,.0f}万吨"
                                     f"（{(b / a - 1) * 100:+.1f}%）")


@register(id="green.energy_intensity_fell_2021", chapter=CHAPTER, section="green-energy",
          statement=PREMISE_PREFIX + f"三地的能源利用效率在提高——{REPORT_YEAR}年北京、天津、河北的"
                    "万元地区生产总值能耗都比上年下降（公布的变化率为负）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def energy_intensity_fell_2021(pkg, vintage):
    # The bulletins print the rate itself ("能耗下降 x%"): the book looks it up, it cannot recompute it
    # (energy consumption in levels is not in the package).
    table = pkg.wide(ENERGY, vintage, regions=PROVINCES).reindex(columns=PROVINCES)
    lacking = [REGION_SHORT[r] for r in PROVINCES
               if REPORT_YEAR not in table.index or pd.isna(table.loc[REPORT_YEAR, r])]
    if lacking:
        raise CannotCheck(f"需要{'、'.join(lacking)}{REPORT_YEAR + 1}年发布的{REPORT_YEAR}年国民经济和社会发展"
                          "统计公报中的万元地区生产总值能耗变化率")
    rates = table.loc[REPORT_YEAR, PROVINCES]
    return Reproduction(bool((rates < 0).all()),
                        "；".join(f"{REGION_SHORT[r]}{rates[r]:+g}%" for r in PROVINCES), basis="published")


@register(id="green.green_index_rose", chapter=CHAPTER, section="green-index",
          statement=PREMISE_PREFIX + "区域的绿色发展在推进——在报告所依据的那一批京津冀区域发展指数发布中，"
                    f"{REPORT_YEAR}年绿色发展指数比上年提高。",
          reported=True, unit="是/否", vintage="idx2021d", vintage_param="index_release")
def green_index_rose(pkg, release):
    # A change is only meaningful inside one release: each release revises its back years.
    delta, basis = index_change(pkg, GREEN_INDEX, release, REPORT_YEAR)
    note = f"比上年{delta:+.1f}点（{pkg.vintage_name(release)}，{'发布稿印出' if basis == 'published' else '同一批两年之差'}）"
    return Reproduction(bool(delta > 0), note, basis=basis)


def index_change(pkg: DataPackage, indicator: str, release: str, year: int) -> tuple[float, str]:
    """(change on the previous year, basis) inside one release: the change the release printed
    ("published"), else the difference of the release's own two levels ("recomputed"), never
    across releases. Raises CannotCheck when the release has neither."""
    change = pkg.wide(f"{indicator}_change", release, regions=["JJJ"]).reindex(columns=["JJJ"])
    if year in change.index and pd.notna(change.loc[year, "JJJ"]):
        return float(change.loc[year, "JJJ"]), "published"
    need = (f"需要{pkg.vintage_name(release)}的发布稿中{year}年的“比上年提高”点数，"
            f"或同一批发布的{year - 1}、{year}两年指数")
    within = getattr(series, "index_change_within_release", None)   # the shared function, once it lands
    if within is not None:
        try:
            return float(within(pkg, indicator, release, year)[0]), "recomputed"
        except Exception as why:   # series may raise its own CannotCheck (it sits below claims)
            if isinstance(why, (CannotCheck, KeyError)) or type(why).__name__ == "CannotCheck":
                raise CannotCheck(need) from None
            raise
    level = pkg.wide(indicator, release, regions=["JJJ"]).reindex(columns=["JJJ"])
    if any(y not in level.index or pd.isna(level.loc[y, "JJJ"]) for y in (year - 1, year)):
        raise CannotCheck(need)
    return float(level.loc[year, "JJJ"] - level.loc[year - 1, "JJJ"]), "recomputed"
