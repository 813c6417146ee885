"""What chapter 07_scorecard (复现记分卡) computes: every registered claim, checked in its
chapter's default vintage, counted and listed.

The scorecard is built from the claims registry itself (``jjj_book.claims.evaluate``: every
claim in its default vintage, which is its chapter parameter's default), so it cannot disagree
with the chapters. The report's own statements and the premises the book wrote are counted apart (:func:`counts_table`): the headline figures are about the report. The full
list is an HTML table (:func:`scorecard_html`, class ``jjj-scorecard``: every cell carries
a ``data-label`` so a narrow screen can show one card per claim), linking each claim to its
line in its chapter; the same rows go to a CSV file for download (:func:`write_csv`).
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from jjj_book import plots
from jjj_book.claims import REGISTRY, Result
from jjj_book.render import COUNT_UNITS, anchor, decimals_for, format_value
from jjj_book.vocab import (
    DIRECTION_ZH,
    KIND_LABEL,
    VERDICT_EXPLAIN,
    VERDICT_LABEL,
    VERDICTS,
    YES_NO_ZH,
)

# The chapters that register claims, by notebook name, with the title of their page
# (a test checks these against the notebooks' own headings).
CHAPTER_TITLES = {"01_status": "发展现状", "02_problems": "突出问题", "03_innovation": "创新区域协同发展动力、机制与模式",
                  "04_public_services": "公共服务与共同富裕", "05_green": "新能源与新动能、绿色转型",
                  "06_culture": "文化资源与文化创造力"}
# One colour per verdict (none of them a region's colour): two greens for the two ways of agreeing.
VERDICT_COLORS = {"recomputed": "#1a7f37", "matches_publication": "#8fd19e", "differs": "#b3261e",
                  "cannot_check": "#c4c9d0"}
NOT_PRINTED = "报告未写出"
COLUMNS = ["判断（转述）", "报告", "本书", "核对", "数据版本", "正文"]
CSV_COLUMNS = ["章节", "说法的来源", "判断（转述）", "报告数值", "本书数值", "单位", "差异（本书−报告）", "核对结论",
               "核对方式", "数据版本", "说明", "正文链接", "claim_id", "verdict", "kind", "vintage"]


def chapter_title(chapter: str) -> str:
    return CHAPTER_TITLES.get(chapter, chapter)


def counts(results: list[Result], kind: str | None = None) -> dict[str, int]:
    """Claims per verdict, every verdict present (zeros included), optionally of one kind."""
    return {v: sum(1 for r in results if r.verdict == v and (kind is None or r.kind == kind)) for v in VERDICTS}


def count_formula(kind: str, verdict: str | None = None) -> str:
    """How a count of claims is made, in words (the provenance of a count the page shows)."""
    if verdict is None:
        return f"全书登记的“{KIND_LABEL[kind]}”条数"
    return f"全书登记的“{KIND_LABEL[kind]}”中核对结论为“{VERDICT_LABEL[verdict]}”的条数"


def counts_cells(table: pd.DataFrame) -> dict:
    """For :meth:`Chapter.table`: each count of :func:`counts_table` (indexed by 章节) → ([], how it is counted)."""
    labels = {VERDICT_LABEL[v]: v for v in VERDICTS}
    cells = {}
    for i, row in enumerate(table.index):
        kind = "premise" if str(row).startswith(KIND_LABEL["premise"]) else "report"
        where = "全书" if "合计" in str(row) else f"“{row}”一章"
        for j, column in enumerate(table.columns):
            what = f"核对结论为“{column}”的" if column in labels else ""
            cells[(i, j)] = ([], f"{where}登记的“{KIND_LABEL[kind]}”中{what}条数")
    return cells


def counts_by_chapter(results: list[Result], kind: str = "report") -> pd.DataFrame:
    """Chapter title × verdict, claims of one kind (chapters in registry order; empty chapters left out)."""
    chapters = list(dict.fromkeys(r.chapter for r in results if r.kind == kind))
    rows = {chapter_title(c): counts([r for r in results if r.chapter == c], kind) for c in chapters}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(VERDICTS)).astype(int)


def counts_table(results: list[Result]) -> pd.DataFrame:
    """For display: 章节 | one column per verdict label | 合计 — the report's statements by chapter,
    their total, then the book's premises on their own line (never added to the report's total)."""
    table = counts_by_chapter(results, "report")
    table.loc["报告的说法·合计"] = table.sum()
    premises = counts(results, "premise")
    table.loc[f"{KIND_LABEL['premise']}·合计（另计）"] = [premises[v] for v in VERDICTS]
    table["合计"] = table.sum(axis=1)
    table = table.rename(columns=VERDICT_LABEL).astype(int)
    table.index.name = "章节"
    return table.reset_index()


def chart(results: list[Result], kind: str = "report"):
    """Stacked horizontal bars: claims of one kind per chapter, one colour per verdict, with a legend."""
    table = counts_by_chapter(results, kind)
    fig, ax = plots.new_figure(height=0.55 * len(table) + 1.8)   # the house width: legible on a phone
    left = pd.Series(0, index=table.index)
    for verdict in VERDICTS:
        bars = ax.barh(table.index, table[verdict], left=left, color=VERDICT_COLORS[verdict],
                       label=VERDICT_LABEL[verdict], height=0.62)
        ax.bar_label(bars, labels=[str(n) if n else "" for n in table[verdict]], label_type="center",
                     color="white" if verdict in ("recomputed", "differs") else "#222222", fontsize=11)
        left += table[verdict]
    ax.invert_yaxis()
    ax.set_xlabel(f"{KIND_LABEL[kind]}（条）")
    ax.grid(axis="y", visible=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.legend(loc="outside upper center", ncols=2, fontsize=11)
    plots.finish(fig, "本书的判断登记表（各章核对的汇总）", ["各判断所在章节的默认版本"])
    return fig


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def values_text(result: Result) -> tuple[str, str]:
    """(reported, the book's value) with the report's precision; a recomputed value carries one digit more."""
    claim = REGISTRY[result.id]
    places = decimals_for(claim.tolerance, result.unit)
    exact = result.unit in COUNT_UNITS or result.basis == "published"
    return (format_value(result.reported, result.unit, places),
            format_value(result.reproduced, result.unit, places if exact else places + 1))


def row_cells(result: Result, vintage_name) -> dict[str, str]:
    """The cells of one claim, as plain text (the HTML table and the CSV share them)."""
    reported, ours = values_text(result)
    premise = result.kind == "premise"
    return {
        "判断（转述）": result.statement,
        "报告": NOT_PRINTED if premise else reported,
        "本书": "—" if result.verdict == "cannot_check" else ours,
        "核对": VERDICT_LABEL[result.verdict],
        "数据版本": vintage_name(result.vintage),
    }


def link(result: Result) -> str:
    """The claim's line in its chapter's page (chapters are pages side by side in one folder)."""
    return f"{result.chapter}.html#{anchor(result.id)}"


def claim_provenance(pkg, results: list[Result]):
    """The provenance of every claim's two values, as the verdict lines record it (the report's figure;
    the rows the book's check read, its note as the formula): :func:`jjj_book.provenance.add_claim`."""
    from jjj_book.chapters.vintages import evaluate_traced
    from jjj_book.provenance import Provenance, add_claim

    prov = Provenance(pkg)
    for r in results:
        if r.verdict != "cannot_check":
            traced, rows = evaluate_traced(pkg, r.id, r.vintage)
            add_claim(prov, traced, rows)
    return prov


def _value_cell(text: str, key: str, provenance) -> str:
    from jjj_book.render import num_span

    if provenance is None or key not in provenance.numbers:
        return _esc(text)
    return num_span(text, key, provenance)


def scorecard_html(results: list[Result], vintage_name, chapter: str, provenance=None) -> str:
    """One chapter's claims as ``<table class="jjj-scorecard">``; each td has a data-label (its header).
    ``provenance`` (from :func:`claim_provenance`): the report's and the book's values open their sources
    as in the chapters' verdict lines; the table carries the part of it that it uses."""
    from jjj_book.provenance import Provenance
    from jjj_book.render import claim_key
    head = "".join(f'<th scope="col">{_esc(c)}</th>' for c in COLUMNS)
    body, used = [], []
    for r in (r for r in results if r.chapter == chapter):
        cells = row_cells(r, vintage_name)
        # the report's statements are the rule; a premise the book wrote carries its label
        kind = (f'<span class="jjj-kind jjj-kind-premise">{_esc(KIND_LABEL["premise"])}</span>'
                if r.kind == "premise" else "")
        tds = [f'<td data-label="{_esc(COLUMNS[0])}">{kind}{_esc(cells[COLUMNS[0]])}</td>']
        for column, which in ((COLUMNS[1], "reported"), (COLUMNS[2], "book")):
            key = claim_key(r.id, r.vintage, which) if r.kind == "report" or which == "book" else ""
            tds.append(f'<td data-label="{_esc(column)}">{_value_cell(cells[column], key, provenance)}</td>')
            if provenance is not None and key in provenance.numbers:
                used.append(key)
        tds.append(f'<td data-label="核对"><span class="jjj-badge jjj-{r.verdict}">{_esc(cells["核对"])}</span></td>')
        tds.append(f'<td data-label="数据版本">{_esc(cells["数据版本"])}</td>')
        tds.append(f'<td data-label="正文"><a href="{_esc(link(r))}">见正文</a></td>')
        body.append(f'<tr class="jjj-{r.verdict} jjj-kind-{r.kind}">{"".join(tds)}</tr>')
    script = ""
    if used:
        part = Provenance(provenance.pkg)
        for key in used:
            part.numbers[key] = provenance.numbers[key]
            for rid in provenance.numbers[key]["rows"]:
                part.rows[rid] = provenance.rows[rid]
                source = part.rows[rid]["source"]
                if source:
                    part.sources[source] = provenance.sources[source]
        script = part.script()
    return (f'<div class="jjj-scorecard-wrap"><table class="table jjj-scorecard"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{script}</div>')


def _raw(value):
    """A value for the CSV: numbers as numbers, yes/no and directions in Chinese, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_NO_ZH[value]
    if isinstance(value, str):
        return DIRECTION_ZH.get(value, value)
    return value


def csv_frame(results: list[Result], vintage_name) -> pd.DataFrame:
    """Every claim, one row each, Chinese columns first (the ids last, for reference)."""
    rows = []
    for r in results:
        cells = row_cells(r, vintage_name)
        rows.append({
            "章节": chapter_title(r.chapter), "说法的来源": KIND_LABEL[r.kind], "判断（转述）": r.statement,
            "报告数值": "" if r.kind == "premise" else _raw(r.reported), "本书数值": _raw(r.reproduced),
            "单位": r.unit,
            "差异（本书−报告）": "" if r.difference is None else round(r.difference, 6),
            "核对结论": cells["核对"], "核对方式": VERDICT_EXPLAIN[r.verdict], "数据版本": cells["数据版本"],
            "说明": r.note, "正文链接": link(r), "claim_id": r.id, "verdict": r.verdict, "kind": r.kind,
            "vintage": r.vintage,
        })
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def write_csv(results: list[Result], vintage_name, path: str | Path = "scorecard.csv") -> Path:
    """Write the whole scorecard as UTF-8 CSV with a byte-order mark (so spreadsheet programs read the
    Chinese). Only written, never read: the book build counts what a chapter reads as its inputs.
    Returns the path."""
    path = Path(path)
    text = csv_frame(results, vintage_name).to_csv(index=False, lineterminator="\n")
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    return path


def chapters_with_claims(results: list[Result]) -> list[str]:
    """The chapters that have claims, in registry order."""
    return list(dict.fromkeys(r.chapter for r in results))
