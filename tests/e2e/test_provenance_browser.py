"""Where is this number from? — tried in headless Chromium as a reader does it, on the pages of the real book
(built once per test run, served by the session ``server``/``tab``): a number in the prose, a table cell and a
verdict open a panel naming a publication of data/sources.csv, by click and by keyboard; a chart switched to
another vintage changes its image, its source line and its verdict; the panel fits a phone; every number a
chapter shows in its text is armed with its provenance by the page's script.

What the panels must show is read from each page's own provenance record (tests/provenance_pages.py), so
nothing here is typed from the data. (That the numbers follow a change of the data is proved in-process by
tests/test_chapter_provenance.py.)"""

from __future__ import annotations

import csv
import re

import pytest

from conftest import DATA, ROOT
from jjj_book import book
from provenance_pages import record

pytestmark = pytest.mark.slow
with (DATA / "sources.csv").open(encoding="utf-8") as _fh:
    SOURCES = {row["id"]: row for row in csv.DictReader(_fh)}
PANEL = ".jjj-prov-panel"
CHAPTERS = [page.stem for page in book.chapters(ROOT)]


@pytest.fixture(scope="module")
def records(html):
    """``records(stem)``: the provenance record of a chapter page of the built book."""
    done = {}

    def get(stem: str) -> dict:
        if stem not in done:
            done[stem] = record((html / "chapters" / f"{stem}.html").read_text(encoding="utf-8"))
        return done[stem]

    return get


@pytest.fixture
def visit(tab, server, shoot):
    """``visit(stem)``: load a chapter page of the built book in the session tab; return the page."""
    def go(stem: str):
        url = server.url(f"chapters/{stem}.html")
        shoot(tab, url)
        loaded = tab.open(url)
        assert not loaded.console_errors, loaded.console_errors
        assert not loaded.failures, loaded.failures
        return tab.page

    return go


def panel_sources(page) -> list[str]:
    """The source ids the open panel shows (data attributes), after checking it is visible."""
    panel = page.locator(PANEL)
    assert panel.is_visible(), "no provenance panel opened"
    ids = panel.locator(".jjj-prov-source[data-source]").evaluate_all("els => els.map(e => e.dataset.source)")
    return ids


def assert_names_a_real_source(page) -> None:
    ids = panel_sources(page)
    assert ids, "the panel names no source"
    text = page.locator(PANEL).inner_text()
    for sid in ids:
        assert sid in SOURCES, f"{sid} is not in data/sources.csv"
        assert SOURCES[sid]["publication"] in text, f"the panel does not name the publication of {sid}"
        assert sid not in text, "a source id is shown to the reader"
    assert not re.search(r"CN-[A-Z]{2}|census\d|\bJJJ\b", text), f"codes shown to the reader: {text}"


# --------------------------------------------------------------------------- one chapter as a reader uses it
# (chapter 01: the three-region GDP total of the last year, its verdicts with alternatives, a chart switch)

def test_a_number_in_the_prose_opens_its_formula_and_rows_by_keyboard(visit, records):
    rec = records("01_status")
    number = rec["numbers"]["kf_gdp_end"]
    page = visit("01_status")
    page.locator("#n-kf_gdp_end").focus()
    page.keyboard.press("Enter")
    text = page.locator(PANEL).inner_text()
    assert number["formula"] and number["formula"] in text        # the formula in words
    assert_names_a_real_source(page)
    rows = page.locator(f"{PANEL} .jjj-prov-row")
    assert rows.count() == len(number["rows"]) == 3
    beijing_id = next(r for r in number["rows"] if "|CN-BJ|" in r)
    beijing = rows.filter(has_text="北京")
    assert rec["rows"][beijing_id]["value"] in beijing.inner_text()
    beijing.click()                                      # an input opens the same way
    assert rec["rows"][beijing_id]["vintage"] in page.locator(PANEL).inner_text()   # "四经普修订数"
    assert_names_a_real_source(page)
    page.keyboard.press("Escape")
    assert not page.locator(PANEL).is_visible()
    assert page.evaluate("document.activeElement.id") == "n-kf_gdp_end"   # focus goes back


def test_an_observation_in_the_prose_is_one_row_and_links_to_itself(visit, records):
    """A glued number that is one observation (kind ``observation``): the panel shows that row and links to
    the number itself. (Chapter 02 glues several: the index releases' last values.)"""
    rec = records("02_problems")
    page = visit("02_problems")
    key = page.evaluate("""(numbers) => {
      const el = [...document.querySelectorAll('span.pasted-text[id^="n-"]')]
        .find(e => { const n = numbers[e.id.slice(2)]; return n && n.kind === 'observation' && n.rows.length === 1; });
      return el ? el.id.slice(2) : null;
    }""", rec["numbers"])
    assert key, "chapter 02 glues no single observation into its prose"
    row = rec["rows"][rec["numbers"][key]["rows"][0]]
    page.locator(f"#n-{key}").click()
    text = page.locator(PANEL).inner_text()
    assert row["value"] in text and row["region"] in text and str(row["year"]) in text
    assert_names_a_real_source(page)
    assert page.locator(f"{PANEL} a.jjj-prov-link").get_attribute("href") == f"#n-{key}"


def test_a_table_cell_opens_its_observation(visit, records):
    """A cell of a table of official values (chapter 01's published urban-rural ratios) opens its row."""
    rec = records("01_status")
    key = next(k for k, n in rec["numbers"].items() if k.startswith("published-ratios:") and len(n["rows"]) == 1)
    row = rec["rows"][rec["numbers"][key]["rows"][0]]
    page = visit("01_status")
    cell = page.locator(f'[data-jjj-prov="{key}"]')
    cell.scroll_into_view_if_needed()
    assert cell.inner_text() and re.search(r"\d", cell.inner_text())
    cell.click()
    assert row["value"] in page.locator(PANEL).inner_text()
    assert_names_a_real_source(page)


def test_a_verdict_opens_the_report_and_the_books_rows(visit, records):
    rec = records("01_status")
    page = visit("01_status")
    line = page.locator("#claim-status-gdp_2011")
    line.scroll_into_view_if_needed()
    line.locator('.jjj-compare [data-jjj-prov$=":reported"]').first.click()
    assert "京津冀协同发展报告（2023）" in page.locator(PANEL).inner_text()
    assert not line.evaluate("d => d.open"), "opening the number also unfolded the line"
    page.keyboard.press("Escape")
    line.locator('.jjj-compare [data-jjj-prov$=":book"]').first.click()
    assert_names_a_real_source(page)
    page.keyboard.press("Escape")
    line.locator("summary").first.click()
    line.locator("details.jjj-alts > summary").click()
    alts = line.locator(".jjj-alts-table").inner_text()
    census5 = rec["numbers"]["claim:status.gdp_2011@census5:book"]
    assert "五经普" in alts and census5["value"] in alts    # the same claim under the 5th-census revision
    line.locator('.jjj-alts-table [data-jjj-prov$="@census5:book"]').click()   # openable the same way
    assert "五经普" in page.locator(PANEL).inner_text()
    assert_names_a_real_source(page)


@pytest.mark.parametrize("chapter, chart, other", [("01_status", "gdp", "五经普"), ("01_status", "gap", "五经普"),
                                                   ("02_problems", "dispersion", "五经普")])
def test_switching_a_charts_vintage_changes_image_source_line_and_verdict(visit, chapter, chart, other):
    page = visit(chapter)
    box = page.locator(f"#jjj-variants-{chart}")
    box.scroll_into_view_if_needed()

    def shown():
        panel = box.locator(".jjj-variant:visible")
        assert panel.count() == 1
        return (panel.locator("img").get_attribute("src"), panel.locator(".jjj-chart-source").inner_text(),
                panel.locator(".jjj-verdict").first.inner_text())

    before = shown()
    assert "四经普" in before[1]
    box.locator("label", has_text=other).click()
    after = shown()
    assert after[0] != before[0], "the image did not change"
    assert other in after[1] and after[1] != before[1], "the source line did not follow"
    assert after[2] != before[2] and other in after[2], "the verdict did not follow"
    assert box.locator(".jjj-variant:visible img").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    assert after[0].startswith("../_images/jjj-variant-"), "the image is not a file of the book"
    box.locator(".jjj-variant:visible .jjj-verdict [data-jjj-prov$=':book']").first.click()
    assert other in page.locator(PANEL).inner_text()
    assert_names_a_real_source(page)


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_number_in_the_text_has_provenance(visit, records, stem):
    """In the browser: the page's script arms every glued number with a digit (``jjj-num``), every marked
    number has a record, and a number pasted twice opens the same record from its second place."""
    page = visit(stem)
    bare = page.evaluate("""() => {
      const rec = {};
      document.querySelectorAll('script.jjj-provenance').forEach(s => Object.assign(rec, JSON.parse(s.textContent).numbers));
      const glued = [...document.querySelectorAll('span.pasted-text')].filter(s => /\\d/.test(s.textContent));
      const marked = [...document.querySelectorAll('[data-jjj-prov]')];
      return glued.filter(s => !s.classList.contains('jjj-num')).map(s => s.id || s.textContent)
        .concat(marked.filter(s => !(s.dataset.jjjProv in rec)).map(s => s.dataset.jjjProv));
    }""")
    assert bare == []
    assert page.locator("span.pasted-text.jjj-num").count() > 0
    rec = records(stem)
    repeat = page.evaluate("""(numbers) => {
      const el = [...document.querySelectorAll('span.pasted-text.jjj-num[id$="-2"]')]
        .find(e => numbers[e.id.slice(2, -2)] && /\\d/.test(e.textContent) && e.offsetParent);
      return el ? el.id : null;
    }""", rec["numbers"])
    if repeat is None:
        return    # (that some chapters paste a number twice is asserted in test_chapter_provenance.py)
    panels = []
    for anchor in (repeat[:-2], repeat):   # the first place, then the second: the same record
        page.locator(f"#{anchor}").scroll_into_view_if_needed()
        page.locator(f"#{anchor}").click()
        panels.append(page.locator(PANEL).inner_text())
        page.keyboard.press("Escape")
    assert panels[0] == panels[1] and panels[0], (repeat, panels)


def test_the_panel_fits_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 400, "height": 800})
    try:
        phone = context.new_page()
        phone.goto(server.url("chapters/01_status.html"))
        phone.locator("#n-kf_gdp_end").click()
        box = phone.locator(PANEL).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 400
        assert box["y"] >= 0 and box["y"] + box["height"] <= 800
    finally:
        context.close()


# --------------------------------------------------------------------------- the book's own chapters

def _chapters_with_verdicts() -> list[str]:
    from conftest import ROOT

    from .sitecheck import toc_pages

    pages = []
    for page in toc_pages(ROOT):
        notebook = ROOT / page.replace(".html", ".ipynb")
        if notebook.is_file() and "ch.verdicts(" in notebook.read_text(encoding="utf-8"):
            pages.append(page)
    return pages


@pytest.mark.parametrize("chapter", _chapters_with_verdicts())
def test_a_verdict_value_of_every_chapter_opens_its_sources(tab, server, shoot, chapter):
    url = server.url(chapter)
    shoot(tab, url)
    tab.open(url)
    page = tab.page
    book_values = page.locator('.jjj-verdict > summary .jjj-compare [data-jjj-prov$=":book"]')
    assert book_values.count() > 0, f"{chapter}: no verdict value opens its sources"
    book_values.first.click()
    assert_names_a_real_source(page)
    page.keyboard.press("Escape")
    # a premise the book wrote has no reported value (issue 14); the report's own statements do
    reported = page.locator('.jjj-verdict > summary .jjj-compare [data-jjj-prov$=":reported"]')
    assert (reported.count() > 0) == (_checked_report_statements(chapter) > 0), chapter
    if reported.count():
        reported.first.click()
        assert "京津冀协同发展报告（2023）" in page.locator(PANEL).inner_text()


def _checked_report_statements(page_name: str) -> int:
    """How many of a chapter's own statements of the report got a value (shown on its page)."""
    from jjj_book import claims, data
    from conftest import DATA

    stem = page_name.rsplit("/", 1)[-1].replace(".html", "")
    results = claims.evaluate(data.load(DATA), chapter=stem)
    return sum(r.kind == "report" and r.verdict != "cannot_check" for r in results)


# --------------------------------------------------------------------------- chapters 03–07 (issue 16)

PICK = """(sel) => {
  const rec = {};
  document.querySelectorAll('script.jjj-provenance').forEach(s => Object.assign(rec, JSON.parse(s.textContent).numbers));
  const key = e => e.dataset.jjjProv || (/^n-(.*?)(-\\d+)?$/.exec(e.id || '') || [])[1];
  const el = [...document.querySelectorAll(sel)].find(e => rec[key(e)] && rec[key(e)].rows.length && e.offsetParent);
  document.querySelectorAll('[data-e2e-pick]').forEach(e => e.removeAttribute('data-e2e-pick'));
  if (!el) return null;
  el.setAttribute('data-e2e-pick', '1');
  return el.textContent;
}"""
# chapter → (prose numbers, table cells, verdict values) selectors
CHAPTERS_0307 = {
    "chapters/03_innovation.html": ("p span.jjj-glued", "td [data-jjj-prov]", ".jjj-verdict [data-jjj-prov$=':book']"),
    "chapters/04_public_services.html": ("p span.jjj-glued", "td [data-jjj-prov]",
                                         ".jjj-verdict [data-jjj-prov$=':book']"),
    "chapters/05_green.html": ("p span.jjj-glued", "td [data-jjj-prov]", ".jjj-verdict [data-jjj-prov$=':book']"),
    "chapters/06_culture.html": ("p span.jjj-glued", "td [data-jjj-prov]", ".jjj-verdict [data-jjj-prov$=':book']"),
    # the scorecard's prose holds counts of claims (a formula, no rows): its rows are the claims' values
    "chapters/07_scorecard.html": (None, ".jjj-scorecard td [data-jjj-prov$=':book']",
                                   ".jjj-scorecard td [data-jjj-prov$=':reported']"),
}


@pytest.mark.parametrize("chapter", sorted(CHAPTERS_0307))
def test_a_number_in_prose_a_table_cell_and_a_verdict_open_their_sources_in_chapters_03_to_07(
        tab, server, shoot, chapter):
    url = server.url(chapter)
    shoot(tab, url)
    visit = tab.open(url)
    assert not visit.console_errors, visit.console_errors
    page = tab.page
    prose, cell, verdict = CHAPTERS_0307[chapter]
    if prose is None:   # counts: the panel names how they are counted
        number = page.locator("p span.jjj-glued.jjj-num").first
        number.click()
        assert "条数" in page.locator(PANEL).inner_text()
        page.keyboard.press("Escape")
    for selector in filter(None, (prose, cell)):
        shown = page.evaluate(PICK, selector)
        assert shown, f"{chapter}: no {selector} with rows"
        page.locator("[data-e2e-pick]").click()
        assert_names_a_real_source(page)
        page.keyboard.press("Escape")
    shown = page.evaluate(PICK.replace("rec[key(e)].rows.length && ", ""), verdict)
    assert shown, f"{chapter}: no verdict value opens"
    page.locator("[data-e2e-pick]").click()
    text = page.locator(PANEL).inner_text()
    if verdict.endswith(":reported']"):
        assert "京津冀协同发展报告（2023）" in text
    else:
        assert_names_a_real_source(page)
    page.keyboard.press("Escape")


# --------------------------------------------------------------------------- chapters 01, 02, 08: prose, table, verdict

# chapter → (a number in the prose, a table cell, a verdict's value); each must open its sources.
OPENED = {
    "01_status": ("#n-kf_gdp_end", '[data-jjj-prov="revised-growth:0:0"]',
                  '#claim-status-gdp_2011 > summary [data-jjj-prov$=":book"]'),
    "02_problems": ("#n-gdp_cv_1", '[data-jjj-prov="ratios:0:0"]',
                    '#claim-problems-gap_not_narrowed_cv > summary [data-jjj-prov$=":book"]'),
    "08_since": ("#n-gdp_ratio_bj_report", '[data-jjj-prov="leaders-rel:0:0"]',
                 '[data-jjj-prov="later-gdp:0:1"]'),   # 08 registers no claims: its answers are the table's
}
# the prose numbers above are computed from this row: their panel lists it with its value
COMPUTED_FROM = "gdp|CN-BJ|2021|annual|census4"


@pytest.mark.parametrize("chapter", list(OPENED))
@pytest.mark.parametrize("where", ["prose", "table", "verdict"])
def test_a_number_of_each_chapter_opens_a_real_source(visit, records, chapter, where):
    page = visit(chapter)
    selector = OPENED[chapter][["prose", "table", "verdict"].index(where)]
    number = page.locator(selector).first
    assert number.count() == 1, f"{chapter}: no {where} number {selector}"
    number.scroll_into_view_if_needed()
    number.click()
    assert_names_a_real_source(page)
    if where == "prose":
        rec = records(chapter)
        key = selector.removeprefix("#n-")
        assert COMPUTED_FROM in rec["numbers"][key]["rows"], (chapter, key)
        assert rec["rows"][COMPUTED_FROM]["value"] in page.locator(PANEL).inner_text()
    page.keyboard.press("Escape")
    assert not page.locator(PANEL).is_visible()
