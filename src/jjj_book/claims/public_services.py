"""Claims of chapter 04_public_services (公共服务与共同富裕).

The report's section on public services and common prosperity makes
recommendations (balance education and health resources, support Hebei's
hospitals, co-ordinate pensions up to a Jing-Jin-Ji pooling with unified
employer contribution rates and contribution-base floors) but prints no numbers
of its own; the public-service figures it cites elsewhere (shared-development
index, health personnel per 1,000, pension participants) are checked in chapter
02_problems and not registered again here.

What is registered are the factual premises the recommendations rest on that
the data can test, each a premise (statement prefixed with
:data:`~jjj_book.claims.PREMISE_PREFIX`) with a yes/no value: income gaps
between the three eased, Beijing–Hebei is closer as a ratio but farther apart
in yuan, the urban–rural ratios fell while the yuan gap grew, Hebei trails
Beijing and Tianjin in health personnel, Tianjin is above the national level,
and the three provinces' pension rules differ.

Basis: dispersion, gaps and per-1,000 figures are recomputed from their
components; the urban–rural ratio is recomputed from urban and rural income
where both are in the package, else the ratio the statistics bureaus printed is
used (basis ``published``); pension rules are looked up as published.

Only the claims and the computations their checks need (income table,
dispersion, pair gaps, per-1,000) live here; the chapter's tables are in
:mod:`jjj_book.chapters.public_services`.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import metrics, series
from jjj_book.claims.registry import PREMISE_PREFIX, CannotCheck, Reproduction, register
from jjj_book.data import DataPackage
from jjj_book.vocab import MEASURES, PROVINCES, REGION_SHORT, STRATEGY_YEAR

CHAPTER = "04_public_services"
HEALTH_YEAR = 2020             # the latest year with Tianjin's health communiqué in the package
POPULATION_VINTAGE = "census7"  # the per-capita and per-1,000 denominators
PAIRS = [("CN-BJ", "CN-HE"), ("CN-TJ", "CN-HE"), ("CN-BJ", "CN-TJ")]
# Indicators a pension-rule check would need (not yet defined in the data package).
PENSION_RULES = {"pension_employer_rate": "城镇职工基本养老保险单位缴费比例",
                 "pension_base_floor": "城镇职工基本养老保险缴费基数下限"}
NAMES = REGION_SHORT


# --------------------------------------------------------------------------- computations the checks use

def income_table(pkg: DataPackage, vintage: str, start: int = STRATEGY_YEAR, end: int | None = None) -> pd.DataFrame:
    """All-resident disposable income of the three, years from ``start`` where all three are present."""
    table = pkg.wide("disposable_income_all", vintage, regions=PROVINCES)
    if table.shape[1] < len(PROVINCES):
        return pd.DataFrame(columns=PROVINCES, dtype=float)
    table = table.dropna()
    table = table.loc[table.index >= start]
    return table if end is None else table.loc[table.index <= end]


def income_dispersion(pkg: DataPackage, vintage: str, population_vintage: str = POPULATION_VINTAGE,
                      start: int = STRATEGY_YEAR, end: int | None = None) -> pd.DataFrame:
    """CV, max/min and population-weighted Theil of income across the three, per complete year."""
    income = income_table(pkg, vintage, start, end)
    pop = series.average_population(pkg, population_vintage)
    if income.empty or pop.empty:
        return pd.DataFrame(columns=list(MEASURES), dtype=float)
    return metrics.dispersion(income, pop)


def pair_gaps(income: pd.DataFrame, pairs=PAIRS) -> dict[str, pd.DataFrame]:
    """For each pair (high, low): the gap in yuan and the ratio, per year; keys 'yuan' and 'ratio'."""
    yuan = pd.DataFrame({f"{a}/{b}": metrics.absolute_gap(income[a], income[b]) for a, b in pairs})
    ratio = pd.DataFrame({f"{a}/{b}": metrics.relative_gap(income[a], income[b]) for a, b in pairs})
    return {"yuan": yuan, "ratio": ratio}


def per_1000_of(pkg: DataPackage, indicator: str, vintage: str, region: str,
                population_vintage: str = POPULATION_VINTAGE) -> pd.Series:
    """A head count (万人 or 万张) of one region per 1,000 year-end residents; empty without population."""
    return series.per_1000(pkg, indicator, vintage, population_vintage, regions=[region])


# --------------------------------------------------------------------------- between the three

def _first_last(table: pd.DataFrame) -> tuple[int, int]:
    if len(table.index) < 2:
        raise CannotCheck(f"需要{STRATEGY_YEAR}年以来至少两个三地齐全年份的全体居民人均可支配收入"
                          "（各省统计年鉴“居民收入”表）")
    return int(table.index.min()), int(table.index.max())


def _dispersion_narrowed(pkg: DataPackage, vintage: str, measure: str) -> Reproduction:
    table = income_dispersion(pkg, vintage)
    a, b = _first_last(table)
    fmt = "{:.2f}" if measure == "max_min" else "{:.4f}"
    start, end = table.loc[a, measure], table.loc[b, measure]
    weights = f"（人口权重：{pkg.vintage_name(POPULATION_VINTAGE)}年平均人口）" if measure == "theil" else ""
    return Reproduction(bool(end < start), f"{MEASURES[measure]}：{a}年{fmt.format(start)} → {b}年{fmt.format(end)}{weights}")


for _measure, _label in MEASURES.items():
    register(
        id=f"public_services.income_gap_eased_{_measure}", chapter=CHAPTER, section="public-income-between",
        statement=f"{PREMISE_PREFIX}三地之间的不平衡“有所缓解”——三地全体居民人均可支配收入的{_label}，"
                  f"数据包中{STRATEGY_YEAR}年以来三地齐全的最新一年低于最早一年。",
        reported=True, unit="是/否", vintage="survey", vintage_param="income_vintage",
    )(lambda pkg, vintage, m=_measure: _dispersion_narrowed(pkg, vintage, m))


@register(id="public_services.bj_he_ratio_down_yuan_up", chapter=CHAPTER, section="public-income-between",
          statement=f"{PREMISE_PREFIX}离“均衡共富”还远——北京与河北全体居民人均可支配收入之比在缩小，"
                    f"以元计的差距却仍在扩大（数据包中{STRATEGY_YEAR}年以来两地齐全的最早与最新一年）。",
          reported=True, unit="是/否", vintage="survey", vintage_param="income_vintage")
def bj_he_ratio_down_yuan_up(pkg, vintage):
    income = income_table(pkg, vintage)
    a, b = _first_last(income)
    gaps = pair_gaps(income, [("CN-BJ", "CN-HE")])
    ratio, yuan = gaps["ratio"]["CN-BJ/CN-HE"], gaps["yuan"]["CN-BJ/CN-HE"]
    ok = bool(ratio.loc[b] < ratio.loc[a] and yuan.loc[b] > yuan.loc[a])
    return Reproduction(ok, f"比值{a}年{ratio.loc[a]:.2f} → {b}年{ratio.loc[b]:.2f}；"
                            f"差额{yuan.loc[a]:,.0f}元 → {yuan.loc[b]:,.0f}元")


# --------------------------------------------------------------------------- within each

def urban_rural_ratios(pkg: DataPackage, vintage: str, years: tuple[int, ...]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The urban–rural income ratio of each province in ``years``: recomputed from urban and rural income
    where both are present in every one of the years, else as the statistics bureau printed it.

    Returns (years × provinces table, basis per province: "recomputed" or "published").
    """
    computed = series.urban_rural(pkg, vintage, PROVINCES).pivot(index="year", columns="region", values="ratio")
    printed = pkg.wide("urban_rural_income_ratio", vintage, regions=PROVINCES)
    table, basis = pd.DataFrame(index=list(years), columns=PROVINCES, dtype=float), {}
    for r in PROVINCES:
        if r in computed and all(y in computed.index and pd.notna(computed.loc[y, r]) for y in years):
            table[r], basis[r] = computed.loc[list(years), r].values, "recomputed"
        elif r in printed:
            table[r], basis[r] = printed[r].reindex(list(years)).values, "published"
    return table, basis


@register(id="public_services.urban_rural_ratio_fell_2021", chapter=CHAPTER, section="public-income-within",
          statement=f"{PREMISE_PREFIX}三地内部的城乡不平衡也“有所缓解”——城乡居民收入比，"
                    "北京、天津、河北2021年都低于2020年。",
          reported=True, unit="是/否", vintage="survey", vintage_param="income_vintage")
def urban_rural_ratio_fell_2021(pkg, vintage):
    table, basis = urban_rural_ratios(pkg, vintage, (2020, 2021))
    lacking = [NAMES[r] for r in PROVINCES if table[r].isna().any()]
    if lacking:
        raise CannotCheck(f"需要{'、'.join(lacking)}2020和2021年的城乡居民收入比（区域发展指数发布稿或各省统计公报），"
                          "或同年的城镇、农村居民人均可支配收入")
    fell = all(table.loc[2021, r] < table.loc[2020, r] for r in PROVINCES)
    note = "；".join(f"{NAMES[r]}{table.loc[2020, r]:.2f} → {table.loc[2021, r]:.2f}"
                    f"（{'本书由城乡收入计算' if basis[r] == 'recomputed' else '统计部门公布'}）" for r in PROVINCES)
    which = "recomputed" if all(b == "recomputed" for b in basis.values()) else "published"
    return Reproduction(bool(fell), note, basis=which)


@register(id="public_services.bj_urban_rural_yuan_gap_widened", chapter=CHAPTER, section="public-income-within",
          statement=f"{PREMISE_PREFIX}三地城乡居民收入的差距在扩大——以元计，北京城镇与农村居民人均可支配收入之差，"
                    "数据包中两项齐全的最新一年大于最早一年（天津、河北两项同年齐全的年份太少，无法检验）。",
          reported=True, unit="是/否", vintage="survey", vintage_param="income_vintage")
def bj_urban_rural_yuan_gap_widened(pkg, vintage):
    table = series.urban_rural(pkg, vintage, ["CN-BJ"]).set_index("year").sort_index()
    if len(table) < 2:
        raise CannotCheck("需要北京至少两个年份的城镇和农村居民人均可支配收入（《北京统计年鉴》“居民收入”表）")
    a, b = int(table.index.min()), int(table.index.max())
    gap, ratio = table["gap"], table["ratio"]
    return Reproduction(bool(gap.loc[b] > gap.loc[a]),
                        f"差额{a}年{gap.loc[a]:,.0f}元 → {b}年{gap.loc[b]:,.0f}元；"
                        f"同期比值{ratio.loc[a]:.2f} → {ratio.loc[b]:.2f}")


# --------------------------------------------------------------------------- health

def _per_1000_in(pkg: DataPackage, vintage: str, region: str, year: int) -> float:
    values = per_1000_of(pkg, "health_tech_personnel", vintage, region)
    if year not in values.index:
        have = pkg.wide("health_tech_personnel", vintage, regions=[region])
        pop = pkg.wide("population_yearend", POPULATION_VINTAGE, regions=[region])
        lacking = []
        if region not in have or year not in have.index:
            lacking.append("卫生技术人员（卫生健康统计公报）")
        if region not in pop or year not in pop.index:
            lacking.append("年末常住人口（统计年鉴）")
        raise CannotCheck(f"{NAMES[region]}{year}年{'和'.join(lacking)}")
    return float(values.loc[year])


@register(id="public_services.hebei_health_below_2020", chapter=CHAPTER, section="public-health",
          statement=f"{PREMISE_PREFIX}医疗资源要向河北倾斜——{HEALTH_YEAR}年河北每千名常住人口卫生技术人员少于北京和天津"
                    "（本书由卫生技术人员÷年末常住人口计算）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def hebei_health_below(pkg, vintage):
    lacking, values = [], {}
    for region in PROVINCES:
        try:
            values[region] = _per_1000_in(pkg, vintage, region, HEALTH_YEAR)
        except CannotCheck as why:
            lacking.append(str(why))
    if lacking:
        raise CannotCheck("需要" + "；".join(lacking))
    below = values["CN-HE"] < min(values["CN-BJ"], values["CN-TJ"])
    return Reproduction(bool(below), "，".join(f"{NAMES[r]}{v:.1f}" for r, v in values.items()) + "人/千人")


@register(id="public_services.tianjin_health_above_national_2020", chapter=CHAPTER, section="public-health",
          statement=f"{PREMISE_PREFIX}京津的医疗资源有余力支持河北——{HEALTH_YEAR}年天津每千名常住人口卫生技术人员高于全国"
                    "（两者都由卫生技术人员÷年末常住人口计算）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def tianjin_health_above_national(pkg, vintage):
    try:
        tianjin = _per_1000_in(pkg, vintage, "CN-TJ", HEALTH_YEAR)
        national = _per_1000_in(pkg, vintage, "CN", HEALTH_YEAR)
    except CannotCheck as why:
        raise CannotCheck(f"需要{why}") from None
    return Reproduction(bool(tianjin > national), f"天津{tianjin:.1f}，全国{national:.1f}人/千人")


# --------------------------------------------------------------------------- pensions

@register(id="public_services.pension_rules_differ", chapter=CHAPTER, section="public-pension",
          statement=f"{PREMISE_PREFIX}三地养老保险规则尚未统一——北京、天津、河北城镇职工基本养老保险的单位缴费比例"
                    "或缴费基数下限，在三地齐全的最新一年并不相同。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def pension_rules_differ(pkg, vintage):
    known = set(pkg.indicators["id"])
    undefined = [name for ind, name in PENSION_RULES.items() if ind not in known]
    if undefined:
        raise CannotCheck(f"需要三地人力资源和社会保障部门公布的{'、'.join(undefined)}（政策文件，尚未收录）")
    found = []
    for ind, name in PENSION_RULES.items():
        table = pkg.wide(ind, vintage, regions=PROVINCES).dropna()
        if table.shape[1] == len(PROVINCES) and not table.empty:
            year = int(table.index.max())
            row = table.loc[year]
            found.append((name, year, row.nunique() > 1, "，".join(f"{NAMES[r]}{row[r]:,.4g}" for r in PROVINCES)))
    if not found:
        raise CannotCheck(f"需要三地同一年份的{'或'.join(PENSION_RULES.values())}（三地人力资源和社会保障部门的政策文件）")
    return Reproduction(bool(any(differ for _, _, differ, _ in found)),
                        "；".join(f"{name}{year}年：{shown}" for name, year, _, shown in found), basis="published")
