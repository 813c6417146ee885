"""Claims of the report's fourth strategic priority: culture (chapter 06_culture).

The report's priority section on culture (pool the three's cultural resources, strengthen and
integrate public cultural services, reform the institutions that keep them apart) prints no
number. Its only culture figures are in the problems part (2021 revenue of Hebei and Beijing);
chapter 02_problems registers and checks those (section ``problems-culture``), so they are not
registered again here.

What this module registers are the factual premises the recommendations rest on, where data can
test them (premise prefix, so their kind is "premise"): Beijing's culture industry is far larger
than Hebei's; Hebei's culture revenue grows faster than the country's; the three's culture revenue
is concentrated in Beijing; registered museums are denser in Beijing than in Hebei. Each is checked
in the latest year for which the data hold every region it needs, in one vintage and one definition.

Definitions are never mixed silently: Beijing's culture revenue is the *total income of above-scale
culture legal units* (enterprises and non-enterprise units), Hebei's and the country's are the
*operating revenue of above-scale culture enterprises*; museum counts are the cultural-heritage
administration's *registered* museums. The chapter's tables (with each figure's scope in Chinese)
are in :mod:`jjj_book.chapters.culture`.
"""

from __future__ import annotations

import pandas as pd

from jjj_book.claims.registry import PREMISE_PREFIX, CannotCheck, Reproduction, register
from jjj_book.data import DataPackage
from jjj_book.text import year_ranges
from jjj_book.vocab import PROVINCES, REGION_SHORT

CHAPTER = "06_culture"
POPULATION_VINTAGE = "census7"  # year-end resident population for per-capita counts
MANY_TIMES = 2  # "far larger" is tested as: Beijing at least this many times Hebei
BUREAU = {"CN-BJ": "北京市统计局", "CN-TJ": "天津市统计局", "CN-HE": "河北省统计局"}


def _years(table: pd.DataFrame, region: str) -> str:
    held = table[region].dropna().index.tolist() if region in table else []
    return f"{REGION_SHORT[region]}{year_ranges(held) + '年' if held else '无'}"


def revenue_ratio(pkg: DataPackage, vintage: str) -> tuple[int, float, float]:
    """(latest year with both, Beijing, Hebei) culture revenue in one vintage."""
    table = pkg.wide("culture_revenue", vintage, regions=["CN-BJ", "CN-HE"]).reindex(columns=["CN-BJ", "CN-HE"])
    both = table.dropna()
    if both.empty:
        raise CannotCheck(f"北京与河北的文化产业收入没有共同年份（{_years(table, 'CN-BJ')}，{_years(table, 'CN-HE')}）；"
                          "需要两地统计局同一年发布的规模以上文化产业收入")
    year = int(both.index.max())
    return year, float(both.loc[year, "CN-BJ"]), float(both.loc[year, "CN-HE"])


def per_100k(pkg: DataPackage, indicator: str, vintage: str, regions: list[str]) -> pd.DataFrame:
    """Count per 100,000 year-end residents (census-7 population, stored in 10,000s), region-years with both."""
    counts = pkg.wide(indicator, vintage, regions=regions)
    pop = pkg.wide("population_yearend", POPULATION_VINTAGE, regions=regions)
    common = counts.index.intersection(pop.index)
    cols = [r for r in regions if r in counts.columns and r in pop.columns]
    return counts.loc[common, cols] / pop.loc[common, cols] * 10


# --------------------------------------------------------------------------- culture industry

@register(id="culture.beijing_revenue_many_times_hebei", chapter=CHAPTER, section="culture-industry",
          statement=PREMISE_PREFIX + "北京的文化产业规模远大于河北（本书的检验：两地都有数据的最近一年，"
                    f"北京文化产业收入至少是河北的{MANY_TIMES}倍；两地统计口径不同，见正文）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def beijing_revenue_many_times_hebei(pkg, vintage):
    year, bj, he = revenue_ratio(pkg, vintage)
    return Reproduction(bool(bj >= MANY_TIMES * he),
                        f"{year}年北京{bj:,.1f}亿元÷河北{he:,.1f}亿元={bj / he:.1f}倍"
                        "（北京为法人单位收入合计，河北为企业营业收入，倍数只表示量级）")


@register(id="culture.hebei_growth_above_national_latest", chapter=CHAPTER, section="culture-industry",
          statement=PREMISE_PREFIX + "河北文化企业营业收入增长快于全国（报告以2021年为例；"
                    "本书用河北有数据的最近一年、与全国同一年的可比口径增速检验）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def hebei_growth_above_national_latest(pkg, vintage):
    hebei = pkg.wide("culture_revenue_growth", vintage, regions=["CN-HE"]).dropna()
    if hebei.empty:
        raise CannotCheck("需要河北省统计局发布的规模以上文化及相关产业企业营业收入增速")
    year = int(hebei.index.max())
    china = pkg.wide("culture_revenue_growth", vintage, regions=["CN"]).reindex(columns=["CN"]).dropna()
    if year not in china.index:
        raise CannotCheck(f"河北最近的增速是{year}年，全国同口径增速只有"
                          f"{year_ranges(china.index.tolist()) + '年' if not china.empty else '无'}；"
                          f"需要国家统计局发布的{year}年全国规模以上文化及相关产业企业营业收入增速")
    h, c = float(hebei.loc[year, "CN-HE"]), float(china.loc[year, "CN"])
    return Reproduction(bool(h > c), f"{year}年河北{h:.1f}%，全国{c:.1f}%（差{h - c:+.1f}个百分点）")


@register(id="culture.beijing_majority_of_three", chapter=CHAPTER, section="culture-industry",
          statement=PREMISE_PREFIX + "三地的文化产业收入主要集中在北京（本书的检验：三地都有数据的最近一年，"
                    "北京占三地合计一半以上）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def beijing_majority_of_three(pkg, vintage):
    table = pkg.wide("culture_revenue", vintage, regions=PROVINCES).reindex(columns=PROVINCES)
    complete = table.dropna()
    if complete.empty:
        lacking = [REGION_SHORT[r] for r in PROVINCES if table[r].dropna().empty]
        need = (f"需要{'、'.join(BUREAU[r] for r in PROVINCES if table[r].dropna().empty)}发布的"
                "规模以上文化及相关产业企业营业收入" if lacking
                else "需要三地同一年的规模以上文化产业收入")
        raise CannotCheck(f"三地合计无法计算（{'，'.join(_years(table, r) for r in PROVINCES)}）；{need}")
    year = int(complete.index.max())
    share = complete.loc[year, "CN-BJ"] / complete.loc[year].sum() * 100
    return Reproduction(bool(share > 50), f"{year}年北京占三地合计{share:.1f}%（北京为法人单位收入合计，"
                                          "津冀为企业营业收入，口径不同）")


# --------------------------------------------------------------------------- public cultural facilities

@register(id="culture.museums_denser_in_beijing", chapter=CHAPTER, section="culture-facilities",
          statement=PREMISE_PREFIX + "三地公共文化资源分布不均，北京每十万名常住人口拥有的备案博物馆多于河北"
                    "（本书的检验：两地都有数据的最近一年，同一备案口径）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def museums_denser_in_beijing(pkg, vintage):
    regions = ["CN-BJ", "CN-HE"]
    counts = pkg.wide("museums_registered", vintage, regions=regions).reindex(columns=regions)
    dens = per_100k(pkg, "museums_registered", vintage, regions).reindex(columns=regions).dropna()
    if dens.empty:
        want = year_ranges(counts["CN-BJ"].dropna().index.tolist()) or "同一"
        raise CannotCheck(f"备案博物馆数两地没有共同年份（{_years(counts, 'CN-BJ')}，{_years(counts, 'CN-HE')}）；"
                          f"需要河北省文物局公布的{want}年备案博物馆名录")
    year = int(dens.index.max())
    bj, he = dens.loc[year, "CN-BJ"], dens.loc[year, "CN-HE"]
    return Reproduction(bool(bj > he), f"{year}年每十万人备案博物馆：北京{bj:.2f}家，河北{he:.2f}家"
                                       f"（年末常住人口，{pkg.vintage_name(POPULATION_VINTAGE)}）")
