"""Claims of the report's section on where the region stands (chapter 01_status).

Statements are paraphrased from the report's summary; the numbers are the
report's. Year windows: the report compares 2011 with 2021 for GDP and speaks
of trends "since the coordinated-development strategy began" (2014) for the
gaps, up to its latest full year (2021). Only claims live here; the chapter's
tables and charts are in :mod:`jjj_book.chapters.status`.
"""

from __future__ import annotations

import math

import pandas as pd

from jjj_book import metrics, series
from jjj_book.claims.registry import CannotCheck, Reproduction, register
from jjj_book.data import DataPackage
from jjj_book.vocab import PROVINCES, REGION_SHORT, REPORT_YEAR, START_YEAR, STRATEGY_YEAR

CHAPTER = "01_status"

# 亿元 → 万亿元
TRILLION_PER_100M = 1e-4


def total_gdp(pkg: DataPackage, vintage: str, year: int) -> float:
    """GDP of the three provinces together in one year of one vintage (亿元)."""
    total = series.regional_total(pkg, "gdp", vintage)
    if year not in total.index:
        lacking = "、".join(REGION_SHORT[r] for r in series.missing_regions(pkg, "gdp", vintage, year))
        raise CannotCheck(f"需要{lacking}{year}年的地区生产总值（{pkg.vintage_name(vintage)}）")
    return float(total.loc[year])


def gdp_total_claim(pkg: DataPackage, vintage: str, year: int) -> Reproduction:
    value = total_gdp(pkg, vintage, year) * TRILLION_PER_100M
    return Reproduction(value, f"三地之和（{pkg.vintage_name(vintage)}）")


# The report's two ends: 2011 in the revision current when it was written, 2021 as first published.
for _year, _reported, _vintage, _param in [(START_YEAR, 4.4, "census4", "gdp_vintage"),
                                           (REPORT_YEAR, 9.6, "communique", "release_vintage")]:
    register(id=f"status.gdp_{_year}", chapter=CHAPTER, section="gdp-total",
             statement=f"{_year}年京津冀三地地区生产总值合计约{_reported}万亿元。",
             reported=_reported, unit="万亿元", tolerance=0.05, vintage=_vintage, vintage_param=_param,
             )(lambda pkg, vintage, year=_year: gdp_total_claim(pkg, vintage, year))


@register(id="status.gdp_increase_2011_2021", chapter=CHAPTER, section="gdp-total",
          statement=f"{START_YEAR}—{REPORT_YEAR}年京津冀地区生产总值合计增加约5.2万亿元。",
          reported=5.2, unit="万亿元", tolerance=0.05, vintage="census4", vintage_param="gdp_vintage")
def gdp_increase(pkg, vintage):
    # Both ends from one vintage: the report's 9.6 − 4.4 mixes releases.
    if not series.is_series(pkg, vintage):
        raise CannotCheck(f"{pkg.vintage_name(vintage)}各年口径不同，不能跨年相减；需要同一修订版本中两端年份的地区生产总值")
    value = (total_gdp(pkg, vintage, REPORT_YEAR) - total_gdp(pkg, vintage, START_YEAR)) * TRILLION_PER_100M
    return Reproduction(value, f"两端均取{pkg.vintage_name(vintage)}")


def hebei_fastest(pkg: DataPackage, vintage: str, year: int, period: str = "annual") -> Reproduction:
    """Whether Hebei's real growth in ``year`` (as printed for that year) beat Beijing's and Tianjin's."""
    rows = pkg.series("gdp_real_growth", vintage, period, PROVINCES)
    rates = dict(zip(rows.loc[rows["year"] == year, "region"], rows.loc[rows["year"] == year, "value"]))
    missing = [REGION_SHORT[r] for r in PROVINCES if r not in rates]
    if missing:
        label = "前三季度" if period == "Q1-Q3" else "全年"
        raise CannotCheck(f"需要{'、'.join(missing)}{year}年{label}地区生产总值实际增速"
                          f"（当年统计公报，{pkg.vintage_name(vintage)}）")
    fastest = rates["CN-HE"] > max(rates["CN-BJ"], rates["CN-TJ"])
    note = "；".join(f"{REGION_SHORT[r]} {rates[r]:.1f}%" for r in PROVINCES)
    return Reproduction(bool(fastest), note)


for _year, _period, _reported, _label in [
    (2019, "annual", True, "2019年"),
    (2020, "annual", True, "2020年"),
    (2021, "annual", False, "2021年"),
    (2022, "Q1-Q3", True, "2022年前三季度"),
]:
    _verb = "高于" if _reported else "不高于"
    register(
        id=f"status.hebei_fastest_{_year}{'_q1q3' if _period == 'Q1-Q3' else ''}",
        chapter=CHAPTER, section="growth",
        statement=f"{_label}河北地区生产总值实际增速{_verb}北京和天津"
                  + ("（报告所说的例外年份）。" if not _reported else "。"),
        reported=_reported, unit="是/否", vintage="communique", vintage_param="release_vintage",
    )(lambda pkg, vintage, y=_year, p=_period: hebei_fastest(pkg, vintage, y, p))


def gap_direction(high: pd.Series, low: pd.Series, what: str, needs: str = "",
                  start: int = STRATEGY_YEAR, end: int = REPORT_YEAR) -> Reproduction:
    """Direction of the gap high − low in yuan between two years; the note gives the ratio too.

    ``needs`` names the official table that would supply a missing year (``{year}`` is filled in)."""
    lacking = [y for y in (start, end) if y not in high.index or y not in low.index
               or any(math.isnan(v) for v in (high.get(y, math.nan), low.get(y, math.nan)))]
    if lacking:
        years = "和".join(f"{y}年" for y in lacking)
        raise CannotCheck((needs or f"需要{what}的{{year}}数据").format(year=years))
    gap = metrics.absolute_gap(high, low)
    ratio = metrics.relative_gap(high, low)
    delta = metrics.change(gap, start, end)
    note = (f"{what}差距：{start}年{gap[start]:,.0f}元 → {end}年"
            f"{gap[end]:,.0f}元；比值 {ratio[start]:.2f} → {ratio[end]:.2f}")
    return Reproduction(metrics.direction(delta), note)


def pcgdp_gap(pkg: DataPackage, vintage: str, other: str, end: int = REPORT_YEAR) -> Reproduction:
    """Direction of the per-capita GDP gap between ``other`` and Hebei, strategy year → ``end``."""
    pc = series.gdp_per_capita(pkg, vintage)
    if other not in pc or "CN-HE" not in pc:
        raise CannotCheck(f"需要{REGION_SHORT[other]}和河北的地区生产总值与年末常住人口（{pkg.vintage_name(vintage)}）")
    needs = f"需要{REGION_SHORT[other]}和河北{{year}}的地区生产总值与年末常住人口（{pkg.vintage_name(vintage)}）"
    return gap_direction(pc[other], pc["CN-HE"], f"{REGION_SHORT[other]}与河北人均地区生产总值", needs, end=end)


for _other in ("CN-BJ", "CN-TJ"):
    register(
        id=f"status.pcgdp_gap_{_other[-2:].lower()}_he",
        chapter=CHAPTER, section="per-capita-gap",
        statement=f"协同发展战略实施以来（{STRATEGY_YEAR}—{REPORT_YEAR}年），河北与{REGION_SHORT[_other]}"
                  f"的人均地区生产总值差距在扩大（以元计）。",
        reported="widened", unit="方向", vintage="census4", vintage_param="gdp_vintage",
    )(lambda pkg, vintage, other=_other: pcgdp_gap(pkg, vintage, other))


# The official tables that would close an income gap: each province's statistical yearbook
# (published the year after) or that year's statistical communiqué.
YEARBOOK = {"CN-BJ": "《北京统计年鉴》", "CN-TJ": "《天津统计年鉴》", "CN-HE": "《河北统计年鉴》"}


def urban_rural_gap(pkg: DataPackage, vintage: str, region: str,
                    start: int = STRATEGY_YEAR, end: int = REPORT_YEAR) -> Reproduction:
    """Direction of the urban − rural disposable-income gap (yuan), recomputed from the two incomes."""
    empty = pd.Series(dtype=float)
    incomes = {kind: pkg.wide(f"{kind}_disposable_income", vintage, "annual", [region]).get(region, empty)
               for kind in ("urban", "rural")}
    kinds = {"urban": "城镇", "rural": "农村"}
    lacking = [f"{y}年" + "和".join(kinds[k] for k, s in incomes.items() if pd.isna(s.get(y, math.nan)))
               for y in (start, end) if any(pd.isna(s.get(y, math.nan)) for s in incomes.values())]
    if lacking:
        raise CannotCheck(f"需要{YEARBOOK[region]}或统计公报中{REGION_SHORT[region]}{'、'.join(lacking)}"
                          f"居民人均可支配收入")
    return gap_direction(incomes["urban"], incomes["rural"], f"{REGION_SHORT[region]}城乡居民人均可支配收入",
                         start=start, end=end)


for _region in PROVINCES:
    register(
        id=f"status.urban_rural_gap_{_region[-2:].lower()}",
        chapter=CHAPTER, section="urban-rural",
        statement=f"{REGION_SHORT[_region]}城镇与农村居民人均可支配收入的差距在扩大"
                  f"（{STRATEGY_YEAR}—{REPORT_YEAR}年，以元计）。",
        reported="widened", unit="方向", vintage="survey", vintage_param="income_vintage",
    )(lambda pkg, vintage, region=_region: urban_rural_gap(pkg, vintage, region))
