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
    text = f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def verdict_box(result: Result, vintage_name: str | None = None) -> str:
    zh, en, css = VERDICT_LABEL[result.verdict]
    unit = result.unit if result.unit not in ("是/否", "方向") else ""
    lines = [
        f":::{{admonition}} 核对：{zh}（{en}）",
        f":class: {css} verdict verdict-{result.verdict}",
        f"**报告的说法**（转述）：{result.statement}",
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
