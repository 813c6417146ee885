"""What each chapter computes for its pages, one module per chapter, and the chapter contract.

A chapter notebook starts with one call::

    from jjj_book.chapters import setup
    ch = setup("01_status", data_dir=data_dir, gdp_vintage=gdp_vintage, ...)

and gets the data package (``ch.pkg``), its claims checked under its own parameters
(``ch.results``), the region names (``ch.names``), the vintage names
(``ch.vintage_name``) and the verdict renderer (``ch.verdicts(...)``). Values that enter
the prose go through ``ch.glue``. The chapter modules (``jjj_book.chapters.status`` …)
hold the tables, gap lists and values a chapter shows; they are tested like any module
and import nothing from notebooks.

Where every number comes from (issue 16; the model is :mod:`jjj_book.provenance`): a reader
clicks a number to see its rows and sources (``_static/jjj-provenance.js``).

- ``ch.glue(name, value, rows=…, formula=…)`` (or ``claim=``, ``uses=``, ``parameter=True``, or a
  :class:`jjj_book.provenance.Sourced` value returned by the chapter module) records a glued value's
  provenance; one ``ch.provenance()`` cell (``remove-input``) puts it into the page. The prose keeps
  ``{glue:text}`name:fmt``` (:mod:`jjj_book.build.provenance` marks each pasted value with its key).
- ``ch.verdicts(...)`` makes both values of each verdict openable and folds the claim under every
  other vintage the package holds (``provenance=False, alternatives=False`` turns both off).
- ``ch.table(shown, wide)`` shows a table whose cells open their observations.
- ``ch.chart_variants({vintage: figure, …}, default=…, rows={vintage: rows}, claims=[…])`` shows one
  chart pre-rendered per vintage with a switch; its source line and verdicts follow the switch.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from jjj_book import data as data_mod
from jjj_book.claims import REGISTRY, Result, evaluate_chapter
from jjj_book.paths import resolve_data_dir
from jjj_book.render import verdict_list
from jjj_book.vocab import REGION_SHORT


@dataclass
class Chapter:
    """Everything a chapter notebook needs from the package, under the chapter's parameters."""

    id: str
    data_dir: Path
    pkg: data_mod.DataPackage
    params: dict
    results: dict[str, Result] = field(default_factory=dict)
    _prov: object = field(default=None, repr=False)
    _traced: dict = field(default_factory=dict, repr=False)   # (claim, vintage) → traced result, alternatives

    @property
    def names(self) -> dict[str, str]:
        """Region code → the short Chinese name readers see (北京, 天津, 河北, 京津冀, 全国)."""
        return dict(REGION_SHORT)

    def vintage_name(self, vintage: str) -> str:
        return self.pkg.vintage_name(vintage)

    @property
    def prov(self):
        """The provenance of the numbers glued so far (:class:`jjj_book.provenance.Provenance`)."""
        if self._prov is None:
            from jjj_book.provenance import Provenance

            self._prov = Provenance(self.pkg)
        return self._prov

    def verdict_html(self, *claim_ids: str, provenance: bool = True, alternatives: bool = True,
                     anchor_prefix: str = "", vintage: str | None = None) -> str:
        """The verdicts of these claims; each value opens its sources and, folded, the claim under the
        other vintages the package holds. ``vintage``: check them in that vintage instead of the chapter's."""
        from jjj_book.chapters import provenance_html

        unknown = [i for i in claim_ids if i not in self.results]
        if unknown:
            raise KeyError(f"{self.id} has no claim(s) {', '.join(unknown)}")
        if not (provenance or alternatives or vintage):
            return verdict_list(self.results, claim_ids, self.vintage_name, anchor_prefix=anchor_prefix)
        return provenance_html.verdicts(self, claim_ids, provenance=provenance, alternatives=alternatives,
                                        anchor_prefix=anchor_prefix, vintage=vintage)

    def verdicts(self, *claim_ids: str, **options) -> None:
        """Show the verdicts of these claims (one folded line each) in the notebook and the book."""
        _show_html(self.verdict_html(*claim_ids, **options))

    def glue(self, name: str, value, display: bool = False, *, rows=None, formula: str | None = None,
             label: str = "", uses=(), claim: str | None = None, parameter: bool = False):
        """Hand a value to the Markdown prose (``{glue:text}`name```); returns it for use in the cell.

        Where the number comes from (``ch.provenance()`` puts it into the page):
        ``rows`` — observation rows (``pkg.series``, :func:`jjj_book.provenance.rows_of`); one row and no
        ``formula`` means the number is that observation; ``formula`` — how it is computed, in words;
        ``uses`` — names of other glued values it is computed from; ``claim`` — it is that claim's value
        (the rows and method of its check); ``parameter`` — it is a chapter parameter (a year …).
        A :class:`jjj_book.provenance.Sourced` value carries rows, formula and label itself.
        """
        from myst_nb import glue

        from jjj_book.provenance import Sourced

        if isinstance(value, Sourced):
            rows = value.rows if rows is None else rows
            formula, label = formula or value.formula or None, label or value.label
            uses, value = tuple(uses) or value.uses, value.value
        if type(value).__module__ == "numpy" and hasattr(value, "item"):
            value = value.item()   # a numpy scalar's text is "np.float64(…)": {glue:text}`x:.1f` could not format it
        if claim is not None:
            from jjj_book.chapters.provenance_html import traced

            result, claim_rows, _alts = traced(self, claim, self.results[claim].vintage, False)
            rows = claim_rows if rows is None else rows
            formula = formula or result.note or "按本章的核对方法由下列数据计算"
            label = label or result.statement
        if parameter:
            self.prov.add_parameter(name, "", label=label)
        elif rows is not None or formula or uses:
            self.prov.add(name, "", rows=rows, formula=formula, label=label, uses=uses,
                          kind="derived" if formula or uses else None)
        glue(name, value, display=display)
        return value

    def table_html(self, table, cells=None, *, name: str = "table", caption: str = "") -> str:
        """A table whose cells open their sources. ``cells``: the ``pkg.wide`` table the shown one was made
        from (same shape), or ``{(row position, column position): rows or (rows, formula)}``."""
        from jjj_book.chapters import provenance_html

        return provenance_html.table(self, table, cells, name=name, caption=caption)

    def table(self, table, cells=None, **options) -> None:
        _show_html(self.table_html(table, cells, **options))

    def chart_variants_html(self, figures: dict, *, default: str, rows: dict | None = None, claims=(),
                            alt: str = "", name: str = "chart") -> str:
        """One chart pre-rendered in several vintages, with its source line and the verdicts that depend on
        it under each, and buttons that switch between them (no kernel)."""
        from jjj_book.chapters import provenance_html

        return provenance_html.chart_variants(self, figures, default=default, rows=rows, claims=claims, alt=alt,
                                              name=name)

    def chart_variants(self, figures: dict, **options) -> None:
        _show_html(self.chart_variants_html(figures, **options))

    def provenance(self) -> None:
        """Put the provenance of the glued values into the page (a ``remove-input`` cell, anywhere)."""
        if self._prov is not None and self._prov.numbers:
            _show_html(self._prov.script())


def _show_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def setup(chapter: str, data_dir=None, **params) -> Chapter:
    """Load the data, check the chapter's claims under ``params``, apply the house style.

    ``data_dir`` empty or None means the data package shipped with ``jjj_book``. A warning
    raised by the chapter's own code is an error (a defect the build must not hide).
    """
    warnings.simplefilter("error")
    warnings.filterwarnings("default", module="ipykernel")   # the kernel's own notices are not the chapter's
    from jjj_book import plots

    plots.use_house_style()
    folder = resolve_data_dir(data_dir)
    pkg = data_mod.load(folder)
    own = [c for c in REGISTRY.values() if c.chapter == chapter]
    results = evaluate_chapter(pkg, chapter, params) if own else {}
    return Chapter(chapter, folder, pkg, dict(params), results)
