"""What chapter 04_public_services computes: income gaps between and within the three, health
personnel and beds per 1,000 residents, what the package holds on education and pensions, the
recommendation table, the data gaps, and the values its prose glues in.

Tables come back with Chinese headers and readable cells (for display); ``*_facts`` functions return
plain values, already formatted for a sentence (``format_value``), keyed by the glue names the
notebook uses. The claims themselves are in :mod:`jjj_book.claims.public_services`.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import metrics, plots, series
from jjj_book.chapters.common import Indicator, Recommendation, gap_table, verdict_words
from jjj_book.chapters.common import recommendation_table as _recommendation_table
from jjj_book.chapters.tracing import table  # number cells open their sources
from jjj_book.claims.public_services import (
    PAIRS,
    PENSION_RULES,
    income_dispersion,
    income_table,
    pair_gaps,
    per_1000_of,
)
from jjj_book.data import DataPackage
from jjj_book.render import format_value
from jjj_book.text import trend_word, year_ranges
from jjj_book.vocab import INCOME_SURVEY_FIRST_YEAR, MEASURES, PROVINCES, REGION_SHORT

__all__ = ["PAIRS", "PENSION_RULES", "income_dispersion", "income_table", "pair_gaps", "per_1000_of", "table",
           "verdict_words"]

DASH = "—"
HEALTH = {"health_tech_personnel": "卫生技术人员", "licensed_doctors": "执业（助理）医师", "hospital_beds": "医疗卫生机构床位"}
PENSIONS = ("pension_employees", "pension_residents")
EDUCATION_WORDS = ("教育", "学校", "学生", "教师", "高校")
MISSING_IN_PACKAGE = "数据包尚缺"

RECOMMENDATIONS = [
    Recommendation("公共服务总体", "健全三地公共服务体系",
                   [Indicator("jjj_index_shared", "JJJ", "shared_release", "区域共享发展指数（最新一批发布）")]),
    Recommendation("教育", "优化三地公共教育资源配置，推进高等教育协同发展", [],
                   "数据包尚无教育指标（生师比、每十万人口高校在校生、生均教育经费等）"),
    Recommendation("医疗", "联合出台医疗卫生均等化的激励政策",
                   [Indicator("health_tech_personnel_per_1000", "JJJ", "health_release",
                              "京津冀每千人卫生技术人员（指数发布稿）")]),
    Recommendation("支持河北", "京津的三甲医院以疏解或对口帮扶的方式支持河北", []),
    Recommendation("设施", "共建文化体育设施、医养结合设施和城市公共服务综合体", [],
                   "设施共建没有公开的逐年统计"),
    Recommendation("社保", "打通社会保险跨省转移接续，逐步推进基础养老金的京津冀统筹", []),
    Recommendation("缴费", "三地单位缴费比例和缴费基数下限大体一致", [],
                   "政策参数，数据包未收录"),
    Recommendation("三地之间", "缩小三地之间的居民收入差距", []),
    Recommendation("三地内部", "缩小每一地内部的城乡收入差距",
                   [Indicator("urban_rural_income_ratio", r, "income_vintage", f"{REGION_SHORT[r]}城乡居民收入比（公布）")
                    for r in PROVINCES]),
]


# How each glued number is computed, in words (its rows are found by jjj_book.chapters.tracing); a name
# not listed gets a general formula, or none when it is one observation.
FORMULAS = {
    "n_claims": "本章登记并检验的说法和前提条数", "verdict_counts": "本章各条按核对结论分别计数",
    "n_edu": "数据包中与教育有关的指标个数（按指标名称）", "n_pension_obs": "数据包中三地养老保险的观测条数",
    "n_rules": "数据包中养老保险缴费规则指标的个数",
    "y0": "三地收入与年平均常住人口都有数的最早一年", "y1": "三地收入与年平均常住人口都有数的最近一年",
    "income_years": "三地都有全体居民人均可支配收入的年份",
    "cv0": "最早一年三地收入的变异系数（标准差 ÷ 平均数）", "cv1": "最近一年三地收入的变异系数（标准差 ÷ 平均数）",
    "theil0": "最早一年以年平均常住人口加权的泰尔指数", "theil1": "最近一年以年平均常住人口加权的泰尔指数",
    "ratio0": "最早一年三地收入的最高值 ÷ 最低值", "ratio1": "最近一年三地收入的最高值 ÷ 最低值",
    "gap0": "最早一年三地收入的最高值 − 最低值", "gap1": "最近一年三地收入的最高值 − 最低值",
    "growth_bj": "北京收入首尾两年的年均增长率：(末年 ÷ 首年)^(1 ÷ 年数) − 1",
    "growth_tj": "天津收入首尾两年的年均增长率：(末年 ÷ 首年)^(1 ÷ 年数) − 1",
    "growth_he": "河北收入首尾两年的年均增长率：(末年 ÷ 首年)^(1 ÷ 年数) − 1",
    "bj_he_end": "最近一年北京收入 ÷ 河北收入",
    "he_needed": "差额不扩大所需的河北增长率：北京增长率 × 北京收入 ÷ 河北收入（最近一年）",
    "ur_fell_n": "公布的城乡收入比比上年下降的地区数（报告所说的年份）",
    "ur_others": "城乡收入比只能由城镇与农村收入重算的地区和年份",
    "bj_ur_y0": "北京城镇与农村收入都有数的最早一年", "bj_ur_y1": "北京城镇与农村收入都有数的最近一年",
    "bj_ur_ratio0": "最早一年北京城镇收入 ÷ 农村收入", "bj_ur_ratio1": "最近一年北京城镇收入 ÷ 农村收入",
    "bj_ur_gap0": "最早一年北京城镇收入 − 农村收入", "bj_ur_gap1": "最近一年北京城镇收入 − 农村收入",
    "tj_hp_year": "天津卫生技术人员与常住人口都有数的年份",
    "tj_hp": "天津卫生技术人员 ÷ 年末常住人口 × 1000（同一年）",
    "jjj_hp": "指数发布稿印出的京津冀每千人卫生技术人员（各年）",
    "health_release_name": "本章所用的区域发展指数发布批次（参数）",
}

def window(frame, start: int, end: int):
    return frame.loc[(frame.index >= start) & (frame.index <= end)]


def pair_label(pair: str, sign: str = "÷") -> str:
    """'CN-BJ/CN-HE' → '北京÷河北' (or '北京−河北' for a difference)."""
    a, b = pair.split("/")
    return f"{REGION_SHORT[a]}{sign}{REGION_SHORT[b]}"


def latest_release_with(pkg: DataPackage, indicator: str) -> str | None:
    """The newest index release that holds ``indicator``."""
    found = [v for v in pkg.vintages["id"] if v.startswith("idx") and not pkg.series(indicator, v).empty]
    return found[-1] if found else None


# --------------------------------------------------------------------------- recommendations

def derived_row(pkg: DataPackage, label: str, values: pd.Series, unit: str, decimals: int, rows: pd.DataFrame,
                vintage_names: list[str], start: int, end: int, up: str = "上升", down: str = "下降") -> dict:
    """A row of the recommendation table for a value the book computes. The trend compares the first
    and last years as shown (rounded), so a change too small to print reads as flat."""
    values = window(values.dropna(), start, end)
    if values.empty:
        return {"指标": label, "最新值": MISSING_IN_PACKAGE, "趋势": DASH, "来源": DASH}
    a, b = int(values.index.min()), int(values.index.max())
    latest = f"{format_value(float(values.loc[b]), unit, decimals)}（{b}年）"
    shown = [round(float(values.loc[y]), decimals) for y in (a, b)]
    trend = "—（只有一年）" if a == b else f"{a}—{b}年{trend_word(shown[1] - shown[0], up, down, '基本持平')}"
    latest_rows = rows[rows["year"] == b] if "year" in rows else rows
    cited = "；".join(f"《{p}》" for p in dict.fromkeys(pkg.sources_for(latest_rows)["publication"]))
    return {"指标": label, "最新值": latest, "趋势": trend, "来源": f"{cited}（{'、'.join(vintage_names)}）"}


def recommendations(pkg: DataPackage, income_vintage: str, published_vintage: str, population_vintage: str,
                    health_release: str, start: int, end: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """建议 | 指标 | 最新值 | 趋势 | 来源 and the observation rows shown."""
    vintages = {"income_vintage": income_vintage, "health_release": health_release,
                "shared_release": latest_release_with(pkg, "jjj_index_shared") or health_release}
    pop_name, pub_name, inc_name = (pkg.vintage_name(v) for v in (population_vintage, published_vintage, income_vintage))
    inc_rows = pkg.series("disposable_income_all", income_vintage, regions=PROVINCES)
    income = income_table(pkg, income_vintage, start, end)
    gaps = pair_gaps(income) if not income.empty else {"ratio": pd.DataFrame(), "yuan": pd.DataFrame()}
    disp = income_dispersion(pkg, income_vintage, population_vintage, start, end)

    def per_1000(region, indicator, label):
        rows = pd.concat([pkg.series(indicator, published_vintage, regions=[region]),
                          pkg.series("population_yearend", population_vintage, regions=[region])])
        values = per_1000_of(pkg, indicator, published_vintage, region, population_vintage)
        return derived_row(pkg, label, values, "人", 2, rows, [pub_name, pop_name], start, end)

    pension = pd.concat([series.regional_total(pkg, i, published_vintage) for i in PENSIONS], axis=1).dropna().sum(axis=1)
    pension_rows = pd.concat([pkg.series(i, published_vintage, regions=PROVINCES) for i in PENSIONS])
    extra = {
        "医疗": [per_1000("CN-TJ", "health_tech_personnel", "天津每千人卫生技术人员（本书计算）"),
                 per_1000("CN-TJ", "hospital_beds", "天津每千人医疗卫生机构床位（本书计算）")],
        "支持河北": [per_1000("CN-HE", "health_tech_personnel", "河北每千人卫生技术人员（本书计算）")],
        "社保": [derived_row(pkg, "三地基本养老保险参保人数（职工与居民之和）", pension, "万人", 0, pension_rows,
                             [pub_name], start, end)],
        "三地之间": [derived_row(pkg, "收入的人口加权泰尔指数", disp.get("theil", pd.Series(dtype=float)), "", 4,
                                 inc_rows, [inc_name, pop_name], start, end),
                     derived_row(pkg, "北京与河北收入之比", gaps["ratio"].get("CN-BJ/CN-HE", pd.Series(dtype=float)),
                                 "倍", 2, inc_rows, [inc_name], start, end),
                     derived_row(pkg, "北京与河北收入之差", gaps["yuan"].get("CN-BJ/CN-HE", pd.Series(dtype=float)),
                                 "元", 0, inc_rows, [inc_name], start, end, up="扩大", down="缩小")],
    }
    return _recommendation_table(pkg, RECOMMENDATIONS, vintages, start, end, extra_rows=extra)


# --------------------------------------------------------------------------- between the three

def income_facts(pkg: DataPackage, income_vintage: str, population_vintage: str, start: int, end: int) -> dict:
    """First and last complete year, dispersion and the Beijing–Hebei ratio and gap in both, trend words."""
    disp = income_dispersion(pkg, income_vintage, population_vintage, start, end)
    income = income_table(pkg, income_vintage, start, end)
    keys = ["y0", "y1", "cv0", "cv1", "theil0", "theil1", "ratio0", "ratio1", "gap0", "gap1", "income_years"]
    facts = {**dict.fromkeys(keys, DASH), "disp_word": "无法判断", "disp_word_en": "cannot be told",
             "ratio_word": "无法判断", "gap_word": "无法判断", "ratio_word_en": "cannot be told",
             "gap_word_en": "cannot be told"}
    if len(disp) < 2:
        return facts
    y0, y1 = int(disp.index.min()), int(disp.index.max())
    r, g = (pair_gaps(income)[k]["CN-BJ/CN-HE"] for k in ("ratio", "yuan"))
    cv = float(disp.loc[y1, "cv"] - disp.loc[y0, "cv"])
    facts.update(y0=y0, y1=y1, income_years=year_ranges(list(income.index)),
                 cv0=format_value(disp.loc[y0, "cv"], "", 3), cv1=format_value(disp.loc[y1, "cv"], "", 3),
                 theil0=format_value(disp.loc[y0, "theil"], "", 4), theil1=format_value(disp.loc[y1, "theil"], "", 4),
                 disp_word=trend_word(cv, "在扩大", "在缩小", "基本不变"),
                 disp_word_en=trend_word(cv, "widened", "narrowed", "stayed level"),
                 ratio0=format_value(r[y0], "倍", 2), ratio1=format_value(r[y1], "倍", 2),
                 ratio_word=trend_word(float(r[y1] - r[y0])), ratio_word_en=trend_word(float(r[y1] - r[y0]), "widened",
                                                                                      "narrowed", "stayed level"),
                 gap0=format_value(g[y0], "元", 0), gap1=format_value(g[y1], "元", 0),
                 gap_word=trend_word(float(g[y1] - g[y0])),
                 gap_word_en=trend_word(float(g[y1] - g[y0]), "widened", "narrowed", "stayed level"))
    facts.update(growth_facts(income, y0, y1))
    return facts


def growth_facts(income: pd.DataFrame, y0: int, y1: int) -> dict:
    """Average nominal growth of each province's income (a survey series), the ratio words of every
    pair, and the growth Hebei would need for the Beijing–Hebei gap in yuan to stop widening."""
    rate = {r: metrics.cagr(float(income.loc[y0, r]), float(income.loc[y1, r]), y1 - y0) for r in PROVINCES}
    ratios = pair_gaps(income)["ratio"]
    r_end = float(ratios.loc[y1, "CN-BJ/CN-HE"])
    facts = {f"growth_{r[3:].lower()}": format_value(v, "%", 1) for r, v in rate.items()}   # growth_bj …
    for a, b in PAIRS:   # pair_word_bj_he …
        delta = float(ratios.loc[y1, f"{a}/{b}"] - ratios.loc[y0, f"{a}/{b}"])
        facts[f"pair_word_{a[3:].lower()}_{b[3:].lower()}"] = trend_word(delta)
    facts.update(bj_he_end=format_value(r_end, "倍", 2), he_needed=format_value(rate["CN-BJ"] * r_end, "%", 1))
    return facts


def dispersion_table(pkg: DataPackage, income_vintage: str, population_vintage: str, start: int, end: int
                     ) -> pd.DataFrame:
    """For display: the three measures of dispersion in the first and last complete year, and the change."""
    disp = income_dispersion(pkg, income_vintage, population_vintage, start, end)
    if len(disp) < 2:
        return pd.DataFrame(columns=["三地离散程度"])
    y0, y1 = int(disp.index.min()), int(disp.index.max())
    places = {"cv": 3, "max_min": 2, "theil": 4}   # the precision each measure carries in the text
    return pd.DataFrame({"三地离散程度": [MEASURES[m] for m in MEASURES],
                         f"{y0}年": [format_value(disp.loc[y0, m], "", places[m]) for m in MEASURES],
                         f"{y1}年": [format_value(disp.loc[y1, m], "", places[m]) for m in MEASURES],
                         "变化": [f"{disp.loc[y1, m] - disp.loc[y0, m]:+.{places[m]}f}" for m in MEASURES]})


def income_chart(pkg: DataPackage, income_vintage: str, start: int, end: int, names: dict[str, str] = REGION_SHORT):
    """Three stacked panels: income per person by province; the ratio of each pair; the gap in yuan."""
    income = income_table(pkg, income_vintage, start, end)
    fig, axes = plots.new_figure(ncols=3)
    plots.line_by_region(axes[0], income, names)
    axes[0].set_title("全体居民人均可支配收入（元）")
    if not income.empty:
        gaps = pair_gaps(income)
        panels = (("ratio", axes[1], "两地收入之比（倍；1为两地相等）", "÷", 1.0), ("yuan", axes[2], "两地收入之差（元）", "−", 0))
        for key, ax, title, sign, floor in panels:
            for k, col in enumerate(gaps[key].columns):
                plots.line_over_years(ax, gaps[key][col], color=plots.derived_color(k), marker="os^"[k],
                                      label=pair_label(col, sign))
            ax.set_title(title)
            ax.set_ylim(bottom=floor)   # axes start at equality: no exaggerated change
    axes[0].set_ylim(bottom=0)
    for ax in axes:
        ax.legend(loc="best")
    plots.thousands(axes[0])
    plots.thousands(axes[2])
    rows = pkg.series("disposable_income_all", income_vintage, regions=PROVINCES)
    plots.finish(fig, pkg.citation(rows), [pkg.vintage_name(income_vintage)])
    return fig


# --------------------------------------------------------------------------- within each

def urban_rural_ratio_table(pkg: DataPackage, income_vintage: str, start: int, end: int) -> pd.DataFrame:
    """For display: the urban–rural income ratio the statistics bureaus printed, year × province."""
    printed = window(pkg.wide("urban_rural_income_ratio", income_vintage, regions=PROVINCES), start, end)
    printed = printed.reindex(columns=PROVINCES).dropna(how="all")
    return pd.DataFrame({"年份": [int(y) for y in printed.index],
                         **{REGION_SHORT[r]: [format_value(v, "", 2) for v in printed[r]] for r in PROVINCES}})


def bj_urban_rural(pkg: DataPackage, income_vintage: str, start: int, end: int) -> pd.DataFrame:
    table = series.urban_rural(pkg, income_vintage, ["CN-BJ"]).set_index("year").sort_index()
    return window(table, start, end)


def bj_urban_rural_table(pkg: DataPackage, income_vintage: str, start: int, end: int) -> pd.DataFrame:
    """For display: Beijing's urban and rural income, the gap in yuan and the ratio, the years with both."""
    t = bj_urban_rural(pkg, income_vintage, start, end)
    return pd.DataFrame({"年份": [int(y) for y in t.index],
                         "城镇（元）": [format_value(v, "", 0) for v in t["urban"]],
                         "农村（元）": [format_value(v, "", 0) for v in t["rural"]],
                         "差额（元）": [format_value(v, "", 0) for v in t["gap"]],
                         "比值（倍）": [format_value(v, "", 2) for v in t["ratio"]]})


def within_facts(pkg: DataPackage, income_vintage: str, start: int, end: int) -> dict:
    """Where the printed ratio fell, Beijing's ratio and gap over its first and last year, and the
    years in which Tianjin and Hebei have both urban and rural income."""
    printed = window(pkg.wide("urban_rural_income_ratio", income_vintage, regions=PROVINCES), start, end)
    fell = [REGION_SHORT[r] for r in PROVINCES if r in printed and printed[r].dropna().size >= 2
            and printed[r].dropna().iloc[-1] < printed[r].dropna().iloc[0]]
    others = series.urban_rural(pkg, income_vintage, ["CN-TJ", "CN-HE"])
    facts = {"ur_fell": "、".join(fell) or "没有一地", "ur_fell_n": len(fell),
             "ur_others": "、".join(f"{REGION_SHORT[r]}{y}年" for r, y in zip(others["region"], others["year"])) or "零年",
             "bj_ur_y0": DASH, "bj_ur_y1": DASH, "bj_ur_ratio0": DASH, "bj_ur_ratio1": DASH, "bj_ur_gap0": DASH,
             "bj_ur_gap1": DASH, "bj_ur_ratio_word": "无法判断", "bj_ur_gap_word": "无法判断"}
    bj = bj_urban_rural(pkg, income_vintage, start, end)
    if len(bj) >= 2:
        a, b = int(bj.index.min()), int(bj.index.max())
        facts.update(bj_ur_y0=a, bj_ur_y1=b, bj_ur_ratio0=format_value(bj.loc[a, "ratio"], "倍", 2),
                     bj_ur_ratio1=format_value(bj.loc[b, "ratio"], "倍", 2),
                     bj_ur_gap0=format_value(bj.loc[a, "gap"], "元", 0), bj_ur_gap1=format_value(bj.loc[b, "gap"], "元", 0),
                     bj_ur_ratio_word=trend_word(float(bj.loc[b, "ratio"] - bj.loc[a, "ratio"]), "上升", "下降", "不变"),
                     bj_ur_gap_word=trend_word(float(bj.loc[b, "gap"] - bj.loc[a, "gap"])))
    return facts


def urban_rural_rows(pkg: DataPackage, income_vintage: str) -> pd.DataFrame:
    return pd.concat([pkg.series("urban_rural_income_ratio", income_vintage, regions=PROVINCES)]
                     + [pkg.series(i, income_vintage, regions=["CN-BJ"])
                        for i in ("urban_disposable_income", "rural_disposable_income")])


# --------------------------------------------------------------------------- health

def tianjin_health(pkg: DataPackage, published_vintage: str, population_vintage: str, start: int, end: int
                   ) -> pd.DataFrame:
    """Tianjin's health personnel, doctors and beds per 1,000 year-end residents (years × measures)."""
    found = pd.DataFrame({label: per_1000_of(pkg, ind, published_vintage, "CN-TJ", population_vintage)
                          for ind, label in HEALTH.items()})
    return window(found, start, end)


def tianjin_health_table(pkg: DataPackage, published_vintage: str, population_vintage: str, start: int, end: int
                         ) -> pd.DataFrame:
    """For display: one row per measure, one column per year; '—' where the year has no count."""
    found = tianjin_health(pkg, published_vintage, population_vintage, start, end)
    return pd.DataFrame({"天津每千名常住人口": list(found.columns),
                         **{f"{int(y)}年": [format_value(v, "", 2) for v in found.loc[y]] for y in found.index}})


def health_rows(pkg: DataPackage, published_vintage: str, population_vintage: str) -> pd.DataFrame:
    return pd.concat([pkg.series(i, published_vintage, regions=["CN-TJ"]) for i in HEALTH]
                     + [pkg.series("population_yearend", population_vintage, regions=["CN-TJ"])])


def health_coverage_table(pkg: DataPackage, published_vintage: str) -> pd.DataFrame:
    """For display: which health counts the package holds for each province and the country."""
    regions = PROVINCES + ["CN"]
    return pd.DataFrame({"地区": [REGION_SHORT[r] for r in regions],
                         "数据包中的医疗卫生指标": ["、".join(label for ind, label in HEALTH.items()
                                                    if not pkg.series(ind, published_vintage, regions=[r]).empty) or "没有"
                                           for r in regions]})


def health_facts(pkg: DataPackage, published_vintage: str, population_vintage: str, health_release: str,
                 start: int, end: int) -> dict:
    """Tianjin's latest per-1,000 figure, and the region's figure as the index release printed it."""
    found = tianjin_health(pkg, published_vintage, population_vintage, start, end)["卫生技术人员"].dropna()
    jjj = pkg.wide("health_tech_personnel_per_1000", health_release, regions=["JJJ"])
    printed = jjj["JJJ"].dropna() if "JJJ" in jjj else pd.Series(dtype=float)
    return {"tj_hp_year": int(found.index.max()) if len(found) else DASH,
            "tj_hp": format_value(float(found.iloc[-1]), "人", 2) if len(found) else DASH,
            "jjj_hp": "，".join(f"{int(y)}年{format_value(v, '人', 1)}" for y, v in printed.items()) or DASH,
            "health_release_name": pkg.vintage_name(health_release)}


# --------------------------------------------------------------------------- education and pensions

def education_indicators(pkg: DataPackage) -> list[str]:
    """Indicators whose Chinese name speaks of education (教育、学校、学生、教师、高校)."""
    return [i for i in pkg.indicators["id"]
            if any(w in pkg.indicator_info(i)["name_zh"] for w in EDUCATION_WORDS)]


def pension_table(pkg: DataPackage, published_vintage: str) -> pd.DataFrame:
    """For display: what the package holds on pensions (participants; contribution rules)."""
    rows = []
    for ind in PENSIONS:
        held = pkg.series(ind, published_vintage, regions=PROVINCES)
        rows.append({"指标": pkg.indicator_info(ind)["name_zh"], "观测数": len(held),
                     "年份": year_ranges(list(held["year"])) or "没有观测值"})
    known = set(pkg.indicators["id"])
    for ind, name in PENSION_RULES.items():
        held = pkg.series(ind, published_vintage, regions=PROVINCES) if ind in known else pd.DataFrame(columns=["year"])
        rows.append({"指标": name, "观测数": len(held),
                     "年份": year_ranges(list(held["year"])) if len(held) else ("没有观测值" if ind in known else "尚无指标")})
    return pd.DataFrame(rows, columns=["指标", "观测数", "年份"])


def coverage_facts(pkg: DataPackage, published_vintage: str) -> dict:
    """Counts for the key findings: education indicators, pension observations, contribution-rule indicators."""
    known = set(pkg.indicators["id"])
    return {"n_edu": len(education_indicators(pkg)),
            "n_pension_obs": sum(len(pkg.series(i, published_vintage, regions=PROVINCES)) for i in PENSIONS),
            "n_rules": sum(1 for i in PENSION_RULES if i in known)}


# --------------------------------------------------------------------------- gaps and key figures

def gaps(pkg: DataPackage, income_vintage: str, published_vintage: str, population_vintage: str,
         start: int, end: int) -> pd.DataFrame:
    """指标 | 数据版本 | 缺少的年份 for every series the chapter uses or needs."""
    first = {i: max(start, INCOME_SURVEY_FIRST_YEAR) for i in ("disposable_income_all", "urban_disposable_income",
                                                               "rural_disposable_income", "urban_rural_income_ratio")}
    parts = [gap_table(pkg, [(i, income_vintage) for i in first], PROVINCES, start, end, first_year=first),
             gap_table(pkg, [(i, published_vintage) for i in HEALTH] + [("population_yearend", population_vintage)],
                       PROVINCES + ["CN"], start, end),
             gap_table(pkg, [(i, published_vintage) for i in PENSIONS], PROVINCES, start, end)]
    known = set(pkg.indicators["id"])
    wanted = {"education": "教育指标（生师比、每十万人口高校在校生、生均教育经费等）",
              **{i: name for i, name in PENSION_RULES.items() if i not in known}}
    if education_indicators(pkg):
        wanted.pop("education")
    parts.append(pd.DataFrame([{"指标": name, "数据版本": DASH, "缺少的年份": "三地均尚无指标"}
                               for name in wanted.values()]))
    return pd.concat(parts, ignore_index=True)


def key_figures(pkg: DataPackage, income_vintage: str, published_vintage: str, population_vintage: str,
                start: int, end: int) -> pd.Series:
    """The chapter's key figures as raw numbers (pinned by nbval)."""
    disp = income_dispersion(pkg, income_vintage, population_vintage, start, end)
    income = income_table(pkg, income_vintage, start, end)
    key = {}
    if len(disp) >= 2:
        y0, y1 = int(disp.index.min()), int(disp.index.max())
        gaps_ = pair_gaps(income)
        key.update({f"收入变异系数 {y}": disp.loc[y, "cv"] for y in (y0, y1)})
        key.update({f"收入泰尔指数 {y}（{population_vintage}）": disp.loc[y, "theil"] for y in (y0, y1)})
        key.update({f"京/冀收入比 {y}": gaps_["ratio"].loc[y, "CN-BJ/CN-HE"] for y in (y0, y1)})
        key.update({f"京-冀收入差（元） {y}": gaps_["yuan"].loc[y, "CN-BJ/CN-HE"] for y in (y0, y1)})
    health = tianjin_health(pkg, published_vintage, population_vintage, start, end)
    key.update({f"天津每千人{label} {y}": v for label, col in health.items() for y, v in col.dropna().items()})
    return pd.Series(key, dtype=float).round(4)
