"""Issue 16 for every chapter of the book, without building a book of its own:

- on the pages of the real book (``book_html``, built once per test run), no number a chapter shows in its
  prose, tables or verdicts lacks provenance (the one page checker: tests/provenance_pages.py), and each page
  carries its provenance as the build's extension writes it (one merged block, its script and style,
  chart variants as image files);
- in this process, on a data copy with one value changed, the numbers a chapter's notebook sources (computed
  by the same public functions its cells call: ``tracing.facts``/``facts_of`` for 03–06, the declarations of
  ``chapters.numbers`` for 01, 02 and 08, the claims' traced checks for the verdicts and the scorecard) follow
  the data: the changed row is among the rows of every number the change moved, of the numbers named here,
  and the row itself carries the new value as the provenance panel shows it.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import pytest

from conftest import ROOT, read_notebook, set_value
from jjj_book import book, claims, data, series
from jjj_book.cli import notebook_parameters
from jjj_book.provenance import Provenance, Sourced, row_id
from provenance_pages import counts, numbers_without_provenance, record

CHAPTERS = [page.stem for page in book.chapters(ROOT)]


# --------------------------------------------------------------------------- the real book's pages

@pytest.fixture(scope="module")
def page_html(book_html):
    return lambda stem: (book_html / "chapters" / f"{stem}.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_no_number_of_a_chapter_page_lacks_provenance(page_html, stem):
    html = page_html(stem)
    assert numbers_without_provenance(html) == []
    found = counts(html)
    assert found["prose"] > 0 and found["tables"] + found["verdicts"] > 0, found
    rec = record(html)
    assert any(n["rows"] for n in rec["numbers"].values()), f"{stem}: no number opens an observation"
    # the extension merges the chapter's blocks into one, and the page loads the panel's script and style
    assert html.count('class="jjj-provenance"') == 1
    assert "jjj-provenance.js" in html and "jjj-provenance.css" in html


@pytest.mark.slow
def test_chart_variants_are_image_files_of_the_book_not_inline(book_html, page_html):
    pages = {stem: page_html(stem) for stem in CHAPTERS}
    with_variants = [s for s, html in pages.items() if 'class="jjj-variant" data-vintage=' in html]
    assert with_variants, "no chapter switches a chart between vintages"
    for stem in with_variants:
        html = pages[stem]
        images = re.findall(r'<div class="jjj-variant" data-vintage="\w+"(?: hidden)?>.*?<img[^>]* src="([^"]+)"',
                            html, re.DOTALL)
        assert len(images) == html.count('class="jjj-variant" data-vintage='), stem
        assert all(src.startswith("../_images/jjj-variant-") for src in images), (stem, images[:3])
        assert "data:image/png" not in html, f"{stem}: an image is inlined into the page"
        assert all((book_html / "chapters" / src).resolve().stat().st_size > 1000 for src in images)


@pytest.mark.slow
def test_a_number_pasted_twice_opens_one_record(page_html):
    """A glue name pasted again gets the id ``n-<key>-2``; both ids find the same record."""
    seen = 0
    for stem in CHAPTERS:
        html = page_html(stem)
        rec = record(html)
        for key in re.findall(r'<span class="pasted-text[^"]*" id="n-([^"]+)-2"', html):
            if key in rec["numbers"]:
                assert re.search(rf'id="n-{re.escape(key)}"', html), (stem, key)
                seen += 1
    assert seen > 0, "no chapter pastes a number twice: the repeat's provenance is untested"


# --------------------------------------------------------------------------- the numbers follow the data

@dataclass(frozen=True)
class Change:
    """One observation changed in a data copy: its row (prefix and vintage), the new value, the value as the
    provenance panel shows the row, and the chapter's numbers that must come from it (and move with it)."""

    prefix: str
    vintage: str
    value: str
    shown: str
    expected: tuple[str, ...]

    @property
    def row(self) -> str:
        indicator, region, year, period = self.prefix.rstrip(",").split(",")
        return row_id(indicator, region, year, period, self.vintage)


CHANGES = {
    "01_status": Change("gdp,CN-BJ,2021,annual,", "census4", "41945.6", "41,945.6",
                        ("kf_gdp_end", "bj_yuan_end", "bj_ratio_end", "status.gdp_2021:book")),
    "02_problems": Change("gdp,CN-BJ,2021,annual,", "census4", "41945.6", "41,945.6",
                          ("gdp_cv_1", "gdp_theil_1", "gdp_max_min_1", "problems.gap_not_narrowed_cv:book",
                           "revision:0:3")),
    "03_innovation": Change("rd_intensity,CN-HE,2023,annual,", "published", "2.18", "2.18%", ("rd_he",)),
    "04_public_services": Change("disposable_income_all,CN-HE,2024,annual,", "survey", "35665", "35,665元",
                                 ("growth_he",)),
    "05_green": Change("pm25_annual_mean,CN-BJ,2023,annual,", "published", "33", "33微克/立方米",
                       ("green_pm_bj_v1",)),
    "06_culture": Change("culture_revenue,CN-HE,2024,annual,", "published", "895.1", "895.1亿元",
                         ("culture_he_rev", "culture_ratio")),
    "07_scorecard": Change("gdp,CN-BJ,2011,annual,", "census4", "27000.1", "27,000.1亿元",
                           ("status.gdp_2011:book",)),
    "08_since": Change("gdp,CN-BJ,2021,annual,", "census4", "41945.6", "41,945.6",
                       ("gdp_ratio_bj_report", "later-gdp:0:0")),
}


def params(stem: str) -> dict:
    """The chapter's parameters as its notebook sets them."""
    return notebook_parameters(ROOT / "chapters" / f"{stem}.ipynb")


def _plain(value):
    return value.value if isinstance(value, Sourced) else value


def _ids(pkg, rows) -> set[str] | None:
    """The row ids a page records for these rows (the package's own recorder), None without rows."""
    if rows is None or len(rows) == 0:
        return None
    return set(Provenance(pkg).add_rows(rows))


def _facts(pkg, parts, moved) -> dict:
    """name → (value, row ids) of ``tracing.facts_of(pkg, parts)``, as the notebook glues them. ``moved``
    None: the functions' own values, not traced; else only the parts where a value moved are traced (the
    others keep no rows: their numbers must not have moved)."""
    from jjj_book.chapters import tracing

    out = {}
    for fn, *args in parts:
        plain = {k: (_plain(v), None) for k, v in fn(pkg, *args).items()}
        if moved is not None and moved & set(plain):
            plain = {k: (_plain(v), _ids(pkg, getattr(v, "rows", None)))
                     for k, v in tracing.facts_of(pkg, [(fn, *args)]).items()}
        out.update(plain)
    return out


def _declared(pkg, values: dict, specs: dict, moved) -> dict:
    """The glued values, each with the rows ``chapters.numbers`` declares for it."""
    return {k: (_plain(v), _ids(pkg, specs[k].rows) if moved is not None and k in specs else None)
            for k, v in values.items()}


def _claim(pkg, claim_id: str, vintage: str, moved) -> dict:
    """A verdict's book value (``<claim>:book``) with the rows its traced check read."""
    from jjj_book.chapters.vintages import evaluate_traced

    if moved is None:
        return {f"{claim_id}:book": (claims.evaluate_claim(claims.REGISTRY[claim_id], pkg, vintage).reproduced, None)}
    result, rows = evaluate_traced(pkg, claim_id, vintage)
    return {f"{claim_id}:book": (result.reproduced, _ids(pkg, rows))}


def _cells(pkg, name: str, shown, cells: dict, moved) -> dict:
    """A table's sourced cells (``name:i:j``, as the page keys them) with their shown value and rows."""
    out = {}
    for (i, j), spec in cells.items():
        rows = spec[0] if isinstance(spec, tuple) else spec
        out[f"{name}:{i}:{j}"] = (str(shown.iat[i, j]), _ids(pkg, rows) if moved is not None else None)
    return out


# Each chapter's sourced numbers, as its notebook computes them (same functions, its parameters): name →
# (value, row ids or None). ``moved``: None for the values alone (fast), else the names whose value moved
# (what must be traced).

def numbers_01(pkg, moved):
    from jjj_book.chapters import numbers, status

    p = params("01_status")
    results = {r.id: r for r in claims.evaluate(pkg, chapter="01_status")}
    values = status.key_findings(pkg, results, p["gdp_vintage"], p["release_vintage"], p["population_vintage"],
                                 p["income_vintage"], p["start_year"], p["end_year"], p["strategy_year"])
    yuan, ratio = status.per_capita_gaps(pkg, p["gdp_vintage"], p["population_vintage"])
    for code, short in (("CN-BJ", "bj"), ("CN-TJ", "tj")):
        for key, value in status.gap_story(yuan, ratio, code, p["strategy_year"], p["end_year"]).items():
            values[f"{short}_{key}"] = value
    share = status.shares(pkg, p["gdp_vintage"], p["start_year"])
    for code, short in (("CN-BJ", "bj"), ("CN-TJ", "tj"), ("CN-HE", "he")):
        values[f"share_first_{short}"], values[f"share_last_{short}"] = (float(share[code].iloc[0]),
                                                                       float(share[code].iloc[-1]))
    specs = numbers.status(pkg, p) if moved is not None else {}
    return {**_declared(pkg, values, specs, moved), **_claim(pkg, "status.gdp_2021", p["gdp_vintage"], moved)}


def numbers_02(pkg, moved):
    from jjj_book.chapters import numbers, problems

    p = params("02_problems")
    y0, y1, gv, pv = p["strategy_year"], p["end_year"], p["gdp_vintage"], p["population_vintage"]
    moves = problems.dispersion_moves(series.per_capita_gdp_dispersion(pkg, gv, pv), y0, y1)
    values = {f"gdp_{m}_{k}": v for m, pair in moves.items() for k, v in enumerate(pair)}
    income = problems.income_dispersion(pkg, p["income_vintage"], pv)
    inc0, inc1 = problems.income_window(income, y1)
    values.update(inc_cv_0=income.loc[inc0, "cv"], inc_cv_1=income.loc[inc1, "cv"])
    specs = numbers.problems(pkg, p) if moved is not None else {}
    changes = problems.revision_changes(pkg, [gv, p["compare_vintage"]], pv, y0, y1)
    table = problems.revision_table(pkg, changes, y0, y1)
    shown = table.data if hasattr(table, "data") else table
    return {**_declared(pkg, values, specs, moved),
            **_claim(pkg, "problems.gap_not_narrowed_cv", gv, moved),
            **_cells(pkg, "revision", shown, problems.revision_cells(pkg, changes, pv, y0, y1), moved)}


def numbers_03(pkg, moved):
    from jjj_book.chapters import innovation as chapter

    p = params("03_innovation")
    pub, gv, cv, pv, start, end = (p["published_vintage"], p["gdp_vintage"], p["compare_gdp_vintage"],
                                   p["population_vintage"], p["start_year"], p["end_year"])
    return _facts(pkg, [(chapter.rd_facts, pub, start, end), (chapter.rd_break_facts, pub),
                        (chapter.recompute_facts, pub, gv, cv, pv, start, end),
                        (chapter.flow_facts, pub, gv, start, end)], moved)


def numbers_04(pkg, moved):
    from jjj_book.chapters import public_services as chapter

    p = params("04_public_services")
    pub, iv, pv, start, end = (p["published_vintage"], p["income_vintage"], p["population_vintage"],
                               p["start_year"], p["end_year"])
    return _facts(pkg, [(chapter.coverage_facts, pub), (chapter.income_facts, iv, pv, start, end),
                        (chapter.within_facts, iv, start, end),
                        (chapter.health_facts, pub, pv, p["health_release"], start, end)], moved)


def numbers_05(pkg, moved):
    from jjj_book.chapters import green as chapter

    p = params("05_green")
    pub = p["published_vintage"]
    return _facts(pkg, [(chapter.air_values, pub), (chapter.energy_values, pub),
                        (chapter.steel_values, pub, p["sector_vintage"]), (chapter.index_values, p["index_release"])],
                  moved)


def numbers_06(pkg, moved):
    from jjj_book.chapters import culture as chapter

    p = params("06_culture")
    pub, start, end = p["published_vintage"], p["start_year"], p["end_year"]
    release = p["index_release"] or chapter.latest_release(pkg)
    return _facts(pkg, [(chapter.industry_values, pub, start, end), (chapter.trap_values, pub),
                        (chapter.coverage_values, pub, start, end), (chapter.facility_values, pub),
                        (chapter.index_values, release), (chapter.chapter02_values,)], moved)


def numbers_07(pkg, moved):
    """The scorecard's sourced numbers: every claim's book value, with the rows of its traced check (only the
    claims whose value moved are traced: all 61 take half a minute)."""
    from jjj_book.chapters import scorecard

    results = claims.evaluate(pkg)
    if moved is None:
        return {f"{r.id}:book": (r.reproduced, None) for r in results}
    prov = scorecard.claim_provenance(pkg, [r for r in results if f"{r.id}:book" in moved])
    rows = {re.sub(r"^claim:(.*)@[^:@]+:book$", r"\1:book", k): set(n["rows"]) or None
            for k, n in prov.numbers.items() if k.endswith(":book")}
    return {f"{r.id}:book": (r.reproduced, rows.get(f"{r.id}:book")) for r in results}


def numbers_08(pkg, moved):
    from jjj_book.chapters import numbers, since

    p = params("08_since")
    vintages = [p["gdp_vintage"], p["revised_vintage"]]
    end_years = {v: since.latest_common_year(pkg, "gdp", v) for v in vintages}
    leaders = {v: since.growth_leaders(pkg, v) for v in (p["release_vintage"], p["revised_vintage"])}
    later = since.reevaluate(pkg, vintages, end_years)
    values = since.key_findings(pkg, leaders, later, end_years, p["release_vintage"], p["revised_vintage"],
                                p["gdp_vintage"], p["strategy_year"], p["report_year"])
    specs = numbers.since(pkg, p) if moved is not None else {}
    table = since.reevaluation_table(pkg, later, p["report_year"], p["gdp_vintage"])
    shown = table.data if hasattr(table, "data") else table
    cells = since.reevaluation_cells(pkg, later, p["report_year"], p["gdp_vintage"])
    return {**_declared(pkg, values, specs, moved), **_cells(pkg, "later-gdp", shown, cells, moved)}


NUMBERS = {"01_status": numbers_01, "02_problems": numbers_02, "03_innovation": numbers_03,
           "04_public_services": numbers_04, "05_green": numbers_05, "06_culture": numbers_06,
           "07_scorecard": numbers_07, "08_since": numbers_08}


def shown_on_page(stem: str, names) -> set[str]:
    """Of these numbers, those the chapter's page shows: pasted into its prose (``{glue:text}`name```), or
    a table cell or verdict value (keys with a colon)."""
    prose = "".join(c.source for c in read_notebook(stem).cells if c.cell_type == "markdown")
    pasted = set(re.findall(r"\{glue(?::text)?\}`([A-Za-z0-9_]+)", prose))
    return {k for k in names if ":" in k or k in pasted}


def _digits(value) -> bool:
    return bool(re.search(r"\d", str(value)))


def test_every_chapter_has_a_data_change():
    assert sorted(CHANGES) == sorted(NUMBERS) == sorted(CHAPTERS)


@pytest.mark.parametrize("stem", CHAPTERS)
def test_a_chapters_numbers_follow_a_changed_value_and_open_its_row(pkg, data_copy, stem):
    """On a data copy with one value changed: every number of the page that moved opens the changed row,
    the named ones among them moved, and the row shows its new value."""
    change = CHANGES[stem]
    set_value(data_copy, change.prefix, change.vintage, change.value)
    copy = data.load(data_copy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # as in the chapters (``setup``): a warning is a defect
        before = {k: str(v) for k, (v, _rows) in NUMBERS[stem](pkg, None).items()}
        after = {k: str(v) for k, (v, _rows) in NUMBERS[stem](copy, None).items()}
        moved = {k for k in shown_on_page(stem, after) if _digits(after[k]) and after[k] != before.get(k)}
        found = NUMBERS[stem](copy, moved)
    assert set(found) == set(before) == set(after)
    assert {k: str(v) for k, (v, _rows) in found.items()} == after, "tracing changed a value"
    users = {k for k, (_v, rows) in found.items() if rows and change.row in rows}
    assert moved, f"{stem}: no number on the page moved when {change.row} changed"
    assert moved <= users, f"{stem}: numbers that moved but do not open {change.row}: {sorted(moved - users)}"
    assert set(change.expected) <= users, f"{stem}: {sorted(set(change.expected) - users)} do not open {change.row}"
    prose = {k for k in change.expected if ":" not in k}
    assert prose <= moved, f"{stem}: {sorted(prose - moved)} did not follow the data"
    prov = Provenance(copy)
    prov.add_rows([change.row])
    assert prov.rows[change.row]["value"].startswith(change.shown), prov.rows[change.row]
