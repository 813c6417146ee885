"""Where every number glued into the prose of chapters 01, 02 and 08 comes from: the declarations (issue 16).

For each glue name of the chapter, :func:`status`, :func:`problems` and :func:`since` declare the observation
rows the value is or is computed from and the formula in words, a claim's check, a chapter parameter, or the
report's own figure (:func:`jjj_book.chapters.tracing.declared` and its siblings: the same
:class:`jjj_book.provenance.Sourced` values chapters 03–07 get by tracing). One ``remove-input`` cell puts
them on the page: ``tracing.record(ch, numbers.status(ch.pkg, p))`` then ``ch.provenance()`` (``p``: the
chapter's parameters by name). Tables, verdicts and charts carry their own provenance
(:func:`jjj_book.chapters.tracing.show_table`, ``ch.verdicts``, ``ch.chart_variants``). A glue name missing
here shows as a number without provenance in the page tests (tests/test_chapter_provenance.py).
"""

from __future__ import annotations

import pandas as pd

from jjj_book import series
from jjj_book.chapters import problems as problems_mod
from jjj_book.chapters import since as since_mod
from jjj_book.chapters import status as status_mod
from jjj_book.chapters.tracing import declared, obs, of_claim, param, reported
from jjj_book.vocab import PROVINCES, REGION_SHORT

TOTAL = "北京、天津、河北地区生产总值之和，亿元折合万亿元"
PER_CAPITA = status_mod.PER_CAPITA
COUNT = "本章核对结论的条数（按结论和小节统计）"
REPORTED_02 = ("shared_index_2021", "shared_index_change_2021", "health_per_1000_2021", "health_per_1000_growth_2021",
               "pension_2021", "pension_change_2021", "hebei_culture_firms_2021", "hebei_culture_revenue_2021",
               "hebei_culture_growth_2021", "hebei_culture_above_national_2021", "beijing_culture_revenue_2021",
               "beijing_culture_growth_2021", "beijing_culture_growth_2yr_2021", "beijing_culture_growth_2019")


# --------------------------------------------------------------------------- 01 发展现状

def status(pkg, p: dict) -> dict:
    gv, start, end = p["gdp_vintage"], p["start_year"], p["end_year"]
    totals = status_mod.gdp_totals(pkg)
    closest = status_mod.closest_start(pkg, start)
    all_start = pd.concat([obs(pkg, "gdp", v, PROVINCES, [start]) for v in totals if start in totals[v].index])
    rev_region = next(c for c, n in REGION_SHORT.items() if n == status_mod.revision_size(pkg)["region"])
    rev_rows = pd.concat([obs(pkg, "gdp", v, [rev_region]) for v in ("original", "census4")], ignore_index=True)
    rev = "四经普修订数 ÷ 原始核算数 − 1，逐年计算后取平均、最小和最大"
    share_last = int(status_mod.shares(pkg, gv, start).index[-1])
    specs = {"start_year": param("起点年份"), "end_year": param("终点年份"),
             "strategy_year": param("协同发展战略实施之年"),
             **{f"rep_{c}": reported(f"status.{c}") for c in ("gdp_2011", "gdp_2021", "gdp_increase_2011_2021")},
             "kf_gdp_start": declared(obs(pkg, "gdp", gv, years=[start]), TOTAL),
             "kf_gdp_end": declared(obs(pkg, "gdp", gv, years=[end]), TOTAL),
             "kf_start_closest_value": declared(obs(pkg, "gdp", closest["vintage_id"], years=[start]), TOTAL),
             "closest_low": declared(all_start, "各版本三地合计中最小的一个"),
             "closest_high": declared(all_start, "各版本三地合计中最大的一个"),
             "kf_ur_missing": declared(
                 formula="本节三条城乡收入差距判断中无法核对的条数（缺少两端年份的收入）"),
             "increase": of_claim("status.gdp_increase_2011_2021"),
             "share_last_year": declared(obs(pkg, "gdp", gv, years=[share_last]),
                                         "同一版本中三地数据齐全的最近年份"),
             **{f"rev_{k}": declared(rev_rows, rev) for k in ("first", "last", "mean", "low", "high")}}
    for code, short in (("CN-BJ", "bj"), ("CN-TJ", "tj"), ("CN-HE", "he")):
        for key, year in (("first", start), ("last", share_last)):
            specs[f"share_{key}_{short}"] = declared(obs(pkg, "gdp", gv, years=[year]),
                                                     f"{REGION_SHORT[code]} ÷ 三地合计 × 100")
    _, growth_rows = status_mod.growth_bars(pkg, p["release_vintage"])
    specs["growth_leaders"] = declared(growth_rows, "河北的实际增速高于北京和天津的年份")
    specs.update(_status_per_capita(pkg, p))
    pairs = status_mod.income_rows(pkg, p["income_vintage"])
    pairs = pairs.loc[pairs["indicator"] != "urban_rural_income_ratio"]
    specs["pairs_count"] = declared(pairs, "同一年城镇和农村收入都有的地区和年份数")
    specs["pairs_bj_years"] = declared(pairs.loc[pairs["region"] == "CN-BJ"], "北京城镇和农村收入都有的年份")
    ratio_rows = obs(pkg, "urban_rural_income_ratio", p["income_vintage"])
    specs["ratio_first"] = specs["ratio_last"] = declared(ratio_rows, "公布了城乡收入比的最早和最近年份")
    return specs


def _status_per_capita(pkg, p: dict) -> dict:
    gv, pv, cv, end, strat = (p["gdp_vintage"], p["population_vintage"], p["compare_vintage"], p["end_year"],
                              p["strategy_year"])
    specs = {}
    for code, short in (("CN-BJ", "bj"), ("CN-TJ", "tj")):
        pair, name = [code, "CN-HE"], REGION_SHORT[code]
        for key, year in (("start", strat), ("end", end)):
            rows = status_mod.per_capita_rows(pkg, gv, pv, pair, [year])
            specs[f"{short}_yuan_{key}"] = declared(rows, f"{name}人均值 − 河北人均值（{PER_CAPITA}）")
            specs[f"{short}_ratio_{key}"] = declared(rows, f"{name}人均值 ÷ 河北人均值（{PER_CAPITA}）")
        specs[f"kf_{short}_yuan"] = declared(status_mod.per_capita_rows(pkg, gv, pv, pair, [strat, end]),
                                         f"{end}年{name}与河北人均值之差 − {strat}年之差（{PER_CAPITA}）")
    check = status_mod.method_check(pkg, cv, pv)
    years = range(check["first"], check["last"] + 1)
    odd = [y for y in years if series.per_capita_note(pkg, cv, y)]
    rows = pd.concat([obs(pkg, "gdp_per_capita", cv, years=years),
                      status_mod.per_capita_rows(pkg, cv, pv, PROVINCES, years)], ignore_index=True)
    how = f"本书计算的人均值 ÷ 官方公布的人均值 − 1（{PER_CAPITA}）"
    specs.update({f"check_{k}": declared(rows, how) for k in ("first", "last", "bound", "odd_worst")})
    odd_rows = obs(pkg, "gdp_per_capita", cv, years=odd)
    specs["check_odd_years"] = declared(odd_rows, "数据包在这些年份的官方人均值上记录了说明")
    specs["check_odd_note"] = declared(odd_rows, "数据包在这些数据行上记录的说明")
    return specs


# --------------------------------------------------------------------------- 02 突出问题

def problems(pkg, p: dict) -> dict:
    gv, pv, iv, y0, y1 = p["gdp_vintage"], p["population_vintage"], p["income_vintage"], p["strategy_year"], p["end_year"]
    inputs = problems_mod.per_capita_inputs
    specs = {"y0": param("差距的比较起点"), "y1": param("报告使用的最近完整年份"),
             **{f"rep_{c}": reported(f"problems.{c}") for c in REPORTED_02}}
    for m, how in problems_mod.MEASURE_HOW.items():
        for k, year in enumerate((y0, y1)):
            specs[f"gdp_{m}_{k}"] = declared(inputs(pkg, gv, pv, [year]), f"{how}（{PER_CAPITA}）")
    inc = problems_mod.income_dispersion(pkg, iv, pv)
    inc0, inc1 = problems_mod.income_window(inc, y1)
    span = inputs(pkg, iv, pv, inc.index, "disposable_income_all")
    specs["inc0"] = specs["inc1"] = declared(span, "三地居民人均可支配收入齐全的最早和最近年份")
    for k, year in enumerate((inc0, inc1)):
        specs[f"inc_cv_{k}"] = declared(inputs(pkg, iv, pv, [year], "disposable_income_all"),
                                        "三地居民人均可支配收入的标准差 ÷ 平均值")
    for key in ("pub_total", "pub_open", "bj_total", "bj_ok", "he_open", "n_report", "n_recomputed",
                "n_matches_publication", "n_differs", "n_cannot_check"):
        specs[key] = declared(formula=COUNT)
    pop = obs(pkg, "population_yearend", pv, years=[y1 - 1, y1])
    for short in ("he", "bj", "tj"):
        specs[f"pop_{short}"] = declared(
            pop, "该地年平均常住人口 ÷ 三地之和 × 100（年平均人口 = 上年末与本年末的平均数）")
    ratios = obs(pkg, "urban_rural_income_ratio", iv, years=[y1 - 1, y1])
    specs["ratio_y0"] = specs["ratio_y1"] = declared(ratios, "发布稿印出城乡收入比的两年")
    for key, release in (("base_old", "idx2019d"), ("base_new", "idx2020d")):
        year, _ = problems_mod.latest_in_release(pkg, "jjj_index_shared", release)
        row = obs(pkg, "jjj_index_shared", release, ["JJJ"], [year])
        specs[key] = declared(row)
        specs[f"{key}_year"] = declared(row, "这一批发布的最新年份")
    later = obs(pkg, "jjj_index_shared", "idx2022d", ["JJJ"], [y1 + 1])
    specs["later_release"] = declared(later, "印出下列数据的发布批次")
    specs["later_level"] = declared(later)
    specs["later_change"] = declared(later, "发布稿印出的比上年提高的点数")
    specs["later_implied"] = declared(later, "当年值 − 比上年提高的点数（同一批发布之内）")
    health = obs(pkg, "health_tech_personnel_per_1000", "idx2020d", ["JJJ"])
    specs["hp_release"] = declared(health, "印出下列数据的发布批次")
    specs["hp_2014"] = declared(obs(pkg, "health_tech_personnel_per_1000", "idx2020d", ["JJJ"], [y0]))
    specs["hp_printed"] = declared(obs(pkg, "health_tech_personnel_per_1000", "idx2020d", ["JJJ"], [y1 - 1]))
    specs["hp_implied"] = declared(formula="报告的2021年每千人卫生技术人员9人 ÷（1 + 报告的增长率9.6%）")
    struct_vintage, shares, rows = problems_mod.sector_shares(pkg, [p["compare_vintage"], gv])
    years = sorted(shares["CN-BJ"].index) if shares else []
    if years:
        specs["sector_y0"] = specs["sector_y1"] = declared(rows, "三地三次产业增加值齐全的最早和最近年份")
        for key, region, sector in (("bj_tertiary", "CN-BJ", "第三产业"), ("he_secondary", "CN-HE", "第二产业")):
            specs[key] = declared(obs(pkg, list(problems_mod.SECTORS), struct_vintage, [region], [years[-1]]),
                              f"{sector}增加值 ÷ 三次产业增加值之和 × 100")
    both = problems_mod.culture_growth_both(pkg)
    for key, vintage in zip("ab", both["vintage"]):
        row = obs(pkg, "culture_revenue_growth", vintage, ["CN-BJ"], [2019])
        specs[f"bj2019_{key}"] = declared(row)
        specs[f"bj2019_{key}_name"] = declared(row, "这个增速所属的数据版本")
    return specs


# --------------------------------------------------------------------------- 08 报告之后

def since(pkg, p: dict) -> dict:
    strat, report = p["strategy_year"], p["report_year"]
    specs = {"strategy_year": param("差距的比较起点"), "report_year": param("报告使用的最近完整年份")}
    for prefix, v in (("release", p["release_vintage"]), ("revised", p["revised_vintage"])):
        rows = obs(pkg, "gdp_real_growth", v, years=since_mod.growth_leaders(pkg, v).index)
        for key in ("after", "slower"):
            specs[f"{prefix}_{key}"] = declared(rows, "各年印出的实际增速中河北是否最快，逐年比较")
    inputs = problems_mod.per_capita_inputs
    for key in ("count", "changed", "which"):
        specs[f"later_{key}"] = declared(
            formula="本章重新检验的判断条数（每个修订版本各一次）及其中结论改变的条数")
    for prefix, v in (("gdp", p["gdp_vintage"]), ("rev", p["revised_vintage"])):
        end = since_mod.latest_common_year(pkg, "gdp", v)
        specs[f"{prefix}_end"] = declared(obs(pkg, "gdp", v, years=[end]),
                                          "该版本中三地数据齐全、且与起点同属一段序列的最近年份")
        for o in ("bj", "tj"):
            for key, year in (("start", strat), ("report", report), ("end", end)):
                specs[f"{prefix}_ratio_{o}_{key}"] = declared(inputs(pkg, v, "census7", [year]),
                                                         f"{REGION_SHORT['CN-' + o.upper()]}人均值 ÷ 河北人均值（{PER_CAPITA}）")
        peak = since_mod.dispersion_peak(pkg, v, strat, end)["peak"]
        how = f"三地人均值的标准差 ÷ 平均值（{PER_CAPITA}）"
        for key, year in (("start_cv", strat), ("end_cv", end), ("peak_cv", peak)):
            specs[f"{prefix}_cv_{key}"] = declared(inputs(pkg, v, "census7", [year]), how)
        specs[f"{prefix}_cv_peak"] = declared(inputs(pkg, v, "census7", range(strat, end + 1)),
                                          f"{strat}年以来变异系数最高的年份；{how}")
    ratio = obs(pkg, "urban_rural_income_ratio", "survey", ["CN-BJ"])
    facts = since_mod.income_ratio_facts(pkg, "survey", report)
    for key in ("first", "last"):
        row = ratio.loc[ratio["year"] == facts[f"bj_{key}"]]
        specs[f"bj_{key}_value"] = declared(row)
        specs[f"bj_{key}"] = declared(row, "北京公布了城乡收入比的最早或最近一年")
    return specs
