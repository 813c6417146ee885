"""Every page of the table of contents, loaded in headless Chromium from 127.0.0.1.

The pages come from _toc.yml at collection time, so new chapters, glossary and appendix pages are
tested as soon as they are listed there. Each page is loaded once, as a reader's first visit, and the
tests below look at that one load; a failing test leaves a screenshot of its page in test-output/e2e/.
"""

from __future__ import annotations

import pytest

from conftest import ROOT

from .browser import expect_no_problems
from .sitecheck import pages_not_linked_from, sidebar_repeats, toc_pages

pytestmark = pytest.mark.slow
TOC_PAGES = toc_pages(ROOT)
per_page = pytest.mark.parametrize("page", TOC_PAGES, ids=[p.removesuffix(".html") for p in TOC_PAGES])


@pytest.fixture
def report(reports, tab, shoot, page):
    """All checks on ``page`` (one load per run); the page is screenshotted if the test fails."""
    result = reports(page)
    shoot(tab, result.visit.url)
    return result


@per_page
def test_page_was_built(site, page):
    assert (site.root / page).is_file(), f"{page} is in _toc.yml but was not built"


@per_page
def test_page_loads_with_no_failed_or_outside_request_and_no_console_error(report, page):
    expect_no_problems(report.problems["requests"] + report.problems["console"], page)


@per_page
def test_chinese_text_renders_in_the_books_web_font(report, page):
    """Computed font-family of body text and of a heading, and the font Chromium actually drew them with."""
    expect_no_problems(report.problems["fonts"], page)


@per_page
def test_every_image_loads_and_every_chart_has_alt_text(report, page):
    expect_no_problems(report.problems["images"], page)


@per_page
def test_every_internal_link_and_anchor_resolves(report, page):
    """Links as written in the HTML and as present in the live page: cross-references, glossary terms,
    the navigation and the page's own contents."""
    expect_no_problems(report.problems["links"], page)


def test_links_resolve_on_the_pages_outside_the_toc_too(site):
    """index.html (the redirect), genindex.html, search.html and anything else the build wrote."""
    others = [page for page in site.pages if page not in TOC_PAGES]
    assert "index.html" in others and "search.html" in others
    expect_no_problems([problem for page in others for problem in site.link_problems(page)], "pages outside the TOC")


# --------------------------------------------------------------------------- the reader's page (issue 14)

@per_page
def test_no_table_column_narrower_than_two_chinese_characters_at_1280_and_400_px(report, page):
    expect_no_problems(report.problems["tables"], page)


@per_page
def test_no_sideways_page_scroll_at_400_px(report, page):
    expect_no_problems(report.problems["overflow"], page)


@per_page
def test_every_chart_is_crisp_never_upscaled_and_its_text_legible(report, page):
    expect_no_problems(report.problems["charts"], page)


@per_page
def test_no_space_between_two_chinese_characters(report, page):
    expect_no_problems(report.problems["spacing"], page)


@per_page
def test_no_english_theme_strings(report, page):
    expect_no_problems(report.problems["english"], page)


@per_page
def test_no_claim_ids_or_region_codes_in_visible_text(report, page):
    expect_no_problems(report.problems["identifiers"], page)


def test_the_introduction_links_every_page_of_the_table_of_contents(site):
    expect_no_problems([f"{p} is not linked from {TOC_PAGES[0]}" for p in
                        pages_not_linked_from(site, TOC_PAGES[0], TOC_PAGES)], TOC_PAGES[0])


def test_no_part_caption_repeats_a_chapter_title_in_the_sidebar(site):
    expect_no_problems(sidebar_repeats(site, TOC_PAGES[0]), TOC_PAGES[0])
