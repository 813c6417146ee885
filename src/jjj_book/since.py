"""The report's claims re-asked with later years (chapter 08_since).

The report's claims are pinned to the years it could see (2021, 2022 Q1–Q3). Here the same
checks run with a later end year or a later vintage, so the chapter can show which answers
still hold. Nothing is registered as a claim: these are the report's questions on newer data.
"""

from __future__ import annotations

import pandas as pd

from jjj_book import series
from jjj_book.claims import CannotCheck, REGISTRY, evaluate_claim
from jjj_book.claims import problems as problems_claims
from jjj_book.claims import status as status_claims
from jjj_book.data import DataPackage

VERDICT_ZH = {"reproduced": "仍成立", "differs": "不再成立", "cannot_check": "无法核对"}


def latest_common_year(pkg: DataPackage, indicator: str, vintage: str, period: str = "annual") -> int | None:
    """The last year in which all three provinces have a value."""
    table = pkg.wide(indicator, vintage, period, series.PROVINCES).dropna()
    return int(table.index.max()) if len(table) else None


def growth_leaders(pkg: DataPackage, vintage: str, first_year: int = 2019) -> pd.DataFrame:
    """Real growth of the three per year from ``first_year``, the fastest, and whether Hebei led."""
    table = pkg.wide("gdp_real_growth", vintage, "annual", series.PROVINCES).dropna()
    table = table.loc[table.index >= first_year]
    out = table.copy()
    out["fastest"] = table.idxmax(axis=1)
    out["hebei_fastest"] = table["CN-HE"] > table[["CN-BJ", "CN-TJ"]].max(axis=1)
    return out


def _same_verdict(claim_id: str, value) -> str:
    reported = REGISTRY[claim_id].reported
    return "reproduced" if value == reported else "differs"


def reevaluate(pkg: DataPackage, vintages: list[str], end_years: dict[str, int]) -> pd.DataFrame:
    """The report's trend claims with a later end year, per vintage.

    ``end_years`` maps a vintage to the end year to use. Returns one row per claim and vintage:
    the verdict at the report's end year, the verdict at the later year, and the evidence.
    """
    rows = []
    checks = {
        "status.pcgdp_gap_bj_he": lambda v, end: status_claims.pcgdp_gap(pkg, v, "CN-BJ", end),
        "status.pcgdp_gap_tj_he": lambda v, end: status_claims.pcgdp_gap(pkg, v, "CN-TJ", end),
        **{f"problems.gap_not_narrowed_{m}": (lambda v, end, m=m: problems_claims.dispersion_not_narrowed(pkg, v, m, end))
           for m in problems_claims.MEASURES},
    }
    for claim_id, check in checks.items():
        for vintage in vintages:
            then = evaluate_claim(REGISTRY[claim_id], pkg, vintage)
            end = end_years.get(vintage)
            try:
                if end is None:
                    raise CannotCheck(f"{pkg.vintage_name(vintage)}没有更晚的完整年份")
                now = check(vintage, end)
                verdict, note = _same_verdict(claim_id, now.value), now.note
            except CannotCheck as why:
                verdict, note = "cannot_check", str(why)
            rows.append({"claim": claim_id, "statement": REGISTRY[claim_id].statement, "vintage": vintage,
                         "then": then.verdict, "end_year": end, "now": verdict, "note": note})
    return pd.DataFrame(rows)
