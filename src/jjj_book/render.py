"""How numbers and verdicts look on a page.

- :func:`format_value` — a number with the precision its unit and the report's rounding
  allow (counts as integers, 9 人/千人 not 9.00), words for yes/no and directions.
- :func:`verdict_list` — the verdicts of one section: one line per claim (badge, whose
  statement, paraphrase, reported → the book's value, vintage), details folded.
- :func:`cannot_check_list` — several claims that cannot be checked, as one short list
  saying what data would close each.

The HTML is generated here (chapters display it); its classes are styled in
``_static/jjj-verdicts.css``. Claim ids appear only in anchors (``#claim-…``), never in text.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from typing import Callable, Iterable

from jjj_book.claims import Result
from jjj_book.vocab import (DIRECTION_ZH, KIND_LABEL, VERDICT_EXPLAIN, VERDICT_ICON, VERDICT_LABEL, VERDICTS,
                            YES_NO_ZH)

WORD_UNITS = ("是/否", "方向")
# Units whose values are whole numbers whatever the tolerance says.
COUNT_UNITS = {"家", "个", "人", "座", "项"}


def decimals_for(tolerance: float, unit: str = "") -> int:
    """Decimals a figure reported with this rounding tolerance carries: 0.05 → 1, 0.005 → 2, 0.5 → 0."""
    if unit in COUNT_UNITS or not tolerance:
        return 0 if unit in COUNT_UNITS else 1
    return max(0, -math.floor(math.log10(2 * tolerance) + 1e-9))


def format_value(value, unit: str = "", decimals: int | None = None) -> str:
    """'9.6 万亿元', '5,539 家', '是', '扩大', '—' for a missing value. No space before %."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return YES_NO_ZH[value]
    if isinstance(value, str):
        return DIRECTION_ZH.get(value, value)
    if decimals is None:
        decimals = 0 if (unit in COUNT_UNITS or abs(value) >= 1000) else 2 if abs(value) < 10 else 1
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").replace("0", "").replace(".", "").replace(",", "") == "":
        text = text.lstrip("-")   # no "-0.0"
    unit = "" if unit in WORD_UNITS else unit
    return f"{text}{unit}"   # the unit sticks to its number: "4.67万亿元" never wraps between them


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def anchor(claim_id: str) -> str:
    """The HTML id of a claim's line: a teacher can link to #claim-status-gdp_2011."""
    return "claim-" + claim_id.replace(".", "-")


def claim_values(result: Result) -> tuple[str, str]:
    from jjj_book.claims import REGISTRY

    claim = REGISTRY.get(result.id)
    places = decimals_for(claim.tolerance, result.unit) if claim else None
    # the book's value carries one digit more than the report prints (not for counts)
    ours = places if places is None or result.unit in COUNT_UNITS or result.basis == "published" else places + 1
    return (format_value(result.reported, result.unit, places),
            format_value(result.reproduced, result.unit, ours))


def claim_key(claim_id: str, vintage: str, which: str) -> str:
    """The provenance key of a verdict's value: ``which`` is "reported" (the report's) or "book"."""
    return f"claim:{claim_id}@{vintage}:{which}"


def num_span(text: str, key: str | None = None, provenance=None) -> str:
    """A number a reader can open (click, Enter) to see where it comes from, when ``provenance`` holds ``key``."""
    if not key or provenance is None or key not in provenance.numbers:
        return _esc(text)
    return (f'<span class="jjj-num" data-jjj-prov="{_esc(key)}" tabindex="0" role="button" '
            f'aria-haspopup="dialog">{_esc(text)}</span>')


def alternatives_html(result: Result, alternatives, vintage_name: Callable[[str], str] = str,
                      provenance=None) -> str:
    """The claim under the other vintages the package holds for it (folded), or ''."""
    if not alternatives:
        return ""
    rows = "".join(
        f"<tr><td>{_esc(vintage_name(v))}</td>"
        f"<td>{num_span(claim_values(alt)[1], claim_key(alt.id, v, 'book'), provenance)}</td>"
        f'<td><span class="jjj-badge jjj-{alt.verdict}">{VERDICT_ICON[alt.verdict]} {VERDICT_LABEL[alt.verdict]}'
        f"</span></td></tr>" for v, alt in alternatives)
    return (f'<details class="jjj-alts"><summary>换用其他数据版本（{len(alternatives)} 个）</summary>'
            f'<table class="jjj-alts-table"><thead><tr><th>数据版本</th><th>本书</th><th>结论</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></details>")


def _compare(result: Result, rep_html: str, our_html: str, provenance=None) -> str:
    """'报告：4.4万亿元 → 本书：4.67万亿元' for the report's statements; a premise the book wrote has no
    reported value, only the book's test of it: '本书检验：成立' (or the value the test found)."""
    if result.kind == "premise":
        if isinstance(result.reported, (bool, str)):
            word = "成立" if result.reproduced == result.reported else "不成立"   # opens the rows the test read
            return f"本书检验：{num_span(word, claim_key(result.id, result.vintage, 'book'), provenance)}"
        return f"本书检验：{our_html}"
    return f"报告：{rep_html} → 本书：{our_html}"


def verdict_line(result: Result, vintage_name: Callable[[str], str] = str, *, provenance=None,
                 alternatives=None, anchor_prefix: str = "") -> str:
    """One claim as a folded line: the summary a reader scans, the details on demand.

    ``provenance`` (a :class:`jjj_book.provenance.Provenance` holding the keys of :func:`claim_key`) makes
    the report's and the book's value openable; ``alternatives`` (``[(vintage, Result)]``) adds the claim
    under the other vintages, folded; ``anchor_prefix`` keeps ids unique when a claim is shown twice."""
    reported, ours = claim_values(result)
    verdict = result.verdict
    rep_html = num_span(reported, claim_key(result.id, result.vintage, "reported"), provenance)
    our_html = num_span(ours, claim_key(result.id, result.vintage, "book"), provenance)
    summary = (f'<span class="jjj-badge jjj-{verdict}">{VERDICT_ICON[verdict]} {VERDICT_LABEL[verdict]}</span>'
               f'<span class="jjj-kind jjj-kind-{result.kind}">{KIND_LABEL[result.kind]}</span>'
               f'<span class="jjj-statement">{_esc(result.statement)}</span>')
    if verdict != "cannot_check":
        summary += (f'<span class="jjj-compare">{_compare(result, rep_html, our_html, provenance)}</span>'
                    f'<span class="jjj-vintage">{_esc(vintage_name(result.vintage))}</span>')
    details = [f"<li>核对方式：{_esc(VERDICT_EXPLAIN[verdict])}</li>"]
    if result.difference is not None and verdict == "differs":
        diff = format_value(result.difference, result.unit, None)
        details.append(f"<li>差异（本书 − 报告）：{_esc(diff if diff.startswith('-') else '+' + diff)}</li>")
    details.append(f"<li>数据版本：{_esc(vintage_name(result.vintage))}</li>")
    if result.note:
        details.append(f"<li>说明：{_esc(result.note)}</li>")
    alts = alternatives_html(result, alternatives, vintage_name, provenance)
    return (f'<details class="jjj-verdict jjj-{verdict}" id="{anchor_prefix}{anchor(result.id)}">'
            f"<summary>{summary}</summary><ul>{''.join(details)}</ul>{alts}</details>")


def verdict_list(results: dict[str, Result], ids: Iterable[str], vintage_name: Callable[[str], str] = str, *,
                 provenance=None, alternatives: dict | None = None, anchor_prefix: str = "") -> str:
    """The verdicts of one section. Claims that cannot be checked are gathered at the end into one list.

    With ``provenance`` the values open their sources and the block carries its provenance as JSON;
    ``alternatives`` maps a claim id to ``[(vintage, Result)]`` (see :func:`verdict_line`)."""
    ids = list(ids)
    alternatives = alternatives or {}
    checked = [results[i] for i in ids if results[i].verdict != "cannot_check"]
    missing = [results[i] for i in ids if results[i].verdict == "cannot_check"]
    parts = [verdict_line(r, vintage_name, provenance=provenance, alternatives=alternatives.get(r.id),
                          anchor_prefix=anchor_prefix) for r in checked]
    if missing:
        parts.append(cannot_check_list(missing, anchor_prefix=anchor_prefix))
    script = provenance.script() if provenance is not None and provenance.numbers else ""
    return '<div class="jjj-verdicts">' + "".join(parts) + script + "</div>"


def cannot_check_list(results: list[Result], *, anchor_prefix: str = "") -> str:
    """Claims without data, as one short list: what is claimed, and what would close the gap."""
    items = "".join(
        f'<li id="{anchor_prefix}{anchor(r.id)}"><span class="jjj-kind jjj-kind-{r.kind}">{KIND_LABEL[r.kind]}</span>'
        f"{_esc(r.statement)}<span class=\"jjj-needs\">{_esc(r.note)}</span></li>" for r in results)
    head = (f'<span class="jjj-badge jjj-cannot_check">{VERDICT_ICON["cannot_check"]} '
            f'{VERDICT_LABEL["cannot_check"]}</span>{len(results)} 条，缺少的数据见每条之后：')
    return f'<div class="jjj-cannot">{head}<ul>{items}</ul></div>'


def verdict_counts(results: Iterable[Result], kind: str | None = None) -> dict[str, int]:
    """Number of claims per verdict (every verdict present, zeros included), optionally of one kind."""
    counts = Counter(r.verdict for r in results if kind is None or r.kind == kind)
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def counts_sentence(counts: dict[str, int]) -> str:
    """'复算相符 7 条，与官方公布一致 2 条，与报告不符 0 条，无法核对 17 条'."""
    return "，".join(f"{VERDICT_LABEL[v]} {n} 条" for v, n in counts.items())
