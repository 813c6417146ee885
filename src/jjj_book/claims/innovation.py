"""Claims of the report's first strategic priority (chapter 03_innovation).

The report's section on innovating the drivers, mechanisms and model of
coordinated development is made of recommendations (talent, joint innovation
platforms, a regional interest-coordination mechanism, factor mobility,
industrial-chain policy, unified economic rules in the metropolitan area) and
prints no number. What the data can test are the factual premises these
recommendations rest on; each is registered as a premise (statement prefixed
with :data:`~jjj_book.claims.PREMISE_PREFIX`) whose reported value is True. A
premise that needs a threshold ("far below", "a small share") names it.

Basis of each check: a premise decided by comparing figures as an official
publication printed them (the three provinces' R&D intensities, the printed
flows, the printed change of an index) is ``published``; one that needs a
quantity the book derives (a ratio, a share, a difference of two index levels)
is ``recomputed``. Figures of the ``published`` vintage are separate yearly
releases: the checks compare them across years but never do arithmetic across
years (no growth rates, no multiples of a base year).

Only the claims and the small computations their checks need live here; the
chapter's tables and figures are in :mod:`jjj_book.chapters.innovation`.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import indexes, metrics
from jjj_book.claims.registry import PREMISE_PREFIX, CannotCheck, Reproduction, register
from jjj_book.data import DataPackage
from jjj_book.text import year_ranges
from jjj_book.vocab import PROVINCES

CHAPTER = "03_innovation"

# Beijing's science commission measures the flow of technology to Tianjin and Hebei from 2013,
# the year before the coordinated-development strategy was launched.
FLOW_BASE_YEAR = 2013
# The regional R&D intensity printed in the index releases: the release covering 2019 gives a value
# for 2019 on a different footing from the 2018 one of the release before (see the data note).
JJJ_RD_BREAK = 2019
# Thresholds that turn the premises' words into tests (stated in each statement).
FAR_BELOW_SHARE = 0.5   # "far below": Hebei under half of Beijing's intensity (and below Tianjin's)
SMALL_SHARE_PCT = 10.0  # "a small share": under one tenth of Beijing's technology-contract turnover

INDEX_SUBS = {"innovation": "创新发展指数", "coordination": "协调发展指数"}
RD_TABLE = "《全国科技经费投入统计公报》分地区R&D经费投入强度"


def _wide(pkg: DataPackage, indicator: str, vintage: str, regions: list[str]) -> pd.DataFrame:
    return pkg.wide(indicator, vintage, "annual", regions)


def _common(table: pd.DataFrame, regions: list[str]) -> pd.DataFrame:
    """Rows where every region has a value."""
    if any(r not in table.columns for r in regions):
        return pd.DataFrame(columns=regions, dtype=float)
    return table[regions].dropna()


def _years(values) -> str:
    return year_ranges([int(y) for y in values]) or "无"


# --------------------------------------------------------------------------- R&D

@register(id="innovation.hebei_rd_far_below", chapter=CHAPTER, section="innovation-rd",
          statement=PREMISE_PREFIX + "河北的研发投入强度远低于京津——最近一个三地都有数据的年份，河北的R&D经费投入强度"
                    "低于天津，且不到北京的一半。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def hebei_rd_far_below(pkg, vintage):
    common = _common(_wide(pkg, "rd_intensity", vintage, PROVINCES), PROVINCES)
    if common.empty:
        raise CannotCheck(f"需要三地同一年份的{RD_TABLE}")
    year = int(common.index.max())
    bj, tj, he = (float(common.loc[year, r]) for r in PROVINCES)
    far = he < tj and he < bj * FAR_BELOW_SHARE
    return Reproduction(bool(far), f"{year}年：北京{bj:.2f}%，天津{tj:.2f}%，河北{he:.2f}%；"
                                   f"河北相当于北京的{he / bj * 100:.0f}%、天津的{he / tj * 100:.0f}%",
                        basis="published")


def rd_ratio_bj_he(pkg: DataPackage, vintage: str) -> pd.Series:
    """Beijing's R&D intensity ÷ Hebei's, for the years both have (one vintage, each year on its own)."""
    table = _common(_wide(pkg, "rd_intensity", vintage, ["CN-BJ", "CN-HE"]), ["CN-BJ", "CN-HE"])
    return metrics.relative_gap(table["CN-BJ"], table["CN-HE"])


@register(id="innovation.rd_gap_not_narrowed", chapter=CHAPTER, section="innovation-rd",
          statement=PREMISE_PREFIX + "京冀之间的创新投入差距没有缩小——北京与河北R&D经费投入强度之比，"
                    "最近一年不低于两地最早同有数据的一年。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def rd_gap_not_narrowed(pkg, vintage):
    ratio = rd_ratio_bj_he(pkg, vintage)
    if len(ratio) < 2:
        raise CannotCheck(f"需要北京、河北至少两个共同年份的{RD_TABLE}（现有共同年份：{_years(ratio.index)}）")
    a, b = int(ratio.index.min()), int(ratio.index.max())
    note = f"北京÷河北：{a}年{ratio.loc[a]:.2f}倍 → {b}年{ratio.loc[b]:.2f}倍"
    if b - a < 3:
        note += f"（只有{b - a + 1}年的窗口，不足以说明长期趋势）"
    return Reproduction(bool(ratio.loc[b] >= ratio.loc[a]), note)


@register(id="innovation.jjj_rd_above_national", chapter=CHAPTER, section="innovation-rd",
          statement=PREMISE_PREFIX + "京津冀集中了优势科技资源——最近一个有数据的年份，京津冀整体的R&D经费投入强度高于全国。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def jjj_rd_above_national(pkg, vintage):
    common = _common(_wide(pkg, "rd_intensity", vintage, ["JJJ", "CN"]), ["JJJ", "CN"])
    if common.empty:
        raise CannotCheck("需要同一年份的京津冀整体R&D经费投入强度（区域发展指数发布稿）和全国R&D经费投入强度"
                          "（《全国科技经费投入统计公报》）")
    year = int(common.index.max())
    jjj, cn = float(common.loc[year, "JJJ"]), float(common.loc[year, "CN"])
    return Reproduction(bool(jjj > cn), f"{year}年：京津冀{jjj:.2f}%，全国{cn:.2f}%，高{jjj - cn:.2f}个百分点",
                        basis="published")


# --------------------------------------------------------------------------- technology flows

def bj_flows(pkg: DataPackage, vintage: str) -> pd.Series:
    """Technology contracts flowing from Beijing to Tianjin and Hebei (亿元), the years printed."""
    flows = _wide(pkg, "tech_contracts_bj_to_tjhe", vintage, ["CN-BJ"])
    return flows["CN-BJ"].dropna() if "CN-BJ" in flows.columns else pd.Series(dtype=float)


@register(id="innovation.bj_flows_grew", chapter=CHAPTER, section="innovation-flows",
          statement=PREMISE_PREFIX + f"协同发展以来北京的技术成果更多地流向津冀——北京流向津冀的技术合同成交额，"
                    f"最近一年高于{FLOW_BASE_YEAR}年。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def bj_flows_grew(pkg, vintage):
    have = bj_flows(pkg, vintage)
    later = have[have.index > FLOW_BASE_YEAR]
    if FLOW_BASE_YEAR not in have.index or later.empty:
        raise CannotCheck(f"需要北京市科委公布的{FLOW_BASE_YEAR}年和此后至少一年北京流向津冀技术合同成交额"
                          f"（现有：{_years(have.index)}年）")
    base, year = float(have.loc[FLOW_BASE_YEAR]), int(later.index.max())
    last = float(later.loc[year])
    return Reproduction(bool(last > base),
                        f"{FLOW_BASE_YEAR}年{base:,.1f}亿元，{year}年{last:,.1f}亿元（两年各自的发布数，只比较高低）",
                        basis="published")


def bj_flow_share(pkg: DataPackage, vintage: str) -> pd.Series:
    """Technology contracts flowing from Beijing to Tianjin and Hebei as % of Beijing's turnover, same year."""
    flows = bj_flows(pkg, vintage)
    total = _wide(pkg, "tech_contract_turnover", vintage, ["CN-BJ"])
    if flows.empty or "CN-BJ" not in total.columns:
        return pd.Series(dtype=float)
    both = pd.concat([flows.rename("flow"), total["CN-BJ"].rename("total")], axis=1).dropna()
    return both["flow"] / both["total"] * 100


@register(id="innovation.bj_flow_share_small", chapter=CHAPTER, section="innovation-flows",
          statement=PREMISE_PREFIX + f"北京的技术成果主要流向京津冀以外，要素在区域内的流动仍然有限——北京流向津冀的技术合同"
                    f"成交额不到北京技术合同成交总额的{SMALL_SHARE_PCT:.0f}%（最近一个两者都有数据的年份）。",
          reported=True, unit="是/否", vintage="published", vintage_param="published_vintage")
def bj_flow_share_small(pkg, vintage):
    share = bj_flow_share(pkg, vintage)
    if share.empty:
        flows = bj_flows(pkg, vintage)
        raise CannotCheck(f"需要北京市统计公报中{_years(flows.index)}年任一年的北京技术合同成交总额，"
                          "与已有的流向津冀成交额同年")
    year = int(share.index.max())
    return Reproduction(bool(share.loc[year] < SMALL_SHARE_PCT), f"{year}年占{share.loc[year]:.1f}%")


# --------------------------------------------------------------------------- the index releases

def index_rose(pkg: DataPackage, release: str, sub: str) -> Reproduction:
    """Did a sub-index rise in the latest year of one release? The printed change (published), else the
    difference of two years of that same release (recomputed); never a difference across releases."""
    name = INDEX_SUBS[sub]
    try:
        change = indexes.change_within_release(pkg, f"jjj_index_{sub}", release)
    except indexes.NotInRelease:
        year = indexes.latest_year(pkg, f"jjj_index_{sub}", release)
        if year is None:
            raise CannotCheck(f"需要京津冀区域发展指数发布稿（{pkg.vintage_name(release)}）中的{name}") from None
        raise CannotCheck(f"需要{pkg.vintage_name(release)}中{year - 1}年的{name}或印出的比上年变化"
                          "（不同批次的数值不能相减）") from None
    if change.basis == "published":
        how = f"发布稿印出比上年变化{change.delta:+.1f}点"
    else:
        how = f"同一批次内{change.year - 1}年{change.previous:.1f} → {change.year}年（{change.delta:+.1f}点）"
    return Reproduction(bool(change.delta > 0), f"{change.year}年{change.level:.1f}；{how}", basis=change.basis)


for _sub, _name in INDEX_SUBS.items():
    _why = ("创新能力在持续增强" if _sub == "innovation" else "区域协调在改善")
    register(id=f"innovation.{_sub}_index_rose", chapter=CHAPTER, section="innovation-index",
             statement=PREMISE_PREFIX + f"{_why}——京津冀区域发展指数的{_name}，在报告可用的那一批发布中，最新一年比上年提高。",
             reported=True, unit="是/否", vintage="idx2021d", vintage_param="index_release",
             )(lambda pkg, release, s=_sub: index_rose(pkg, release, s))
