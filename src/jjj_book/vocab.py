"""The book's shared words, in one place: regions, years, verdicts, measures.

Every chapter, claim module, chart and renderer imports these instead of
spelling its own copy, so a region is named, ordered and coloured the same way
on every page. The data package's ``regions.csv`` holds the official full names
(北京市); the short names here (北京) are what charts and sentences use, and a
test checks that each is the start of the official name.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- regions
PROVINCES = ["CN-BJ", "CN-TJ", "CN-HE"]          # ISO 3166-2, in the book's order
REGION_ORDER = ["CN-BJ", "CN-TJ", "CN-HE", "JJJ", "CN"]
REGION_SHORT = {"CN-BJ": "北京", "CN-TJ": "天津", "CN-HE": "河北", "JJJ": "京津冀", "CN": "全国"}
REGION_EN = {"CN-BJ": "Beijing", "CN-TJ": "Tianjin", "CN-HE": "Hebei", "JJJ": "Beijing–Tianjin–Hebei",
             "CN": "China"}


def region_short(code: str) -> str:
    """'CN-BJ' → '北京' (the name a reader sees; codes never reach a page)."""
    return REGION_SHORT[code]


# --------------------------------------------------------------------------- years
STRATEGY_YEAR = 2014   # the coordinated-development strategy is launched
START_YEAR = 2011      # the first year of the report's ten-year comparison
REPORT_YEAR = 2021     # the latest complete year the report uses
INCOME_SURVEY_FIRST_YEAR = 2013   # the integrated urban–rural household survey starts

# --------------------------------------------------------------------------- verdicts
# How a figure was checked. A claim is "recomputed" when the book rebuilt it from its
# components and it agrees; "matches_publication" when the figure itself was looked up in
# an official publication and agrees (nothing to recompute); "differs" when either
# disagrees beyond the report's rounding; "cannot_check" when the data are missing.
VERDICTS = ("recomputed", "matches_publication", "differs", "cannot_check")
AGREES = ("recomputed", "matches_publication")
VERDICT_LABEL = {
    "recomputed": "复算相符",
    "matches_publication": "与官方公布一致",
    "differs": "与报告不符",
    "cannot_check": "无法核对",
}
VERDICT_LABEL_EN = {
    "recomputed": "Recomputed, agrees",
    "matches_publication": "Agrees with the official publication",
    "differs": "Differs",
    "cannot_check": "Cannot check",
}
VERDICT_EXPLAIN = {
    "recomputed": "本书用官方数据的组成部分重新计算，结果与报告一致（在报告的四舍五入范围内）。",
    "matches_publication": "报告的数字与官方出版物印出的数字一致；本书查到了这个数，但无从由组成部分重算。",
    "differs": "本书的计算或查到的官方数字与报告不一致，差异超出报告的四舍五入范围。",
    "cannot_check": "本书还没有找到可以引用的官方数据，暂时无法核对。",
}
VERDICT_CSS = {"recomputed": "tip", "matches_publication": "tip", "differs": "warning", "cannot_check": "note"}
VERDICT_ICON = {"recomputed": "√", "matches_publication": "√", "differs": "×", "cannot_check": "？"}

# Whose statement a claim is: the report's own sentence (paraphrased), or a premise the book
# wrote to test a recommendation the report makes without a number.
KINDS = ("report", "premise")
KIND_LABEL = {"report": "报告的说法", "premise": "本书归纳的前提"}
KIND_EXPLAIN = {
    "report": "报告原文给出的判断或数字（本书转述）。",
    "premise": "报告的建议背后隐含、但报告没有写出数字的前提，由本书归纳成可检验的命题。",
}

# Check results that are words rather than numbers.
DIRECTION_ZH = {"widened": "扩大", "narrowed": "缩小", "unchanged": "不变"}
YES_NO_ZH = {True: "是", False: "否"}

# --------------------------------------------------------------------------- measures and gaps
MEASURES = {"cv": "变异系数", "max_min": "最高与最低之比", "theil": "人口加权泰尔指数"}
NO_INDICATOR = "暂无公开指标"
