"""Fixtures for the browser layer: Chromium (or a clear skip), the built book served on 127.0.0.1,
one tab that loads each page once (all checks of a page come from that load), and a screenshot in
test-output/e2e/ of the page of every failed test.

Without Chromium (or without the playwright package) every browser test is skipped and the run ends
with a banner saying so; with JJJ_E2E_REQUIRED=1 (set by .ci/run) a missing browser is an error instead.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import TEST_OUTPUT

from .browser import CHROMIUM_ARGS, StaticServer, Tab, find_chromium, inspect_page
from .sitecheck import Site

E2E_OUTPUT = TEST_OUTPUT / "e2e"
SKIPPED = "browser tests skipped:"
_SHOTS = pytest.StashKey[list]()
_timing = {"book": None, "browser": None}


def _required() -> bool:
    return os.environ.get("JJJ_E2E_REQUIRED", "").strip() not in ("", "0")


@pytest.fixture(scope="session", autouse=True)
def _fresh_output():
    """Screenshots from an earlier run would mislead: start with an empty test-output/e2e/."""
    shutil.rmtree(E2E_OUTPUT, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the system's Chromium; skip (or, under JJJ_E2E_REQUIRED, fail) when there is none."""
    path = find_chromium()
    reason = None
    if path is None:
        reason = ("Chromium not found ($JJJ_CHROMIUM, or `chromium` / `chromium-browser` on PATH); "
                  "install it with `apt-get install chromium` to run tests/e2e")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed in .venv (run `python3 dev.py setup`)"
    if reason:
        if _required():
            pytest.fail(f"JJJ_E2E_REQUIRED is set, but {reason}", pytrace=False)
        pytest.skip(f"{SKIPPED} {reason}")
    return path


@pytest.fixture(scope="session")
def html(request) -> Path:
    """The built book's HTML (built once per run, or reused unchanged; see tests/conftest.py).

    How long getting it took is reported apart from the browser layer's own time."""
    start = time.perf_counter()
    path = request.getfixturevalue("book_html")
    _timing["book"] = time.perf_counter() - start
    return path


@pytest.fixture(scope="session")
def site(html) -> Site:
    return Site(html)


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
    except BaseException:
        playwright.stop()
        raise
    _timing["browser"] = browser.version
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def server(html):
    server = StaticServer(html)
    yield server
    server.close()


@pytest.fixture(scope="session")
def tab(browser, server):
    """The tab every page of the served book is loaded in, one after the other."""
    tab = Tab(browser, server.origin)
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def reports(tab, server, site):
    """``reports(path)``: every check on that page, from a single load per test run."""
    done = {}

    def report(path: str):
        if path not in done:
            done[path] = inspect_page(tab, server.url(path), site)
        return done[path]

    return report


@pytest.fixture
def shoot(request):
    """``shoot(tab, url)``: if this test fails, a full-page screenshot of ``url`` goes to test-output/e2e/."""
    shots = request.node.stash.setdefault(_SHOTS, [])
    return lambda tab, url: shots.append((tab, url))


def screenshot_name(nodeid: str, index: int = 0) -> str:
    """A file name for a test's screenshot: the test's name and parameter, made safe for any file system."""
    name = nodeid.split("::", 1)[-1]
    name = re.sub(r"[^\w.\-\[\]]+", "_", name).strip("_")
    return f"{name}{'' if index == 0 else f'-{index}'}.png"


def screenshot_failure(nodeid: str, shots, folder: Path = E2E_OUTPUT) -> list[str]:
    """Screenshots of the pages a failed test looked at; lines saying where they are (or why not)."""
    lines = []
    for index, (tab, url) in enumerate(shots):
        path = folder / screenshot_name(nodeid, index)
        try:
            tab.screenshot(url, path)
            lines.append(f"screenshot of {url}: {path}")
        except Exception as exc:  # a crashed page must not hide the test's own failure
            lines.append(f"no screenshot of {url}: {exc}")
    return lines


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and item.stash.get(_SHOTS, None):
        report.sections.append(("screenshot", "\n".join(screenshot_failure(item.nodeid, item.stash[_SHOTS]))))
    return report


def pytest_terminal_summary(terminalreporter):
    """One line on the browser layer: ran (how many, how long) or skipped (and why)."""
    here = Path(__file__).parent
    prefix = (here.relative_to(terminalreporter.config.rootpath).as_posix() + "/"
              if here.is_relative_to(terminalreporter.config.rootpath) else "tests/e2e/")
    reports = [rep for reps in terminalreporter.stats.values() for rep in reps
               if isinstance(rep, pytest.TestReport) and rep.nodeid.startswith(prefix)]
    if not reports:
        return
    calls = {rep.nodeid: rep for rep in reports if rep.when == "call" or rep.skipped}
    skipped = [rep for rep in calls.values() if rep.skipped and SKIPPED in str(rep.longrepr)]
    if skipped:
        reason = str(skipped[0].longrepr[-1]) if isinstance(skipped[0].longrepr, tuple) else str(skipped[0].longrepr)
        terminalreporter.write_sep("=", f"BROWSER TESTS SKIPPED ({len(skipped)}): "
                                        f"{reason.split(SKIPPED, 1)[-1].strip()}", yellow=True, bold=True)
        return
    seconds = sum(rep.duration for rep in reports)
    passed = sum(rep.passed for rep in calls.values())
    failed = len({rep.nodeid for rep in reports if rep.failed})  # in the test or in its setup
    if hasattr(terminalreporter.config, "workerinput") or terminalreporter.config.pluginmanager.has_plugin("dsession"):
        # pytest -n: the browser and the book were in the worker processes; their times are in the tests' setup
        terminalreporter.write_sep("-", f"browser layer (tests/e2e, in the test processes): {passed} passed, "
                                        f"{failed} failed in {seconds:.1f} s, getting the built book included", bold=True)
        return
    book = _timing["book"] or 0.0
    browser = f"Chromium {_timing['browser']}" if _timing["browser"] else "no browser started"
    terminalreporter.write_sep(
        "-", f"browser layer (tests/e2e, {browser}): {passed} passed, {failed} failed "
             f"in {seconds - book:.1f} s, plus {book:.1f} s getting the built book", bold=True)
