"""Small Markdown builders for chapter prose whose numbers come from code.

Chapters display these strings with ``IPython.display.Markdown``; myst-nb
renders them (admonitions included) in the built book.
"""

from __future__ import annotations

import numbers

import pandas as pd


def show(markdown: str) -> None:
    """Display Markdown in a notebook (rendered as MyST by the book build)."""
    from IPython.display import Markdown, display  # only notebooks need IPython

    display(Markdown(markdown))


def key_findings(items: list[tuple[str, str]], title: str = "要点 / Key findings", note: str = "") -> str:
    """A bilingual box: each item is (Chinese sentence, English sentence); ``note`` closes it in small type."""
    lines = [f":::{{admonition}} {title}", ":class: important key-findings"]
    for zh, en in items:
        lines.append(f"- {zh}<br><span class=\"en\">{en}</span>")
    if note:
        lines += ["", f"<small>{note}</small>"]
    lines.append(":::")
    return "\n".join(lines)


def markdown_table(frame: pd.DataFrame, float_format: str = "{:,.1f}", index: bool = True) -> str:
    """A pipe table; missing values show as '—' (a gap, not a zero)."""
    frame = frame.copy()
    header = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, row in frame.iterrows():
        cells = [str(label)] if index else []
        for value in row:
            if value is None or (isinstance(value, float) and pd.isna(value)):
                cells.append("—")
            elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
                cells.append(f"{int(value):,}")   # a count stays an integer: 5,539, not 5,539.0
            elif isinstance(value, numbers.Real) and not isinstance(value, bool):
                shown = float_format.format(value)
                if shown.lstrip("+-").replace("0", "").replace(".", "").replace(",", "") == "":
                    shown = shown.lstrip("+-")  # no "-0.00": a value that rounds to zero has no sign
                cells.append(shown)
            else:
                cells.append(str(value))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def source_line(citation: str, vintage_names: list[str]) -> str:
    """'数据来源：…。数据版本：…。' from a citation (``DataPackage.citation``) and the vintages used."""
    return f"数据来源：{citation or '（无）'}。数据版本：{'、'.join(vintage_names)}。"


def source_note(citation: str, vintage_name: str) -> str:
    """The line under a generated paragraph or table: where the numbers come from."""
    return f"<small>{source_line(citation, [vintage_name])}</small>"


def trend_word(delta: float, up: str = "扩大", down: str = "缩小", flat: str = "基本不变") -> str:
    if delta > 0:
        return up
    if delta < 0:
        return down
    return flat


def year_ranges(years: list[int]) -> str:
    """[2013, 2014, 2015, 2017] → '2013—2015、2017'."""
    years = sorted(set(years))
    spans: list[list[int]] = []
    for y in years:
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return "、".join(str(a) if a == b else f"{a}—{b}" for a, b in spans)
