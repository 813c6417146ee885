"""The browser layer's checks fail on a broken page: shown on a copy of the built book with faults put in.

Each fault goes into its own copy of the root page, next to it (so its relative links still work): an
external script, a broken link, a cross-reference to a missing anchor, a broken link that a script
adds, a missing chart without alt text, a console error, the book's stylesheet left out; and for the
reader's page: a crushed table column, an element wider than a phone, an upscaled chart, a chart shown
too small to read, a space between Chinese characters, English theme strings, a claim id and a region
code in the text, an introduction that misses a page, a part caption repeating a chapter title. The same
assertion the real tests make must fail on each, and pass on the untouched page beside them. No build:
the HTML comes from the run's one build.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT

from .browser import StaticServer, Tab, expect_no_problems, inspect_page
from .conftest import screenshot_failure, screenshot_name
from .sitecheck import Site, pages_not_linked_from, sidebar_repeats, toc_pages

pytestmark = pytest.mark.slow
TOC_PAGES = toc_pages(ROOT)
TEMPLATE = TOC_PAGES[0]
FOLDER = TEMPLATE.rpartition("/")[0]
UP = "../" * TEMPLATE.count("/")          # from the template's folder back to the HTML root
NAME = TEMPLATE.rpartition("/")[2]


def _in_article(html: str, snippet: str) -> str:
    return re.sub(r"(<article\b[^>]*>)", lambda m: m.group(1) + snippet, html, count=1)


FAULTS = {
    "external-script": lambda html: html.replace(
        "</head>", '<script src="https://example.com/x.js"></script></head>', 1),
    "broken-link": lambda html: _in_article(html, '<p><a href="no-such-page.html">断链</a></p>'),
    "broken-anchor": lambda html: _in_article(
        html, f'<p><a class="reference internal" href="{NAME}#term-no-such-term">术语</a></p>'),
    "missing-chart": lambda html: _in_article(html, f'<img src="{UP}_images/no-such-chart.png">'),
    "script-made-link": lambda html: html.replace("</body>", (
        '<script>document.addEventListener("DOMContentLoaded", () => { const a = document.createElement("a");'
        ' a.href = "made-by-script.html"; a.textContent = "脚本"; document.querySelector("article").append(a); });'
        "</script></body>"), 1),
    "console-error": lambda html: html.replace(
        "</body>", '<script>console.error("deliberate error"); null.boom;</script></body>', 1),
    "no-book-font": lambda html: re.sub(r'<link[^>]*href="[^"]*jjj\.css[^"]*"[^>]*>', "", html),
    # the reader's page (issue 14): one fault per check of tests/e2e/browser.reader_problems
    "crushed-table": lambda html: _in_article(html, (
        '<table><tr><td style="min-width:0;width:1px;padding:0">已复现</td>'
        '<td>一段很长的说明文字，足以把第一栏挤到只剩一个字那么宽，在手机上读起来就是一个字一行。</td></tr></table>')),
    "wide-element": lambda html: _in_article(html, '<div style="width:900px">一块九百像素宽的内容</div>'),
    "upscaled-chart": lambda html: _in_article(
        html, f'<div class="cell_output"><img src="{UP}_images/{{chart}}" alt="图" style="width:2400px;max-width:none !important"></div>'),
    "tiny-chart": lambda html: _in_article(
        html, f'<div class="cell_output"><img src="{UP}_images/{{chart}}" alt="图" style="width:150px"></div>'),
    "cjk-space": lambda html: _in_article(html, "<p>京津冀三地的地区生产总值\n合计约 9.6 万亿元。</p>"),
    "english-theme": lambda html: re.sub(r"(<body\b[^>]*>)", r'\1<button title="Toggle primary sidebar">≡</button>',
                                         _in_article(html, '<details class="hide"><summary><p class="admonition-title">'
                                                           'Show code cell source</p></summary></details>'), count=1),
    "claim-id": lambda html: _in_article(html, "<p>编号：status.gdp_2011，地区：CN-BJ，见 01_status 一章。</p>"),
    "intro-missing-link": lambda html: _drop_first_link_to(html, TOC_PAGES[1].rpartition("/")[2]),
    "sidebar-repeat": lambda html: _caption_as_first_title(html),
}
# Checks of the reader's page that are not in inspect_page (they read the HTML files).
STATIC_FAULTS = {"intro-missing-link", "sidebar-repeat"}


def _drop_first_link_to(html: str, target: str) -> str:
    """The page without its article's links to ``target`` (the link text stays, as plain text)."""
    head, sep, rest = html.partition("<article")
    return head + sep + re.sub(rf'<a\b[^>]*href="{re.escape(target)}(?:#[^"]*)?"[^>]*>(.*?)</a>', r"\1", rest, flags=re.S)


def _caption_as_first_title(html: str) -> str:
    """The first part caption of the sidebar renamed to the first chapter title listed after it."""
    match = re.search(r'<span class="caption-text">([^<]*)</span>(.*?)<a class="reference internal" href="[^"]*">([^<]*)</a>',
                      html, re.S)
    if not match:
        return html
    return html[:match.start(1)] + match.group(3) + html[match.end(1):]


def broken_page(fault: str) -> str:
    return f"{FOLDER}/e2e-broken-{fault}.html".lstrip("/")


@pytest.fixture(scope="module")
def broken_html(html, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("broken") / "html"
    shutil.copytree(html, root)
    original = (root / TEMPLATE).read_text(encoding="utf-8")
    charts = sorted((root / "_images").glob("*.png"))
    assert charts, "fixture setup: the built book has no chart in _images/"
    for fault, inject in FAULTS.items():
        changed = inject(original).replace("{chart}", charts[0].name)
        assert changed != original, f"fixture setup: could not put {fault!r} into {TEMPLATE}"
        (root / broken_page(fault)).write_text(changed, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def broken(broken_html, browser):
    """(tab, server, site) for the broken copy."""
    server = StaticServer(broken_html)
    tab = Tab(browser, server.origin)
    yield tab, server, Site(broken_html)
    tab.close()
    server.close()


def inspect(broken, page):
    tab, server, site = broken
    return inspect_page(tab, server.url(page), site)


def test_the_untouched_page_passes_every_check(broken):
    report = inspect(broken, TEMPLATE)
    for check, problems in report.problems.items():
        expect_no_problems(problems, f"{TEMPLATE} ({check})")


def test_an_external_script_fails_the_page_and_never_leaves_the_machine(broken):
    page = broken_page("external-script")
    problems = inspect(broken, page).problems
    assert "request leaving 127.0.0.1: https://example.com/x.js" in problems["requests"]
    assert any("example.com/x.js (net::ERR_PROXY_CONNECTION_FAILED)" in p for p in problems["requests"])
    with pytest.raises(AssertionError, match="example.com"):
        expect_no_problems(problems["requests"] + problems["console"], page)


def test_a_broken_link_fails_the_link_test(broken):
    page = broken_page("broken-link")
    problems = [str(p) for p in inspect(broken, page).problems["links"]]
    assert f"{page}: 'no-such-page.html' leads to a missing file ({FOLDER + '/' if FOLDER else ''}no-such-page.html)" \
        in problems
    with pytest.raises(AssertionError, match="no-such-page.html"):
        expect_no_problems(problems, page)


def test_a_cross_reference_to_a_missing_anchor_fails_the_link_test(broken):
    page = broken_page("broken-anchor")
    problems = [str(p) for p in inspect(broken, page).problems["links"]]
    assert any("missing anchor #term-no-such-term" in p for p in problems), problems
    with pytest.raises(AssertionError, match="term-no-such-term"):
        expect_no_problems(problems, page)


def test_a_broken_link_made_by_a_script_fails_the_link_test(broken):
    """Only the live page has it: the browser's view of the links is checked, not just the HTML file."""
    page = broken_page("script-made-link")
    problems = [str(p) for p in inspect(broken, page).problems["links"]]
    assert any("made-by-script.html" in p and "missing file" in p for p in problems), problems


def test_a_missing_chart_without_alt_text_fails(broken):
    page = broken_page("missing-chart")
    problems = inspect(broken, page).problems
    assert any("image did not load" in p and "no-such-chart.png" in p for p in problems["images"])
    assert "image without alt text: no-such-chart.png" in problems["images"]
    assert any("no-such-chart.png (HTTP 404)" in p for p in problems["requests"])


def test_a_console_error_or_an_uncaught_exception_fails(broken):
    page = broken_page("console-error")
    problems = inspect(broken, page).problems["console"]
    assert any("deliberate error" in p for p in problems)
    assert any("uncaught" in p and "boom" in p for p in problems)


def test_a_page_without_the_books_font_fails(broken):
    page = broken_page("no-book-font")
    problems = inspect(broken, page).problems["fonts"]
    assert any("computed font-family" in p for p in problems), problems


def test_a_failed_test_leaves_a_full_page_screenshot(broken, tmp_path):
    tab, server, _ = broken
    nodeid = f"tests/e2e/test_pages.py::test_every_internal_link_and_anchor_resolves[{broken_page('broken-link')}]"
    lines = screenshot_failure(nodeid, [(tab, server.url(broken_page("broken-link")))], folder=tmp_path)
    shot = tmp_path / screenshot_name(nodeid)
    assert lines == [f"screenshot of {server.url(broken_page('broken-link'))}: {shot}"]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    assert shot.name.startswith("test_every_internal_link_and_anchor_resolves")


# --------------------------------------------------------------------------- the reader's page (issue 14)

def test_a_crushed_table_column_fails_at_both_widths(broken):
    problems = inspect(broken, broken_page("crushed-table")).problems["tables"]
    for width in (1280, 400):
        assert any(p.startswith(f"[{width} px] column narrower than two Chinese characters") and "已复现" in p
                   for p in problems), problems
    assert any('"已复现" breaks over' in p for p in problems), problems


def test_an_element_wider_than_a_phone_fails_the_sideways_scroll_check(broken):
    problems = inspect(broken, broken_page("wide-element")).problems["overflow"]
    assert len(problems) == 1 and problems[0].startswith("[400 px] the page is") and "sideways scroll" in problems[0]
    assert "div" in problems[0]
    untouched = inspect(broken, TEMPLATE).problems["overflow"]
    assert untouched == []


def test_an_upscaled_chart_fails(broken):
    problems = inspect(broken, broken_page("upscaled-chart")).problems["charts"]
    assert any("above its natural" in p and "upscaled" in p for p in problems), problems


def test_a_chart_shown_too_small_to_read_fails(broken):
    problems = inspect(broken, broken_page("tiny-chart")).problems["charts"]
    assert any(p.startswith("[1280 px]") and "smallest text about" in p and "needs 11" in p for p in problems), problems
    assert not any("upscaled" in p for p in problems)


def test_a_space_between_chinese_characters_fails(broken):
    problems = inspect(broken, broken_page("cjk-space")).problems["spacing"]
    assert len(problems) == 1 and "生产总值 合计" in problems[0], problems   # "约 9.6" next to a digit is fine


def test_english_theme_strings_fail_in_the_text_and_in_attributes(broken):
    problems = inspect(broken, broken_page("english-theme")).problems["english"]
    assert any("Show code cell source" in p for p in problems), problems
    assert any('title="Toggle primary sidebar"' in p for p in problems), problems


def test_claim_ids_region_codes_and_chapter_file_names_in_the_text_fail(broken):
    problems = inspect(broken, broken_page("claim-id")).problems["identifiers"]
    for found in ("status.gdp_2011", "CN-BJ", "01_status"):
        assert any(f"identifier in visible text: {found} " in p for p in problems), (found, problems)


def test_an_introduction_that_misses_a_page_fails(broken):
    _, _, site = broken
    assert pages_not_linked_from(site, TEMPLATE, TOC_PAGES) == []
    missing = pages_not_linked_from(site, broken_page("intro-missing-link"), TOC_PAGES[1:])
    assert missing == [TOC_PAGES[1]]


def test_a_part_caption_repeating_a_chapter_title_fails(broken):
    _, _, site = broken
    assert sidebar_repeats(site, TEMPLATE) == []
    problems = sidebar_repeats(site, broken_page("sidebar-repeat"))
    assert len(problems) == 1 and "is also a chapter title" in problems[0]
