"""What the data appendix shows: a catalogue of the data package, computed from its files.

Each function takes the package (or the claims' results) and returns a DataFrame with Chinese
headers for display, a dict of counts to glue, or — for the catalogue entries, which are
definition lists by nature — Markdown strings, one per entry. The sentences around them live
in the notebook's Markdown cells.
"""

from __future__ import annotations

import json

import pandas as pd

from jjj_book import data as data_mod
from jjj_book import series
from jjj_book.chapters.common import missing_years
from jjj_book.provenance import Sourced, rows_of
from jjj_book.text import year_ranges
from jjj_book.vocab import PROVINCES

PERIOD_ZH = {"annual": "", "Q1-Q3": "（前三季度）"}
ADDRESS_ZH = {"official": "官方网页", "official_index": "官方栏目或数据库", "none": "未找到官方网址"}
REGION_KIND_ZH = {"province": "省级行政区", "country": "全国", "region_group": "三地合计"}
NONE = "—"


def _cell(value) -> str:
    """Text for a pipe-table cell (no line breaks, no bare pipes)."""
    return str(value).replace("|", "／").replace("\n", " ").strip() or NONE


def _region_names(pkg) -> dict[str, str]:
    return dict(zip(pkg.regions["code"], pkg.regions["name_zh"]))


def _indicator_names(pkg) -> dict[str, str]:
    return dict(zip(pkg.indicators["id"], pkg.indicators["name_zh"]))


def _units(pkg) -> dict[str, str]:
    return dict(zip(pkg.units["id"], pkg.units["symbol_zh"]))


# --------------------------------------------------------------------------- the package as a whole

def descriptor(pkg) -> dict:
    """The package's descriptor (``datapackage.json``)."""
    return json.loads((pkg.root / data_mod.DESCRIPTOR).read_text(encoding="utf-8-sig"))


def counts(pkg) -> dict[str, int]:
    """The sizes the overview names: indicators, observations, vintages, sources, first and last year."""
    obs = pkg.observations
    return {"n_indicators": len(pkg.indicators), "n_obs": len(obs), "n_vintages": len(pkg.vintages),
            "n_sources": len(pkg.sources), "first_year": int(obs["year"].min()), "last_year": int(obs["year"].max())}


def title_and_licence(pkg) -> tuple[str, str]:
    """The package's title and its licence(s), as the descriptor states them."""
    desc = descriptor(pkg)
    licence = "；".join(lic.get("title") or lic.get("name", "") for lic in desc.get("licenses", []))
    return desc.get("title", ""), licence or NONE


def resources_table(pkg) -> pd.DataFrame:
    """文件 | 行数 | 列: one row per table the descriptor lists."""
    rows = []
    for res in descriptor(pkg)["resources"]:
        rows.append({"文件": res["path"], "行数": len(pkg.tables[res["name"]]),
                     "列": "、".join(f["name"] for f in res["schema"]["fields"])})
    return pd.DataFrame(rows, columns=["文件", "行数", "列"])


def regions_table(pkg) -> pd.DataFrame:
    """名称 | 英文 | 类别 of every region of the package."""
    kinds = pkg.regions["kind"].map(lambda k: REGION_KIND_ZH.get(k, k))
    return pd.DataFrame({"名称": pkg.regions["name_zh"], "英文": pkg.regions["name_en"], "类别": kinds})


def units_table(pkg) -> pd.DataFrame:
    """单位 | 编号 | 英文 of every unit of the package."""
    return pd.DataFrame({"单位": pkg.units["symbol_zh"], "编号": pkg.units["id"], "英文": pkg.units["name_en"]})


# --------------------------------------------------------------------------- vintages

def years_text(years, breaks) -> str:
    """Years as runs, a break or a missing year separating segments: '2011—2022｜2023'."""
    if not len(years):
        return NONE
    return "｜".join(year_ranges(run) for run in series.segments(years, breaks))


def comparable_label(is_series: bool, breaks) -> str:
    """The 可比序列 cell: '是', '是，2023年起断开' or '否，单年发布'."""
    if not is_series:
        return "否，单年发布"
    return "是" + "".join(f"，{b}年起断开" for b in breaks)


def vintage_table(pkg) -> pd.DataFrame:
    """版本 | 可比序列 | 已有年份, one row per vintage of the package."""
    overview = series.vintage_overview(pkg)
    return pd.DataFrame({
        "版本": list(overview["name_zh"]),
        "可比序列": [comparable_label(r.series, r.breaks) for r in overview.itertuples()],
        "已有年份": [years_text(r.years, r.breaks) for r in overview.itertuples()],
    }, columns=["版本", "可比序列", "已有年份"])


def vintage_entries(pkg) -> list[str]:
    """One catalogue entry (a Markdown definition list) per vintage: what it is, its indicators, years."""
    entries = []
    for r in series.vintage_overview(pkg).itertuples():
        comparable = "是，各年可以相互比较" if r.series else "否，每年单独发布，不跨年计算"
        if r.breaks:
            comparable += "；断点：" + "、".join(f"{b}年起为新的一段" for b in r.breaks)
        entries.append("\n".join([
            f"**{r.name_zh}**（`{r.id}`）",
            f": **是什么**：{r.description_zh}",
            f": **适用指标**：{'、'.join(r.indicators_zh) or NONE}",
            f": **可比序列**：{comparable}",
            f": **已有年份**：{years_text(r.years, r.breaks)}（{r.observations} 条观测）"]))
    return entries


def series_counts(pkg) -> dict:
    """How many vintages are comparable series, and the names of those that are not (“…”、“…”)."""
    overview = series.vintage_overview(pkg)
    single = "、".join(f"“{n}”" for n in overview.loc[~overview["series"].astype(bool), "name_zh"])
    return {"n_series": int(overview["series"].astype(bool).sum()), "non_series_names": single or NONE}


def communique_jump(pkg, region: str = "CN-BJ") -> dict:
    """Why the book refuses arithmetic across years of the communiqués: the pair of consecutive years in
    which the ratio of two communiqué GDP levels strays furthest from the published real growth.

    Returns ``from``/``to`` (years), ``jump`` (the ratio as a % 'growth', computed only to show why it
    is refused) and ``real`` (the published real growth of the later year), both :class:`Sourced`."""
    comm = pkg.wide("gdp", "communique", regions=[region])[region].dropna()
    real = pkg.wide("gdp_real_growth", "communique", regions=[region])[region].dropna()
    pairs = [(a, b) for a, b in zip(comm.index, comm.index[1:]) if b == a + 1 and b in real.index]
    a, b = max(pairs, key=lambda p: comm[p[1]] / comm[p[0]] - real[p[1]] / 100)
    levels = rows_of(pkg, "gdp", "communique", [region], [a, b])
    growth = rows_of(pkg, "gdp_real_growth", "communique", [region], [b])
    jump = Sourced(float((comm[b] / comm[a] - 1) * 100), levels,
                   f"{b}年统计公报的地区生产总值 ÷ {a}年统计公报的地区生产总值 − 1（两年口径不同，仅用来说明为什么不能这样算）")
    return {"from": int(a), "to": int(b), "jump": jump, "real": Sourced(float(real[b]), growth)}


def break_and_discrepancy(pkg, break_vintage: str = "census4", note_vintage: str = "census5",
                          indicator: str = "gdp_per_capita") -> dict:
    """The first break of ``break_vintage`` and the latest documented per-capita discrepancy of
    ``note_vintage`` with its explanation (series.per_capita_note)."""
    year = int(series.documented_discrepancies(pkg, indicator, note_vintage)["year"].max())
    return {"break_name": pkg.vintage_name(break_vintage), "break_year": int(series.breaks(pkg, break_vintage)[0]),
            "note_name": pkg.vintage_name(note_vintage), "note_year": year,
            "note": series.per_capita_note(pkg, note_vintage, year)}


def break_chart(pkg, names: dict[str, str], vintage: str = "census4", indicator: str = "gdp"):
    """The three regions' GDP in one vintage, split at its breaks (a break's year stands alone, not joined
    to the years before it), each break marked by a dotted line."""
    from jjj_book import plots

    table = pkg.wide(indicator, vintage, regions=PROVINCES)
    fig, ax = plots.new_figure()
    plots.line_by_region(ax, series.split_at_breaks(table), names)
    for year in series.breaks(pkg, vintage):
        plots.mark_break(ax, year, "初步数")
    ax.set_ylabel(pkg.indicator_info(indicator)["unit_zh"])
    plots.thousands(ax)
    plots.finish(fig, pkg.citation(pkg.series(indicator, vintage)), [pkg.vintage_name(vintage)])
    return fig


# --------------------------------------------------------------------------- indicators

def indicator_summary(pkg) -> pd.DataFrame:
    """指标 | 单位 | 版本数 | 年份 | 观测数, one row per indicator (also those without observations)."""
    obs, units = pkg.observations, _units(pkg)
    rows = []
    for ind in pkg.indicators.itertuples():
        held = obs[obs["indicator"] == ind.id]
        rows.append({"指标": ind.name_zh, "单位": units.get(ind.unit, ind.unit), "版本数": int(held["vintage"].nunique()),
                     "年份": year_ranges(list(held["year"])) if len(held) else NONE, "观测数": len(held)})
    return pd.DataFrame(rows, columns=["指标", "单位", "版本数", "年份", "观测数"])


def coverage(pkg, rows: pd.DataFrame) -> str:
    """The years of some observation rows, per vintage and period, regions with identical years grouped:
    '四经普修订数：北京市、天津市、河北省 2011—2023；统计公报初步数（前三季度）：…'."""
    names, parts = _region_names(pkg), []
    for vintage in [v for v in pkg.vintages["id"] if v in set(rows["vintage"])]:
        held = rows[rows["vintage"] == vintage]
        for period in sorted(set(held["period"]), key=lambda p: p != "annual"):
            sub = held[held["period"] == period]
            groups: dict[str, list[str]] = {}
            for region in [r for r in pkg.regions["code"] if r in set(sub["region"])]:
                years = year_ranges(list(sub.loc[sub["region"] == region, "year"]))
                groups.setdefault(years, []).append(names[region])
            spans = "；".join(f"{'、'.join(regions)} {years}" for years, regions in groups.items())
            parts.append(f"{pkg.vintage_name(vintage)}{PERIOD_ZH.get(period, f'（{period}）')}：{spans}")
    return "；".join(parts)


def citation(pkg, source_id: str) -> str:
    """One source in full: publisher《publication》，table or release（date）."""
    s = pkg.sources.set_index("id").loc[source_id]
    return f"{s['publisher']}《{s['publication']}》，{s['table_or_release']}（{s['date']}）"


def indicator_entries(pkg) -> list[str]:
    """One catalogue entry per indicator: id, name, unit, definition, English name, years by vintage, sources."""
    obs, units, entries = pkg.observations, _units(pkg), []
    for ind in pkg.indicators.itertuples():
        held = obs[obs["indicator"] == ind.id]
        cited = list(dict.fromkeys(held.sort_values(["vintage", "year"])["source_id"]))
        lines = [f"`{ind.id}` **{ind.name_zh}**（{units.get(ind.unit, ind.unit)}）",
                 f": **定义**：{ind.definition or NONE}",
                 f": **英文**：{ind.name_en}",
                 f": **年份与版本**：{coverage(pkg, held) if len(held) else '数据包中还没有观测'}"]
        if cited:
            lines.append(f": **出处**（{len(cited)} 种）：" + "；".join(citation(pkg, s) for s in cited))
        entries.append("\n".join(lines))
    return entries


# --------------------------------------------------------------------------- sources

def address_counts(pkg) -> dict[str, int]:
    """How many sources record the publication's own page, the publisher's index page, or no address."""
    kinds = pkg.sources["address_kind"].value_counts()
    return {f"n_{key}": int(kinds.get(kind, 0))
            for key, kind in (("official", "official"), ("index", "official_index"), ("none", "none"))}


def _sources_used(pkg) -> pd.DataFrame:
    src = pkg.sources.copy()
    src["observations"] = src["id"].map(pkg.observations["source_id"].value_counts()).fillna(0).astype(int)
    return src


def publisher_table(pkg) -> pd.DataFrame:
    """发布机构 | 出处数 | 观测数, most observations first."""
    table = (_sources_used(pkg).groupby("publisher")
             .agg(出处数=("id", "size"), 观测数=("observations", "sum"))
             .sort_values("观测数", ascending=False, kind="stable"))
    table.index.name = "发布机构"
    return table.reset_index().astype({"出处数": int, "观测数": int})


def source_entries(pkg) -> list[str]:
    """One catalogue entry per source: id, publisher《publication》, release, date, observations, address."""
    entries = []
    for r in _sources_used(pkg).itertuples():
        kind = ADDRESS_ZH.get(r.address_kind, r.address_kind)
        address = f"<{r.url}>（{kind}）" if isinstance(r.url, str) and r.url else kind
        entries.append(f"`{r.id}` {r.publisher}《{r.publication}》\n"
                       f": {r.table_or_release}；{r.date}；{r.observations} 条观测\n"
                       f": 官方网址：{address}")
    return entries


# --------------------------------------------------------------------------- values seen and not stored

def rejected_table(pkg) -> pd.DataFrame:
    """指标 | 哪一个数 | 没有收录的原因, one row per row of PROVENANCE.md's rejected table."""
    rejected = series.rejected_values(pkg)
    names, regions = _indicator_names(pkg), _region_names(pkg)

    def which(r) -> str:
        year = "" if r.year == "*" else f"{r.year}年"
        vintage = "" if r.vintage == "*" else f"（{pkg.vintage_name(r.vintage)}）"
        return f"{regions.get(r.region, r.region)}{year}{vintage}：{r.value}"

    return pd.DataFrame({"指标": [names.get(i, i) for i in rejected["indicator"]],
                         "哪一个数": [which(r) for r in rejected.itertuples()],
                         "没有收录的原因": [_cell(w) for w in rejected["why_zh"]]},
                        columns=["指标", "哪一个数", "没有收录的原因"])


# --------------------------------------------------------------------------- gaps

def open_claims(results) -> list:
    """The claims that cannot be checked for want of data (verdict cannot_check), in registry order."""
    return [r for r in results if r.verdict == "cannot_check"]


def uncheckable_table(results) -> pd.DataFrame:
    """章节 | 报告的说法（转述） | 缺少的数据 for a Markdown table: the chapter cell links to its page."""
    rows = [{"章节": f"{{doc}}`{r.chapter}`", "报告的说法（转述）": _cell(r.statement), "缺少的数据": _cell(r.note)}
            for r in open_claims(results)]
    return pd.DataFrame(rows, columns=["章节", "报告的说法（转述）", "缺少的数据"])


def inner_gaps(pkg) -> pd.DataFrame:
    """Tidy: every annual series (indicator × vintage × region) with years missing between its first and
    its last year. Columns: indicator, vintage, region, held, missing (lists of years)."""
    annual = pkg.observations[pkg.observations["period"] == "annual"]
    out = []
    for (indicator, vintage, region), rows in annual.groupby(["indicator", "vintage", "region"], sort=False):
        held = sorted(int(y) for y in set(rows["year"]))
        gaps = missing_years(pkg, [indicator], vintage, [region], held[0], held[-1])
        if not gaps.empty:
            out.append({"indicator": indicator, "vintage": vintage, "region": region, "held": held,
                        "missing": list(gaps.iloc[0]["years"])})
    return pd.DataFrame(out, columns=["indicator", "vintage", "region", "held", "missing"])


def gap_table(pkg) -> pd.DataFrame:
    """指标 | 版本 | 地区 | 已有 | 缺少 for display, sorted by indicator, vintage and region names."""
    gaps, names, regions = inner_gaps(pkg), _indicator_names(pkg), _region_names(pkg)
    table = pd.DataFrame({"指标": [names[i] for i in gaps["indicator"]],
                          "版本": [pkg.vintage_name(v) for v in gaps["vintage"]],
                          "地区": [regions[r] for r in gaps["region"]],
                          "已有": [year_ranges(h) for h in gaps["held"]],
                          "缺少": [year_ranges(m) for m in gaps["missing"]]},
                         columns=["指标", "版本", "地区", "已有", "缺少"])
    return table.sort_values(["指标", "版本", "地区"], kind="stable").reset_index(drop=True)


def empty_indicators(pkg) -> list[dict]:
    """The indicators the package defines but holds no observation of: [{'id', 'name_zh'}], in its order."""
    held = set(pkg.observations["indicator"])
    return [{"id": i.id, "name_zh": i.name_zh} for i in pkg.indicators.itertuples() if i.id not in held]


def empty_indicators_text(pkg) -> str:
    """The same as a Markdown list for a sentence: '名称（`id`）、…', or '无'."""
    return "、".join(f"{e['name_zh']}（`{e['id']}`）" for e in empty_indicators(pkg)) or "无"
