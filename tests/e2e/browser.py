"""Headless Chromium against the built book served on 127.0.0.1: what a reader's browser sees.

The system's Chromium (Debian's ``chromium``) is driven through Playwright's Python package, which
talks to that binary over a pipe; Playwright never downloads a browser here. Pages are loaded one
after the other in one tab, each as a first visit (empty localStorage); every request, failure and
console error is recorded, and any request for an address other than the local server is refused
by the browser itself, so nothing leaves the machine even when a page asks for it.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from jjj_book.build.pdf import find_chromium  # noqa: F401  (the one lookup: the PDF build uses it too)

from .sitecheck import LinkProblem, Site

# Flags that keep Chromium quiet on a closed network (no background connections at all).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--hide-scrollbars", "--mute-audio", "--disable-dev-shm-usage",
    # Nothing leaves the machine, whatever a page asks for: every request that is not for 127.0.0.1
    # goes to a proxy on a closed local port (and fails at once), and no host name resolves.
    # (Playwright's request interception would do it too, but it turns off the browser's HTTP cache.)
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>;127.0.0.1",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1280, "height": 900}
BOOK_FONT = "JJJ Noto Sans SC"          # the @font-face family in _static/jjj.css

# Console errors known to come from an upstream theme and accepted for now: message -> why and the fix.
# tests/e2e/test_pages.py has a strict xfail test that starts failing once the fix is in, so that this
# entry gets removed then.
# Upstream console errors accepted for now (message prefix → why); empty: none is tolerated.
TOLERATED_CONSOLE_ERRORS: dict[str, str] = {}


# --------------------------------------------------------------------------- finding the browser

# --------------------------------------------------------------------------- serving the book

class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".woff2": "font/woff2", ".js": "text/javascript",
                      ".ipynb": "application/json"}

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")  # the theme's files are fetched once per run
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser closing a connection early is not an error of the book


class StaticServer:
    """``_build/html`` served by http.server on 127.0.0.1 (a free port), in a background thread."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._httpd = _Server(("127.0.0.1", 0), partial(_QuietHandler, directory=str(self.root)))
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="book-server", daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.origin}/{quote(path)}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------- visiting a page

@dataclass(repr=False)
class Visit:
    """One page load, and everything the browser reported meanwhile."""

    url: str
    origin: str
    page: object                      # playwright.sync_api.Page (moves on at the tab's next load)
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    inflight: int = 0
    load_seconds: float = 0.0

    @property
    def path(self) -> str:
        """The page's path relative to the served root (``chapters/intro.html``)."""
        return unquote(urlsplit(self.url).path).lstrip("/") or "index.html"

    def __repr__(self) -> str:
        return f"Visit({self.url})"


def is_local(url: str, origin: str) -> bool:
    return url.startswith(origin + "/") or url == origin or url.split(":", 1)[0] in ("data", "blob", "about")


# Fonts loaded, and images the page defers (loading="lazy") fetched as if the reader had scrolled to them.
_READY_JS = """
async () => {
  const lazy = [...document.images].filter(img => img.loading === "lazy" && !img.complete);
  lazy.forEach(img => { img.loading = "eager"; });
  await Promise.all(lazy.map(img => img.decode().catch(() => null)));
  await document.fonts.ready;
  return true;
}
"""


class Tab:
    """One browser tab that loads page after page from one server, each load as a reader's first visit.

    The HTTP cache is kept between loads (the theme's files are fetched, and checked, once), while
    localStorage and sessionStorage are emptied before any script of a page runs. Every request is
    recorded; the browser's flags (CHROMIUM_ARGS) make any request for another address fail.
    """

    def __init__(self, browser, origin: str) -> None:
        self.origin = origin
        self.context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", service_workers="block")
        self.context.set_default_timeout(15_000)
        self.context.add_init_script("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}")
        self.page = self.context.new_page()
        self.visit: Visit | None = None
        page = self.page
        page.on("request", self._started)
        page.on("requestfinished", lambda request: self._done())
        page.on("requestfailed", self._failed)
        page.on("response", self._responded)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.visit and self.visit.console_errors.append(f"uncaught {error}"))
        self._cdp = None

    # events go to the visit in progress
    def _started(self, request):
        if self.visit:
            self.visit.requests.append(request.url)
            self.visit.inflight += 1

    def _done(self):
        if self.visit:
            self.visit.inflight -= 1

    def _failed(self, request):
        if self.visit:
            self.visit.inflight -= 1
            self.visit.failures.append(f"{request.url} ({request.failure})")

    def _responded(self, response):
        if self.visit and response.status >= 400:
            self.visit.failures.append(f"{response.url} (HTTP {response.status})")

    def _console(self, message):
        if self.visit and message.type == "error":
            where = message.location or {}
            self.visit.console_errors.append(
                f"{message.text} [{where.get('url', '?')}:{where.get('lineNumber', '?')}]")

    def open(self, url: str, *, settle_timeout: float = 10.0) -> Visit:
        """Load ``url``; return once the page, its fonts and all its requests are done."""
        self.visit = visit = Visit(url=url, origin=self.origin, page=self.page)
        start = time.perf_counter()
        self.page.goto(url, wait_until="load")
        self.page.evaluate(_READY_JS)
        settle(visit, settle_timeout)
        visit.load_seconds = time.perf_counter() - start
        return visit

    def cdp(self):
        """A DevTools protocol session on this tab (for what Playwright does not expose)."""
        if self._cdp is None:
            self._cdp = self.context.new_cdp_session(self.page)
            self._cdp.send("DOM.enable")
            self._cdp.send("CSS.enable")
        return self._cdp

    def screenshot(self, url: str, path: Path) -> Path:
        """A full-page screenshot of ``url`` (loaded again if the tab has moved on)."""
        if self.page.url != url:
            self.open(url)
        return save_screenshot(self.page, path)

    def close(self) -> None:
        self.context.close()


def settle(visit: Visit, timeout: float = 10.0, quiet: float = 0.1) -> None:
    """Wait until no request has been in flight for ``quiet`` seconds (a failure if it never happens)."""
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        if visit.inflight <= 0:
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                return
        else:
            calm_since = None
        visit.page.wait_for_timeout(20)  # lets Playwright deliver the events
    visit.failures.append(f"requests still running after {timeout:.0f} s")


# --------------------------------------------------------------------------- what to check on a page

def request_problems(visit: Visit) -> list[str]:
    """Requests that left 127.0.0.1, and requests that failed (refused, 404, …)."""
    problems = [f"request leaving 127.0.0.1: {url}" for url in dict.fromkeys(visit.requests)
                if not is_local(url, visit.origin)]
    return problems + [f"failed request: {failure}" for failure in dict.fromkeys(visit.failures)]


def console_problems(visit: Visit, tolerated=TOLERATED_CONSOLE_ERRORS) -> list[str]:
    """JavaScript console errors and uncaught exceptions, except the tolerated upstream ones.

    Chromium asks for /favicon.ico by itself, some time after a page that names no icon has loaded;
    that 404 is the browser's guess, not a request of the book's, and is left out.
    """
    favicon_guess = f"[{visit.origin}/favicon.ico:"
    return [f"console error: {error}" for error in visit.console_errors
            if not any(error.startswith(known) for known in tolerated) and favicon_guess not in error]


_PROBE_JS = """
(bookFont) => {
  const cjk = /[\\u3400-\\u9fff]/;
  const ownText = el => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join("");
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const article = document.querySelector("article") || document.body;
  const pick = (selector, role) => {
    const el = [...article.querySelectorAll(selector)].find(e => cjk.test(ownText(e)) && shown(e));
    if (!el) return null;
    el.setAttribute("data-e2e-probe", role);
    const style = getComputedStyle(el);
    return {role, tag: el.tagName.toLowerCase(), text: ownText(el).trim().slice(0, 40),
            family: style.fontFamily, weight: style.fontWeight,
            fontReady: document.fonts.check(`${style.fontWeight} 16px "${bookFont}"`, "京津冀")};
  };
  return [pick("p, li, td", "body"), pick("h1, h2, h3", "heading")];
}
"""


def font_problems(visit: Visit, cdp) -> list[str]:
    """Body text and a heading must use the book's web font, by CSS and in the glyphs actually drawn.

    The computed ``font-family`` must start with the book's family, the face must be loaded, and
    Chromium's own report of the fonts it drew the element's text with (DevTools ``CSS.getPlatformFontsForNode``)
    must name a web font (not a system fallback) for the Chinese text.
    """
    problems = []
    probes = visit.page.evaluate(_PROBE_JS, BOOK_FONT)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    for role, probe in zip(("body text", "heading"), probes):
        if probe is None:
            problems.append(f"{role}: no visible element with Chinese text to check")
            continue
        label = f"{role} <{probe['tag']}> {probe['text']!r}"
        first_family = probe["family"].split(",")[0].strip().strip("\"'")
        if first_family != BOOK_FONT:
            problems.append(f"{label}: computed font-family is {probe['family']!r}, not {BOOK_FONT!r} first")
        if not probe["fontReady"]:
            problems.append(f"{label}: the {BOOK_FONT!r} face for weight {probe['weight']} is not loaded")
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[data-e2e-probe="{probe["role"]}"]'})
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        web = sum(f["glyphCount"] for f in fonts if f.get("isCustomFont"))
        system = [f"{f['familyName']} ({f['glyphCount']} glyphs)" for f in fonts if not f.get("isCustomFont")]
        if not web:
            problems.append(f"{label}: drawn with system fonts only ({', '.join(system) or 'none'}), "
                            f"not the book's web font")
        elif system:
            # Punctuation outside the subset may fall back; Chinese characters must not.
            problems.extend(_fallback_problems(visit, probe, label, system))
    return problems


def _fallback_problems(visit: Visit, probe: dict, label: str, system: list[str]) -> list[str]:
    """Which Chinese characters of the probe the web font lacks (they are then drawn by a system font)."""
    missing = visit.page.evaluate(
        """([role, family]) => {
             const el = document.querySelector(`[data-e2e-probe="${role}"]`);
             const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join("");
             const weight = getComputedStyle(el).fontWeight;
             return [...new Set(text)].filter(ch => /[\\u3400-\\u9fff]/.test(ch)
                                                 && !document.fonts.check(`${weight} 16px "${family}"`, ch));
           }""", [probe["role"], BOOK_FONT])
    if missing:
        return [f"{label}: characters {''.join(missing)!r} fall back to system fonts ({', '.join(system)})"]
    return []


_IMAGES_JS = """
() => [...document.images].map(img => ({
  src: img.currentSrc || img.src, alt: img.getAttribute("alt"), complete: img.complete,
  width: img.naturalWidth, inArticle: !!img.closest("article"),
}))
"""


def image_problems(visit: Visit) -> list[str]:
    """Every image must have loaded; every image in the text (the charts) must have alt text."""
    problems = []
    images = visit.page.evaluate(_IMAGES_JS)
    for img in images:
        name = img["src"].rsplit("/", 1)[-1][:60]
        if not img["complete"] or img["width"] == 0:
            problems.append(f"image did not load: {img['src']}")
        alt = (img["alt"] or "").strip()
        # Sphinx writes the file's path as alt when a chart has none: that is no alt text either
        if img["inArticle"] and (not alt or re.search(r"\.(png|svg|jpe?g|gif)$", alt, re.I)):
            problems.append(f"image without alt text: {name}")
    return problems


_LINKS_JS = """
() => ({
  links: [...document.querySelectorAll("a[href], area[href]")].map(a => a.href),
  ids: [...document.querySelectorAll("[id]")].map(e => e.id)
         .concat([...document.querySelectorAll("a[name]")].map(a => a.name)),
})
"""


def live_link_problems(visit: Visit, site: Site) -> list[LinkProblem]:
    """Internal links in the page as the browser built it (scripts included) that do not resolve."""
    found = visit.page.evaluate(_LINKS_JS)
    live_ids = set(found["ids"])
    problems = []
    for url in dict.fromkeys(found["links"]):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != visit.origin:
            continue  # a link to another site is a link, not a request: allowed
        href = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
        problem = site.check_link(visit.path, href, live_ids=live_ids)
        if problem:
            problems.append(problem)
    return problems


# --------------------------------------------------------------------------- the reader's page (issue 14)

WIDTHS = (1280, 400)          # a laptop and a phone: the layout checks run at both
# Theme strings that must never show in English inside the article (outside it, any English word fails).
THEME_ENGLISH = ("Show code cell", "Hide code cell", "code cell source", "code cell output", "code cell content",
                 "Click to show", "Click to hide", "Copy to clipboard", "Copyright", "Link to this",
                 "Toggle", "Skip to main content", "Back to top", "Download source", "Print to PDF")
# Names the reader may see in Latin letters outside the article (the book's own name, file suffixes).
ALLOWED_LATIN = ("jjj-book", "Jupyter Book", "Jupyter", "Noto Sans SC", "PDF", "CSV", "PNG", "GDP", "PM2.5")

_WIDTH_JS = r"""
async ([minFontPt, legiblePx, screenDpi, pixelRatio, width]) => {
  const art = document.querySelector("article") || document.body;
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const tag = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                    (el.classList.length ? "." + [...el.classList].slice(0, 2).join(".") : "");
  const out = {tables: [], overflow: [], charts: []};
  const textNodes = el => { const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT); const a = [];
                            let n; while ((n = w.nextNode())) if (n.data.trim()) a.push(n); return a; };
  // tables: no column narrower than two Chinese characters; a short word never breaks
  for (const cell of art.querySelectorAll("td, th")) {
    const text = cell.textContent.trim().replace(/\s+/g, " ");
    if (!text || !shown(cell)) continue;
    const cs = getComputedStyle(cell);
    const em = parseFloat(cs.fontSize);
    const content = cell.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (content < 2 * em - 0.5)
      out.tables.push(`column narrower than two Chinese characters (${Math.round(content)} px < ${2 * em} px): "${text.slice(0, 24)}"`);
    if (text.length <= 6 && !/\s/.test(text)) {
      const tops = new Set();
      for (const node of textNodes(cell)) {
        const range = document.createRange(); range.selectNodeContents(node);
        for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
      }
      if (tops.size > 1) out.tables.push(`"${text}" breaks over ${tops.size} lines`);
    }
  }
  // the page never scrolls sideways (a wide table scrolls inside its own box)
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    const clipped = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                              const o = getComputedStyle(p).overflowX; if (o !== "visible") return true; } return false; };
    const wide = [...document.body.querySelectorAll("*")].filter(el => shown(el) && !clipped(el)
                   && el.getBoundingClientRect().right > doc.clientWidth + 1);
    const leaves = wide.filter(el => !wide.some(other => other !== el && el.contains(other))).slice(0, 5);
    out.overflow.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window (sideways scroll); ` +
                      `widest: ${leaves.map(el => `${tag(el)} to ${Math.round(el.getBoundingClientRect().right)} px`).join(", ")}`);
  }
  // charts: never upscaled; a notebook chart is a 2x image whose smallest text stays legible
  const pngDpi = buf => { const v = new DataView(buf); let i = 8;
    while (i + 8 <= v.byteLength) { const len = v.getUint32(i); const type = String.fromCharCode(
        v.getUint8(i + 4), v.getUint8(i + 5), v.getUint8(i + 6), v.getUint8(i + 7));
      if (type === "pHYs" && v.getUint8(i + 16) === 1) return v.getUint32(i + 8) * 0.0254;
      if (type === "IDAT") return null; i += 12 + len; } return null; };
  for (const img of art.querySelectorAll("img")) {
    if (!img.complete || !img.naturalWidth || !shown(img)) continue;
    const name = (img.currentSrc || img.src).split("/").pop().slice(0, 24);
    const w = img.getBoundingClientRect().width;
    if (w > img.naturalWidth + 0.5)
      out.charts.push(`${name}: shown ${Math.round(w)} px wide, above its natural ${img.naturalWidth} px (upscaled, blurred)`);
    if (!img.closest(".cell_output") && !/\/_images\//.test(img.currentSrc)) continue;   // charts only
    let density = 1;
    if (/\.png([?#]|$)/i.test(img.currentSrc)) {
      const dpi = pngDpi(await (await fetch(img.currentSrc)).arrayBuffer());
      density = dpi ? dpi / screenDpi : 1;
      if (density < pixelRatio - 0.05)
        out.charts.push(`${name}: a ${density.toFixed(2)}x image (${dpi ? Math.round(dpi) + " dpi" : "no resolution"}), not ${pixelRatio}x: not crisp`);
    }
    const smallest = minFontPt * screenDpi / 72 * w / (img.naturalWidth / density);
    if (smallest < legiblePx - 0.05)
      out.charts.push(`${name}: smallest text about ${smallest.toFixed(1)} px at ${width} px (needs ${legiblePx} px)`);
  }
  return out;
}
"""

_TEXT_JS = r"""
([themeEnglish, allowedLatin, ids]) => {
  const art = document.querySelector("article") || document.body;
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const skip = "script, style, noscript, template, code, pre, kbd, samp, .math, mjx-container";
  const cjk = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60\u201c\u201d\u2018\u2019\u2026\u2014";
  const gap = new RegExp(`[${cjk}][ \\t\\n\\u00a0]+[${cjk}]`, "g");
  const word = /[A-Za-z]*[a-z]{2,}[A-Za-z]*/g;
  const latin = text => { let t = " " + text + " ";
    for (const a of allowedLatin) t = t.split(a).join(" ");
    t = t.replace(/\.[A-Za-z0-9]+\b/g, " ");           // file suffixes in the download menu
    return t.match(word) || []; };
  const out = {spacing: [], english: [], identifiers: []};
  // 1. no space between two Chinese characters in the prose (each block, code left out)
  for (const block of art.querySelectorAll("p, li, td, th, dt, dd, h1, h2, h3, h4, h5, h6, caption, figcaption, summary")) {
    if (block.closest(skip)) continue;
    const clone = block.cloneNode(true);
    clone.querySelectorAll(skip + ", p, li, ul, ol, table, dl").forEach(el => el.replaceWith("\u0000"));
    const text = clone.textContent.replace(/[ \t\n]+/g, " ");
    for (const m of text.matchAll(gap)) out.spacing.push(`space between Chinese characters: "…${text.slice(Math.max(0, m.index - 8), m.index + m[0].length + 8).trim()}…"`);
  }
  // 2. theme strings in Chinese; 3. no claim ids, region codes or chapter file names in visible text
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement, text = node.data.replace(/\s+/g, " ").trim();
    if (!el || !text || el.closest(skip)) continue;
    const inArticle = art.contains(node);
    if (!inArticle || el.closest("details.hide > summary, .prev-next-area, footer")) {
      const found = latin(text);
      if (found.length) out.english.push(`English in the page's own text: "${text.slice(0, 50)}" (${found.join(", ")})`);
    } else {
      for (const s of themeEnglish) if (text.includes(s)) out.english.push(`theme string in English: "${text.slice(0, 50)}"`);
    }
    if (inArticle && shown(el)) {
      for (const re of ids) for (const m of text.matchAll(new RegExp(re, "g")))
        out.identifiers.push(`internal identifier in visible text: ${m[0]} in "${text.slice(0, 50)}"`);
    }
  }
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder]")) {
    if (el.closest("script, template")) continue;
    for (const attr of ["title", "aria-label", "placeholder"]) {
      const value = el.getAttribute(attr);
      if (value && latin(value).length) out.english.push(`English ${attr}="${value}" on <${el.tagName.toLowerCase()}>`);
    }
  }
  for (const key of Object.keys(out)) out[key] = [...new Set(out[key])];
  return out;
}
"""

# Claim ids (status.gdp_2011, word.word_…), region codes, chapter file names, vintage ids with a digit.
IDENTIFIER_PATTERNS = [r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*\.[a-z][a-z0-9]*_[a-z0-9_]+\b", r"\bCN-[A-Z]{2}\b",
                       r"\b0\d_[a-z][a-z_]*\b(?!\.)"]


def identifier_patterns() -> list[str]:
    """IDENTIFIER_PATTERNS plus the data package's vintage ids that contain a digit (census4, idx2021d)."""
    import csv

    from conftest import DATA

    patterns = list(IDENTIFIER_PATTERNS)
    try:
        with (DATA / "vintages.csv").open(encoding="utf-8") as fh:
            ids = [row["id"] for row in csv.DictReader(fh) if any(ch.isdigit() for ch in row.get("id", ""))]
    except (OSError, KeyError):
        ids = []
    if ids:
        patterns.append(r"\b(?:" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")\b")
    return patterns


def reader_problems(visit: Visit) -> dict[str, list[str]]:
    """What a reader sees, at 1280 px and at 400 px (the tab goes back to 1280 px afterwards):
    table columns, sideways scroll, charts, spaces in Chinese, English theme strings, internal ids."""
    from jjj_book import plots

    page = visit.page
    found: dict[str, list[str]] = {"tables": [], "overflow": [], "charts": []}
    try:
        for width in WIDTHS:
            if page.viewport_size["width"] != width:
                page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            result = page.evaluate(_WIDTH_JS, [plots.MIN_FONT_PT, plots.LEGIBLE_PX[width], plots.SCREEN_DPI,
                                               plots.PIXEL_RATIO, width])
            for key, problems in result.items():
                if key == "overflow" and width != 400:
                    continue   # a laptop window may scroll a very wide page; a phone never should
                found[key] += [f"[{width} px] {p}" for p in problems]
    finally:
        page.set_viewport_size(VIEWPORT)
    found.update(page.evaluate(_TEXT_JS, [list(THEME_ENGLISH), list(ALLOWED_LATIN), identifier_patterns()]))
    return found


# --------------------------------------------------------------------------- all checks, one load

@dataclass(repr=False)
class PageReport:
    """Every check on one page, from one load: problems by check (empty lists when all is well)."""

    visit: Visit
    problems: dict[str, list]

    def __repr__(self) -> str:
        return f"PageReport({self.visit.path}: {sum(map(len, self.problems.values()))} problem(s))"


def inspect_page(tab: Tab, url: str, site: Site) -> PageReport:
    visit = tab.open(url)
    written = site.link_problems(visit.path)
    live = [p for p in live_link_problems(visit, site) if p.reason not in {w.reason for w in written}]
    return PageReport(visit, {
        "requests": request_problems(visit),
        "console": console_problems(visit),
        "fonts": font_problems(visit, tab.cdp()),
        "images": image_problems(visit),
        "links": written + live,   # as written in the HTML, then those only the live page has
        **reader_problems(visit),  # tables, overflow, charts, spacing, english, identifiers
    })


# --------------------------------------------------------------------------- search

def search_url(server: StaticServer, query: str) -> str:
    return f"{server.origin}/search.html?q={quote(query)}"


def search_results(visit: Visit) -> list[str]:
    """Wait for the book's search page to finish; the result pages' paths, in the order listed."""
    visit.page.wait_for_function(
        """() => { const s = document.querySelector("#search-results .search-summary");
                   return s && s.innerText.trim().length > 0; }""")
    settle(visit)  # the result list fetches each page for its excerpt
    hrefs = visit.page.eval_on_selector_all("#search-results ul.search li > a", "els => els.map(a => a.href)")
    return list(dict.fromkeys(unquote(urlsplit(h).path).lstrip("/") for h in hrefs))


# --------------------------------------------------------------------------- evidence

def save_screenshot(page, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, timeout=15_000)
    return path


def expect_no_problems(problems, what: str) -> None:
    """Fail with one line per problem."""
    if problems:
        listing = "\n  - ".join(str(p) for p in problems)
        raise AssertionError(f"{what}: {len(problems)} problem(s)\n  - {listing}")
