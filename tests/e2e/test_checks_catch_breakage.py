"""The browser layer's checks fail on a broken page: shown on a copy of the built book with faults put in.

Each fault goes into its own copy of the root page, next to it (so its relative links still work): an
external script, a broken link, a cross-reference to a missing anchor, a broken link that a script
adds, a missing chart without alt text, a console error, the book's stylesheet left out. The same
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
from .sitecheck import Site, toc_pages

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
}


def broken_page(fault: str) -> str:
    return f"{FOLDER}/e2e-broken-{fault}.html".lstrip("/")


@pytest.fixture(scope="module")
def broken_html(html, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("broken") / "html"
    shutil.copytree(html, root)
    original = (root / TEMPLATE).read_text(encoding="utf-8")
    for fault, inject in FAULTS.items():
        changed = inject(original)
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
