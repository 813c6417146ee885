"""Claims of chapter 04_public_services (公共服务与共同富裕).

The report's section on public services and common prosperity makes
recommendations (balance education and health resources, support Hebei's
hospitals, co-ordinate pensions up to a Jing-Jin-Ji pooling with unified
employer contribution rates and contribution-base floors) but prints no numbers
of its own; the public-service figures it cites elsewhere (shared-development
index, health personnel per 1,000, pension participants) are checked in chapter
02_problems and not registered again here.

What is registered are the factual premises the recommendations rest on that
the data can test, each phrased "报告的前提（本书转述）：…" with a yes/no value:
income gaps between the three eased, Beijing–Hebei is closer as a ratio but
farther apart in yuan, the urban–rural ratios fell while the yuan gap grew,
Hebei trails Beijing and Tianjin in health personnel, Tianjin is above the
national level, and the three provinces' pension rules differ.

The module also holds the chapter's helpers (pair gaps, per-1,000 figures for
one region, the recommendation table's "latest value and trend").
"""

from __future__ import annotations

import pandas as pd

from jjj_book import metrics, series
from jjj_book.claims import CannotCheck, Reproduction, register
from jjj_book.data import DataPackage

CHAPTER = "04_public_services"
STRATEGY_YEAR = 2014           # comparisons start no earlier than the strategy's launch
HEALTH_YEAR = 2020             # the latest year with Tianjin's health communiqué in the package
POPULATION_VINTAGE = "census7"  # the per-capita and per-1,000 denominators
PREMISE = "报告的前提（本书转述）："
MEASURES = {"cv": "变异系数", "max_min": "最高与最低之比", "theil": "人口加权泰尔指数"}
PAIRS = [("CN-BJ", "CN-HE"), ("CN-TJ", "CN-HE"), ("CN-BJ", "CN-TJ")]
# Indicators a pension-rule check would need (not yet defined in the data package).
PENSION_RULES = {"pension_employer_rate": "城镇职工基本养老保险单位缴费比例",
                 "pension_base_floor": "城镇职工基本养老保险缴费基数下限"}


def _names(pkg: DataPackage) -> dict[str, str]:
    return dict(zip(pkg.regions["code"], pkg.regions["name_zh"]))


# --------------------------------------------------------------------------- helpers used by the chapter

def income_table(pkg: DataPackage, vintage: str, start: int = STRATEGY_YEAR, end: int | None = None) -> pd.DataFrame:
    """All-resident disposable income of the three, years from ``start`` where all three are present."""
    table = pkg.wide("disposable_income_all", vintage, regions=series.PROVINCES)
    if table.shape[1] < len(series.PROVINCES):
        return pd.DataFrame(columns=series.PROVINCES, dtype=float)
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


def latest_and_trend(values: pd.Series, fmt: str = "{:.2f}", up: str = "上升", down: str = "下降",
                     flat: str = "基本持平") -> tuple[int, str, str] | None:
    """(latest year, latest value shown, trend from the first to the latest year) or None when empty.

    The trend compares the values as shown (rounded by ``fmt``), so a change too small to print
    reads as flat.
    """
    values = values.dropna()
    if values.empty:
        return None
    first, last = values.index.min(), values.index.max()
    shown = fmt.format(values.loc[last])
    if first == last:
        return int(last), shown, "—（只有一年）"
    a, b = (float(fmt.format(values.loc[y]).replace(",", "")) for y in (first, last))
    word = up if b > a else down if b < a else flat
    return int(last), shown, f"{first}—{last} 年{word}（{fmt.format(values.loc[first])} → {shown}）"


def missing_years(pkg: DataPackage, indicator: str, vintage: str, regions: list[str],
                  start: int, end: int) -> dict[str, list[int]]:
    """Years in [start, end] for which each region has no value of the indicator (one vintage)."""
    table = pkg.wide(indicator, vintage, regions=regions) if indicator in set(pkg.indicators["id"]) else pd.DataFrame()
    out = {}
    for r in regions:
        have = set(table.index[table[r].notna()]) if r in table else set()
        lacking = [y for y in range(start, end + 1) if y not in have]
        if lacking:
            out[r] = lacking
    return out


# --------------------------------------------------------------------------- between the three

def _first_last(table: pd.DataFrame, what: str, vintage_name: str) -> tuple[int, int]:
    if len(table.index) < 2:
        raise CannotCheck(f"{what}：数据包中{STRATEGY_YEAR}年以来三地齐全的年份不足两年（{vintage_name}）")
    return int(table.index.min()), int(table.index.max())


def _dispersion_narrowed(pkg: DataPackage, vintage: str, measure: str) -> Reproduction:
    table = income_dispersion(pkg, vintage)
    a, b = _first_last(table, "全体居民人均可支配收入", pkg.vintage_name(vintage))
    fmt = "{:.2f}" if measure == "max_min" else "{:.4f}"
    start, end = table.loc[a, measure], table.loc[b, measure]
    return Reproduction(bool(end < start), f"{MEASURES[measure]}：{a}年 {fmt.format(start)} → {b}年 {fmt.format(end)}"
                                           f"（人口权重：{pkg.vintage_name(POPULATION_VINTAGE)}年平均人口）")


for _measure, _label in MEASURES.items():
    register(
        id=f"public_services.income_gap_eased_{_measure}", chapter=CHAPTER, section="public-income-between",
        statement=f"{PREMISE}三地之间的不平衡“有所缓解”——三地全体居民人均可支配收入的{_label}，"
                  f"数据包中{STRATEGY_YEAR}年以来三地齐全的最新一年低于最早一年。",
        reported=True, unit="是/否", vintage="survey", vintage_param="income_vintage",
    )(lambda pkg, vintage, m=_measure: _dispersion_narrowed(pkg, vintage, m))


@register(id="public_services.bj_he_ratio_down_yuan_up", chapter=CHAPTER, section="public-income-between",
          statement=f"{PREMISE}离“均衡共富”还远——北京与河北全体居民人均可支配收入之比在缩小，"
                    f"以元计的差距却仍在扩大（数据包中{STRATEGY_YEAR}年以来两地齐全的最早与最新一年）。",
          reported=True, unit="是/否", vintage="survey", vintage_param="income_vintage")
def bj_he_ratio_down_yuan_up(pkg, vintage):
    income = income_table(pkg, vintage)
    a, b = _first_last(income, "全体居民人均可支配收入", pkg.vintage_name(vintage))
    gaps = pair_gaps(income, [("CN-BJ", "CN-HE")])
    ratio, yuan = gaps["ratio"]["CN-BJ/CN-HE"], gaps["yuan"]["CN-BJ/CN-HE"]
    ok = bool(ratio.loc[b] < ratio.loc[a] and yuan.loc[b] > yuan.loc[a])
    return Reproduction(ok, f"比值 {a}年 {ratio.loc[a]:.2f} → {b}年 {ratio.loc[b]:.2f}；"
                            f"差额 {yuan.loc[a]:,.0f} 元 → {yuan.loc[b]:,.0f} 元")


# --------------------------------------------------------------------------- within each

@register(id="public_services.urban_rural_ratio_fell_2021", chapter=CHAPTER, section="public-income-within",
          statement=f"{PREMISE}三地内部的城乡不平衡也“有所缓解”——统计部门公布的城乡居民收入比，"
                    "北京、天津、河北 2021 年都低于 2020 年。",
          reported=True, unit="是/否", vintage="survey", vintage_param="income_vintage")
def urban_rural_ratio_fell_2021(pkg, vintage):
    names = _names(pkg)
    table = pkg.wide("urban_rural_income_ratio", vintage, regions=series.PROVINCES)
    lacking = [names[r] for r in series.PROVINCES
               if r not in table or any(y not in table.index or pd.isna(table.loc[y, r]) for y in (2020, 2021))]
    if lacking:
        raise CannotCheck(f"缺少{'、'.join(lacking)} 2020 或 2021 年公布的城乡收入比（{pkg.vintage_name(vintage)}）")
    fell = {r: table.loc[2021, r] < table.loc[2020, r] for r in series.PROVINCES}
    note = "；".join(f"{names[r]} {table.loc[2020, r]:.2f} → {table.loc[2021, r]:.2f}" for r in series.PROVINCES)
    return Reproduction(bool(all(fell.values())), note)


@register(id="public_services.bj_urban_rural_yuan_gap_widened", chapter=CHAPTER, section="public-income-within",
          statement=f"{PREMISE}三地城乡居民收入的差距在扩大——以元计，北京城镇与农村居民人均可支配收入之差，"
                    "数据包中两项齐全的最新一年大于最早一年（天津、河北两项同年齐全的年份太少，无法检验）。",
          reported=True, unit="是/否", vintage="survey", vintage_param="income_vintage")
def bj_urban_rural_yuan_gap_widened(pkg, vintage):
    table = series.urban_rural(pkg, vintage, ["CN-BJ"]).set_index("year").sort_index()
    if len(table) < 2:
        raise CannotCheck(f"北京城镇与农村居民人均可支配收入同年齐全的年份不足两年（{pkg.vintage_name(vintage)}）")
    a, b = int(table.index.min()), int(table.index.max())
    gap, ratio = table["gap"], table["ratio"]
    return Reproduction(bool(gap.loc[b] > gap.loc[a]),
                        f"差额 {a}年 {gap.loc[a]:,.0f} 元 → {b}年 {gap.loc[b]:,.0f} 元；"
                        f"同期比值 {ratio.loc[a]:.2f} → {ratio.loc[b]:.2f}")


# --------------------------------------------------------------------------- health

def _per_1000_in(pkg: DataPackage, vintage: str, region: str, year: int) -> float:
    names = _names(pkg)
    values = per_1000_of(pkg, "health_tech_personnel", vintage, region)
    if year not in values.index:
        have = pkg.wide("health_tech_personnel", vintage, regions=[region])
        pop = pkg.wide("population_yearend", POPULATION_VINTAGE, regions=[region])
        lacking = []
        if region not in have or year not in have.index:
            lacking.append(f"卫生技术人员（{pkg.vintage_name(vintage)}）")
        if region not in pop or year not in pop.index:
            lacking.append(f"年末常住人口（{pkg.vintage_name(POPULATION_VINTAGE)}）")
        raise CannotCheck(f"数据包中没有{names[region]}{year}年{'和'.join(lacking)}")
    return float(values.loc[year])


@register(id="public_services.hebei_health_below_2020", chapter=CHAPTER, section="public-health",
          statement=f"{PREMISE}医疗资源要向河北倾斜——{HEALTH_YEAR}年河北每千名常住人口卫生技术人员少于北京和天津"
                    "（本书由卫生技术人员 ÷ 年末常住人口计算）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def hebei_health_below(pkg, vintage):
    lacking, values = [], {}
    for region in series.PROVINCES:
        try:
            values[region] = _per_1000_in(pkg, vintage, region, HEALTH_YEAR)
        except CannotCheck as why:
            lacking.append(str(why).removeprefix("数据包中没有"))
    if lacking:
        raise CannotCheck("数据包中没有" + "；".join(lacking))
    names = _names(pkg)
    below = values["CN-HE"] < min(values["CN-BJ"], values["CN-TJ"])
    return Reproduction(bool(below), "，".join(f"{names[r]} {v:.2f}" for r, v in values.items()) + " 人/千人")


@register(id="public_services.tianjin_health_above_national_2020", chapter=CHAPTER, section="public-health",
          statement=f"{PREMISE}京津的医疗资源有余力支持河北——{HEALTH_YEAR}年天津每千名常住人口卫生技术人员高于全国"
                    "（两者都由卫生技术人员 ÷ 年末常住人口计算）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def tianjin_health_above_national(pkg, vintage):
    tianjin = _per_1000_in(pkg, vintage, "CN-TJ", HEALTH_YEAR)
    national = _per_1000_in(pkg, vintage, "CN", HEALTH_YEAR)
    return Reproduction(bool(tianjin > national), f"天津 {tianjin:.2f}，全国 {national:.2f} 人/千人")


# --------------------------------------------------------------------------- pensions

@register(id="public_services.pension_rules_differ", chapter=CHAPTER, section="public-pension",
          statement=f"{PREMISE}三地养老保险规则尚未统一——北京、天津、河北城镇职工基本养老保险的单位缴费比例"
                    "或缴费基数下限，在三地齐全的最新一年并不相同。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def pension_rules_differ(pkg, vintage):
    known = set(pkg.indicators["id"])
    undefined = [name for ind, name in PENSION_RULES.items() if ind not in known]
    if undefined:
        raise CannotCheck(f"数据包没有{'、'.join(undefined)}的序列（这类数字见于各地社保部门的政策文件，尚未收录）")
    names, found = _names(pkg), []
    for ind, name in PENSION_RULES.items():
        table = pkg.wide(ind, vintage, regions=series.PROVINCES).dropna()
        if table.shape[1] == len(series.PROVINCES) and not table.empty:
            year = int(table.index.max())
            row = table.loc[year]
            found.append((name, year, row.nunique() > 1,
                          "，".join(f"{names[r]} {row[r]:,.4g}" for r in series.PROVINCES)))
    if not found:
        raise CannotCheck(f"数据包中没有三地同年齐全的{'或'.join(PENSION_RULES.values())}（{pkg.vintage_name(vintage)}）")
    return Reproduction(bool(any(differ for _, _, differ, _ in found)),
                        "；".join(f"{name} {year}年：{shown}" for name, year, _, shown in found))
