"""What chapter 08_since (报告之后) computes: the report's questions asked again on later years.

The report's claims are pinned to the years it could see (2021, 2022 Q1–Q3). Here the same
checks run with a later end year, in the census-revised series (never across the years of
the communiqué vintage, whose levels are not a series), and the growth ranking is extended
with the rates each year's release printed. Nothing is registered as a claim.

Tidy frames keep claim ids and vintage ids (for tests and exercises); the ``*_table``
functions turn them into what a reader sees (Chinese labels, no ids).
"""

from __future__ import annotations

import pandas as pd

from jjj_book import metrics, plots, series
from jjj_book.chapters import tracing
from jjj_book.chapters.common import latest_common_year as _latest_in
from jjj_book.chapters.status import (OTHERS, mark_breaks, published_ratio_cells, published_ratios,  # noqa: F401 (shown here too)
                                      show_table, table)
from jjj_book.claims import CannotCheck, REGISTRY, evaluate_claim
from jjj_book.claims import problems as problems_claims
from jjj_book.claims import status as status_claims
from jjj_book.data import DataPackage
from jjj_book.text import trend_word, year_ranges
from jjj_book.vocab import AGREES, MEASURES, PROVINCES, REGION_SHORT, STRATEGY_YEAR

HOLDS = {"recomputed": "√ 成立", "matches_publication": "√ 成立", "differs": "× 不成立", "cannot_check": "无法核对"}


def latest_common_year(pkg: DataPackage, indicator: str, vintage: str, period: str = "annual",
                       start: int = STRATEGY_YEAR) -> int | None:
    """The last year in which all three provinces have a value, in the segment of the vintage that
    holds ``start`` (a level compared with ``start`` never crosses a break, e.g. a spliced preliminary year)."""
    wide = pkg.wide(indicator, vintage, period, PROVINCES)
    later_breaks = [b for b in series.breaks(pkg, vintage) if b > start]
    if later_breaks:
        wide = wide.loc[wide.index < min(later_breaks)]
    return _latest_in(wide, PROVINCES)


# --------------------------------------------------------------------------- growth ranking

def growth_leaders(pkg: DataPackage, vintage: str, first_year: int = 2019) -> pd.DataFrame:
    """Real growth of the three per year from ``first_year`` (as printed for each year: rates of
    different years are compared side by side, never combined), the fastest, whether Hebei led."""
    table_ = pkg.wide("gdp_real_growth", vintage, "annual", PROVINCES).dropna()
    table_ = table_.loc[table_.index >= first_year]
    out = table_.copy()
    out["fastest"] = table_.idxmax(axis=1)
    out["hebei_fastest"] = table_["CN-HE"] > table_[["CN-BJ", "CN-TJ"]].max(axis=1)
    return out


def leaders_table(pkg: DataPackage, leaders: pd.DataFrame, vintage: str):
    """年份 | 北京 | 天津 | 河北 | 增速最快, rates with one decimal, under it source and vintage."""
    shown = leaders[PROVINCES].apply(lambda col: col.map(lambda v: f"{v:.1f}")).rename(columns=REGION_SHORT)
    shown["增速最快"] = [REGION_SHORT[c] for c in leaders["fastest"]]
    shown.index = [f"{y}年" for y in leaders.index]
    rows = pkg.series("gdp_real_growth", vintage, regions=PROVINCES)
    return table(shown, "年份（%）", pkg, rows[rows["year"].isin(leaders.index)])


def growth_facts(leaders: pd.DataFrame, report_year: int) -> dict:
    """The years after the report, whether Hebei led in every one, and the years it did not lead."""
    after = leaders.loc[leaders.index > report_year]
    slower = [int(y) for y in leaders.index if not leaders.loc[y, "hebei_fastest"]]
    every = bool(after["hebei_fastest"].all()) if len(after) else False
    return {"after": year_ranges(after.index.tolist()), "every": every,
            "every_words": "每年都是三地中最快的" if every else "并非每年都是三地中最快的",
            "every_en": "still grew fastest every year" if every else "did not grow fastest every year",
            "slower": year_ranges(slower) or "无"}


def growth_chart(pkg: DataPackage, leaders: pd.DataFrame, vintage: str, report_year: int):
    """Real growth of the three in one vintage, the years after the report on a grey ground."""
    fig, ax = plots.new_figure()
    plots.line_by_region(ax, leaders[PROVINCES], REGION_SHORT)
    ax.axvspan(report_year + 0.5, leaders.index.max() + 0.5, color="#eeeeee", zorder=0)
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.set_title("地区生产总值实际增速（%）")
    ax.legend(loc="upper right", ncols=3)
    rows = pkg.series("gdp_real_growth", vintage, regions=PROVINCES)
    plots.finish(fig, pkg.citation(rows[rows["year"].isin(leaders.index)]), [pkg.vintage_name(vintage)])
    return _closed(fig)


def _closed(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


# --------------------------------------------------------------------------- trend claims, later end years

def _checks(pkg: DataPackage) -> dict:
    """Claim id → (short label, check(vintage, end year))."""
    checks = {f"status.pcgdp_gap_{o[-2:].lower()}_he": (
        f"{REGION_SHORT[o]}与河北的人均差距以元计扩大",
        lambda v, end, o=o: status_claims.pcgdp_gap(pkg, v, o, end)) for o in OTHERS}
    for m, label in MEASURES.items():
        checks[f"problems.gap_not_narrowed_{m}"] = (
            f"三地人均值的{label}不低于{STRATEGY_YEAR}年",
            lambda v, end, m=m: problems_claims.dispersion_not_narrowed(pkg, v, m, end))
    return checks


def reevaluate(pkg: DataPackage, vintages: list[str], end_years: dict[str, int | None]) -> pd.DataFrame:
    """The report's trend claims with a later end year, per vintage (series vintages only).

    One row per claim and vintage: claim, label, vintage, then (the verdict at the report's
    year), end_year, now (the same check at ``end_years[vintage]``: recomputed when the
    answer is still the report's, differs when not, cannot_check), note (the evidence)."""
    rows = []
    for claim_id, (label, check) in _checks(pkg).items():
        for vintage in vintages:
            then = evaluate_claim(REGISTRY[claim_id], pkg, vintage)
            end = end_years.get(vintage)
            try:
                if end is None:
                    raise CannotCheck(f"{pkg.vintage_name(vintage)}没有更晚的完整年份")
                if not series.is_series(pkg, vintage):
                    raise CannotCheck(f"{pkg.vintage_name(vintage)}各年口径不同，不能跨年比较")
                found = check(vintage, end)
                now = "recomputed" if found.value == REGISTRY[claim_id].reported else "differs"
                note = found.note
            except CannotCheck as why:
                now, note = "cannot_check", str(why)
            rows.append({"claim": claim_id, "label": label, "vintage": vintage, "then": then.verdict,
                         "end_year": end, "now": now, "note": note})
    return pd.DataFrame(rows)


def reevaluation_table(pkg: DataPackage, later: pd.DataFrame, report_year: int, vintage: str):
    """One vintage: one row per judgement, whether it holds at the report's year and at the later end."""
    part = later[later["vintage"] == vintage].set_index("label")
    end = part["end_year"].iloc[0]
    shown = pd.DataFrame({f"{report_year}年": part["then"].map(HOLDS),
                          f"{'—' if pd.isna(end) else int(end)}年": part["now"].map(HOLDS)})
    rows = pd.concat([pkg.series("gdp", vintage, regions=PROVINCES),
                      pkg.series("population_yearend", "census7", regions=PROVINCES)])
    return table(shown, f"判断（{pkg.vintage_name(vintage)}）", pkg, rows)


def changed(later: pd.DataFrame) -> dict:
    """How many checks changed their answer at the later end year, and which (labels)."""
    moved = later[later["then"].map(lambda v: v in AGREES) != (later["now"] == "recomputed")]
    moved = moved[moved["now"] != "cannot_check"]
    return {"count": int(len(later)), "changed": int(len(moved)),
            "which": "、".join(dict.fromkeys(moved["label"])) or "无"}


# --------------------------------------------------------------------------- ratios and dispersion

def ratio_moves(pkg: DataPackage, vintage: str, strategy: int, report_year: int, end: int) -> dict:
    """Beijing/Tianjin ÷ Hebei per-capita GDP at the strategy year, the report's year and ``end``."""
    pc = series.gdp_per_capita(pkg, vintage)
    out = {}
    for o in OTHERS:
        r = metrics.relative_gap(pc[o], pc["CN-HE"])
        key = o[-2:].lower()
        out.update({f"{key}_start": float(r[strategy]), f"{key}_report": float(r[report_year]),
                    f"{key}_end": float(r[end]), f"{key}_word": trend_word(r[end] - r[strategy])})
    return out


def ratio_chart(pkg: DataPackage, vintages: list[str], start: int, report_year: int):
    """One panel per vintage: Beijing ÷ Hebei and Tianjin ÷ Hebei per-capita GDP (倍)."""
    fig, axes = plots.new_figure(ncols=len(vintages))
    for ax, v in zip(axes, vintages):
        pc = series.gdp_per_capita(pkg, v)
        ratio = pd.DataFrame({o: metrics.relative_gap(pc[o], pc["CN-HE"]) for o in OTHERS}).loc[start:]
        drawn = plots.complete_years(series.split_at_breaks(ratio, series.breaks(pkg, v)))
        for k, o in enumerate(OTHERS):
            ax.plot(drawn.index, drawn[o], marker=plots.REGION_MARKERS[o], color=plots.derived_color(k),
                    label=f"{REGION_SHORT[o]} ÷ 河北")
        ax.axvline(report_year, color="#999999", linestyle="--", linewidth=1)
        ax.annotate("报告年份", xy=(report_year, 0.02), xycoords=("data", "axes fraction"), xytext=(3, 0),
                    textcoords="offset points", ha="left", va="bottom", color="#555555")
        mark_breaks([ax], series.breaks(pkg, v), ratio.index)
        ax.set_ylim(bottom=0)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"人均地区生产总值之比（倍），{pkg.vintage_name(v)}")
        ax.legend(loc="lower left", ncols=2)
    rows = pd.concat([pkg.series("gdp", v, regions=PROVINCES) for v in vintages]
                     + [pkg.series("population_yearend", "census7", regions=PROVINCES)])
    plots.finish(fig, pkg.citation(rows), [pkg.vintage_name(v) for v in vintages] + [pkg.vintage_name("census7")])
    return _closed(fig)


def dispersion_peak(pkg: DataPackage, vintage: str, strategy: int, end: int) -> dict:
    """Year and value of the highest coefficient of variation from ``strategy`` on, the value at ``end``."""
    cv = series.per_capita_gdp_dispersion(pkg, vintage)["cv"].loc[strategy:end]
    peak = int(cv.idxmax())
    above = cv.loc[end] > cv.loc[strategy]
    return {"peak": peak, "peak_cv": float(cv.max()), "end_cv": float(cv.loc[end]), "start_cv": float(cv.loc[strategy]),
            "eased": "此后回落" if peak < end else "尚未回落", "eased_en": "has eased since" if peak < end else "has not eased",
            "vs_start": "仍高于" if above else "已不高于", "vs_start_en": "still above" if above else "no longer above"}


# --------------------------------------------------------------------------- incomes

def income_ratio_facts(pkg: DataPackage, vintage: str, report_year: int) -> dict:
    """Beijing's published urban–rural ratio at its first and last year, and who lacks later years."""
    published = pkg.wide("urban_rural_income_ratio", vintage, regions=PROVINCES)
    bj = published["CN-BJ"].dropna() if "CN-BJ" in published else pd.Series(dtype=float)
    lacking = [REGION_SHORT[r] for r in PROVINCES
               if r not in published or published[r].dropna().index.max() <= report_year]
    return {"bj_first": int(bj.index.min()), "bj_last": int(bj.index.max()),
            "bj_first_value": float(bj.iloc[0]), "bj_last_value": float(bj.iloc[-1]),
            "bj_word": trend_word(bj.iloc[-1] - bj.iloc[0], up="上升", down="下降", flat="不变"),
            "lacking": "、".join(lacking) or "无"}


# --------------------------------------------------------------------------- key figures

def key_figures(leaders: dict[str, pd.DataFrame], end_years: dict[str, int | None], later: pd.DataFrame) -> str:
    """The figures nbval pins, as plain lines (labels for the test, not for readers)."""
    lines = [f"Hebei fastest ({v}): {', '.join(str(int(y)) for y in t.index if t.loc[y, 'hebei_fastest'])}"
             for v, t in leaders.items()]
    lines += [f"end year ({v}): {y}" for v, y in end_years.items()]
    lines.append(later[["claim", "vintage", "then", "now"]].to_string(index=False))
    return "\n".join(lines)


def without_latest_year(pkg: DataPackage, folder) -> DataPackage:
    """A copy of the data package in ``folder`` without its latest year (for the exercise)."""
    import shutil
    from pathlib import Path

    from jjj_book import data

    copy = Path(folder) / "data"
    shutil.copytree(pkg.root, copy, ignore=shutil.ignore_patterns("_staging"))
    rows = pd.read_csv(copy / "observations.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    latest = int(rows["year"].astype(int).max())
    rows[rows["year"].astype(int) < latest].to_csv(copy / "observations.csv", index=False)
    return data.load(copy)


def key_findings(pkg: DataPackage, leaders: dict[str, pd.DataFrame], later: pd.DataFrame,
                 end_years: dict[str, int | None], release_vintage: str, revised_vintage: str,
                 gdp_vintage: str, strategy: int, report_year: int) -> dict:
    """The values the chapter's prose glues, by glue name."""
    out = {"strategy_year": strategy, "report_year": report_year}
    for prefix, v in (("release", release_vintage), ("revised", revised_vintage)):
        out[f"{prefix}_name"] = pkg.vintage_name(v)
        out.update({f"{prefix}_{k}": x for k, x in growth_facts(leaders[v], report_year).items() if k != "every"})
    out.update({f"later_{k}": x for k, x in changed(later).items()})
    for prefix, v in (("gdp", gdp_vintage), ("rev", revised_vintage)):
        out.update({f"{prefix}_vname": pkg.vintage_name(v), f"{prefix}_end": end_years[v]})
        out.update({f"{prefix}_ratio_{k}": x for k, x in ratio_moves(pkg, v, strategy, report_year, end_years[v]).items()})
        out.update({f"{prefix}_cv_{k}": x for k, x in dispersion_peak(pkg, v, strategy, end_years[v]).items()})
    return out


# --------------------------------------------------------------------------- where the table cells come from

def leaders_cells(pkg: DataPackage, leaders: pd.DataFrame, vintage: str) -> dict:
    """The cells of :func:`leaders_table`: each rate opens its observation."""
    wide = pkg.wide("gdp_real_growth", vintage, "annual", PROVINCES)
    return tracing.wide_cells(wide.loc[leaders.index, PROVINCES])


def reevaluation_cells(pkg: DataPackage, later: pd.DataFrame, report_year: int, vintage: str,
                       strategy: int = STRATEGY_YEAR) -> dict:
    """The cells of :func:`reevaluation_table`: each answer opens the per-capita rows of its two years."""
    from jjj_book.chapters.problems import per_capita_inputs

    part = later[later["vintage"] == vintage]
    cells = {}
    for i, row in enumerate(part.itertuples()):
        cells[(i, 0)] = (per_capita_inputs(pkg, vintage, "census7", [strategy, report_year]), row.label)
        if pd.notna(row.end_year) and row.now != "cannot_check":
            cells[(i, 1)] = (per_capita_inputs(pkg, vintage, "census7", [strategy, int(row.end_year)]),
                             f"{row.label}：{row.note}")
    return cells
