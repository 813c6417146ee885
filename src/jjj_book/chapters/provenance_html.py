"""The HTML of numbers that open their sources: verdicts, tables and charts switched between vintages.

Used through the chapter contract (``ch.verdicts``, ``ch.table``, ``ch.chart_variants`` in
:mod:`jjj_book.chapters`); each block carries its own provenance as an inert JSON script, read by
``_static/jjj-provenance.js``. Nothing here is shown with an id: codes live in data attributes.
"""

from __future__ import annotations

import base64
import io

import pandas as pd

from jjj_book.claims import Result
from jjj_book.chapters.vintages import evaluate_traced, traced_alternatives
from jjj_book.provenance import Provenance, add_claim, esc, html_id, wide_cells
from jjj_book.render import format_value, num_span, verdict_list


def traced(ch, claim_id: str, vintage: str, alternatives: bool):
    """(result, its input rows, [(vintage, result, rows)] of the other vintages), once per chapter."""
    key = (claim_id, vintage, alternatives)
    if key not in ch._traced:
        result, rows = evaluate_traced(ch.pkg, claim_id, vintage)
        found = (traced_alternatives(ch.pkg, result, like=rows)
                 if alternatives and result.verdict != "cannot_check" else [])
        ch._traced[key] = (result, rows, found)
    return ch._traced[key]


def verdicts(ch, claim_ids, *, provenance=True, alternatives=True, anchor_prefix="", vintage=None) -> str:
    """The verdict block of :meth:`Chapter.verdict_html`."""
    prov = Provenance(ch.pkg)
    results: dict[str, Result] = {}
    alts = {}
    for cid in claim_ids:
        result, rows, found = traced(ch, cid, vintage or ch.results[cid].vintage, alternatives)
        results[cid] = result
        add_claim(prov, result, rows)
        if found:
            alts[cid] = [(v, alt) for v, alt, _rows in found]
            for _v, alt, alt_rows in found:
                add_claim(prov, alt, alt_rows)
    return verdict_list(results, claim_ids, ch.vintage_name, provenance=prov if provenance else None,
                        alternatives=alts, anchor_prefix=anchor_prefix)


def _cell_map(table: pd.DataFrame, cells) -> dict[tuple[int, int], object]:
    if cells is None:
        return {}
    if isinstance(cells, pd.DataFrame):   # the pkg.wide table the shown one was made from
        if cells.shape != table.shape:
            raise ValueError(f"the shown table is {table.shape}, its source table {cells.shape}: they must match")
        by_label = wide_cells(cells)
        index, columns = list(cells.index), list(cells.columns)
        return {(index.index(y), columns.index(r)): rid for (y, r), rid in by_label.items()}
    return dict(cells)


def table(ch, table: pd.DataFrame, cells=None, *, name="table", caption="") -> str:
    """A DataFrame as HTML whose cells with provenance can be opened (each with an anchor)."""
    prov = Provenance(ch.pkg)
    mapping = _cell_map(table, cells)
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    index_name = table.index.name or ""
    body = []
    for i, (label, row) in enumerate(table.iterrows()):
        tds = []
        for j, value in enumerate(row):
            text = value if isinstance(value, str) else format_value(value)
            spec = mapping.get((i, j))
            if spec is None:
                tds.append(f"<td>{esc(text)}</td>")
                continue
            key = f"{name}:{i}:{j}"
            rows, formula = spec if isinstance(spec, tuple) else (spec, None)
            prov.add(key, text, rows=rows, formula=formula, label=f"{caption or '表'}：{label}，{table.columns[j]}")
            tds.append(f'<td id="{html_id(key)}">{num_span(text, key, prov)}</td>')
        body.append(f"<tr><th>{esc(label)}</th>{''.join(tds)}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    script = prov.script() if prov.numbers else ""
    return (f'<div class="jjj-prov-table"><table class="dataframe jjj-table">{cap}<thead><tr><th>{esc(index_name)}'
            f"</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{script}</div>")


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def chart_variants(ch, figures: dict, *, default: str, rows=None, claims=(), alt="", name="chart") -> str:
    """Each vintage's figure (PNG inside the page), its source line and its verdicts; a radio group switches."""
    if default not in figures:
        raise KeyError(f"default vintage {default!r} is not among the chart's variants {list(figures)}")
    if len(figures) < 2:
        raise ValueError("a chart with one vintage needs no switch: show it as usual")
    group = f"jjj-variants-{html_id(name)[2:]}"
    buttons, panels = [], []
    for vintage, fig in figures.items():
        vname = ch.vintage_name(vintage)
        checked = " checked" if vintage == default else ""
        hidden = "" if vintage == default else " hidden"
        buttons.append(f'<label><input type="radio" name="{group}" value="{esc(vintage)}"{checked}> '
                       f"{esc(vname)}</label>")
        cited = ch.pkg.citation(rows[vintage]) if rows and vintage in rows else ""
        source = (f'<p class="jjj-chart-source">来源：{esc(cited)}。数据版本：{esc(vname)}。</p>' if cited
                  else f'<p class="jjj-chart-source">数据版本：{esc(vname)}。</p>')
        verdict = (ch.verdict_html(*claims, vintage=vintage, alternatives=False,
                                   anchor_prefix=f"{group}-{html_id(vintage)[2:]}-") if claims else "")
        panels.append(f'<div class="jjj-variant" data-vintage="{esc(vintage)}"{hidden}>'
                      f'<img src="data:image/png;base64,{_png(fig)}" alt="{esc(alt)}（{esc(vname)}）">'
                      f"{source}{verdict}</div>")
    return (f'<div class="jjj-variants" id="{group}"><fieldset class="jjj-variants-switch"><legend>数据版本</legend>'
            f"{''.join(buttons)}</fieldset>{''.join(panels)}</div>")


__all__ = ["verdicts", "table", "chart_variants", "traced"]
