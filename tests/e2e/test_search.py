"""The book's own search page (Sphinx searchtools.js over the jieba-built index), driven like a reader.

For each Chinese query the result list must name exactly the pages of the table of contents whose
text contains the query (none, if no page does yet), and the search page itself must load cleanly.
"""

from __future__ import annotations

import pytest

from conftest import ROOT

from .browser import console_problems, expect_no_problems, request_problems, search_results, search_url
from .sitecheck import toc_pages

pytestmark = pytest.mark.slow
TOC_PAGES = toc_pages(ROOT)
# A province, the region, and multi-word terms that only the jieba user dictionary keeps whole.
QUERIES = {"河北": "hebei", "京津冀": "jingjinji", "人均可支配收入": "per-capita-disposable-income",
           "城乡收入比": "urban-rural-income-ratio", "雄安新区": "xiongan-new-area"}
MULTI_WORD = ["人均可支配收入", "城乡收入比", "雄安新区"]


@pytest.fixture
def search_page(tab, server, shoot):
    """``search_page(query)``: search.html?q=query loaded in the tab (screenshotted if the test fails)."""

    def open_search(query):
        url = search_url(server, query)
        shoot(tab, url)
        return tab.open(url)

    return open_search


@pytest.mark.parametrize("query", list(QUERIES), ids=list(QUERIES.values()))
def test_search_lists_the_pages_that_contain_the_query(search_page, site, query):
    visit = search_page(query)
    found = search_results(visit)
    expect_no_problems(request_problems(visit) + console_problems(visit), f"search.html?q={query}")
    expected = [page for page in TOC_PAGES if query in site.text(page)]
    assert set(found) == set(expected), (
        f"search for {query!r} lists {found or 'nothing'}; the pages containing it are {expected or 'none'}")


def test_some_page_contains_a_multi_word_query(site):
    """The multi-word searches above prove something only if at least one page contains such a term."""
    assert any(query in site.text(page) for query in MULTI_WORD for page in TOC_PAGES)
