"""Claims of the report's section on the region's problems (chapter 02_problems).

Four groups, in the report's order: the imbalance between and within the three
(the report says it has eased but the economic gap has not narrowed), the
public-service gap (the shared-development index, health personnel, pension
participants), industrial restructuring (Hebei's capacity cuts in six
industries) and culture (2021 culture-industry revenue of Hebei and Beijing).

Where the report states a direction ("has not narrowed"), the book turns it into
a test on named measures over the strategy period (2014 → 2021) and says so in
the statement. A figure the report copies from a publication is looked up
(basis "published"); a figure the book can rebuild from components is recomputed.
Only claims live here; the chapter's tables are in :mod:`jjj_book.chapters.problems`.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import indexes, series
from jjj_book.claims.registry import CannotCheck, Reproduction, register
from jjj_book.data import DataPackage
from jjj_book.vocab import MEASURES, PROVINCES, REGION_SHORT, REPORT_YEAR, STRATEGY_YEAR

CHAPTER = "02_problems"

# The six industries of Hebei's capacity cuts and the indicators that would show a cut in each.
SIX_INDUSTRIES = {
    "钢铁": ["capacity_cut_steelmaking", "capacity_cut_ironmaking"],
    "煤炭": ["capacity_cut_coal"],
    "焦化": ["capacity_cut_coke"],
    "水泥": ["capacity_cut_cement"],
    "平板玻璃": ["capacity_cut_flat_glass"],
    "火电": ["capacity_cut_thermal_power"],
}


def _row(pkg: DataPackage, indicator: str, region: str, year: int, vintage: str, needs: str = "") -> pd.DataFrame:
    rows = pkg.series(indicator, vintage, "annual", [region])
    hit = rows.loc[rows["year"] == year]
    if hit.empty:
        name = pkg.indicator_info(indicator)["name_zh"]
        raise CannotCheck(needs or f"需要{REGION_SHORT[region]}{year}年{name}（{pkg.vintage_name(vintage)}）")
    return hit


def _value(pkg: DataPackage, indicator: str, region: str, year: int, vintage: str, needs: str = "") -> float:
    return float(_row(pkg, indicator, region, year, vintage, needs)["value"].iloc[0])


def _printed(pkg: DataPackage, indicator: str, region: str, year: int, vintage: str, needs: str = "") -> Reproduction:
    """A figure the report copies from a publication: the check is that the publication prints it."""
    hit = _row(pkg, indicator, region, year, vintage, needs)
    return Reproduction(float(hit["value"].iloc[0]), f"见{pkg.citation(hit)}", basis="published")


# --------------------------------------------------------------------------- between the three

def dispersion_not_narrowed(pkg: DataPackage, vintage: str, measure: str, end: int = REPORT_YEAR) -> Reproduction:
    """True when the dispersion of GDP per capita in ``end`` is not below the strategy year's."""
    table = series.per_capita_gdp_dispersion(pkg, vintage)
    missing = [y for y in (STRATEGY_YEAR, end) if y not in table.index]
    if missing:
        raise CannotCheck(f"需要{pkg.vintage_name(vintage)}的{'、'.join(map(str, missing))}年"
                          "三地地区生产总值和年末常住人口")
    first, last = table.loc[STRATEGY_YEAR, measure], table.loc[end, measure]
    fmt = "{:.3f}" if measure != "max_min" else "{:.2f}"
    note = f"{MEASURES[measure]}：{STRATEGY_YEAR}年{fmt.format(first)} → {end}年{fmt.format(last)}"
    return Reproduction(bool(last >= first), note)


for _measure, _label in MEASURES.items():
    register(
        id=f"problems.gap_not_narrowed_{_measure}", chapter=CHAPTER, section="problems-between",
        statement=f"三地之间的经济差距没有缩小：三地人均地区生产总值的{_label}，"
                  f"{REPORT_YEAR}年不低于{STRATEGY_YEAR}年（本书对报告判断的检验）。",
        reported=True, unit="是/否", vintage="census4", vintage_param="gdp_vintage",
    )(lambda pkg, vintage, m=_measure: dispersion_not_narrowed(pkg, vintage, m))


# --------------------------------------------------------------------------- inside each

def urban_rural_ratio(pkg: DataPackage, vintage: str, region: str, year: int) -> Reproduction:
    """Recomputed from urban and rural income when both are present, else the published ratio."""
    table = series.urban_rural(pkg, vintage, [region])
    row = table.loc[table["year"] == year]
    if not row.empty:
        rec = row.iloc[0]
        return Reproduction(float(rec["ratio"]), f"{rec['urban']:,.0f}元 ÷ {rec['rural']:,.0f}元")
    needs = (f"需要{REGION_SHORT[region]}{year}年统计公报中的城镇和农村居民人均可支配收入，"
             "或印出城乡收入比的官方发布")
    return _printed(pkg, "urban_rural_income_ratio", region, year, vintage, needs)


# The joint index release printed these ratios (the report relies on that release).
for _region, _pair in {"CN-BJ": (2.51, 2.45), "CN-TJ": (1.86, 1.84), "CN-HE": (2.26, 2.19)}.items():
    for _year, _reported in zip((2020, 2021), _pair):
        register(
            id=f"problems.urban_rural_ratio_{_region[-2:].lower()}_{_year}", chapter=CHAPTER,
            section="problems-within",
            statement=f"{_year}年{REGION_SHORT[_region]}城乡居民人均可支配收入之比为{_reported:.2f}。",
            reported=_reported, unit="倍", tolerance=0.005, vintage="survey", vintage_param="income_vintage",
        )(lambda pkg, vintage, r=_region, y=_year: urban_rural_ratio(pkg, vintage, r, y))


# --------------------------------------------------------------------------- public services

def _index_needs(pkg: DataPackage, release: str, what: str) -> str:
    return f"需要{pkg.vintage_name(release)}的京津冀区域发展指数发布稿中{what}"


def index_change(pkg: DataPackage, indicator: str, release: str, year: int) -> Reproduction:
    """The change on the previous year inside one index release (the one shared rule,
    :func:`jjj_book.indexes.change_within_release`): the change the release printed (looked up),
    else the difference of two years of that same release (recomputed); never across releases."""
    try:
        found = indexes.change_within_release(pkg, indicator, release, year)
    except indexes.NotInRelease:
        name = pkg.indicator_info(indicator)["name_zh"].split("·")[-1]
        raise CannotCheck(_index_needs(pkg, release, f"{year - 1}年和{year}年的{name}")) from None
    if found.basis == "published":
        note = f"发布稿印出的比上年变化（{pkg.vintage_name(release)}）"
    else:
        note = f"同一批发布内{year - 1}年{found.previous:.1f} → {year}年{found.level:.1f}（{pkg.vintage_name(release)}）"
    return Reproduction(float(found.delta), note, basis=found.basis)


@register(id="problems.shared_index_2021", chapter=CHAPTER, section="problems-public-services",
          statement="2021年京津冀区域共享发展指数为127.6。", reported=127.6, unit="指数（2014=100）",
          tolerance=0.05, vintage="idx2021d", vintage_param="index_release")
def shared_index_2021(pkg, release):
    return _printed(pkg, "jjj_index_shared", "JJJ", REPORT_YEAR, release,
                    _index_needs(pkg, release, f"{REPORT_YEAR}年的共享发展指数"))


@register(id="problems.shared_index_change_2021", chapter=CHAPTER, section="problems-public-services",
          statement="2021年京津冀区域共享发展指数比上年提高1.8点。", reported=1.8, unit="点",
          tolerance=0.05, vintage="idx2021d", vintage_param="index_release")
def shared_index_change_2021(pkg, release):
    return index_change(pkg, "jjj_index_shared", release, REPORT_YEAR)


def _health_per_1000(pkg: DataPackage, vintage: str, years: tuple[int, ...]) -> pd.Series:
    values = series.per_1000(pkg, "health_tech_personnel", vintage, "census7")
    for year in years:
        if year not in values.index:
            lacking = [REGION_SHORT[r] for r in series.missing_regions(pkg, "health_tech_personnel", vintage, year)]
            raise CannotCheck(f"需要{'、'.join(lacking) or '三地'}{year}年统计公报中的卫生技术人员数")
    return values


@register(id="problems.health_per_1000_2021", chapter=CHAPTER, section="problems-public-services",
          statement="2021年京津冀每千名常住人口拥有卫生技术人员约9人。", reported=9.0, unit="人/千人",
          tolerance=0.5, vintage="published", vintage_param="published_vintage")
def health_per_1000_2021(pkg, vintage):
    values = _health_per_1000(pkg, vintage, (REPORT_YEAR,))
    return Reproduction(float(values.loc[REPORT_YEAR]), "三地卫生技术人员之和 ÷ 三地年末常住人口（七普修订）× 1000")


@register(id="problems.health_per_1000_growth_2021", chapter=CHAPTER, section="problems-public-services",
          statement="2021年京津冀每千名常住人口卫生技术人员比上年增长9.6%。", reported=9.6, unit="%",
          tolerance=0.05, vintage="published", vintage_param="published_vintage")
def health_per_1000_growth_2021(pkg, vintage):
    values = _health_per_1000(pkg, vintage, (REPORT_YEAR, REPORT_YEAR - 1))
    rate = (values.loc[REPORT_YEAR] / values.loc[REPORT_YEAR - 1] - 1) * 100
    return Reproduction(float(rate), f"{values.loc[REPORT_YEAR - 1]:.2f} → {values.loc[REPORT_YEAR]:.2f}人/千人")


PENSION_SCHEMES = ("pension_employees", "pension_residents")


def _pension_total(pkg: DataPackage, vintage: str, years: tuple[int, ...]) -> pd.Series:
    parts = [series.regional_total(pkg, ind, vintage) for ind in PENSION_SCHEMES]
    total = pd.concat(parts, axis=1).dropna().sum(axis=1)
    for year in years:
        if year not in total.index:
            lacking = {REGION_SHORT[r] for ind in PENSION_SCHEMES for r in series.missing_regions(pkg, ind, vintage, year)}
            schemes = "、".join(pkg.indicator_info(ind)["name_zh"] for ind in PENSION_SCHEMES
                               if series.missing_regions(pkg, ind, vintage, year))
            who = "、".join(REGION_SHORT[r] for r in PROVINCES if REGION_SHORT[r] in lacking)
            raise CannotCheck(f"需要{who}{year}年统计公报中的{schemes}")
    return total


@register(id="problems.pension_2021", chapter=CHAPTER, section="problems-public-services",
          statement="2021年京津冀城乡基本养老保险参保人数达8,211万人。", reported=8211.0, unit="万人",
          tolerance=0.5, vintage="published", vintage_param="published_vintage")
def pension_2021(pkg, vintage):
    total = _pension_total(pkg, vintage, (REPORT_YEAR,))
    return Reproduction(float(total.loc[REPORT_YEAR]), "三地城镇职工与城乡居民基本养老保险参保人数之和")


@register(id="problems.pension_change_2021", chapter=CHAPTER, section="problems-public-services",
          statement="2021年京津冀城乡基本养老保险参保人数比上年增加48万人。", reported=48.0, unit="万人",
          tolerance=0.5, vintage="published", vintage_param="published_vintage")
def pension_change_2021(pkg, vintage):
    total = _pension_total(pkg, vintage, (REPORT_YEAR, REPORT_YEAR - 1))
    return Reproduction(float(total.loc[REPORT_YEAR] - total.loc[REPORT_YEAR - 1]), "两年之和的差")


# --------------------------------------------------------------------------- industry

@register(id="problems.six_industries", chapter=CHAPTER, section="problems-industry",
          statement="河北把去产能从国家要求的钢铁、煤炭两个行业扩大到钢铁、煤炭、焦化、水泥、平板玻璃、火电六个行业。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def six_industries(pkg, vintage):
    known = set(pkg.indicators["id"])
    found, missing = [], []
    for industry, indicators in SIX_INDUSTRIES.items():
        rows = [pkg.series(i, vintage, "annual", ["CN-HE"]) for i in indicators if i in known]
        (found if any(not r.empty for r in rows) else missing).append(industry)
    if missing:
        raise CannotCheck(f"需要河北官方公布的{'、'.join(missing)}去产能完成数"
                          f"（已找到{len(found)}个行业：{'、'.join(found)}）")
    return Reproduction(True, "六个行业都有官方公布的去产能完成数", basis="published")


# --------------------------------------------------------------------------- culture

def _culture(id: str, statement: str, indicator: str, region: str, reported: float, unit: str,
             tolerance: float, vintage: str = "published", param: str = "published_vintage", year: int = REPORT_YEAR):
    needs = (f"需要{REGION_SHORT[region]}统计部门发布的{year}年{{name}}" if region == "CN-HE"
             else f"需要北京文化产业发展白皮书中{year}年的{{name}}")

    def check(pkg, v):
        return _printed(pkg, indicator, region, year, v, needs.format(name=pkg.indicator_info(indicator)["name_zh"]))

    register(id=id, chapter=CHAPTER, section="problems-culture", statement=statement, reported=reported, unit=unit,
             tolerance=tolerance, vintage=vintage, vintage_param=param)(check)


_culture("problems.hebei_culture_firms_2021", "2021年河北规模以上文化及相关产业企业1,324家。",
         "culture_firms", "CN-HE", 1324.0, "家", 0.0)
_culture("problems.hebei_culture_revenue_2021", "2021年河北规模以上文化及相关产业企业营业收入968.3亿元。",
         "culture_revenue", "CN-HE", 968.3, "亿元", 0.05)
_culture("problems.hebei_culture_growth_2021", "2021年河北规模以上文化企业营业收入比上年增长19.0%。",
         "culture_revenue_growth", "CN-HE", 19.0, "%", 0.05)
_culture("problems.beijing_culture_revenue_2021", "2021年北京规模以上文化产业收入合计17,563.8亿元。",
         "culture_revenue", "CN-BJ", 17563.8, "亿元", 0.05)
_culture("problems.beijing_culture_growth_2021", "2021年北京规模以上文化产业收入比上年增长17.5%。",
         "culture_revenue_growth", "CN-BJ", 17.5, "%", 0.05)
_culture("problems.beijing_culture_growth_2yr_2021", "北京文化产业收入2020—2021年两年平均增长8.9%。",
         "culture_revenue_growth_2yr", "CN-BJ", 8.9, "%", 0.05)
_culture("problems.beijing_culture_growth_2019", "北京文化产业收入2019年（疫情前）增长8.2%。",
         "culture_revenue_growth", "CN-BJ", 8.2, "%", 0.05, vintage="restated", param="culture_2019_vintage",
         year=2019)


@register(id="problems.hebei_culture_above_national_2021", chapter=CHAPTER, section="problems-culture",
          statement="2021年河北规模以上文化企业营业收入增速比全国高3.0个百分点。", reported=3.0, unit="百分点",
          tolerance=0.05, vintage="published", vintage_param="published_vintage")
def hebei_culture_above_national(pkg, vintage):
    needs = f"需要河北统计部门发布的{REPORT_YEAR}年规模以上文化企业营业收入增速"
    hebei = _value(pkg, "culture_revenue_growth", "CN-HE", REPORT_YEAR, vintage, needs)
    china = _value(pkg, "culture_revenue_growth", "CN", REPORT_YEAR, vintage)
    return Reproduction(hebei - china, f"河北{hebei:.1f}% − 全国{china:.1f}%")
