"""The HTML of numbers that open their sources: verdicts, tables and charts switched between vintages.

Used through the chapter contract (``ch.verdicts``, ``ch.table``, ``ch.chart_variants`` in
:mod:`jjj_book.chapters`); each block carries its own provenance as an inert JSON script, read by
``_static/jjj-provenance.js``. Nothing here is shown with an id: codes live in data attributes.
"""

from __future__ import annotations

import base64
import io

import pandas as pd

from jjj_book.chapters.tracing import SourcedTable
from jjj_book.chapters.tracing import claim_traced as traced   # the name ch.glue(claim=…) imports
from jjj_book.claims import Result
from jjj_book.provenance import Provenance, add_claim, esc, html_id
from jjj_book.render import verdict_list


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


def table(ch, table: pd.DataFrame, cells=None, *, name="table", caption="") -> str:
    """A DataFrame as HTML whose cells with provenance can be opened (each with an anchor), its index as row
    headings: :class:`jjj_book.chapters.tracing.SourcedTable`, the one such table of the book."""
    return SourcedTable(table, name=name, cells=cells, pkg=ch.pkg, labelled=True, caption=caption)._repr_html_()


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
