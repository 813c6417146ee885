"""Claims of the report's section on where the region stands (chapter 01_status).

Statements are paraphrased from the report's summary; the numbers are the
report's. Year windows: the report compares 2011 with 2021 for GDP and speaks
of trends "since the coordinated-development strategy began" (2014) for the
gaps, up to its latest full year (2021).
"""

from __future__ import annotations

import math

import pandas as pd

from jjj_book import metrics, series
from jjj_book.claims import CannotCheck, Reproduction, register
from jjj_book.data import DataPackage

CHAPTER = "01_status"
STRATEGY_YEAR = 2014
REPORT_YEAR = 2021
NAMES = {"CN-BJ": "北京", "CN-TJ": "天津", "CN-HE": "河北"}

# 亿元 → 万亿元
TRILLION_PER_100M = 1e-4


def _total_gdp(pkg: DataPackage, vintage: str, year: int) -> float:
    total = series.regional_total(pkg, "gdp", vintage)
    if year not in total.index:
        raise CannotCheck(f"{pkg.vintage_name(vintage)}中缺少{year}年三地中至少一地的地区生产总值")
    return float(total.loc[year])


def _gdp_total_claim(pkg, vintage, year):
    value = _total_gdp(pkg, vintage, year) * TRILLION_PER_100M
    return Reproduction(value, f"三地之和（{pkg.vintage_name(vintage)}）")


# The report's two ends: 2011 in the revision current when it was written, 2021 as first published.
for _year, _reported, _vintage, _param in [(2011, 4.4, "census4", "gdp_vintage"),
                                           (2021, 9.6, "communique", "release_vintage")]:
    register(id=f"status.gdp_{_year}", chapter=CHAPTER, section="gdp-total",
             statement=f"{_year}年京津冀三地地区生产总值合计约{_reported}万亿元。",
             reported=_reported, unit="万亿元", tolerance=0.05, vintage=_vintage, vintage_param=_param,
             )(lambda pkg, vintage, year=_year: _gdp_total_claim(pkg, vintage, year))


@register(id="status.gdp_increase_2011_2021", chapter=CHAPTER, section="gdp-total",
          statement="2011—2021年京津冀地区生产总值合计增加约5.2万亿元。",
          reported=5.2, unit="万亿元", tolerance=0.05, vintage="census4", vintage_param="gdp_vintage")
def gdp_increase(pkg, vintage):
    # Both ends from one vintage: the report's 9.6 − 4.4 mixes releases.
    value = (_total_gdp(pkg, vintage, 2021) - _total_gdp(pkg, vintage, 2011)) * TRILLION_PER_100M
    return Reproduction(value, f"两端均取{pkg.vintage_name(vintage)}")


def _hebei_fastest(pkg: DataPackage, vintage: str, year: int, period: str) -> Reproduction:
    rows = pkg.series("gdp_real_growth", vintage, period, series.PROVINCES)
    rates = dict(zip(rows.loc[rows["year"] == year, "region"], rows.loc[rows["year"] == year, "value"]))
    missing = [NAMES[r] for r in series.PROVINCES if r not in rates]
    if missing:
        label = "1—3季度" if period == "Q1-Q3" else "全年"
        raise CannotCheck(f"{year}年{label}实际增速缺少：{'、'.join(missing)}（{pkg.vintage_name(vintage)}）")
    others = max(rates["CN-BJ"], rates["CN-TJ"])
    fastest = rates["CN-HE"] > others
    note = "；".join(f"{NAMES[r]} {rates[r]:.1f}%" for r in series.PROVINCES)
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
    )(lambda pkg, vintage, y=_year, p=_period: _hebei_fastest(pkg, vintage, y, p))


def gap_direction(high: pd.Series, low: pd.Series, what: str,
                  start: int = STRATEGY_YEAR, end: int = REPORT_YEAR) -> Reproduction:
    """Direction of the gap high − low in units (yuan) between two years; the note gives the ratio too."""
    for year in (start, end):
        if year not in high.index or year not in low.index or any(
                math.isnan(v) for v in (high.get(year, math.nan), low.get(year, math.nan))):
            raise CannotCheck(f"{what}缺少{year}年数据")
    gap = metrics.absolute_gap(high, low)
    ratio = metrics.relative_gap(high, low)
    delta = metrics.change(gap, start, end)
    note = (f"{what}差距：{start}年 {gap[start]:,.0f} 元 → {end}年 "
            f"{gap[end]:,.0f} 元；比值 {ratio[start]:.2f} → {ratio[end]:.2f}")
    return Reproduction(metrics.direction(delta), note)


def pcgdp_gap(pkg: DataPackage, vintage: str, other: str, end: int = REPORT_YEAR) -> Reproduction:
    """Direction of the per-capita GDP gap between ``other`` and Hebei, strategy year → ``end``."""
    pc = series.gdp_per_capita(pkg, vintage)
    if other not in pc or "CN-HE" not in pc:
        raise CannotCheck(f"人均地区生产总值无法计算（{pkg.vintage_name(vintage)}缺少地区生产总值或常住人口）")
    return gap_direction(pc[other], pc["CN-HE"], f"{NAMES[other]}与河北人均地区生产总值", end=end)


hebei_fastest = _hebei_fastest  # public name for re-evaluation in later years (chapter 08_since)


for _other in ("CN-BJ", "CN-TJ"):
    def _pc_check(pkg, vintage, other=_other):
        return pcgdp_gap(pkg, vintage, other)

    register(
        id=f"status.pcgdp_gap_{_other[-2:].lower()}_he",
        chapter=CHAPTER, section="per-capita-gap",
        statement=f"协同发展战略实施以来（{STRATEGY_YEAR}—{REPORT_YEAR}年），河北与{NAMES[_other]}的人均地区生产总值差距在扩大（以元计）。",
        reported="widened", unit="方向", vintage="census4", vintage_param="gdp_vintage",
    )(_pc_check)


for _region in series.PROVINCES:
    def _ur_check(pkg, vintage, region=_region):
        urban = pkg.wide("urban_disposable_income", vintage, "annual", [region])
        rural = pkg.wide("rural_disposable_income", vintage, "annual", [region])
        if region not in urban or region not in rural:
            raise CannotCheck(f"{NAMES[region]}城镇或农村居民人均可支配收入不在数据包中（{pkg.vintage_name(vintage)}）")
        return gap_direction(urban[region], rural[region], f"{NAMES[region]}城乡居民人均可支配收入")

    register(
        id=f"status.urban_rural_gap_{_region[-2:].lower()}",
        chapter=CHAPTER, section="urban-rural",
        statement=f"{NAMES[_region]}城镇与农村居民人均可支配收入的差距在扩大（{STRATEGY_YEAR}—{REPORT_YEAR}年，以元计）。",
        reported="widened", unit="方向", vintage="survey", vintage_param="income_vintage",
    )(_ur_check)
