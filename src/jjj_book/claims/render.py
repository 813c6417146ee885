"""Verdict boxes and tables for claim results, as MyST Markdown.

Notebook cells display these strings with ``IPython.display.Markdown``;
myst-nb renders them as admonitions in the built book.
"""

from __future__ import annotations

from jjj_book.claims import Result

VERDICT_LABEL = {
    "reproduced": ("已复现", "Reproduced", "tip"),
    "differs": ("与报告不符", "Differs", "warning"),
    "cannot_check": ("无法核对", "Cannot check", "note"),
}
DIRECTION_ZH = {"widened": "扩大", "narrowed": "缩小", "unchanged": "不变"}


def format_value(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return DIRECTION_ZH.get(value, value)
    if abs(value) < 1000:
        text = f"{value:,.2f}"
    else:  # large figures keep the one decimal a publication prints, but no '.0' on whole numbers
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} {unit}".strip()


PREMISE = "报告的前提（本书转述）："


def _statement_line(statement: str) -> str:
    """A premise the book tests is labelled as such; a statement of the report as the report's."""
    if statement.startswith(PREMISE):
        return f"**报告的前提**（本书转述）：{statement[len(PREMISE):]}"
    return f"**报告的说法**（转述）：{statement}"


def verdict_box(result: Result, vintage_name: str | None = None) -> str:
    zh, en, css = VERDICT_LABEL[result.verdict]
    unit = result.unit if result.unit not in ("是/否", "方向") else ""
    lines = [
        f":::{{admonition}} 核对：{zh}（{en}）",
        f":class: {css} verdict verdict-{result.verdict}",
        _statement_line(result.statement),
        "",
        f"- 报告数值：{format_value(result.reported, unit)}",
        f"- 本书复算：{format_value(result.reproduced, unit)}",
    ]
    if result.difference is not None:
        lines.append(f"- 差异（复算 − 报告）：{result.difference:+.2f} {unit}".rstrip())
    lines.append(f"- 数据版本：{vintage_name or result.vintage}")
    if result.note:
        lines.append(f"- 说明：{result.note}")
    lines += [f"- 编号：`{result.id}`", ":::"]
    return "\n".join(lines)


def boxes(results: dict[str, Result], ids: list[str], vintage_name=None) -> str:
    """Verdict boxes for several claims, in the order given."""
    name = vintage_name or (lambda v: v)
    return "\n\n".join(verdict_box(results[i], name(results[i].vintage)) for i in ids)


def verdict_table(results: dict[str, Result], ids: list[str], title: str, vintage_name=None,
                  labels: dict[str, str] | None = None) -> str:
    """Several related claims in one box: a short row per claim, the notes listed under the table.

    ``labels`` gives each claim a short name for its row (default: its statement).
    """
    name = vintage_name or (lambda v: v)
    rows = ["| 判断 | 报告 | 本书复算 | 核对 |", "|---|---|---|---|"]
    notes = []
    for i in ids:
        r = results[i]
        unit = r.unit if r.unit not in ("是/否", "方向") else ""
        rows.append(f"| {(labels or {}).get(i, r.statement)} | {format_value(r.reported, unit)} "
                    f"| {format_value(r.reproduced, unit)} | {VERDICT_LABEL[r.verdict][0]} |")
        notes.append(f"- `{r.id}`：{r.note or '—'}")
    vintages = sorted({name(results[i].vintage) for i in ids})
    worst = ("differs" if any(results[i].verdict == "differs" for i in ids)
             else "cannot_check" if any(results[i].verdict == "cannot_check" for i in ids) else "reproduced")
    css = VERDICT_LABEL[worst][2]
    return "\n".join([f":::{{admonition}} 核对：{title}", f":class: {css} verdict verdict-{worst}", *rows, "",
                      f"数据版本：{'、'.join(vintages)}。说明：", "", *notes, ":::"])


def verdict_counts(results: dict[str, Result]) -> str:
    """'已复现 7，与报告不符 0，无法核对 17' (every verdict named, zeros included)."""
    counts = {v: 0 for v in VERDICT_LABEL}
    for r in results.values():
        counts[r.verdict] += 1
    return "，".join(f"{VERDICT_LABEL[v][0]} {n}" for v, n in counts.items())
